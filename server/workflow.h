/* The approval workflow: loading and saving posts with their indexes, the legal transitions,
 * history entries and events. Used by the RPC handlers and by the link pages alike, with the
 * actor saying who acts (a staff user, an external visitor through a link, or the daemon). */
#ifndef GL_WORKFLOW_H
#define GL_WORKFLOW_H

#include <msgpack.h>
#include <stdbool.h>
#include <stdint.h>

#include "batch.h"
#include "events.h"
#include "records.h"
#include "store.h"

enum gl_actor_kind { ACTOR_STAFF, ACTOR_EXTERNAL, ACTOR_SYSTEM };

struct gl_actor {
    const char *name;
    enum gl_actor_kind kind;
    enum gl_role role;   /* a staff actor's role */
    uint64_t link;       /* the link acted through (external), else 0 */
    const char *address; /* the client's address (external), else NULL */
    /* An external actor: the step kinds its link decides (GL_STEP_BIT, from linkpolicy.c)
     * and the approver the link was made for (NULL when none). */
    unsigned decides;
    const char *approver;
};

/* Everything a workflow step needs: where to write, where to put events, where decoded
 * records live, who acts and when. */
struct gl_wf {
    struct gl_txn *t;
    struct gl_op *op;
    msgpack_zone *zone;
    const struct gl_actor *actor;
    int64_t now;
    uint32_t step; /* the approval step a decision being recorded is for (0: none) */
};

/* Loads a post; -1 with err not_found when there is none (or the store failed: see t->rc). */
int wf_post_load(struct gl_wf *wf, uint64_t id, struct gl_post *out, struct gl_err *err);
int wf_profile_load(struct gl_wf *wf, uint64_t id, struct gl_profile *out, struct gl_err *err);
/* Writes p, keeping the indexes in step with old (NULL for a new post). */
void wf_post_save(struct gl_wf *wf, const struct gl_post *old, const struct gl_post *p);
void wf_post_remove(struct gl_wf *wf, const struct gl_post *p);

/* History entry of p: type, the note (or NULL), the status before. */
void wf_history(struct gl_wf *wf, const struct gl_post *p, enum gl_history_type type,
                const char *note, enum gl_status from);
/* Queues an event for subscribers once the batch commits. */
void wf_event(struct gl_wf *wf, enum gl_event_type type, const struct gl_post *p, uint64_t link,
              const char *text);

/* What may be done to a post; each is allowed from a set of statuses (workflow.c). */
enum wf_action {
    WF_EDIT,
    WF_DELETE,
    WF_SUBMIT,
    WF_APPROVE,
    WF_REJECT,
    WF_RESCHEDULE,
    WF_SCHEDULE,
    WF_COMMENT,
    WF_PUBLISH,
    WF_PUBLISH_START,
    WF_PUBLISH_FAIL,
    WF_RETRY,
    WF_HOLD,
    WF_REMIND,
    WF_ACTION_COUNT
};
/* 0 when p's status allows the action, else -1 with err invalid_state saying why (a post
 * being published says so). */
int wf_check(const struct gl_post *p, enum wf_action a, struct gl_err *err);

/* The steps. Each checks the post's status (invalid_state), changes p, saves it, and records
 * history and the event. Return 0 or -1 with err set.
 * Approval runs through the profile's steps in order: wf_approve decides the first step not
 * yet approved for the current revision, if the actor may decide it (forbidden otherwise); the
 * post is approved when every step is. wf_reject may come from whoever may decide any step. */
int wf_submit(struct gl_wf *wf, struct gl_post *p, struct gl_err *err);
int wf_approve(struct gl_wf *wf, struct gl_post *p, const char *note, struct gl_err *err);
int wf_reject(struct gl_wf *wf, struct gl_post *p, const char *note, struct gl_err *err);
int wf_reschedule(struct gl_wf *wf, struct gl_post *p, int64_t at, const char *note,
                  struct gl_err *err);
int wf_schedule(struct gl_wf *wf, struct gl_post *p, struct gl_err *err);
/* A scheduled post is published: at once without a publisher command, or as the command's
 * outcome when its publishing ends well; note (or NULL) goes in the history (the live URL). */
int wf_publish(struct gl_wf *wf, struct gl_post *p, const char *note, struct gl_err *err);
/* The publisher command starts on a scheduled post, which becomes publishing: committed before
 * the command runs, so a daemon that dies meanwhile finds it at start and never publishes
 * twice, and nothing but a comment changes it until the outcome is recorded. */
int wf_publish_start(struct gl_wf *wf, struct gl_post *p, struct gl_err *err);
/* Publishing failed (note: the reason, e.g. the publisher's stderr, or the interruption). */
int wf_publish_fail(struct gl_wf *wf, struct gl_post *p, const char *note, struct gl_err *err);
/* A failed post goes back to scheduled, to be published again at its time (or now). */
int wf_retry(struct gl_wf *wf, struct gl_post *p, struct gl_err *err);
/* Deadlines: a post awaiting approval whose time came is held and marked overdue; one due
 * within its profile's reminder lead has its approvers reminded. */
int wf_mark_overdue(struct gl_wf *wf, struct gl_post *p, struct gl_err *err);
int wf_remind(struct gl_wf *wf, struct gl_post *p, struct gl_err *err);
/* Adds a comment; out_seq receives its id. */
int wf_comment(struct gl_wf *wf, struct gl_post *p, const char *text, bool shared,
               uint32_t *out_seq, struct gl_err *err);

/* Content edits: caption, platforms or media changed. Opens a new revision when the current
 * one has been sent for approval, and sends an approved or scheduled post back. Call before
 * changing p's fields; it saves the old revision. */
void wf_begin_content_edit(struct gl_wf *wf, struct gl_post *p);
/* Finishes an edit (content or not): saves, records history and the event. */
void wf_finish_edit(struct gl_wf *wf, const struct gl_post *old, struct gl_post *p,
                    bool content_changed);

/* Packs each approval step of p with its state on the current revision:
 * [{step, name, who, state: pending|approved|rejected, by, at}]. */
void wf_pack_steps(const struct gl_profile *prof, const struct gl_post *p, msgpack_packer *pk);
/* Whether actor may decide step (1-based) of prof. */
bool wf_may_decide(const struct gl_actor *actor, const struct gl_step *step);
/* The step the next approval of p decides (the profile's default step when it has none). */
const struct gl_step *wf_pending_step(const struct gl_profile *prof, const struct gl_post *p);

/* Packs the comments of a post (all, or only the shared ones) as an array. */
void wf_pack_comments(struct gl_txn *t, uint64_t post, bool shared_only, msgpack_packer *pk);
/* Packs the history of a post as an array, oldest first. */
void wf_pack_history(struct gl_txn *t, uint64_t post, msgpack_packer *pk);

#endif
