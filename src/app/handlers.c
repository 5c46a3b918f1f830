#include "app/handlers.h"

#include <string.h>

/* Commits, or on a failed step rolls back; returns the step's status. */
static AllotStatus finish(UnitOfWork *uow, AllotStatus st, ErrBuf *err)
{
    if (st != ALLOT_OK) {
        uow_rollback(uow);
        return st;
    }
    return uow_commit(uow, err);
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
    if (st == ALLOT_OK && !p)
        st = err_set(err, ALLOT_EINVALID_SKU, "invalid sku %s", cmd->sku);
    if (st == ALLOT_OK)
        st = product_allocate(p, cmd->orderid, cmd->qty, res->batchref, err);
    return finish(uow, st, err);
}

AllotStatus handle_create_batch(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                                ErrBuf *err)
{
    (void)res;
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
    return finish(uow, st, err);
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
    (void)res;
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = get_batch_product(uow, cmd->ref, &p, err);
    if (st == ALLOT_OK)
        st = product_change_batch_qty(p, cmd->ref, cmd->qty, err);
    return finish(uow, st, err);
}

AllotStatus handle_change_batch_eta(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                                    ErrBuf *err)
{
    (void)res;
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = get_batch_product(uow, cmd->ref, &p, err);
    if (st == ALLOT_OK)
        st = product_change_batch_eta(p, cmd->ref, cmd->eta, err);
    return finish(uow, st, err);
}

AllotStatus handle_cancel_line(const Command *cmd, HandlerDeps *deps, CommandResult *res,
                               ErrBuf *err)
{
    (void)res;
    UnitOfWork *uow = deps->uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    Product *p;
    st = repository_get(uow_products(uow), cmd->sku, &p, err);
    if (st == ALLOT_OK && !p)
        st = err_set(err, ALLOT_EINVALID_SKU, "invalid sku %s", cmd->sku);
    if (st == ALLOT_OK)
        st = product_cancel_line(p, cmd->orderid, err);
    return finish(uow, st, err);
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
    if (st == ALLOT_OK)
        st = product_allocate_to(p, cmd->orderid, cmd->qty, cmd->ref, err);
    if (st == ALLOT_OK)
        memcpy(res->batchref, cmd->ref, sizeof res->batchref);
    return finish(uow, st, err);
}

AllotStatus handle_notify_out_of_stock(const Event *ev, HandlerDeps *deps, ErrBuf *err)
{
    if (!deps->notifier)
        return ALLOT_OK;
    return deps->notifier->send(deps->notifier, ev, err);
}
