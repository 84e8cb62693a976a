/* Text handed to what is outside the client: $EDITOR on a temporary file, and the terminal's
 * clipboard by OSC 52 (external.h). */
#include "external.h"

#include <curses.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "xmalloc.h"

char *app_edit_external(struct app *a, const char *text, const char *what)
{
    const char *tmp = getenv("TMPDIR");
    char *path = xasprintf("%s/greenlight-%s-XXXXXX.txt", tmp && *tmp ? tmp : "/tmp", what);
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        app_msg(a, true, "cannot create a temporary file: %s", strerror(errno));
        free(path);
        return NULL;
    }
    size_t n = strlen(text);
    bool ok = write(fd, text, n) == (ssize_t)n &&
              (n == 0 || text[n - 1] == '\n' || write(fd, "\n", 1) == 1);
    close(fd);
    char *result = NULL;
    if (!ok) {
        app_msg(a, true, "cannot write %s", path);
        goto out;
    }
    const char *editor = getenv("VISUAL");
    if (!editor || !*editor) editor = getenv("EDITOR");
    if (!editor || !*editor) editor = "vi";
    char *cmd = xasprintf("%s '%s'", editor, path);
    /* Hand the terminal to the editor the way mutt does, and take it back afterwards. */
    def_prog_mode();
    endwin();
    int rc = system(cmd);
    reset_prog_mode();
    free(cmd);
    app_resync_size(a);
    a->force_clear = true;
    app_dirty(a, DIRTY_ALL);
    if (rc != 0) {
        app_msg(a, true, "%s exited with status %d; nothing changed", editor, rc);
        goto out;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        app_msg(a, true, "cannot read %s back", path);
        goto out;
    }
    size_t cap = 4096, len = 0;
    result = xmalloc(cap);
    size_t got;
    while ((got = fread(result + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2) result = xrealloc(result, cap *= 2);
    }
    fclose(f);
    while (len > 0 && (result[len - 1] == '\n' || result[len - 1] == '\r'))
        len--;
    result[len] = '\0';
    size_t orig = strlen(text);
    while (orig > 0 && text[orig - 1] == '\n')
        orig--;
    if (len == orig && memcmp(result, text, len) == 0) {
        app_msg(a, false, "unchanged");
        free(result);
        result = NULL;
    }
out:
    unlink(path);
    free(path);
    return result;
}

void app_clipboard(struct app *a, const char *text)
{
    (void)a;
    size_t n = strlen(text);
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = xmalloc(cap);
    sodium_bin2base64(b64, cap, (const unsigned char *)text, n, sodium_base64_VARIANT_ORIGINAL);
    /* Curses has flushed its output (doupdate ran); the sequence goes straight out. */
    fprintf(stdout, "\033]52;c;%s\a", b64);
    fflush(stdout);
    free(b64);
}
