/* preview.c — running a command on an in-memory copy of one product (preview.h). */
#include "tui/preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bootstrap.h"
#include "domain/xalloc.h"
#include "persistence/memory_uow.h"

void tui_preview_init(TuiPreview *p)
{
    memset(p, 0, sizeof *p);
    event_vec_init(&p->events);
}

void tui_preview_fini(TuiPreview *p)
{
    free(p->moves);
    event_vec_fini(&p->events);
    memset(p, 0, sizeof *p);
}

static void push_move(TuiPreview *p, const char *orderid, const char *sku, int64_t qty,
                      const char *from, const char *to)
{
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        p->moves = xreallocarray(p->moves, p->cap, sizeof *p->moves);
    }
    TuiMove *m = &p->moves[p->len++];
    memset(m, 0, sizeof *m);
    snprintf(m->orderid, sizeof m->orderid, "%s", orderid);
    snprintf(m->sku, sizeof m->sku, "%s", sku);
    snprintf(m->from, sizeof m->from, "%s", from);
    snprintf(m->to, sizeof m->to, "%s", to);
    m->qty = qty;
    if (!to[0])
        p->backordered++;
}

static int cmp_move(const void *a, const void *b)
{
    return strcmp(((const TuiMove *)a)->orderid, ((const TuiMove *)b)->orderid);
}

/* A logger that drops lines: the sandbox must not write on the terminal. */
static void quiet_log(Logger *self, const char *line)
{
    (void)self;
    (void)line;
}

/* Loads a copy of the product `cmd` touches from `live`; *out = NULL if none. */
static AllotStatus load_copy(UnitOfWork *live, const Command *cmd, Product **out, ErrBuf *err)
{
    *out = NULL;
    AllotStatus st = uow_begin(live, err);
    if (st != ALLOT_OK)
        return st;
    Product *p = NULL;
    if (cmd->type == CMD_CHANGE_BATCH_QTY || cmd->type == CMD_CHANGE_BATCH_ETA)
        st = repository_get_by_batchref(uow_products(live), cmd->ref, &p, err);
    else
        st = repository_get(uow_products(live), cmd->sku, &p, err);
    if (st == ALLOT_OK && p)
        *out = product_clone(p);
    uow_rollback(live);
    return st;
}

AllotStatus tui_preview_command(UnitOfWork *live, const Command *cmd, Clock *clock,
                                TuiPreview *out, ErrBuf *err)
{
    tui_preview_fini(out);
    tui_preview_init(out);
    if (cmd->type != CMD_ALLOCATE && cmd->type != CMD_CHANGE_BATCH_QTY &&
        cmd->type != CMD_CHANGE_BATCH_ETA && cmd->type != CMD_CANCEL_LINE)
        return err_set(err, ALLOT_EUSAGE, "no preview for %s", command_type_name(cmd->type));
    Product *before;
    AllotStatus st = load_copy(live, cmd, &before, err);
    if (st != ALLOT_OK)
        return st;
    UnitOfWork *sandbox = memory_uow_new();
    if (before)
        memory_uow_put(sandbox, before);
    Logger quiet = {quiet_log};
    MessageBus *bus = bootstrap(sandbox, notifier_none(), clock, &quiet);
    CommandResult res;
    command_result_init(&res);
    st = bus_handle(bus, cmd, &res, err);
    if (st == ALLOT_OK && before && memory_uow_product_count(sandbox) == 1) {
        const Product *after = memory_uow_product(sandbox, 0);
        const char *sku = product_sku(before);
        for (size_t i = 0; i < product_line_count(before); i++) {
            const OrderLine *l = product_line(before, i);
            const char *from = product_line_batchref(before, l);
            const OrderLine *a = product_find_line(after, l->orderid);
            const char *to = a ? product_line_batchref(after, a) : "(cancelled)";
            if (strcmp(from, to) != 0)
                push_move(out, l->orderid, sku, l->qty, from, to);
        }
        for (size_t i = 0; i < product_line_count(after); i++) {
            const OrderLine *a = product_line(after, i);
            if (!product_find_line(before, a->orderid))
                push_move(out, a->orderid, sku, a->qty, "(new)", product_line_batchref(after, a));
        }
        if (out->len)
            qsort(out->moves, out->len, sizeof *out->moves, cmp_move);
    }
    event_vec_append(&out->events, &res.events);
    command_result_fini(&res);
    bus_free(bus);
    uow_free(sandbox);
    product_free(before);
    return st;
}
