#include "app/unit_of_work.h"

#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

static void track(Repository *repo, Product *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < repo->nseen; i++)
        if (repo->seen[i] == p)
            return;
    if (repo->nseen == repo->capseen) {
        repo->capseen = repo->capseen ? repo->capseen * 2 : 8;
        repo->seen = xreallocarray(repo->seen, repo->capseen, sizeof *repo->seen);
    }
    repo->seen[repo->nseen++] = p;
}

AllotStatus repository_get(Repository *repo, const char *sku, Product **out, ErrBuf *err)
{
    *out = NULL;
    AllotStatus st = repo->ops->get(repo, sku, out, err);
    if (st == ALLOT_OK)
        track(repo, *out);
    return st;
}

AllotStatus repository_get_by_batchref(Repository *repo, const char *ref, Product **out,
                                       ErrBuf *err)
{
    *out = NULL;
    AllotStatus st = repo->ops->get_by_batchref(repo, ref, out, err);
    if (st == ALLOT_OK)
        track(repo, *out);
    return st;
}

AllotStatus repository_add(Repository *repo, Product *p, ErrBuf *err)
{
    AllotStatus st = repo->ops->add(repo, p, err);
    if (st == ALLOT_OK)
        track(repo, p);
    return st;
}

void repository_clear_seen(Repository *repo) { repo->nseen = 0; }

void repository_fini(Repository *repo)
{
    free(repo->seen);
    repo->seen = NULL;
    repo->nseen = repo->capseen = 0;
}

AllotStatus uow_begin(UnitOfWork *uow, ErrBuf *err) { return uow->ops->begin(uow, err); }
AllotStatus uow_begin_read(UnitOfWork *uow, ErrBuf *err)
{
    return uow->ops->begin_read ? uow->ops->begin_read(uow, err) : uow->ops->begin(uow, err);
}
AllotStatus uow_commit(UnitOfWork *uow, ErrBuf *err) { return uow->ops->commit(uow, err); }
void uow_rollback(UnitOfWork *uow) { uow->ops->rollback(uow); }

AllotStatus uow_command_id(UnitOfWork *uow, int64_t *id, ErrBuf *err)
{
    return uow->ops->command_id(uow, id, err);
}

AllotStatus uow_command_log(UnitOfWork *uow, int64_t id, EventVec *out, int64_t *later,
                            ErrBuf *err)
{
    *later = 0;
    return uow->ops->command_log(uow, id, out, later, err);
}

AllotStatus uow_latest_command(UnitOfWork *uow, int64_t *id, ErrBuf *err)
{
    *id = 0;
    return uow->ops->latest_command(uow, id, err);
}

/* ---- over an event log in memory (memory and sandbox stores) ---- */

AllotStatus event_log_command(const EventVec *log, int64_t id, EventVec *out, int64_t *later)
{
    size_t first = out->len, last = 0;
    for (size_t i = 0; i < log->len; i++) {
        if (log->items[i].command_id != id)
            continue;
        event_vec_push(out, &log->items[i]);
        last = i;
    }
    for (size_t i = last + 1; out->len > first && i < log->len; i++) {
        const Event *e = &log->items[i];
        if (e->command_id <= id || (*later && e->command_id >= *later))
            continue;
        for (size_t k = first; k < out->len; k++) {
            if (strcmp(out->items[k].sku, e->sku) == 0) {
                *later = e->command_id;
                break;
            }
        }
    }
    return ALLOT_OK;
}

int64_t event_log_latest_command(const EventVec *log)
{
    for (size_t i = log->len; i-- > 0;)
        if (log->items[i].command_id > 0)
            return log->items[i].command_id;
    return 0;
}
AllotStatus uow_bulk_begin(UnitOfWork *uow, ErrBuf *err) { return uow->ops->bulk_begin(uow, err); }

AllotStatus uow_bulk_end(UnitOfWork *uow, bool commit, ErrBuf *err)
{
    return uow->ops->bulk_end(uow, commit, err);
}

void uow_free(UnitOfWork *uow)
{
    if (uow)
        uow->ops->destroy(uow);
}

void uow_collect_new_events(UnitOfWork *uow, EventVec *out)
{
    Repository *repo = uow->products;
    for (size_t i = 0; i < repo->nseen; i++)
        product_take_events(repo->seen[i], out);
}
