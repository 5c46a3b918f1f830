/* change.c — preview, ask, recheck and run a change (change.h). */
#include "tui/change.h"

#include <stdio.h>
#include <string.h>

/* The one preview engine (whatif.h), on live or on the session's sandbox. */
static AllotStatus preview(const TuiChangeCtx *ctx, TuiQuestion *q, Command *cmd, int32_t *old_eta,
                           WhatIfDiff *out, ErrBuf *err)
{
    if (!ctx->live && !ctx->ws)
        return err_set(err, ALLOT_EUSAGE, "read-only: commands are not available here");
    UnitOfWork *source = ctx->ws ? whatif_uow(ctx->ws) : ctx->live;
    Clock *clock = ctx->ws ? whatif_clock(ctx->ws) : ctx->clock;
    if (q->nbulk) { /* marked rows: every command in one sandbox, one difference */
        size_t bad = q->nbulk;
        *cmd = q->cmd;
        AllotStatus st = whatif_preview_many_watched(source, clock, q->bulk, q->nbulk,
                                                     ctx->progress, ctx->progress_ctx, out, &bad,
                                                     err);
        if (st == ALLOT_ECANCELLED) {
            err_set(err, st, "preview stopped after %zu of %zu marked rows: nothing changed",
                    bad, q->nbulk);
        } else if (st != ALLOT_OK && bad < q->nbulk) {
            char m[ALLOT_ERR_MAX];
            snprintf(m, sizeof m, "%s", err->msg);
            err_set(err, st, "marked row %zu of %zu: %s (nothing changed)", bad + 1, q->nbulk, m);
        }
        return st;
    }
    if (!q->is_delay) {
        *cmd = q->cmd;
        return whatif_preview(source, clock, cmd, out, err);
    }
    DelayPreview dp;
    delay_preview_init(&dp);
    AllotStatus st = delay_preview(source, clock, q->delay_ref, q->delay_days, &dp, err);
    if (st == ALLOT_OK) {
        *cmd = dp.cmd;
        *old_eta = dp.old_eta;
        WhatIfDiff tmp = *out;
        *out = dp.diff; /* the delay's diff moves into `out` */
        dp.diff = tmp;
    }
    delay_preview_fini(&dp);
    return st;
}

static void delay_title(TuiQuestion *q, const TuiChangeCtx *ctx, int32_t old_eta)
{
    char d1[ALLOT_DATE_TEXT], d2[ALLOT_DATE_TEXT];
    snprintf(q->title, sizeof q->title, "%sDelay %s by %d day%s: ETA %s → %s",
             ctx->ws ? "[what-if] " : "", q->delay_ref, (int)q->delay_days,
             q->delay_days == 1 ? "" : "s",
             old_eta == ALLOT_NO_ETA ? "in warehouse (today)" : date_format(old_eta, d1),
             date_format(q->cmd.eta, d2));
}

static void command_title(TuiQuestion *q, const TuiBatchInfo *b)
{
    const Command *c = &q->cmd;
    char d1[ALLOT_DATE_TEXT], d2[ALLOT_DATE_TEXT];
    bool known = b && b->ref[0] && strcmp(b->ref, c->ref) == 0;
    switch (c->type) {
    case CMD_CHANGE_BATCH_QTY:
        if (known)
            snprintf(q->title, sizeof q->title, "Change quantity of %s: %lld → %lld", c->ref,
                     (long long)b->qty, (long long)c->qty);
        else
            snprintf(q->title, sizeof q->title, "Change quantity of %s to %lld", c->ref,
                     (long long)c->qty);
        break;
    case CMD_CHANGE_BATCH_ETA:
        if (known)
            snprintf(q->title, sizeof q->title, "Set ETA of %s: %s → %s", c->ref,
                     date_format(b->eta, d1), date_format(c->eta, d2));
        else
            snprintf(q->title, sizeof q->title, "Set ETA of %s to %s", c->ref,
                     date_format(c->eta, d2));
        break;
    case CMD_CANCEL_LINE:
        snprintf(q->title, sizeof q->title, "Cancel order line %s %s", c->orderid, c->sku);
        break;
    case CMD_ALLOCATE:
        snprintf(q->title, sizeof q->title, "Allocate %s %s ×%lld", c->orderid, c->sku,
                 (long long)c->qty);
        break;
    case CMD_CREATE_BATCH:
        snprintf(q->title, sizeof q->title, "Add batch %s %s ×%lld", c->ref, c->sku,
                 (long long)c->qty);
        break;
    default:
        snprintf(q->title, sizeof q->title, "%s", command_type_name(c->type));
    }
}

/* True if a line that holds a batch would leave it (move, wait, be cancelled). */
static bool displaces(const WhatIfDiff *d)
{
    for (size_t i = 0; i < d->nlines; i++)
        if (d->lines[i].before_exists && d->lines[i].before_batch[0] &&
            line_diff_place_changed(&d->lines[i]))
            return true;
    return false;
}

TuiChangeStep tui_change_prepare(const TuiChangeCtx *ctx, TuiQuestion *q, bool always,
                                 const TuiBatchInfo *batch, ErrBuf *err)
{
    int32_t old_eta = ALLOT_NO_ETA;
    AllotStatus st = preview(ctx, q, &q->cmd, &old_eta, &q->diff, err);
    if (st == ALLOT_ESTORAGE && !strstr(err->msg, "nothing changed")) {
        /* the preview's write transaction gave up on a lock (docs/tui.md "A write
           that waits for another process"): say so as a run does */
        char m[ALLOT_ERR_MAX];
        snprintf(m, sizeof m, "%s", err->msg);
        err_set(err, st, "%.*s; nothing changed", (int)sizeof m - 20, m);
    }
    if (st != ALLOT_OK)
        return CHANGE_REFUSED;
    q->has_diff = true;
    if (q->nbulk)
        return CHANGE_ASK; /* the caller wrote the title; one preview for them all */
    if (q->is_delay) {
        delay_title(q, ctx, old_eta);
        return q->diff.nlines ? CHANGE_ASK : CHANGE_RUN;
    }
    command_title(q, batch);
    return always || displaces(&q->diff) ? CHANGE_ASK : CHANGE_RUN;
}

bool tui_change_recheck(const TuiChangeCtx *ctx, TuiQuestion *q, AllotStatus *st, ErrBuf *err)
{
    WhatIfDiff now;
    whatif_diff_init(&now);
    Command cmd;
    int32_t old_eta = ALLOT_NO_ETA;
    *st = preview(ctx, q, &cmd, &old_eta, &now, err);
    bool differs = false;
    if (*st == ALLOT_OK && (!whatif_diff_same(&now, &q->diff) ||
                            (cmd.type == CMD_CHANGE_BATCH_ETA && cmd.eta != q->cmd.eta))) {
        WhatIfDiff old = q->diff;
        q->diff = now;
        now = old;
        q->cmd = cmd;
        if (q->is_delay)
            delay_title(q, ctx, old_eta);
        differs = true;
    }
    whatif_diff_fini(&now);
    return differs;
}

typedef struct BulkRun {
    const Command *cmds;
    size_t n;
    CommandResult *res;
} BulkRun;

static AllotStatus bulk_body(MessageBus *bus, void *ctx, ErrBuf *err)
{
    BulkRun *b = ctx;
    for (size_t i = 0; i < b->n; i++) {
        AllotStatus st = bus_handle(bus, &b->cmds[i], b->res, err);
        if (st != ALLOT_OK)
            return st;
    }
    return ALLOT_OK;
}

AllotStatus tui_change_run_bulk(const TuiChangeCtx *ctx, const Command *cmds, size_t n,
                                CommandResult *res, ErrBuf *err)
{
    if (ctx->ws) {
        for (size_t i = 0; i < n; i++) {
            AllotStatus st = whatif_run(ctx->ws, &cmds[i], res, err);
            if (st != ALLOT_OK)
                return st;
        }
        return ALLOT_OK;
    }
    if (!ctx->bus)
        return err_set(err, ALLOT_EUSAGE, "read-only: commands are not available here");
    BulkRun b = {cmds, n, res};
    return bus_bulk(ctx->bus, bulk_body, &b, err);
}

AllotStatus tui_change_run(const TuiChangeCtx *ctx, const Command *cmd, CommandResult *res,
                           ErrBuf *err)
{
    if (ctx->ws)
        return whatif_run(ctx->ws, cmd, res, err);
    if (!ctx->bus)
        return err_set(err, ALLOT_EUSAGE, "read-only: commands are not available here");
    return bus_handle(ctx->bus, cmd, res, err);
}

void tui_change_report(const Command *cmd, bool redo, int64_t redoes, AllotStatus st,
                       const CommandResult *res, const ErrBuf *err, char *buf, size_t size)
{
    char name[64];
    if (cmd->type == CMD_UNDO && redo)
        snprintf(name, sizeof name, "Redo of command %lld", (long long)redoes);
    else if (cmd->type == CMD_UNDO && cmd->target)
        snprintf(name, sizeof name, "Undo of command %lld", (long long)cmd->target);
    else
        snprintf(name, sizeof name, "%s", command_type_name(cmd->type));
    if (st != ALLOT_OK) {
        snprintf(buf, size, "%s%s", err->msg[0] ? err->msg : allot_status_message(st),
                 st == ALLOT_ESTORAGE ? "; nothing changed" : "");
    } else if (res->events.len == 0) {
        snprintf(buf, size, "%s: nothing changed", name);
    } else {
        char d[200];
        event_describe(&res->events.items[res->events.len - 1], d, sizeof d);
        snprintf(buf, size, "%s done: %zu event%s, last: %s", name, res->events.len,
                 res->events.len == 1 ? "" : "s", d);
    }
}
