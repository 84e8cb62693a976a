/* Store upgrades: the steps that bring a store from one schema version to the next. */
#ifndef GL_MIGRATE_H
#define GL_MIGRATE_H

#include <lmdb.h>

#include "store.h"

/* Brings the store from schema version `from` to GL_SCHEMA_VERSION inside txn (the write
 * transaction that opens the store, so an upgrade is all or nothing), step by step, each
 * logged, and records the new version in DB_META "schema". Returns 0 or an LMDB error. */
int gl_migrate(struct gl_store *s, MDB_txn *txn, unsigned from);

#endif
