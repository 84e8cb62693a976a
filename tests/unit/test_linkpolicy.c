/* The link policy table: its decisions, the questions asked of it, and docs/http.md in step.
 * Run with --markdown to print the table for the docs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docfile.h"

#include "linkpolicy.h"
#include "webctx.h"
#include "workflow.h"

static struct gl_post post(uint64_t id, enum gl_status s)
{
    return (struct gl_post){
        .id = id, .profile = 1, .status = s, .scheduled_at = 1000, .caption = "", .notes = ""};
}

static void test_calendar_is_read_only(void **state)
{
    (void)state;
    const struct gl_link_policy *c = gl_link_policy(LINK_CALENDAR);
    assert_int_equal(c->actions, 0);
    assert_int_equal(c->decides, 0);
    assert_int_equal(c->fields & (LF_NOTES | LF_COMMENTS | LF_HISTORY | LF_PENDING), 0);
    assert_true(c->fields & LF_CAPTION);
    assert_false(c->asks_name);
    assert_true(c->needs_time);
    struct gl_link l = {.id = 1, .kind = LINK_CALENDAR, .profile = 1};
    struct gl_post p = post(5, ST_AWAITING);
    assert_true(gl_link_shows(&l, &p));
    p.scheduled_at = GL_TIME_NONE;
    assert_false(gl_link_shows(&l, &p)); /* no time: not on a calendar */
    for (int s = 0; s < ST_COUNT; s++) {
        p = post(5, (enum gl_status)s);
        assert_int_equal(gl_link_shows(&l, &p), s != ST_DRAFT && s != ST_FAILED);
    }
}

static void test_no_link_shows_drafts_or_other_profiles(void **state)
{
    (void)state;
    for (int k = 0; k < LINK_KIND_COUNT; k++) {
        struct gl_link l = {.id = 1, .kind = (enum gl_link_kind)k, .profile = 1};
        struct gl_post p = post(5, ST_DRAFT);
        assert_false(gl_link_shows(&l, &p));
        p = post(5, ST_AWAITING);
        p.profile = 2;
        assert_false(gl_link_shows(&l, &p));
    }
}

static void test_approval_scope(void **state)
{
    (void)state;
    struct gl_link l = {.id = 7, .kind = LINK_APPROVAL, .profile = 1, .approver = "Claire"};
    /* Without a list: what awaits approval, and what it decided itself. */
    struct gl_post p = post(5, ST_AWAITING);
    assert_true(gl_link_shows(&l, &p));
    p = post(5, ST_SCHEDULED);
    assert_false(gl_link_shows(&l, &p));
    p = post(5, ST_PUBLISHED);
    assert_false(gl_link_shows(&l, &p));
    p = post(5, ST_APPROVED);
    assert_false(gl_link_shows(&l, &p));
    struct gl_approval mine = {.step = 1, .approved = true, .by = "Claire", .link = 7};
    p.approvals = &mine;
    p.napprovals = 1;
    assert_true(gl_link_shows(&l, &p));
    mine.link = 8;
    assert_false(gl_link_shows(&l, &p)); /* decided through another link */
    /* With a list: those posts only, whatever their (outside) status. */
    int64_t list[] = {5, 6};
    l.posts = list;
    l.nposts = 2;
    p = post(6, ST_SCHEDULED);
    assert_true(gl_link_shows(&l, &p));
    p = post(9, ST_AWAITING);
    assert_false(gl_link_shows(&l, &p));
}

static void test_who_decides_which_step(void **state)
{
    (void)state;
    struct gl_step collaborator = {"Partner", "collaborator", NULL};
    struct gl_step approver = {"Client", "approver", NULL};
    struct gl_step legacy = {"Client", "external", NULL};
    struct gl_step jane = {"Client", "approver", "Jane Client"};
    struct gl_step any = {"Approval", "any", NULL};
    struct gl_step manager = {"Lead", "manager", NULL};
    struct gl_profile prof = {.id = 1, .name = "P", .timezone = "UTC", .nsteps = 1};
    struct gl_post p = post(5, ST_AWAITING);
    struct gl_link collab = {.id = 1, .kind = LINK_COLLAB, .profile = 1};
    struct gl_link appr = {.id = 2, .kind = LINK_APPROVAL, .profile = 1, .approver = "jane client"};
    struct gl_link bob = {.id = 3, .kind = LINK_APPROVAL, .profile = 1, .approver = "Bob"};
    struct gl_link cal = {.id = 4, .kind = LINK_CALENDAR, .profile = 1};
    const struct {
        struct gl_step *step;
        bool collab, appr, bob, cal;
    } cases[] = {
        {&collaborator, true, false, false, false},
        {&approver, false, true, true, false},
        {&legacy, false, true, true, false},
        {&jane, false, true, false, false},
        {&any, true, true, true, false},
        {&manager, false, false, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        prof.steps = cases[i].step;
        assert_int_equal(gl_link_may_decide(&collab, &prof, &p), cases[i].collab);
        assert_int_equal(gl_link_may_decide(&appr, &prof, &p), cases[i].appr);
        assert_int_equal(gl_link_may_decide(&bob, &prof, &p), cases[i].bob);
        assert_int_equal(gl_link_may_decide(&cal, &prof, &p), cases[i].cal);
    }
    /* Staff never decide the steps meant for people outside. */
    struct gl_actor admin = {.name = "admin", .kind = ACTOR_STAFF, .role = ROLE_ADMIN};
    assert_false(wf_may_decide(&admin, &collaborator));
    assert_false(wf_may_decide(&admin, &approver));
    assert_true(wf_may_decide(&admin, &any));
    /* Nothing to decide on a post that does not await approval. */
    prof.steps = &any;
    p = post(5, ST_APPROVED);
    assert_false(gl_link_may_decide(&collab, &prof, &p));
}

static void test_step_words(void **state)
{
    (void)state;
    assert_int_equal(gl_step_kind("approver"), STEP_APPROVER);
    assert_int_equal(gl_step_kind("external"), STEP_APPROVER);
    assert_int_equal(gl_step_kind("collaborator"), STEP_COLLABORATOR);
    assert_int_equal(gl_step_kind("any"), STEP_ANY);
    assert_int_equal(gl_step_kind("editor"), STEP_ROLE);
    assert_int_equal(gl_step_kind("viewer"), -1);
    assert_int_equal(gl_step_kind(NULL), -1);
}

/* The pages' labels (web_status_label) say what the table says. */
static void test_labels_agree_with_the_pages(void **state)
{
    (void)state;
    struct web w;
    memset(&w, 0, sizeof w);
    for (int k = 0; k < LINK_KIND_COUNT; k++) {
        w.link.kind = (enum gl_link_kind)k;
        const struct gl_link_policy *pol = gl_link_policy((enum gl_link_kind)k);
        for (int s = 0; s < ST_COUNT; s++)
            if (pol->statuses & GL_ST_BIT(s) && pol->labels[s])
                assert_string_equal(web_status_label(&w, (enum gl_status)s), pol->labels[s]);
    }
}

/* The badges as the pages drew them before the labels came from GL_STATUSES. */
static void test_status_badges(void **state)
{
    (void)state;
    struct web w;
    memset(&w, 0, sizeof w);
    w.link.kind = LINK_COLLAB;
    assert_string_equal(web_status_label(&w, ST_AWAITING), "awaiting approval");
    assert_string_equal(web_status_class(&w, ST_AWAITING), "st-await");
    assert_string_equal(web_status_label(&w, ST_CHANGES), "changes requested");
    assert_string_equal(web_status_class(&w, ST_CHANGES), "st-changes");
    assert_string_equal(web_status_class(&w, ST_APPROVED), "st-appr");
    assert_string_equal(web_status_class(&w, ST_PUBLISHING), "st-sched");
    assert_string_equal(web_status_label(&w, ST_PUBLISHING), "publishing");
    assert_string_equal(web_status_class(&w, ST_PUBLISHED), "st-pub");
    assert_string_equal(web_status_class(&w, ST_FAILED), "st-fail");
    assert_string_equal(web_status_label(&w, ST_DRAFT), "draft");
    w.link.kind = LINK_CALENDAR;
    assert_string_equal(web_status_label(&w, ST_APPROVED), "pre-scheduled");
    assert_string_equal(web_status_class(&w, ST_APPROVED), "st-pre");
    assert_string_equal(web_status_label(&w, ST_SCHEDULED), "scheduled");
    assert_string_equal(web_status_class(&w, ST_SCHEDULED), "st-sched");
    assert_string_equal(web_status_class(&w, ST_PUBLISHING), "st-sched");
}

static void test_docs_show_the_table(void **state)
{
    (void)state;
    struct gl_buf b;
    buf_init(&b, 2048);
    gl_link_policy_markdown(&b);
    buf_put(&b, "", 1);
    char *doc = read_file("docs/http.md");
    assert_non_null(doc); /* run from the repository's root, as make test-unit does */
    if (!strstr(doc, b.p))
        fail_msg("docs/http.md does not show the link policy table; it is:\n%s", b.p);
    free(doc);
    buf_free(&b);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--markdown") == 0) {
        struct gl_buf b;
        buf_init(&b, 2048);
        gl_link_policy_markdown(&b);
        fwrite(b.p, 1, b.n, stdout);
        buf_free(&b);
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar_is_read_only),
        cmocka_unit_test(test_no_link_shows_drafts_or_other_profiles),
        cmocka_unit_test(test_approval_scope),
        cmocka_unit_test(test_who_decides_which_step),
        cmocka_unit_test(test_step_words),
        cmocka_unit_test(test_labels_agree_with_the_pages),
        cmocka_unit_test(test_status_badges),
        cmocka_unit_test(test_docs_show_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
