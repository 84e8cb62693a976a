/* For the drift tests: a document of the repository read whole (they run from its root). */
#ifndef GL_TEST_DOCFILE_H
#define GL_TEST_DOCFILE_H

#include <stdio.h>
#include <stdlib.h>

/* The file's bytes with a NUL after them, to free; NULL when it cannot be opened. */
static inline char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc(n > 0 ? (size_t)n + 1 : 1);
    size_t got = n > 0 ? fread(s, 1, (size_t)n, f) : 0;
    s[got] = '\0';
    fclose(f);
    return s;
}

#endif
