/* store.c — choosing and opening the store (store.h). */
#include "persistence/store.h"

#include <stdio.h>
#include <string.h>

#include "persistence/sqlite_uow.h"

bool store_is_postgres_uri(const char *db)
{
    return db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0);
}

AllotStatus store_target(const char *db_arg, StoreTarget *out, ErrBuf *err)
{
    memset(out, 0, sizeof *out);
    AllotStatus st = sqlite_db_path(db_arg, out->where, sizeof out->where, err);
    if (st != ALLOT_OK)
        return st;
    out->kind = store_is_postgres_uri(out->where) ? STORE_POSTGRES : STORE_SQLITE;
    if (out->kind == STORE_SQLITE)
        snprintf(out->label, sizeof out->label, "%s", out->where);
    else
        snprintf(out->label, sizeof out->label, "PostgreSQL");
    return ALLOT_OK;
}

static AllotStatus no_postgres(ErrBuf *err)
{
    return err_set(err, ALLOT_ESTORAGE,
                   "PostgreSQL connection URIs are recognised, but this build has no "
                   "PostgreSQL store yet");
}

AllotStatus store_open(const StoreTarget *t, Clock *clock, UnitOfWork **uow, Views **views,
                       ErrBuf *err)
{
    *uow = NULL;
    if (views)
        *views = NULL;
    if (t->kind == STORE_POSTGRES)
        return no_postgres(err);
    AllotStatus st = sqlite_uow_open(t->where, clock, uow, err);
    if (st == ALLOT_OK && views)
        *views = sqlite_uow_views(*uow);
    return st;
}

AllotStatus store_open_views(const StoreTarget *t, StoreAccess access, Views **out,
                             ErrBuf *err)
{
    *out = NULL;
    if (t->kind == STORE_POSTGRES)
        return no_postgres(err);
    return access == STORE_READ_ONLY ? sqlite_views_open_readonly(t->where, out, err)
                                     : sqlite_views_open(t->where, out, err);
}

/* How often the SQLite follower looks for new events (well within SPEC.md §2's 1 s). */
#define SQLITE_FOLLOW_POLL_MS 100

AllotStatus store_follow(const StoreTarget *t, const FollowStart *start, EventFollower **out,
                         ErrBuf *err)
{
    *out = NULL;
    Views *v;
    AllotStatus st = store_open_views(t, STORE_READ_ONLY, &v, err);
    if (st == ALLOT_OK)
        *out = follower_on_views(v, true, start, SQLITE_FOLLOW_POLL_MS);
    return st;
}

AllotStatus store_open_relay(const StoreTarget *t, RelayStore **out, ErrBuf *err)
{
    *out = NULL;
    if (t->kind == STORE_POSTGRES)
        return no_postgres(err);
    return sqlite_relay_open(t->where, out, err);
}
