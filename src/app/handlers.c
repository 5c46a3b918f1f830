#include "app/handlers.h"

#include <stdbool.h>
#include <string.h>

/* The actor of cmd: its own (an API client's), else the process's. */
static const char *actor_of(const Command *cmd, const HandlerDeps *deps)
{
    return cmd->actor[0] ? cmd->actor : deps->actor ? deps->actor : "";
}

/* Stamps the events of every product seen with the command id and actor (SPEC.md
 * §1.6), then commits; on a failed step rolls back.  Returns the step's status. */
static AllotStatus finish(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                          AllotStatus st, ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    if (st != ALLOT_OK) {
        uow_rollback(uow);
        return st;
    }
    Repository *repo = uow_products(uow);
    bool changed = false;
    for (size_t i = 0; i < repo->nseen && !changed; i++)
        changed = product_events(repo->seen[i])->len > 0;
    if (changed) {
        int64_t id;
        st = uow_command_id(uow, &id, err);
        if (st != ALLOT_OK) {
            uow_rollback(uow);
            return st;
        }
        for (size_t i = 0; i < repo->nseen; i++)
            product_stamp_events(repo->seen[i], id, actor_of(cmd, deps));
        res->command_id = id;
    }
    return uow_commit(uow, err);
}

/* The moment of first request of the line that cmd creates: the one it restores,
 * else the command's own id (monotonic across the store). */
static AllotStatus request_moment(const Command *cmd, UnitOfWork *uow, int64_t *out,
                                  ErrBuf *err)
{
    if (cmd->requested > 0) {
        *out = cmd->requested;
        return ALLOT_OK;
    }
    return uow_command_id(uow, out, err);
}

AllotStatus handle_allocate(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                            ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = repository_get(uow_products(uow), cmd->sku, &p, err);
    if (st == ALLOT_OK && (!p || product_is_empty(p)))
        st = err_set(err, ALLOT_EINVALID_SKU, "invalid sku %s", cmd->sku);
    int64_t requested = 0;
    if (st == ALLOT_OK)
        st = request_moment(cmd, uow, &requested, err);
    if (st == ALLOT_OK)
        st = product_allocate(p, cmd->orderid, cmd->qty, cmd->need, requested, res->batchref,
                              err);
    return finish(cmd, deps, res, st, err);
}

AllotStatus handle_create_batch(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                                ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *holder, *p = NULL;
    st = repository_get_by_batchref(uow_products(uow), cmd->ref, &holder, err);
    if (st == ALLOT_OK && holder)
        st = err_set(err, ALLOT_EDUPLICATE_BATCH, "duplicate batch reference %s (sku %s)",
                     cmd->ref, product_sku(holder));
    if (st == ALLOT_OK)
        st = repository_get(uow_products(uow), cmd->sku, &p, err);
    if (st == ALLOT_OK && !p) {
        p = product_new(cmd->sku);
        st = repository_add(uow_products(uow), p, err);
    }
    if (st == ALLOT_OK)
        st = product_add_batch(p, cmd->ref, cmd->qty, cmd->eta, err);
    return finish(cmd, deps, res, st, err);
}

/* Loads the product that holds batch cmd->ref, or fails with EUNKNOWN_BATCH. */
static AllotStatus get_batch_product(UnitOfWork *uow, const char *ref, Product **p,
                                     ErrBuf *err)
{
    AllotStatus st = repository_get_by_batchref(uow_products(uow), ref, p, err);
    if (st == ALLOT_OK && !*p)
        st = err_set(err, ALLOT_EUNKNOWN_BATCH, "unknown batch reference %s", ref);
    return st;
}

AllotStatus handle_change_batch_qty(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                                    ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = get_batch_product(uow, cmd->ref, &p, err);
    if (st == ALLOT_OK)
        st = product_change_batch_qty(p, cmd->ref, cmd->qty, err);
    return finish(cmd, deps, res, st, err);
}

AllotStatus handle_change_batch_eta(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                                    ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = get_batch_product(uow, cmd->ref, &p, err);
    if (st == ALLOT_OK)
        st = product_change_batch_eta(p, cmd->ref, cmd->eta, err);
    return finish(cmd, deps, res, st, err);
}

AllotStatus handle_cancel_line(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                               ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = repository_get(uow_products(uow), cmd->sku, &p, err);
    if (st == ALLOT_OK && (!p || product_is_empty(p)))
        st = err_set(err, ALLOT_EINVALID_SKU, "invalid sku %s", cmd->sku);
    if (st == ALLOT_OK)
        st = product_cancel_line(p, cmd->orderid, err);
    return finish(cmd, deps, res, st, err);
}

AllotStatus handle_allocate_to(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                               ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = get_batch_product(uow, cmd->ref, &p, err);
    if (st == ALLOT_OK && strcmp(product_sku(p), cmd->sku) != 0)
        st = err_set(err, ALLOT_ESKU_MISMATCH, "batch %s holds sku %s, not %s", cmd->ref,
                     product_sku(p), cmd->sku);
    int64_t requested = 0;
    if (st == ALLOT_OK)
        st = request_moment(cmd, uow, &requested, err);
    if (st == ALLOT_OK)
        st = product_allocate_to(p, cmd->orderid, cmd->qty, cmd->need, requested, cmd->ref,
                                 err);
    if (st == ALLOT_OK)
        memcpy(res->batchref, cmd->ref, sizeof res->batchref);
    return finish(cmd, deps, res, st, err);
}

AllotStatus handle_retry_backorders(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                                    ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = repository_get(uow_products(uow), cmd->sku, &p, err);
    if (st == ALLOT_OK && p)
        product_retry_backorders(p);
    return finish(cmd, deps, res, st, err);
}

/* The SKUs named by `evs`, each once, in the order first seen. */
static size_t skus_of(const EventVec *evs, AllotId *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < evs->len; i++) {
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(out[k], evs->items[i].sku) == 0;
        if (!seen && n < max)
            memcpy(out[n++], evs->items[i].sku, sizeof(AllotId));
    }
    return n;
}

AllotStatus handle_undo(const Command *cmd, HandlerDeps *deps, CommandResult *res, ErrBuf *err)
{
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    int64_t target = cmd->target, later = 0;
    if (target == 0 && (st = uow_latest_command(uow, &target, err)) == ALLOT_OK && target == 0)
        st = err_set(err, ALLOT_EUNKNOWN_COMMAND, "nothing to undo: the event log has no command");
    EventVec evs;
    event_vec_init(&evs);
    if (st == ALLOT_OK)
        st = uow_command_log(uow, target, &evs, &later, err);
    if (st == ALLOT_OK && evs.len == 0)
        st = err_set(err, ALLOT_EUNKNOWN_COMMAND, "no command %lld in the event log",
                     (long long)target);
    AllotId skus[8];
    size_t nskus = st == ALLOT_OK ? skus_of(&evs, skus, 8) : 0;
    if (st == ALLOT_OK && later)
        st = err_set(err, ALLOT_EUNDO_REFUSED,
                     "cannot undo command %lld: command %lld changed %s since", (long long)target,
                     (long long)later, nskus == 1 ? skus[0] : "its products");
    for (size_t i = 0; st == ALLOT_OK && i < nskus; i++) {
        Product *p;
        st = repository_get(uow_products(uow), skus[i], &p, err);
        if (st == ALLOT_OK && !p)
            st = err_set(err, ALLOT_ESTORAGE, "cannot undo command %lld: product %s is missing",
                         (long long)target, skus[i]);
        if (st == ALLOT_OK)
            st = product_undo(p, evs.items, evs.len, target, err);
    }
    event_vec_fini(&evs);
    res->undone = target;
    return finish(cmd, deps, res, st, err);
}

AllotStatus handle_notify_out_of_stock(const Event *ev, HandlerDeps *deps, ErrBuf *err)
{
    if (!deps->notifier)
        return ALLOT_OK;
    return deps->notifier->send(deps->notifier, ev, err);
}
