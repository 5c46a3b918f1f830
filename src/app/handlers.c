#include "app/handlers.h"

#include <string.h>

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

/* Loads product `sku`, or fails with EINVALID_SKU. */
static AllotStatus get_product(Repository *repo, const char *sku, Product **p, ErrBuf *err)
{
    AllotStatus st = repository_get(repo, sku, p, err);
    /* a product emptied by undoing its first batch is unknown again (SPEC.md §1.6) */
    if (st == ALLOT_OK && (!*p || product_is_empty(*p)))
        st = err_set(err, ALLOT_EINVALID_SKU, "invalid sku %s", sku);
    return st;
}

/* Loads the product that holds batch `ref`, or fails with EUNKNOWN_BATCH. */
static AllotStatus get_batch_product(Repository *repo, const char *ref, Product **p,
                                     ErrBuf *err)
{
    AllotStatus st = repository_get_by_batchref(repo, ref, p, err);
    if (st == ALLOT_OK && !*p)
        st = err_set(err, ALLOT_EUNKNOWN_BATCH, "unknown batch reference %s", ref);
    return st;
}

AllotStatus handle_allocate(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                            ErrBuf *err)
{
    Product *p;
    AllotStatus st = get_product(uow_products(uow), cmd->sku, &p, err);
    int64_t requested = 0;
    if (st == ALLOT_OK)
        st = request_moment(cmd, uow, &requested, err);
    if (st == ALLOT_OK)
        st = product_allocate(p, cmd->orderid, cmd->qty, cmd->need, requested, res->batchref,
                              err);
    return st;
}

AllotStatus handle_create_batch(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                                ErrBuf *err)
{
    (void)res;
    Repository *repo = uow_products(uow);
    Product *holder, *p = NULL;
    AllotStatus st = repository_get_by_batchref(repo, cmd->ref, &holder, err);
    if (st == ALLOT_OK && holder)
        st = err_set(err, ALLOT_EDUPLICATE_BATCH, "duplicate batch reference %s (sku %s)",
                     cmd->ref, product_sku(holder));
    if (st == ALLOT_OK)
        st = repository_get(repo, cmd->sku, &p, err);
    if (st == ALLOT_OK && !p) {
        p = product_new(cmd->sku);
        st = repository_add(repo, p, err);
    }
    if (st == ALLOT_OK)
        st = product_add_batch(p, cmd->ref, cmd->qty, cmd->eta, err);
    return st;
}

AllotStatus handle_change_batch_qty(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                                    ErrBuf *err)
{
    (void)res;
    Product *p;
    AllotStatus st = get_batch_product(uow_products(uow), cmd->ref, &p, err);
    if (st == ALLOT_OK)
        st = product_change_batch_qty(p, cmd->ref, cmd->qty, err);
    return st;
}

AllotStatus handle_change_batch_eta(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                                    ErrBuf *err)
{
    (void)res;
    Product *p;
    AllotStatus st = get_batch_product(uow_products(uow), cmd->ref, &p, err);
    if (st == ALLOT_OK)
        st = product_change_batch_eta(p, cmd->ref, cmd->eta, err);
    return st;
}

AllotStatus handle_cancel_line(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                               ErrBuf *err)
{
    (void)res;
    Product *p;
    AllotStatus st = get_product(uow_products(uow), cmd->sku, &p, err);
    if (st == ALLOT_OK)
        st = product_cancel_line(p, cmd->orderid, err);
    return st;
}

AllotStatus handle_allocate_to(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                               ErrBuf *err)
{
    Product *p;
    AllotStatus st = get_batch_product(uow_products(uow), cmd->ref, &p, err);
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
    return st;
}

AllotStatus handle_retry_backorders(const Command *cmd, UnitOfWork *uow, CommandResult *res,
                                    ErrBuf *err)
{
    (void)res;
    Product *p;
    AllotStatus st = repository_get(uow_products(uow), cmd->sku, &p, err);
    if (st == ALLOT_OK && p)
        product_retry_backorders(p);
    return st;
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

AllotStatus handle_undo(const Command *cmd, UnitOfWork *uow, CommandResult *res, ErrBuf *err)
{
    AllotStatus st = ALLOT_OK;
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
    return st;
}

AllotStatus handle_notify_out_of_stock(const Event *ev, HandlerDeps *deps, ErrBuf *err)
{
    if (!deps->notifier)
        return ALLOT_OK;
    return deps->notifier->send(deps->notifier, ev, err);
}
