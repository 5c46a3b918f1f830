/* store.c — choosing and opening the store (store.h). */
#include "persistence/store.h"

#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "persistence/pg_store.h"
#include "persistence/sqlite_uow.h"
#include "persistence/store_copy.h"

bool store_is_postgres_uri(const char *db)
{
    return db && (strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0);
}

bool store_is_missing(const StoreTarget *t)
{
    struct stat sb;
    return t->kind == STORE_SQLITE && stat(t->where, &sb) != 0 && errno == ENOENT;
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
        pg_describe(out->where, out->label, sizeof out->label);
    return ALLOT_OK;
}

static AllotStatus open_uow(const StoreTarget *t, bool create, Clock *clock, UnitOfWork **uow,
                            Views **views, ErrBuf *err)
{
    *uow = NULL;
    if (views)
        *views = NULL;
    bool pg = t->kind == STORE_POSTGRES;
    AllotStatus st = pg       ? pg_uow_open(t->where, clock, uow, err)
                     : create ? sqlite_uow_open(t->where, clock, uow, err)
                              : sqlite_uow_open_existing(t->where, clock, uow, err);
    if (st == ALLOT_OK && views)
        *views = pg ? pg_uow_views(*uow) : sqlite_uow_views(*uow);
    return st;
}

AllotStatus store_open(const StoreTarget *t, Clock *clock, UnitOfWork **uow, Views **views,
                       ErrBuf *err)
{
    return open_uow(t, true, clock, uow, views, err);
}

AllotStatus store_reopen(const StoreTarget *t, Clock *clock, UnitOfWork **uow, Views **views,
                         ErrBuf *err)
{
    return open_uow(t, false, clock, uow, views, err);
}

void store_set_write_notice(const StoreTarget *t, UnitOfWork *uow, const BulkWriteNotice *n)
{
    if (t->kind == STORE_SQLITE)
        sqlite_uow_set_write_notice(uow, n);
}

AllotStatus store_open_views(const StoreTarget *t, StoreAccess access, Views **out,
                             ErrBuf *err)
{
    *out = NULL;
    if (t->kind == STORE_POSTGRES)
        return pg_views_open(t->where, out, err);
    return access == STORE_READ_ONLY ? sqlite_views_open_readonly(t->where, out, err)
                                     : sqlite_views_open(t->where, out, err);
}

/* How often the SQLite follower looks for new events (well within SPEC.md §2's 1 s). */
#define SQLITE_FOLLOW_POLL_MS 100

AllotStatus store_follow(const StoreTarget *t, const FollowStart *start, EventFollower **out,
                         ErrBuf *err)
{
    *out = NULL;
    if (t->kind == STORE_POSTGRES)
        return pg_follow(t->where, start, out, err);
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
        return pg_relay_open(t->where, out, err);
    return sqlite_relay_open(t->where, out, err);
}

AllotStatus store_copy(const StoreTarget *from, const StoreTarget *to, CopyCounts *counts,
                       ErrBuf *err)
{
    memset(counts, 0, sizeof *counts);
    if (from->kind == to->kind && strcmp(from->where, to->where) == 0)
        return err_set(err, ALLOT_EINVALID, "copy: FROM and TO are the same store (%s)",
                       from->label);
    /* a SQLite file this copy creates goes again if the copy fails */
    bool created = to->kind == STORE_SQLITE && access(to->where, F_OK) != 0;
    StoreSink *sink;
    AllotStatus st = to->kind == STORE_POSTGRES ? pg_copy_in(to->where, &sink, err)
                                                : sqlite_copy_in(to->where, &sink, err);
    if (st != ALLOT_OK)
        return st;
    int64_t next_command_id = 1;
    st = from->kind == STORE_POSTGRES
             ? pg_copy_out(from->where, sink, counts, &next_command_id, err)
             : sqlite_copy_out(from->where, sink, counts, &next_command_id, err);
    ErrBuf e = {{0}};
    AllotStatus end = sink->ops->finish(sink, next_command_id, st == ALLOT_OK, &e);
    if (st == ALLOT_OK && end != ALLOT_OK)
        st = err_set(err, end, "%s", e.msg);
    sink->ops->destroy(sink);
    if (st != ALLOT_OK && created) {
        static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
        for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
            char p[sizeof to->where + 16];
            snprintf(p, sizeof p, "%s%s", to->where, suffix[i]);
            unlink(p);
        }
    }
    return st;
}
