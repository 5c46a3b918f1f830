/* What-if sessions, their differences, Apply and shipment-delay previews
 * (whatif.h). */
#include "whatif/whatif.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bootstrap.h"
#include "app/strmap.h"
#include "whatif/sandbox_uow.h"
#include "whatif/sandbox_views.h"
#include "domain/xalloc.h"

struct WhatIfSession {
    UnitOfWork *live;
    Views *live_views;
    Clock *clock;
    Logger *logger;
    UnitOfWork *sandbox;
    MessageBus *bus;
    Views *views;
    int64_t base_id; /* the live log's newest event id when the session began */
    Command *cmds;
    int64_t *ids; /* the command id each got in the sandbox (0: it logged nothing) */
    size_t ncmds, capcmds;
    /* per-product differences, computed on demand for the marks; cleared by
       every command */
    StrMap mark_index; /* sku → index + 1 into marks */
    WhatIfDiff *marks;
    size_t nmarks, capmarks;
};

/* ---------- differences ---------- */

void whatif_diff_init(WhatIfDiff *d)
{
    memset(d, 0, sizeof *d);
    event_vec_init(&d->events);
}

void whatif_diff_fini(WhatIfDiff *d)
{
    free(d->lines);
    free(d->batches);
    event_vec_fini(&d->events);
    memset(d, 0, sizeof *d);
}

static void diff_clear(WhatIfDiff *d)
{
    d->nlines = d->nbatches = 0;
    event_vec_clear(&d->events);
    d->new_backorders = d->filled_backorders = d->moved = d->slipped = 0;
    d->created = d->cancelled = 0;
}

bool line_diff_place_changed(const LineDiff *d)
{
    if (d->before_exists != d->after_exists)
        return true;
    return d->before_exists && strcmp(d->before_batch, d->after_batch) != 0;
}

const char *line_diff_place(const LineDiff *d, bool after, char *buf, size_t size)
{
    bool exists = after ? d->after_exists : d->before_exists;
    const char *batch = after ? d->after_batch : d->before_batch;
    int32_t eta = after ? d->after_eta : d->before_eta;
    char date[ALLOT_DATE_TEXT];
    if (!exists)
        snprintf(buf, size, "%s", after ? "cancelled" : "new");
    else if (!batch[0])
        snprintf(buf, size, "backorder");
    else if (eta == ALLOT_NO_ETA)
        snprintf(buf, size, "%s in warehouse", batch);
    else
        snprintf(buf, size, "%s %s", batch, date_format(eta, date));
    return buf;
}

const char *line_diff_slip(const LineDiff *d, char *buf, size_t size)
{
    if (!d->has_slip)
        snprintf(buf, size, "-");
    else if (d->slip_days == 0)
        snprintf(buf, size, "0 days");
    else
        snprintf(buf, size, "%+d day%s", (int)d->slip_days,
                 d->slip_days == 1 || d->slip_days == -1 ? "" : "s");
    return buf;
}

static int32_t eta_or_today(int32_t eta, int32_t today) { return eta == ALLOT_NO_ETA ? today : eta; }

static void copy_id(AllotId dst, const char *src) { snprintf(dst, sizeof(AllotId), "%s", src); }

/* One side (before or after) of a line's difference: line `l` of `p` exists, on
 * `batch` ("" = a backorder) of ETA *eta (left as it is for a backorder), late
 * or not on `today`. */
static void line_side(const Product *p, const OrderLine *l, int32_t today, bool *exists,
                      AllotId batch, int32_t *eta, LineLateness *late)
{
    *exists = true;
    copy_id(batch, product_line_batchref(p, l));
    if (l->batch >= 0)
        *eta = product_batch(p, (size_t)l->batch)->eta;
    *late = lateness_of_line(l->batch >= 0, *eta, l->need, today);
}

/* Fills `out` for one line: `lb` in `before` (may be NULL), `la` in `after`.
 * Returns the flags. */
static unsigned line_diff(const Product *before, const OrderLine *lb, const Product *after,
                          const OrderLine *la, int32_t today, LineDiff *out)
{
    memset(out, 0, sizeof *out);
    const OrderLine *any = la ? la : lb;
    copy_id(out->orderid, any->orderid);
    copy_id(out->sku, product_sku(la ? after : before));
    out->qty = any->qty;
    out->before_eta = out->after_eta = ALLOT_NO_ETA;
    out->need = any->need;
    out->before_late.promised = out->after_late.promised = ALLOT_NO_DATE;
    if (lb)
        line_side(before, lb, today, &out->before_exists, out->before_batch, &out->before_eta,
                  &out->before_late);
    if (la)
        line_side(after, la, today, &out->after_exists, out->after_batch, &out->after_eta,
                  &out->after_late);
    unsigned f = 0;
    bool bon = lb && lb->batch >= 0, aon = la && la->batch >= 0;
    if (!lb)
        f |= LINE_CREATED;
    if (!la)
        f |= LINE_CANCELLED;
    if (la && la->batch < 0 && !(lb && lb->batch < 0))
        f |= LINE_NEW_BACKORDER;
    if (lb && lb->batch < 0 && aon)
        f |= LINE_FILLED_BACKORDER;
    if (bon && aon) {
        out->has_slip = true;
        out->slip_days = eta_or_today(out->after_eta, today) - eta_or_today(out->before_eta, today);
        if (strcmp(out->before_batch, out->after_batch) != 0)
            f |= LINE_MOVED;
        else if (out->before_eta != out->after_eta)
            f |= LINE_ETA_CHANGED;
    }
    if (la && lb && la->qty != lb->qty && !(f & (LINE_MOVED | LINE_NEW_BACKORDER |
                                                 LINE_FILLED_BACKORDER)))
        f |= LINE_QTY_CHANGED;
    out->flags = f;
    return f;
}

bool line_diff_lateness_changed(const LineDiff *d)
{
    return d->before_late.late != d->after_late.late ||
           d->before_late.at_risk != d->after_late.at_risk;
}

AllotStatus whatif_order_lateness(WhatIfSession *s, const char *orderid, OrderLateness *before,
                                  OrderLateness *after, ErrBuf *err)
{
    int32_t today = whatif_today(s);
    *before = *after = lateness_order_init();
    if (!s->live_views || !s->views)
        return err_set(err, ALLOT_EINVALID, "the what-if session has no read model");
    return sandbox_views_order_lateness(s->views, orderid, today, before, after, err);
}

static void push_line(WhatIfDiff *d, const LineDiff *l)
{
    if (d->nlines == d->caplines) {
        d->caplines = d->caplines ? d->caplines * 2 : 16;
        d->lines = xreallocarray(d->lines, d->caplines, sizeof *d->lines);
    }
    d->lines[d->nlines++] = *l;
    if (l->flags & LINE_NEW_BACKORDER)
        d->new_backorders++;
    if (l->flags & LINE_FILLED_BACKORDER)
        d->filled_backorders++;
    if (l->flags & LINE_MOVED)
        d->moved++;
    if (l->has_slip && l->slip_days != 0)
        d->slipped++;
    if (l->flags & LINE_CREATED)
        d->created++;
    if (l->flags & LINE_CANCELLED)
        d->cancelled++;
}

static void push_batch(WhatIfDiff *d, const BatchDiff *b)
{
    if (d->nbatches == d->capbatches) {
        d->capbatches = d->capbatches ? d->capbatches * 2 : 8;
        d->batches = xreallocarray(d->batches, d->capbatches, sizeof *d->batches);
    }
    d->batches[d->nbatches++] = *b;
}

void whatif_diff_products(const Product *before, const Product *after, int32_t today,
                          WhatIfDiff *d)
{
    size_t first = d->nlines;
    LineDiff ld;
    if (after) {
        for (size_t i = 0; i < product_line_count(after); i++) {
            const OrderLine *la = product_line(after, i);
            const OrderLine *lb = before ? product_find_line(before, la->orderid) : NULL;
            if (line_diff(before, lb, after, la, today, &ld))
                push_line(d, &ld);
        }
    }
    if (before) {
        for (size_t i = 0; i < product_line_count(before); i++) {
            const OrderLine *lb = product_line(before, i);
            if (!after || !product_find_line(after, lb->orderid)) {
                line_diff(before, lb, after, NULL, today, &ld);
                push_line(d, &ld);
            }
        }
    }
    if (!after)
        return; /* batches never disappear */
    for (size_t i = 0; i < product_batch_count(after); i++) {
        const Batch *ba = product_batch(after, i);
        const Batch *bb = before ? product_find_batch(before, ba->ref) : NULL;
        BatchDiff bd;
        memset(&bd, 0, sizeof bd);
        copy_id(bd.ref, ba->ref);
        copy_id(bd.sku, product_sku(after));
        bd.created = !bb;
        bd.before_qty = bb ? bb->qty : 0;
        bd.before_eta = bb ? bb->eta : ALLOT_NO_ETA;
        bd.after_qty = ba->qty;
        bd.after_eta = ba->eta;
        if (bb && bb->eta != ba->eta)
            bd.slip_days = eta_or_today(ba->eta, today) - eta_or_today(bb->eta, today);
        for (size_t k = first; k < d->nlines; k++) {
            const LineDiff *l = &d->lines[k];
            bool was = l->before_exists && strcmp(l->before_batch, ba->ref) == 0;
            bool is = l->after_exists && strcmp(l->after_batch, ba->ref) == 0;
            bd.lines_moved_out += was && !is;
            bd.lines_moved_in += is && !was;
        }
        if (bd.created || bd.before_qty != bd.after_qty || bd.before_eta != bd.after_eta ||
            bd.lines_moved_in || bd.lines_moved_out)
            push_batch(d, &bd);
    }
}

static int cmp_line_diff(const void *a, const void *b)
{
    const LineDiff *x = a, *y = b;
    int c = strcmp(x->orderid, y->orderid);
    return c ? c : strcmp(x->sku, y->sku);
}

static int cmp_batch_diff(const void *a, const void *b)
{
    return strcmp(((const BatchDiff *)a)->ref, ((const BatchDiff *)b)->ref);
}

void whatif_diff_sort(WhatIfDiff *d)
{
    if (d->nlines > 1)
        qsort(d->lines, d->nlines, sizeof *d->lines, cmp_line_diff);
    if (d->nbatches > 1)
        qsort(d->batches, d->nbatches, sizeof *d->batches, cmp_batch_diff);
}

static void drop_line(Logger *l, const char *line) { (void)l, (void)line; }

/* A preview's event handlers report through the diff, not a log. */
static Logger quiet_logger = {drop_line};

/* ---------- the session ---------- */

static int32_t today_of(Clock *clock) { return date_from_unix(clock->now(clock)); }

AllotStatus whatif_new(UnitOfWork *live, Views *live_views, Clock *clock, Logger *logger,
                       WhatIfSession **out, ErrBuf *err)
{
    *out = NULL;
    int64_t base_id = 0;
    AllotStatus st = live_views ? views_latest_event_id(live_views, &base_id, err) : ALLOT_OK;
    if (st != ALLOT_OK)
        return st;
    WhatIfSession *s = xcalloc(1, sizeof *s);
    s->live = live;
    s->live_views = live_views;
    s->clock = clock ? clock : clock_system();
    s->logger = logger ? logger : logger_stderr();
    s->sandbox = sandbox_uow_new(live, s->clock);
    /* No notifier: a sandbox never calls the OutOfStock hook. */
    s->bus = bootstrap(s->sandbox, notifier_none(), s->clock, s->logger);
    s->base_id = base_id;
    s->views = live_views ? sandbox_views_new(s->sandbox, live_views, base_id) : NULL;
    strmap_init(&s->mark_index);
    *out = s;
    return ALLOT_OK;
}

static void marks_clear(WhatIfSession *s)
{
    for (size_t i = 0; i < s->nmarks; i++)
        whatif_diff_fini(&s->marks[i]);
    s->nmarks = 0;
    strmap_fini(&s->mark_index);
    strmap_init(&s->mark_index);
}

/* Frees what the session ran: its sandbox, bus and read model, and its steps. */
static void free_run(WhatIfSession *s)
{
    views_free(s->views);
    bus_free(s->bus);
    uow_free(s->sandbox);
    free(s->cmds);
    free(s->ids);
}

void whatif_discard(WhatIfSession *s)
{
    if (!s)
        return;
    marks_clear(s);
    free(s->marks);
    strmap_fini(&s->mark_index);
    free_run(s);
    free(s);
}

AllotStatus whatif_run(WhatIfSession *s, const Command *cmd, CommandResult *res, ErrBuf *err)
{
    CommandResult own;
    command_result_init(&own);
    CommandResult *r = res ? res : &own;
    AllotStatus st = bus_handle(s->bus, cmd, r, err);
    marks_clear(s);
    if (st == ALLOT_OK) {
        if (s->ncmds == s->capcmds) {
            s->capcmds = s->capcmds ? s->capcmds * 2 : 16;
            s->cmds = xreallocarray(s->cmds, s->capcmds, sizeof *s->cmds);
            s->ids = xreallocarray(s->ids, s->capcmds, sizeof *s->ids);
        }
        Command c = *cmd;
        if (c.type == CMD_UNDO)
            c.target = r->undone; /* "the latest" made explicit, for the replays */
        s->cmds[s->ncmds] = c;
        s->ids[s->ncmds++] = r->command_id;
    }
    command_result_fini(&own);
    return st;
}

/* The step of the session that command i undoes — an Undo naming one of the
 * session's own earlier commands by the id it got in the sandbox — or -1 (not an
 * Undo, or the Undo of a live command). */
static long undone_step(const WhatIfSession *s, size_t i)
{
    const Command *c = &s->cmds[i];
    if (c->type != CMD_UNDO || c->target <= 0)
        return -1;
    for (size_t j = 0; j < i; j++)
        if (s->ids[j] == c->target)
            return (long)j;
    return -1;
}

/* Command i of the session as a replay runs it: an Undo of one of the session's
 * own earlier commands names that command's id in the replay (`replayed`: the ids
 * the replay gave commands 0 … i-1), not the sandbox's; an Undo of a live command
 * keeps its id (SPEC.md §1.6; docs/whatif.md "Undo in a session"). */
static Command replay_command(const WhatIfSession *s, size_t i, const int64_t *replayed)
{
    Command c = s->cmds[i];
    long j = undone_step(s, i);
    if (j >= 0)
        c.target = replayed[j];
    return c;
}

size_t whatif_command_count(const WhatIfSession *s) { return s->ncmds; }
const Command *whatif_command(const WhatIfSession *s, size_t i) { return &s->cmds[i]; }
int64_t whatif_command_id(const WhatIfSession *s, size_t i) { return s->ids[i]; }
int32_t whatif_today(const WhatIfSession *s) { return today_of(s->clock); }
Clock *whatif_clock(WhatIfSession *s) { return s->clock; }
UnitOfWork *whatif_uow(WhatIfSession *s) { return s->sandbox; }
MessageBus *whatif_bus(WhatIfSession *s) { return s->bus; }
Views *whatif_views(WhatIfSession *s) { return s->views; }

/* Differences of every product the sandbox `sb` holds (unsorted). */
static void diff_sandbox(UnitOfWork *sb, int32_t today, WhatIfDiff *out)
{
    for (size_t i = 0; i < sandbox_uow_product_count(sb); i++) {
        const Product *base;
        const Product *cur = sandbox_uow_product(sb, i, &base);
        if (cur || base)
            whatif_diff_products(base, cur, today, out);
    }
}

void whatif_diff(WhatIfSession *s, WhatIfDiff *out)
{
    diff_clear(out);
    diff_sandbox(s->sandbox, whatif_today(s), out);
    whatif_diff_sort(out);
    const EventVec *log = sandbox_uow_event_log(s->sandbox);
    for (size_t i = 0; i < log->len; i++)
        event_vec_push(&out->events, &log->items[i]);
}

/* ---------- marks ---------- */

bool whatif_mark_line(WhatIfSession *s, const char *sku, const char *orderid, LineDiff *out)
{
    const Product *base;
    const Product *cur = sandbox_uow_find(s->sandbox, sku, &base);
    if (!cur && !base)
        return false;
    const OrderLine *lb = base ? product_find_line(base, orderid) : NULL;
    const OrderLine *la = cur ? product_find_line(cur, orderid) : NULL;
    if (!lb && !la)
        return false;
    return line_diff(base, lb, cur, la, whatif_today(s), out) != 0;
}

/* The cached differences of product `sku`, or NULL if the sandbox does not hold it. */
static const WhatIfDiff *product_marks(WhatIfSession *s, const char *sku)
{
    uint64_t v;
    if (strmap_get(&s->mark_index, sku, &v))
        return &s->marks[v];
    const Product *base;
    const Product *cur = sandbox_uow_find(s->sandbox, sku, &base);
    if (!cur && !base)
        return NULL;
    if (s->nmarks == s->capmarks) {
        s->capmarks = s->capmarks ? s->capmarks * 2 : 8;
        s->marks = xreallocarray(s->marks, s->capmarks, sizeof *s->marks);
    }
    WhatIfDiff *d = &s->marks[s->nmarks];
    whatif_diff_init(d);
    whatif_diff_products(base, cur, whatif_today(s), d);
    strmap_put(&s->mark_index, sku, s->nmarks++);
    return d;
}

bool whatif_mark_batch(WhatIfSession *s, const char *ref, BatchDiff *out)
{
    const Product *cur = sandbox_uow_find_ref(s->sandbox, ref, NULL);
    if (!cur)
        return false;
    const WhatIfDiff *d = product_marks(s, product_sku(cur));
    for (size_t i = 0; d && i < d->nbatches; i++) {
        if (strcmp(d->batches[i].ref, ref) == 0) {
            *out = d->batches[i];
            return true;
        }
    }
    return false;
}

bool whatif_mark_product(WhatIfSession *s, const char *sku, ProductMark *out)
{
    memset(out, 0, sizeof *out);
    const WhatIfDiff *d = product_marks(s, sku);
    if (!d)
        return false;
    out->moved = d->moved;
    out->slipped = d->slipped;
    out->new_backorders = d->new_backorders;
    out->filled_backorders = d->filled_backorders;
    out->created = d->created;
    out->cancelled = d->cancelled;
    out->batches_changed = d->nbatches;
    return d->nlines || d->nbatches;
}

/* ---------- apply ---------- */

void whatif_apply_report_init(WhatIfApplyReport *r)
{
    memset(r, 0, sizeof *r);
    r->refused_index = -1;
    whatif_diff_init(&r->real);
    whatif_diff_init(&r->mismatch);
}

void whatif_apply_report_fini(WhatIfApplyReport *r)
{
    whatif_diff_fini(&r->real);
    whatif_diff_fini(&r->mismatch);
}

/* Reads products `skus` from `uow` in one unit of work that is rolled back:
 * out[i] = a copy, or NULL if there is none. */
static AllotStatus read_products(UnitOfWork *uow, const char *const *skus, size_t n,
                                 Product **out, ErrBuf *err)
{
    for (size_t i = 0; i < n; i++)
        out[i] = NULL;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        Product *p;
        st = repository_get(uow_products(uow), skus[i], &p, err);
        if (st == ALLOT_OK && p) {
            out[i] = product_clone_state(p);
        }
    }
    uow_rollback(uow);
    if (st != ALLOT_OK)
        for (size_t i = 0; i < n; i++) {
            product_free(out[i]);
            out[i] = NULL;
        }
    return st;
}

static bool same_event(const Event *a, const Event *b)
{
    if (a->type != b->type || strcmp(a->sku, b->sku) != 0)
        return false;
    switch (a->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
    case EV_OUT_OF_STOCK:
    case EV_ORDER_LINE_CANCELLED:
        return strcmp(a->orderid, b->orderid) == 0 && a->qty == b->qty &&
               (a->type == EV_OUT_OF_STOCK || strcmp(a->batchref, b->batchref) == 0);
    case EV_REALLOCATED:
        return strcmp(a->orderid, b->orderid) == 0 && a->qty == b->qty &&
               strcmp(a->batchref, b->batchref) == 0 && strcmp(a->to, b->to) == 0;
    case EV_BATCH_CREATED:
        return strcmp(a->batchref, b->batchref) == 0 && a->qty == b->qty && a->eta == b->eta;
    case EV_BATCH_QTY_CHANGED:
        return strcmp(a->batchref, b->batchref) == 0 && a->old_qty == b->old_qty &&
               a->new_qty == b->new_qty;
    case EV_BATCH_ETA_CHANGED:
        return strcmp(a->batchref, b->batchref) == 0 && a->old_eta == b->old_eta &&
               a->new_eta == b->new_eta;
    default:
        return true;
    }
}

/* Replays the session's commands through the live bus (bus_bulk's body): the
 * first refused one stops it, named in the report; the events go to report->real. */
typedef struct ApplyRun {
    WhatIfSession *s;
    WhatIfApplyReport *report;
} ApplyRun;

static AllotStatus apply_commands(MessageBus *bus, void *ctx, ErrBuf *err)
{
    ApplyRun *run = ctx;
    WhatIfSession *s = run->s;
    WhatIfApplyReport *report = run->report;
    AllotStatus st = ALLOT_OK;
    CommandResult res;
    command_result_init(&res);
    int64_t *replayed = xcalloc(s->ncmds ? s->ncmds : 1, sizeof *replayed);
    for (size_t i = 0; i < s->ncmds; i++) {
        event_vec_clear(&res.events);
        ErrBuf e = {{0}};
        Command c = replay_command(s, i, replayed);
        st = bus_handle(bus, &c, &res, &e);
        replayed[i] = res.command_id;
        if (st != ALLOT_OK) {
            report->refused_index = (long)i;
            snprintf(report->refused_msg, sizeof report->refused_msg, "%s", err_text(&e, st));
            err_set(err, st, "command %zu of %zu (%s) was refused on the live data: %s; "
                    "nothing was applied", i + 1, s->ncmds, command_type_name(s->cmds[i].type),
                    report->refused_msg);
            break;
        }
        for (size_t j = 0; j < res.events.len; j++)
            event_vec_push(&report->real.events, &res.events.items[j]);
    }
    free(replayed);
    command_result_fini(&res);
    return st;
}

AllotStatus whatif_apply(WhatIfSession *s, MessageBus *live_bus, WhatIfApplyReport *report,
                         ErrBuf *err)
{
    diff_clear(&report->real);
    diff_clear(&report->mismatch);
    report->ncommands = s->ncmds;
    report->applied = false;
    report->compared = false;
    report->predicted_events = 0;
    report->as_predicted = false;
    report->refused_index = -1;
    report->refused_msg[0] = '\0';
    if (!bus_works_on(live_bus, s->live))
        return err_set(err, ALLOT_EUSAGE, "whatif: apply needs the bus of the session's live store");
    /* The SKUs the session holds. */
    size_t n = sandbox_uow_product_count(s->sandbox);
    const char **skus = xcalloc(n ? n : 1, sizeof *skus);
    const Product **predicted = xcalloc(n ? n : 1, sizeof *predicted);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const Product *base;
        const Product *cur = sandbox_uow_product(s->sandbox, i, &base);
        if (!cur && !base)
            continue;
        predicted[k] = cur;
        skus[k++] = product_sku(cur ? cur : base);
    }
    Product **before = xcalloc(k ? k : 1, sizeof *before);
    Product **after = xcalloc(k ? k : 1, sizeof *after);
    UnitOfWork *live = s->live;
    AllotStatus st = read_products(live, skus, k, before, err);
    if (st == ALLOT_OK) {
        ApplyRun run = {s, report};
        st = bus_bulk(live_bus, apply_commands, &run, err);
        if (st != ALLOT_OK)
            event_vec_clear(&report->real.events);
    }
    if (st == ALLOT_OK) {
        report->applied = true;
        ErrBuf e = {{0}};
        if (read_products(live, skus, k, after, &e) == ALLOT_OK) {
            int32_t today = whatif_today(s);
            for (size_t i = 0; i < k; i++) {
                whatif_diff_products(before[i], after[i], today, &report->real);
                whatif_diff_products(predicted[i], after[i], today, &report->mismatch);
            }
            whatif_diff_sort(&report->real);
            whatif_diff_sort(&report->mismatch);
            const EventVec *log = sandbox_uow_event_log(s->sandbox);
            report->compared = true;
            report->predicted_events = log->len;
            bool same = log->len == report->real.events.len && report->mismatch.nlines == 0 &&
                        report->mismatch.nbatches == 0;
            for (size_t i = 0; same && i < log->len; i++)
                same = same_event(&log->items[i], &report->real.events.items[i]);
            report->as_predicted = same;
        }
        /* else: applied, but the outcome could not be read back: as_predicted
           stays false and `real` holds only the events */
    }
    for (size_t i = 0; i < k; i++) {
        product_free(before[i]);
        product_free(after[i]);
    }
    free(before);
    free(after);
    free(skus);
    free(predicted);
    return st;
}

static const char *plural(size_t n, const char *many) { return n == 1 ? "" : many; }

static const char *place(bool exists, const char *batch)
{
    return !exists ? "-" : batch[0] ? batch : "backorder";
}

void whatif_apply_summary(const WhatIfApplyReport *r, char *out, size_t size)
{
    size_t n = r->ncommands;
    if (!r->applied) {
        snprintf(out, size, "NOT applied: %s", r->refused_msg[0] ? r->refused_msg : "see above");
        return;
    }
    if (!r->compared) {
        snprintf(out, size, "Applied %zu command%s to the live data; the outcome could not be "
                 "read back to compare with the prediction", n, plural(n, "s"));
        return;
    }
    if (r->as_predicted) {
        size_t in_place = 0;
        for (size_t i = 0; i < r->real.nlines; i++)
            in_place += (r->real.lines[i].flags & LINE_ETA_CHANGED) != 0;
        snprintf(out, size,
                 "Applied %zu command%s to the live data, as predicted: %zu line%s moved, "
                 "%zu slipped in place, %zu new backorder%s, %zu event%s",
                 n, plural(n, "s"), r->real.moved, plural(r->real.moved, "s"), in_place,
                 r->real.new_backorders, plural(r->real.new_backorders, "s"),
                 r->real.events.len, plural(r->real.events.len, "s"));
        return;
    }
    const WhatIfDiff *m = &r->mismatch;
    char what[1400];
    if (m->nlines || m->nbatches) {
        char lines[640] = "", batches[640] = "";
        if (m->nlines) {
            const LineDiff *l = &m->lines[0];
            snprintf(lines, sizeof lines, "%zu line%s (e.g. %s %s: predicted %s, got %s)",
                     m->nlines, plural(m->nlines, "s"), l->orderid, l->sku,
                     place(l->before_exists, l->before_batch),
                     place(l->after_exists, l->after_batch));
        }
        if (m->nbatches) {
            const BatchDiff *b = &m->batches[0];
            char pe[ALLOT_DATE_TEXT], re[ALLOT_DATE_TEXT];
            if (b->before_qty != b->after_qty)
                snprintf(batches, sizeof batches, "%zu batch%s (e.g. %s: qty %lld predicted, %lld "
                         "real)", m->nbatches, plural(m->nbatches, "es"), b->ref,
                         (long long)b->before_qty, (long long)b->after_qty);
            else
                snprintf(batches, sizeof batches, "%zu batch%s (e.g. %s: ETA %s predicted, %s real)",
                         m->nbatches, plural(m->nbatches, "es"), b->ref,
                         date_format(b->before_eta, pe), date_format(b->after_eta, re));
        }
        snprintf(what, sizeof what, "%s%s%s", lines, lines[0] && batches[0] ? " and " : "",
                 batches);
    } else {
        snprintf(what, sizeof what, "its events (%zu raised, %zu predicted)", r->real.events.len,
                 r->predicted_events);
    }
    snprintf(out, size, "Applied %zu command%s, but the live data had changed: the outcome "
             "DIFFERS from the prediction in %s (predicted → real)", n, plural(n, "s"), what);
}

/* The session's steps replayed on a fresh sandbox over live, as they would run
 * now: for Apply (whatif_rework) and for dropping a step (whatif_drop_step). */
typedef struct Replay {
    UnitOfWork *uow;
    MessageBus *bus;
    Command *cmds; /* the steps that ran, an Undo of a step naming the replay's id */
    int64_t *ids;  /* the command id each got in the replay */
    size_t n, cap;
    WhatIfRefusal *refused; /* steps refused and passed over (go_on) */
    size_t nrefused;
    long stopped; /* the step that stopped the replay, or -1 */
} Replay;

static void replay_fini(Replay *r)
{
    bus_free(r->bus);
    uow_free(r->uow);
    free(r->cmds);
    free(r->ids);
    free(r->refused);
    memset(r, 0, sizeof *r);
}

static bool store_failure(AllotStatus st)
{
    return st == ALLOT_ESTORAGE || st == ALLOT_EIO || st == ALLOT_ECONFLICT;
}

/* Replays every step but `skip` (SIZE_MAX: none) through a new bus (events to
 * `logger`) over a new sandbox.  A refused step stops it (r->stopped, the error
 * naming it) unless `go_on`: then it is listed in r->refused and the rest run —
 * an Undo of a step that did not run is refused too, saying so.  A store failure
 * always stops it.  Free r with replay_fini whatever is returned. */
static AllotStatus replay_steps(WhatIfSession *s, size_t skip, bool go_on, Logger *logger,
                                Replay *r, ErrBuf *err)
{
    memset(r, 0, sizeof *r);
    r->stopped = -1;
    r->uow = sandbox_uow_new(s->live, s->clock);
    r->bus = bootstrap(r->uow, notifier_none(), s->clock, logger);
    r->cap = s->ncmds ? s->ncmds : 1;
    r->cmds = xcalloc(r->cap, sizeof *r->cmds);
    r->ids = xcalloc(r->cap, sizeof *r->ids);
    int64_t *replayed = xcalloc(r->cap, sizeof *replayed);
    bool *ran = xcalloc(r->cap, sizeof *ran);
    CommandResult res;
    command_result_init(&res);
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; i < s->ncmds; i++) {
        if (i == skip)
            continue;
        ErrBuf e = {{0}};
        long j = undone_step(s, i);
        Command c = replay_command(s, i, replayed);
        AllotStatus cs;
        if (j >= 0 && !ran[j]) {
            cs = err_set(&e, ALLOT_EUNKNOWN_COMMAND, "it undoes step %ld, which %s", j + 1,
                         (size_t)j == skip ? "is dropped" : "is refused too");
        } else {
            event_vec_clear(&res.events);
            cs = bus_handle(r->bus, &c, &res, &e);
        }
        if (cs == ALLOT_OK) {
            ran[i] = true;
            replayed[i] = res.command_id;
            r->cmds[r->n] = c;
            r->ids[r->n++] = res.command_id;
            continue;
        }
        if (!go_on || store_failure(cs)) {
            r->stopped = (long)i;
            st = err_set(err, cs, "command %zu of %zu (%s) is refused on the live data now: %s",
                         i + 1, s->ncmds, command_type_name(s->cmds[i].type), err_text(&e, cs));
            break;
        }
        r->refused = xreallocarray(r->refused, r->nrefused + 1, sizeof *r->refused);
        WhatIfRefusal *f = &r->refused[r->nrefused++];
        f->step = i;
        f->status = cs;
        snprintf(f->msg, sizeof f->msg, "%s", err_text(&e, cs));
    }
    command_result_fini(&res);
    free(replayed);
    free(ran);
    return st;
}

AllotStatus whatif_rework(WhatIfSession *s, WhatIfDiff *out, long *refused, ErrBuf *err)
{
    diff_clear(out);
    Replay r;
    AllotStatus st = replay_steps(s, SIZE_MAX, false, &quiet_logger, &r, err);
    *refused = r.stopped;
    if (st == ALLOT_OK) {
        diff_sandbox(r.uow, whatif_today(s), out);
        whatif_diff_sort(out);
        const EventVec *log = sandbox_uow_event_log(r.uow);
        for (size_t i = 0; i < log->len; i++)
            event_vec_push(&out->events, &log->items[i]);
    }
    replay_fini(&r);
    return st;
}

/* ---------- dropping a step ---------- */

void whatif_drop_init(WhatIfDrop *d) { memset(d, 0, sizeof *d); }

void whatif_drop_fini(WhatIfDrop *d)
{
    free(d->refused);
    memset(d, 0, sizeof *d);
}

/* The session becomes the replay r (which is left empty). */
static void adopt(WhatIfSession *s, Replay *r)
{
    free_run(s);
    s->sandbox = r->uow;
    s->bus = r->bus;
    s->cmds = r->cmds;
    s->ids = r->ids;
    s->ncmds = r->n;
    s->capcmds = r->cap;
    r->uow = NULL;
    r->bus = NULL;
    r->cmds = NULL;
    r->ids = NULL;
    s->views = s->live_views ? sandbox_views_new(s->sandbox, s->live_views, s->base_id) : NULL;
    marks_clear(s);
}

AllotStatus whatif_drop_step(WhatIfSession *s, size_t step, bool with_refused, WhatIfDrop *out,
                             ErrBuf *err)
{
    whatif_drop_fini(out);
    out->step = step;
    if (step >= s->ncmds)
        return err_set(err, ALLOT_EINVALID, "no step %zu: the session has %zu step%s", step + 1,
                       s->ncmds, s->ncmds == 1 ? "" : "s");
    Replay r;
    AllotStatus st = replay_steps(s, step, true, s->logger, &r, err);
    if (st == ALLOT_OK) {
        out->refused = r.refused;
        out->nrefused = r.nrefused;
        r.refused = NULL;
        if (out->nrefused == 0 || with_refused) {
            adopt(s, &r);
            out->done = true;
        }
    }
    replay_fini(&r);
    return st;
}

/* ---------- orders: complete dates before and after ---------- */

static OrderChangeKind order_kind(const OrderLateness *b, const OrderLateness *a, int32_t *slip)
{
    *slip = 0;
    if (b->lines && !a->lines)
        return ORDER_GONE;
    if (a->waiting && !b->waiting)
        return ORDER_NOW_WAITS; /* also a new order that waits */
    if (!b->lines)
        return a->lines ? ORDER_NEW : ORDER_SAME;
    if (b->waiting && !a->waiting)
        return ORDER_FILLED;
    if (b->waiting || b->complete == a->complete)
        return ORDER_SAME;
    *slip = a->complete - b->complete;
    return ORDER_SLIPS;
}

AllotStatus whatif_orders_of(WhatIfSession *s, const WhatIfDiff *d, OrderChange **out, size_t *n,
                             ErrBuf *err)
{
    *out = NULL;
    *n = 0;
    if (!s->live_views || !s->views)
        return d->nlines ? err_set(err, ALLOT_EINVALID, "the what-if session has no read model")
                         : ALLOT_OK;
    size_t cap = 0;
    for (size_t i = 0; i < d->nlines; i++) {
        const char *id = d->lines[i].orderid;
        if (*n && strcmp((*out)[*n - 1].orderid, id) == 0)
            continue; /* lines come by orderid: an order's lines are together */
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        OrderChange *c = &(*out)[(*n)++];
        memset(c, 0, sizeof *c);
        copy_id(c->orderid, id);
    }
    if (!*n)
        return ALLOT_OK;
    const char **ids = xmalloc(*n * sizeof *ids);
    OrderLateness *before = xmalloc(*n * sizeof *before), *after = xmalloc(*n * sizeof *after);
    for (size_t i = 0; i < *n; i++)
        ids[i] = (*out)[i].orderid;
    AllotStatus st = sandbox_views_orders_lateness(s->views, ids, *n, whatif_today(s), before,
                                                   after, err);
    for (size_t i = 0; st == ALLOT_OK && i < *n; i++) {
        OrderChange *c = &(*out)[i];
        c->before = before[i];
        c->after = after[i];
        c->kind = order_kind(&c->before, &c->after, &c->slip_days);
    }
    free(ids);
    free(before);
    free(after);
    if (st != ALLOT_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return st;
}

/* Worst first: now waiting, then the largest slip down to the largest gain, then
 * filled, new and gone orders; by order id within one. */
static int cmp_order_change(const void *x, const void *y)
{
    const OrderChange *a = x, *b = y;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->slip_days != b->slip_days)
        return a->slip_days > b->slip_days ? -1 : 1;
    return strcmp(a->orderid, b->orderid);
}

AllotStatus whatif_order_slips(WhatIfSession *s, OrderChange **out, size_t *n, ErrBuf *err)
{
    WhatIfDiff d;
    whatif_diff_init(&d);
    diff_sandbox(s->sandbox, whatif_today(s), &d);
    whatif_diff_sort(&d);
    AllotStatus st = whatif_orders_of(s, &d, out, n, err);
    whatif_diff_fini(&d);
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++)
        if ((*out)[i].kind != ORDER_SAME)
            (*out)[kept++] = (*out)[i];
    *n = kept;
    if (kept > 1)
        qsort(*out, kept, sizeof **out, cmp_order_change);
    return st;
}

static bool same_line(const LineDiff *a, const LineDiff *b)
{
    return strcmp(a->orderid, b->orderid) == 0 && strcmp(a->sku, b->sku) == 0 &&
           a->qty == b->qty && a->before_exists == b->before_exists &&
           a->after_exists == b->after_exists && strcmp(a->before_batch, b->before_batch) == 0 &&
           strcmp(a->after_batch, b->after_batch) == 0 && a->before_eta == b->before_eta &&
           a->after_eta == b->after_eta;
}

static bool same_batch(const BatchDiff *a, const BatchDiff *b)
{
    return strcmp(a->ref, b->ref) == 0 && a->created == b->created &&
           a->before_qty == b->before_qty && a->after_qty == b->after_qty &&
           a->before_eta == b->before_eta && a->after_eta == b->after_eta;
}

bool whatif_diff_same(const WhatIfDiff *a, const WhatIfDiff *b)
{
    if (a->nlines != b->nlines || a->nbatches != b->nbatches || a->events.len != b->events.len)
        return false;
    for (size_t i = 0; i < a->nlines; i++)
        if (!same_line(&a->lines[i], &b->lines[i]))
            return false;
    for (size_t i = 0; i < a->nbatches; i++)
        if (!same_batch(&a->batches[i], &b->batches[i]))
            return false;
    for (size_t i = 0; i < a->events.len; i++)
        if (!same_event(&a->events.items[i], &b->events.items[i]))
            return false;
    return true;
}

/* ---------- previews ---------- */

void delay_preview_init(DelayPreview *p)
{
    memset(p, 0, sizeof *p);
    whatif_diff_init(&p->diff);
}

void delay_preview_fini(DelayPreview *p) { whatif_diff_fini(&p->diff); }

AllotStatus whatif_preview_many(UnitOfWork *source, Clock *clock, const Command *cmds, size_t n,
                                WhatIfDiff *out, size_t *refused, ErrBuf *err)
{
    return whatif_preview_many_watched(source, clock, cmds, n, NULL, NULL, out, refused, err);
}

AllotStatus whatif_preview_many_watched(UnitOfWork *source, Clock *clock, const Command *cmds,
                                        size_t n, WhatIfProgress progress, void *progress_ctx,
                                        WhatIfDiff *out, size_t *refused, ErrBuf *err)
{
    Clock *ck = clock ? clock : clock_system();
    diff_clear(out);
    if (refused)
        *refused = n;
    UnitOfWork *tmp = sandbox_uow_new(source, ck);
    MessageBus *bus = bootstrap(tmp, notifier_none(), ck, &quiet_logger);
    CommandResult res;
    command_result_init(&res);
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        st = bus_handle(bus, &cmds[i], &res, err);
        if (st != ALLOT_OK && refused)
            *refused = i;
        if (st == ALLOT_OK && progress && i + 1 < n && !progress(progress_ctx, i + 1, n)) {
            st = err_set(err, ALLOT_ECANCELLED, "stopped after %zu of %zu", i + 1, n);
            if (refused)
                *refused = i + 1;
        }
    }
    if (st == ALLOT_OK) {
        diff_sandbox(tmp, today_of(ck), out);
        whatif_diff_sort(out);
        for (size_t i = 0; i < res.events.len; i++)
            event_vec_push(&out->events, &res.events.items[i]);
    }
    command_result_fini(&res);
    bus_free(bus);
    uow_free(tmp);
    return st;
}

AllotStatus whatif_preview(UnitOfWork *source, Clock *clock, const Command *cmd,
                           WhatIfDiff *out, ErrBuf *err)
{
    return whatif_preview_many(source, clock, cmd, 1, out, NULL, err);
}

#define DELAY_DAYS_MAX 3650

AllotStatus delay_preview(UnitOfWork *source, Clock *clock, const char *ref, int32_t days,
                          DelayPreview *out, ErrBuf *err)
{
    diff_clear(&out->diff);
    Clock *ck = clock ? clock : clock_system();
    if (days == 0 || days > DELAY_DAYS_MAX || days < -DELAY_DAYS_MAX)
        return err_set(err, ALLOT_EINVALID, "delay of %d days: give a whole number of days "
                       "from -%d to %d, not 0", (int)days, DELAY_DAYS_MAX, DELAY_DAYS_MAX);
    /* The batch as the source has it now. */
    AllotStatus st = uow_begin(source, err);
    if (st != ALLOT_OK)
        return st;
    Product *p = NULL;
    st = repository_get_by_batchref(uow_products(source), ref, &p, err);
    const Batch *b = st == ALLOT_OK && p ? product_find_batch(p, ref) : NULL;
    if (st == ALLOT_OK && !b)
        st = err_set(err, ALLOT_EUNKNOWN_BATCH, "unknown batch reference %s", ref);
    if (st == ALLOT_OK) {
        copy_id(out->ref, ref);
        copy_id(out->sku, product_sku(p));
        out->old_eta = b->eta;
    }
    uow_rollback(source);
    if (st != ALLOT_OK)
        return st;
    out->days = days;
    if (out->old_eta == ALLOT_NO_ETA && days < 0)
        return err_set(err, ALLOT_EINVALID, "batch %s is in the warehouse: it cannot arrive earlier",
                       ref);
    int32_t from = out->old_eta == ALLOT_NO_ETA ? today_of(ck) : out->old_eta;
    out->new_eta = from + days;
    int y, m, d;
    date_to_ymd(out->new_eta, &y, &m, &d);
    if (y < 1 || y > 9999)
        return err_set(err, ALLOT_EINVALID, "delay of %d days: the ETA would leave the calendar",
                       (int)days);
    out->cmd = command_change_batch_eta(ref, out->new_eta);
    return whatif_preview(source, ck, &out->cmd, &out->diff, err);
}
