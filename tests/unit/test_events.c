/* The history and event types of protocol/events.h, the statuses of protocol/statuses.h and the
 * lists of protocol/README.md agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docfile.h"

#include "events.h"
#include "records.h"
#include "statuses.h"

/* The backquoted names in doc between the first `from` after `after` and the next `to`, in
 * order, each that looks like a type (no spaces), joined by spaces. */
static void names_between(const char *doc, const char *after, const char *from, const char *to,
                          char *out, size_t cap)
{
    out[0] = '\0';
    const char *a = strstr(doc, after);
    assert_non_null(a);
    const char *s = strstr(a, from);
    assert_non_null(s);
    const char *e = strstr(s, to);
    assert_non_null(e);
    size_t n = 0;
    for (const char *q = s; q < e; q++) {
        if (*q != '`') continue;
        const char *c = memchr(q + 1, '`', (size_t)(e - q - 1));
        if (!c) break;
        if (!memchr(q + 1, ' ', (size_t)(c - q - 1)) && !memchr(q + 1, ',', (size_t)(c - q - 1))) {
            n +=
                (size_t)snprintf(out + n, cap - n, "%s%.*s", n ? " " : "", (int)(c - q - 1), q + 1);
            assert_true(n < cap);
        }
        q = c;
    }
}

/* Fails unless the names protocol/README.md lists (names_between's after, from, to) are want,
 * in order; what and header name the list in the message. */
static void assert_documented(const char *after, const char *from, const char *to, const char *want,
                              const char *what, const char *header)
{
    char *doc = read_file("protocol/README.md");
    assert_non_null(doc);
    char got[2048];
    names_between(doc, after, from, to, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("protocol/README.md lists the %s\n  %s\n%s has\n  %s", what, got, header, want);
    free(doc);
}

/* Appends name to the space-separated list in out (*n bytes so far). */
static void add_name(char *out, size_t cap, size_t *n, const char *name)
{
    *n += (size_t)snprintf(out + *n, cap - *n, "%s%s", *n ? " " : "", name);
    assert_true(*n < cap);
}

static void test_history_types_documented(void **state)
{
    (void)state;
    char want[2048] = "";
    size_t n = 0;
    for (int t = 0; t < HIST_COUNT; t++)
        add_name(want, sizeof want, &n, gl_history_type_name((enum gl_history_type)t));
    assert_documented("**history entry**", "Types:", ".\n", want, "history types",
                      "protocol/events.h");
}

static void test_event_types_documented(void **state)
{
    (void)state;
    char want[2048] = "";
    size_t n = 0;
    for (int t = 0; t < EV_COUNT; t++)
        add_name(want, sizeof want, &n, gl_event_type_name((enum gl_event_type)t));
    assert_documented("**event**", "types", "`text` is", want, "event types", "protocol/events.h");
}

static void test_statuses_documented(void **state)
{
    (void)state;
    char want[2048] = "";
    size_t n = 0;
#define STATUS_NAME_(U, id, stored, name, ...) add_name(want, sizeof want, &n, name);
    GL_POST_STATUSES(STATUS_NAME_, ~)
#undef STATUS_NAME_
    assert_documented("**post**", "Statuses:", ".\n", want, "statuses", "protocol/statuses.h");
}

/* The daemon's statuses are the list's, with the stored values: each used once, none missing. */
static void test_statuses_stored(void **state)
{
    (void)state;
    int seen[ST_COUNT] = {0};
#define STATUS_CHECK_(U, id, stored, name, ...)                                                    \
    assert_int_equal(ST_##id, stored);                                                             \
    assert_true(stored < ST_COUNT);                                                                \
    seen[stored]++;                                                                                \
    assert_string_equal(gl_status_name(ST_##id), name);                                            \
    assert_int_equal(gl_status_parse(name), stored);
    GL_POST_STATUSES(STATUS_CHECK_, ~)
#undef STATUS_CHECK_
    for (int s = 0; s < ST_COUNT; s++)
        assert_int_equal(seen[s], 1);
}

static void test_names_out_of_range(void **state)
{
    (void)state;
    assert_string_equal(gl_history_type_name(HIST_COUNT), "unknown");
    assert_string_equal(gl_event_type_name(EV_COUNT), "unknown");
    assert_string_equal(gl_event_type_name(EV_POST_STEP_APPROVED), "post.step_approved");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_types_documented),
        cmocka_unit_test(test_event_types_documented),
        cmocka_unit_test(test_statuses_documented),
        cmocka_unit_test(test_statuses_stored),
        cmocka_unit_test(test_names_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
