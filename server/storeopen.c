/* Opening the store with its upgrades (see gl_store_open in store.h). */
#include "migrate.h"
#include "store.h"

int gl_store_open(struct gl_store *s, const char *dir, struct gl_err *err)
{
    return gl_store_open_upgrading(s, dir, gl_migrate, err);
}
