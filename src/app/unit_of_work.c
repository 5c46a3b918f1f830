#include "app/unit_of_work.h"

#include <stdlib.h>

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
AllotStatus uow_commit(UnitOfWork *uow, ErrBuf *err) { return uow->ops->commit(uow, err); }
void uow_rollback(UnitOfWork *uow) { uow->ops->rollback(uow); }

AllotStatus uow_command_id(UnitOfWork *uow, int64_t *id, ErrBuf *err)
{
    return uow->ops->command_id(uow, id, err);
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
