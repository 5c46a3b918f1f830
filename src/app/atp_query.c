#include "app/atp_query.h"

/* Reads product `sku` in a unit of work the caller rolls back. */
static AllotStatus read_product(UnitOfWork *uow, const char *sku, Product **p, ErrBuf *err)
{
    AllotStatus st = uow_begin(uow, err);
    if (st == ALLOT_OK)
        st = repository_get(uow_products(uow), sku, p, err);
    if (st == ALLOT_OK && (!*p || product_is_empty(*p)))
        st = err_set(err, ALLOT_EINVALID_SKU, "invalid sku %s", sku);
    return st;
}

AllotStatus query_atp(UnitOfWork *uow, const char *sku, int32_t today, AtpTimeline *out,
                      ErrBuf *err)
{
    Product *p = NULL;
    AllotStatus st = read_product(uow, sku, &p, err);
    if (st == ALLOT_OK)
        atp_timeline(p, today, out);
    uow_rollback(uow);
    return st;
}

AllotStatus query_promise(UnitOfWork *uow, const char *sku, int64_t qty, int32_t today,
                          Promise *out, ErrBuf *err)
{
    Product *p = NULL;
    AllotStatus st = read_product(uow, sku, &p, err);
    if (st == ALLOT_OK)
        *out = atp_promise(p, qty, today);
    uow_rollback(uow);
    return st;
}
