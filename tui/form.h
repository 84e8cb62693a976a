/* A form: labelled fields edited one at a time on the prompt line, checked as they are typed,
 * then saved with one key. Profiles and colleagues are made and changed through forms. */
#ifndef TUI_FORM_H
#define TUI_FORM_H

#include "app.h"

enum ff_kind {
    FF_TEXT,   /* free text; min: least length in bytes */
    FF_CHOICE, /* one of choices */
    FF_BOOL,   /* yes or no: Enter toggles */
    FF_NUMBER, /* an integer in [min, max] */
    FF_ZONE,   /* an IANA zone, chosen from the searchable list (view_zones.c) */
    FF_STEPS,  /* approval steps: "Review: manager; Client: approver Jane" */
};

struct form_field {
    const char *label, *hint;
    enum ff_kind kind;
    const char *const *choices; /* FF_CHOICE, NULL-terminated */
    int min, max;
    char value[512];
    bool changed;
};

struct form;
/* Called on the save key with the ud the form was made with and the form's screen; sends the
 * request with a screen as its ud, and the reply calls form_saved or form_failed with the form's
 * screen (as a prompt's answer comes to the ud it was asked with). */
typedef void (*form_save_fn)(void *ud, struct view *screen, struct form *f);
/* After a successful save, with the ud it was given with. */
typedef void (*form_done_fn)(void *ud);

struct form {
    char title[128];
    const char *intro;
    struct form_field f[16];
    size_t n, sel;
    form_save_fn save;
    void *ud;   /* save's */
    int64_t id; /* what is edited, 0 for a new one */
    bool sending;
    form_done_fn done; /* after a successful save (may be NULL), given done_ud */
    void *done_ud;
};

/* A new form, saved by save with ud; add fields, then form_open. */
struct form *form_new(const char *title, form_save_fn save, void *ud);
struct form_field *form_add(struct form *f, const char *label, enum ff_kind kind,
                            const char *value);
/* Pushes the form screen; it owns f until it is closed. */
void form_open(struct app *a, struct form *f);
/* The form the form screen shows (NULL when none). */
struct form *form_current(struct view *screen);
/* The value of a field by label. */
const char *form_value(const struct form *f, const char *label);
/* The reply came, to the form's screen: closes the form (and calls done), or keeps every answer
 * and says why. */
void form_saved(struct view *screen, const char *msg);
void form_failed(struct view *screen, const char *what, const struct gl_err *err);
/* Sets a field's value (the zone list does, when a zone is chosen). */
void form_set(struct app *a, struct form_field *fld, const char *value);

/* The searchable list of IANA zones; the one chosen goes into fld, of the form the form screen
 * shows. */
void view_zones_open(struct view *form_screen, struct form_field *fld);

/* The forms the client has (view_picker.c, view_people.c): a profile (p NULL: a new one), a
 * colleague invited; done runs with ud after a successful save. */
void profile_form_open(struct app *a, const struct md_profile *p, form_done_fn done, void *ud);
void people_invite(struct app *a, form_done_fn done, void *ud);
/* Asks for a new password of one's own, twice, hidden; done with ud after it is set. */
void people_own_password(struct app *a, form_done_fn done, void *ud);
/* A readable random password ("abcd-efgh-jkmn-pqrs"), from libsodium's randombytes. */
void people_gen_password(char *buf, size_t n);
/* The password last generated for someone, shown once until the screen is left (y copies). */
const char *people_shown_password(struct app *a);

/* Approval steps between the form's words and the wire: "Review: manager; Client: approver
 * Jane" parses into steps packed as the protocol's list; false (with why) when it does not. */
enum { FORM_STEPS_MAX = 5 };
struct form_step {
    char name[101], who[16], approver[101];
};
/* Who decides a step, in the protocol's words: NULL-terminated. */
extern const char *const form_step_who[];
/* Returns the count, or -1 with why. */
int form_steps_parse(const char *text, struct form_step *out, size_t max, char *why, size_t whyn);
void form_steps_format(const struct form_step *s, size_t n, char *buf, size_t len);
/* The list of a profile's approval steps: add, change, remove, reorder; kept in fld, of the form
 * the form screen shows. */
void view_steps_open(struct view *form_screen, struct form_field *fld);
bool form_steps_pack(const char *text, msgpack_packer *pk, char *why, size_t whyn);
bool form_steps_check(const char *text, char *why, size_t whyn);

#endif
