#include "domain/commands.h"

#include <string.h>

static const char *const command_names[] = {
#define ALLOT_COMMAND_NAME(name, text) text,
    ALLOT_COMMAND_TYPE_MAP(ALLOT_COMMAND_NAME)
#undef ALLOT_COMMAND_NAME
};

const char *command_type_name(CommandType t)
{
    return (unsigned)t < CMD_TYPE_COUNT ? command_names[t] : "Unknown";
}

static void copy_id(AllotId dst, const char *src)
{
    size_t n = src ? strnlen(src, ALLOT_ID_MAX) : 0;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static Command command_blank(CommandType t)
{
    Command c;
    memset(&c, 0, sizeof c);
    c.type = t;
    c.eta = ALLOT_NO_ETA;
    c.need = ALLOT_NO_DATE;
    return c;
}

Command command_allocate(const char *orderid, const char *sku, int64_t qty)
{
    Command c = command_blank(CMD_ALLOCATE);
    copy_id(c.orderid, orderid);
    copy_id(c.sku, sku);
    c.qty = qty;
    return c;
}

Command command_create_batch(const char *ref, const char *sku, int64_t qty, int32_t eta)
{
    Command c = command_blank(CMD_CREATE_BATCH);
    copy_id(c.ref, ref);
    copy_id(c.sku, sku);
    c.qty = qty;
    c.eta = eta;
    return c;
}

Command command_change_batch_qty(const char *ref, int64_t qty)
{
    Command c = command_blank(CMD_CHANGE_BATCH_QTY);
    copy_id(c.ref, ref);
    c.qty = qty;
    return c;
}

Command command_change_batch_eta(const char *ref, int32_t eta)
{
    Command c = command_blank(CMD_CHANGE_BATCH_ETA);
    copy_id(c.ref, ref);
    c.eta = eta;
    return c;
}

Command command_cancel_line(const char *orderid, const char *sku)
{
    Command c = command_blank(CMD_CANCEL_LINE);
    copy_id(c.orderid, orderid);
    copy_id(c.sku, sku);
    return c;
}

Command command_allocate_to(const char *orderid, const char *sku, int64_t qty, const char *ref)
{
    Command c = command_allocate(orderid, sku, qty);
    c.type = CMD_ALLOCATE_TO;
    copy_id(c.ref, ref);
    return c;
}

Command command_retry_backorders(const char *sku)
{
    Command c = command_blank(CMD_RETRY_BACKORDERS);
    copy_id(c.sku, sku);
    return c;
}

Command command_undo(int64_t target)
{
    Command c = command_blank(CMD_UNDO);
    c.target = target < 0 ? 0 : target;
    return c;
}

Command command_with_need(Command c, int32_t need, int64_t requested)
{
    c.need = need;
    c.requested = requested < 0 ? 0 : requested;
    return c;
}
