/* The workflow's rules as protocol/README.md states them: which status allows which action
 * (every status, every action), and who may decide an approval step (every kind of actor). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "workflow.h"

#define B(s) (1u << (s))
#define ALL ((1u << ST_COUNT) - 1)

/* Written from the README's workflow table, not from workflow.c's. */
static const unsigned allowed[WF_ACTION_COUNT] = {
    [WF_EDIT] = ALL & ~B(ST_PUBLISHING) & ~B(ST_PUBLISHED),
    [WF_DELETE] = ALL & ~B(ST_PUBLISHING) & ~B(ST_PUBLISHED),
    /* failed: only once edited since its approval, which wf_submit checks beyond the table */
    [WF_SUBMIT] = B(ST_DRAFT) | B(ST_CHANGES) | B(ST_FAILED),
    [WF_APPROVE] = B(ST_AWAITING),
    [WF_REJECT] = B(ST_AWAITING) | B(ST_APPROVED) | B(ST_SCHEDULED),
    [WF_RESCHEDULE] = ALL & ~B(ST_PUBLISHING) & ~B(ST_PUBLISHED) & ~B(ST_FAILED),
    [WF_SCHEDULE] = B(ST_APPROVED),
    [WF_COMMENT] = ALL,
    [WF_PUBLISH] = B(ST_SCHEDULED) | B(ST_PUBLISHING),
    [WF_PUBLISH_START] = B(ST_SCHEDULED),
    [WF_PUBLISH_FAIL] = B(ST_PUBLISHING),
    [WF_RETRY] = B(ST_FAILED),
    [WF_HOLD] = B(ST_AWAITING) | B(ST_CHANGES),
    [WF_REMIND] = B(ST_AWAITING),
};

static void test_every_status_every_action(void **state)
{
    (void)state;
    for (int a = 0; a < WF_ACTION_COUNT; a++)
        for (int s = 0; s < ST_COUNT; s++) {
            struct gl_post p = {.id = 12, .status = (enum gl_status)s};
            struct gl_err err = {0};
            int rc = wf_check(&p, (enum wf_action)a, &err);
            bool want = allowed[a] & B(s);
            if (want != (rc == 0))
                fail_msg("action %d from %s: %s, expected %s", a, gl_status_name(p.status),
                         rc == 0 ? "allowed" : "refused", want ? "allowed" : "refused");
            if (rc) {
                assert_int_equal(err.code, GL_E_INVALID_STATE);
                /* A post being published says so, so nobody retries blindly. */
                if (s == ST_PUBLISHING) assert_non_null(strstr(err.message, "being published"));
                if (s == ST_PUBLISHED) assert_non_null(strstr(err.message, "already published"));
            }
        }
}

static void test_who_decides_a_step(void **state)
{
    (void)state;
    const struct gl_step manager = {.name = "Boss", .who = "manager"};
    const struct gl_step editor = {.name = "Peer", .who = "editor"};
    const struct gl_step any = {.name = "Approval", .who = "any"};
    const struct gl_step client = {.name = "Client", .who = "approver", .approver = "Maria"};
    const struct gl_step anyclient = {.name = "Client", .who = "approver"};
    const struct gl_step collab = {.name = "Partner", .who = "collaborator"};
    const struct gl_step bogus = {.name = "?", .who = "nobody"};

    for (int r = ROLE_NONE; r <= ROLE_ADMIN; r++) {
        struct gl_actor staff = {.name = "s", .kind = ACTOR_STAFF, .role = (enum gl_role)r};
        assert_int_equal(wf_may_decide(&staff, &manager), r >= ROLE_MANAGER);
        assert_int_equal(wf_may_decide(&staff, &editor), r >= ROLE_EDITOR);
        assert_int_equal(wf_may_decide(&staff, &any), r >= ROLE_MANAGER);
        assert_false(wf_may_decide(&staff, &client));
        assert_false(wf_may_decide(&staff, &collab));
        assert_false(wf_may_decide(&staff, &bogus));
    }
    struct gl_actor maria = {.name = "Maria", .kind = ACTOR_EXTERNAL, .link = 1,
                             .decides = GL_STEP_BIT(STEP_APPROVER) | GL_STEP_BIT(STEP_ANY),
                             .approver = "maria"};
    assert_true(wf_may_decide(&maria, &client)); /* names compare without case */
    assert_true(wf_may_decide(&maria, &anyclient));
    assert_true(wf_may_decide(&maria, &any));
    assert_false(wf_may_decide(&maria, &collab));
    assert_false(wf_may_decide(&maria, &manager));
    struct gl_actor other = maria;
    other.approver = "Jo";
    assert_false(wf_may_decide(&other, &client));
    assert_true(wf_may_decide(&other, &anyclient));
    struct gl_actor partner = {.name = "p", .kind = ACTOR_EXTERNAL, .link = 2,
                               .decides = GL_STEP_BIT(STEP_COLLABORATOR) | GL_STEP_BIT(STEP_ANY)};
    assert_true(wf_may_decide(&partner, &collab));
    assert_false(wf_may_decide(&partner, &client));
    struct gl_actor calendar = {.name = "c", .kind = ACTOR_EXTERNAL, .link = 3, .decides = 0};
    assert_false(wf_may_decide(&calendar, &any));
    struct gl_actor daemon = {.name = "greenlightd", .kind = ACTOR_SYSTEM, .role = ROLE_ADMIN};
    assert_false(wf_may_decide(&daemon, &any));
    assert_false(wf_may_decide(&daemon, &manager));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status_every_action),
        cmocka_unit_test(test_who_decides_a_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
