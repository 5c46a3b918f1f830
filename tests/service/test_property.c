/* Property test, SPEC.md §1.2 rule 7: 10,000 random commands of every type
 * (refused ones included) through the bus on the in-memory unit of work, with a
 * fixed seed.  After every command:
 *   - the status is the one a simple model predicts (refusals included);
 *   - every committed product passes product_check_invariants (allocated <= qty,
 *     every line in exactly one place);
 *   - replaying the command's events onto a shadow map (line → place, batch →
 *     qty/eta) reproduces the committed state exactly, and the event log got
 *     exactly those events;
 *   - a refused command changed nothing; a changing command bumped one version once.
 * Every 250 commands, 20 of them run as one bulk unit of work that is committed or
 * abandoned at random: it must keep all or nothing (SPEC.md §3).
 * Undo (SPEC.md §1.6) of a random earlier command (mostly a recent one) is either
 * refused for the right reason — a later command changed its product, named in the
 * message; or no such command — or puts the product back exactly as it was before
 * that command (the product's state text, all but its version, compared).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bootstrap.h"
#include "event_text.h"
#include "persistence/memory_uow.h"

#define NSKU 4
#define NREF 24     /* R0..R23 may exist; R24, R25 never do */
#define NORDER 40
#define ABSENT (-2)
#define BACKORDER (-1)

typedef struct {
    bool exists;
    int sku;
    int64_t qty;
    int32_t eta;
} ShadowBatch;

typedef struct {
    int place; /* ABSENT, BACKORDER or a ref index */
    int64_t qty;
    int32_t need;
} ShadowLine;

static ShadowBatch batches[NREF + 2];
static ShadowLine lines[NSKU][NORDER];
static bool product_exists[NSKU];

/* Every command that changed something: its id, its product and that product's
 * state before it (what an undo must bring back). */
typedef struct {
    int64_t id;
    int sku;
    char *before;
    bool undo; /* it was an Undo: undoing it is a redo */
} Done;
static Done *history;
static size_t nhistory, caphistory;

static const Done *done_of(int64_t id)
{
    for (size_t i = nhistory; i-- > 0;)
        if (history[i].id == id)
            return &history[i];
    return NULL;
}

/* The first command after `d` that changed its product, or NULL. */
static const Done *later_than(const Done *d)
{
    for (const Done *x = d + 1; x < history + nhistory; x++)
        if (x->sku == d->sku)
            return x;
    return NULL;
}

static uint64_t rng = 0x2545F4914F6CDD1DULL; /* fixed seed */
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static int sku_index(const char *sku) { return sku[0] == 'S' && sku[1] - '0' < NSKU ? sku[1] - '0' : -1; }
static int ref_index(const char *ref) { return ref[0] ? atoi(ref + 1) : -1; }
static int order_index(const char *orderid) { return atoi(orderid + 1); }

static int64_t shadow_allocated(int ref)
{
    int64_t sum = 0;
    for (int s = 0; s < NSKU; s++)
        for (int o = 0; o < NORDER; o++)
            if (lines[s][o].place == ref)
                sum += lines[s][o].qty;
    return sum;
}

/* The status the model expects for `c`. */
static AllotStatus predict(const Command *c)
{
    int s = sku_index(c->sku), r = ref_index(c->ref);
    int o = c->orderid[0] ? order_index(c->orderid) : -1;
    switch (c->type) {
    case CMD_ALLOCATE:
        if (s < 0 || !product_exists[s])
            return ALLOT_EINVALID_SKU;
        if (lines[s][o].place != ABSENT && lines[s][o].qty != c->qty)
            return ALLOT_ELINE_QTY_MISMATCH;
        return ALLOT_OK;
    case CMD_CREATE_BATCH:
        return batches[r].exists ? ALLOT_EDUPLICATE_BATCH : ALLOT_OK;
    case CMD_CHANGE_BATCH_QTY:
    case CMD_CHANGE_BATCH_ETA:
        return batches[r].exists ? ALLOT_OK : ALLOT_EUNKNOWN_BATCH;
    case CMD_CANCEL_LINE:
        if (s < 0 || !product_exists[s])
            return ALLOT_EINVALID_SKU;
        return lines[s][o].place == ABSENT ? ALLOT_EUNKNOWN_LINE : ALLOT_OK;
    case CMD_RETRY_BACKORDERS:
        return ALLOT_OK; /* an unknown SKU has nothing to retry */
    case CMD_UNDO: {
        const Done *d = c->target ? done_of(c->target) : nhistory ? &history[nhistory - 1] : NULL;
        if (!d)
            return ALLOT_EUNKNOWN_COMMAND;
        return later_than(d) ? ALLOT_EUNDO_REFUSED : ALLOT_OK;
    }
    case CMD_ALLOCATE_TO:
        if (!batches[r].exists)
            return ALLOT_EUNKNOWN_BATCH;
        if (batches[r].sku != s)
            return ALLOT_ESKU_MISMATCH;
        if (lines[s][o].place != ABSENT && lines[s][o].qty != c->qty)
            return ALLOT_ELINE_QTY_MISMATCH;
        if (lines[s][o].place == r)
            return ALLOT_OK;
        return batches[r].qty - shadow_allocated(r) < c->qty ? ALLOT_ENO_ROOM : ALLOT_OK;
    default:
        return ALLOT_EUSAGE;
    }
}

static Command random_command(void)
{
    char sku[8], ref[8], orderid[8];
    snprintf(sku, sizeof sku, "S%u", rnd(20) == 0 ? 9 : rnd(NSKU));
    snprintf(ref, sizeof ref, "R%u", rnd(NREF + 2));
    snprintf(orderid, sizeof orderid, "o%u", rnd(NORDER));
    int32_t eta = rnd(3) == 0 ? ALLOT_NO_ETA : 20000 + (int32_t)rnd(20);
    int s = sku_index(sku), o = order_index(orderid);
    /* an existing line is mostly asked for again with its own qty */
    int64_t qty = 1 + rnd(12);
    if (s >= 0 && lines[s][o].place != ABSENT && rnd(4) != 0)
        qty = lines[s][o].qty;
    uint32_t k = rnd(100);
    int32_t need = rnd(2) ? ALLOT_NO_DATE : 20000 + (int32_t)rnd(30);
    if (k < 35)
        return command_with_need(command_allocate(orderid, sku, qty), need, 0);
    if (k < 45) {
        snprintf(ref, sizeof ref, "R%u", rnd(NREF));
        snprintf(sku, sizeof sku, "S%u", rnd(NSKU));
        return command_create_batch(ref, sku, rnd(31), eta);
    }
    if (k < 65)
        return command_change_batch_qty(ref, rnd(31));
    if (k < 78)
        return command_change_batch_eta(ref, eta);
    if (k < 87)
        return command_cancel_line(orderid, sku);
    if (k < 89)
        return command_retry_backorders(sku);
    if (k < 92) { /* undo: the latest, a recent one, any one, or one that never was */
        uint32_t u = rnd(8);
        if (u == 0 || !nhistory)
            return command_undo(0);
        if (u == 1)
            return command_undo(history[nhistory - 1].id + 1000);
        size_t back = u < 6 ? rnd(nhistory < 4 ? (uint32_t)nhistory : 4) : rnd((uint32_t)nhistory);
        return command_undo(history[nhistory - 1 - back].id);
    }
    /* mostly a batch of the line's own sku, so that some restores succeed */
    for (uint32_t i = 0, start = rnd(NREF); s >= 0 && rnd(4) != 0 && i < NREF; i++) {
        int r = (int)((start + i) % NREF);
        if (batches[r].exists && batches[r].sku == s) {
            snprintf(ref, sizeof ref, "R%d", r);
            break;
        }
    }
    return command_with_need(command_allocate_to(orderid, sku, rnd(2) ? 1 + rnd(3) : qty, ref),
                             need, 0);
}

static char *store_text(UnitOfWork *uow)
{
    static char out[2][1 << 16];
    static int which;
    char *t = out[which ^= 1];
    size_t used = 0;
    t[0] = '\0';
    for (size_t i = 0; i < memory_uow_product_count(uow); i++) {
        product_text(memory_uow_product(uow, i), t + used, sizeof out[0] - used);
        used += strlen(t + used);
        used += (size_t)snprintf(t + used, sizeof out[0] - used, "\n");
    }
    return t;
}

static int64_t version_sum(UnitOfWork *uow)
{
    int64_t v = 0;
    for (size_t i = 0; i < memory_uow_product_count(uow); i++)
        v += product_version(memory_uow_product(uow, i));
    return v;
}

#define FAIL(...)                                                                      \
    do {                                                                               \
        char d_[256], et_[256];                                                        \
        snprintf(d_, sizeof d_, __VA_ARGS__);                                          \
        cr_assert_fail("step %d (%s), event \"%s\": %s", step, command_type_name(c->type), \
                       event_text(e, et_, sizeof et_), d_);                            \
    } while (0)

/* Applies one event to the shadow, checking that it makes sense there. */
static void replay(int step, const Command *c, const Event *e)
{
    int s = sku_index(e->sku);
    if (s < 0)
        FAIL("unknown sku %s", e->sku);
    int o = e->orderid[0] ? order_index(e->orderid) : 0;
    int r = ref_index(e->batchref);
    ShadowLine *l = &lines[s][o];
    switch (e->type) {
    case EV_ALLOCATED:
        if (l->place != ABSENT && l->place != BACKORDER)
            FAIL("the line is already on R%d", l->place);
        if (l->place == BACKORDER && l->qty != e->qty)
            FAIL("qty %lld, shadow %lld", (long long)e->qty, (long long)l->qty);
        if (l->place == ABSENT && c->type != CMD_ALLOCATE && c->type != CMD_ALLOCATE_TO)
            FAIL("a new line from a command that makes none");
        if (e->new_line != (l->place == ABSENT))
            FAIL("new_line %d for a line that was %s", e->new_line,
                 l->place == ABSENT ? "absent" : "waiting");
        if (l->place == ABSENT)
            l->need = c->need;
        if (e->need != l->need)
            FAIL("need %d, the line's %d", e->need, l->need);
        l->place = r;
        l->qty = e->qty;
        break;
    case EV_OUT_OF_STOCK:
        if (c->type != CMD_ALLOCATE)
            FAIL("OutOfStock outside Allocate (noise on a retry)");
        if (l->place != ABSENT)
            FAIL("the line existed");
        if (!e->new_line || e->need != c->need)
            FAIL("new_line %d need %d for a new line", e->new_line, e->need);
        l->place = BACKORDER;
        l->qty = e->qty;
        l->need = c->need;
        break;
    case EV_REALLOCATED:
        if (l->place != r || l->qty != e->qty)
            FAIL("the line was on %d", l->place);
        if (strcmp(e->batchref, e->to) == 0)
            FAIL("reallocated onto the same batch");
        l->place = ref_index(e->to);
        break;
    case EV_DEALLOCATED:
        if (c->type != CMD_CHANGE_BATCH_QTY && c->type != CMD_UNDO)
            FAIL("Deallocated outside ChangeBatchQuantity and Undo");
        if (l->place != r || l->qty != e->qty)
            FAIL("the line was on %d", l->place);
        l->place = BACKORDER;
        break;
    case EV_ORDER_LINE_CANCELLED:
        if (l->place != (e->batchref[0] ? r : BACKORDER) || l->qty != e->qty)
            FAIL("the line was on %d", l->place);
        l->place = ABSENT;
        break;
    case EV_BATCH_CREATED:
        if (batches[r].exists)
            FAIL("the batch existed");
        batches[r] = (ShadowBatch){true, s, e->qty, e->eta};
        product_exists[s] = true;
        break;
    case EV_BATCH_REMOVED:
        if (c->type != CMD_UNDO || !batches[r].exists || batches[r].sku != s ||
            shadow_allocated(r) != 0)
            FAIL("BatchRemoved of a batch that is not an empty one of the SKU, or not by Undo");
        batches[r].exists = false;
        break;
    case EV_LINE_REMOVED:
        if (c->type != CMD_UNDO || l->place != (e->batchref[0] ? r : BACKORDER) || l->qty != e->qty)
            FAIL("the line was on %d", l->place);
        l->place = ABSENT;
        break;
    case EV_LINE_RESTORED:
        if (c->type != CMD_UNDO || l->place != ABSENT)
            FAIL("the line was on %d", l->place);
        l->place = e->batchref[0] ? r : BACKORDER;
        l->qty = e->qty;
        l->need = e->need;
        break;
    case EV_BATCH_QTY_CHANGED:
        if (!batches[r].exists || batches[r].sku != s || batches[r].qty != e->old_qty ||
            e->old_qty == e->new_qty)
            FAIL("shadow qty %lld", (long long)batches[r].qty);
        batches[r].qty = e->new_qty;
        break;
    case EV_BATCH_ETA_CHANGED:
        if (!batches[r].exists || batches[r].sku != s || batches[r].eta != e->old_eta ||
            e->old_eta == e->new_eta)
            FAIL("shadow eta %d", batches[r].eta);
        batches[r].eta = e->new_eta;
        break;
    default:
        FAIL("unknown type");
    }
    if ((e->type <= EV_ORDER_LINE_CANCELLED || e->type == EV_LINE_REMOVED ||
         e->type == EV_LINE_RESTORED) && e->batchref[0] &&
        (r < 0 || !batches[r].exists || batches[r].sku != s))
        FAIL("batch %s is not a batch of %s", e->batchref, e->sku);
}

/* The state of product number `s` (not its version), or "none" when the store does
 * not hold it or holds it empty. */
static const char *sku_state(UnitOfWork *uow, int s, char *buf, size_t size)
{
    char sku[8];
    snprintf(sku, sizeof sku, "S%d", s);
    for (size_t i = 0; i < memory_uow_product_count(uow); i++) {
        const Product *p = memory_uow_product(uow, i);
        if (strcmp(product_sku(p), sku) == 0 && !product_is_empty(p))
            return product_state_text(p, buf, size);
    }
    snprintf(buf, size, "none");
    return buf;
}

/* SPEC.md §1.2 rule 7: no backorder fits the free room of a batch of its SKU, except
 * in a product where a restore (AllocateTo, which never retries) moved lines since
 * the last command that retried. */
static bool unretried[NSKU];

static void check_no_backorder_fits(int step, UnitOfWork *uow)
{
    for (size_t i = 0; i < memory_uow_product_count(uow); i++) {
        const Product *p = memory_uow_product(uow, i);
        if (unretried[sku_index(product_sku(p))])
            continue;
        for (size_t k = 0; k < product_line_count(p); k++) {
            const OrderLine *l = product_line(p, k);
            for (size_t b = 0; l->batch < 0 && b < product_batch_count(p); b++) {
                const Batch *bt = product_batch(p, b);
                if (bt->qty - bt->allocated >= l->qty)
                    cr_assert_fail("step %d: backorder %s %s (%lld) fits batch %s (%lld free)",
                                   step, l->orderid, product_sku(p), (long long)l->qty, bt->ref,
                                   (long long)(bt->qty - bt->allocated));
            }
        }
    }
}

/* The committed state equals the shadow, and every product keeps its invariants. */
static void compare(int step, UnitOfWork *uow)
{
    size_t nlines = 0, nbatches = 0;
    for (size_t i = 0; i < memory_uow_product_count(uow); i++) {
        const Product *p = memory_uow_product(uow, i);
        ErrBuf err;
        if (product_check_invariants(p, &err) != ALLOT_OK)
            cr_assert_fail("step %d: %s", step, err.msg);
        if (product_is_empty(p))
            continue; /* what undoing its first batch leaves: an unknown SKU */
        int s = sku_index(product_sku(p));
        if (s < 0 || !product_exists[s])
            cr_assert_fail("step %d: unexpected product %s", step, product_sku(p));
        for (size_t b = 0; b < product_batch_count(p); b++, nbatches++) {
            const Batch *bt = product_batch(p, b);
            const ShadowBatch *sb = &batches[ref_index(bt->ref)];
            if (!sb->exists || sb->sku != s || sb->qty != bt->qty || sb->eta != bt->eta)
                cr_assert_fail("step %d: batch %s differs from the events", step, bt->ref);
        }
        for (size_t k = 0; k < product_line_count(p); k++, nlines++) {
            const OrderLine *l = product_line(p, k);
            const ShadowLine *sl = &lines[s][order_index(l->orderid)];
            const char *ref = product_line_batchref(p, l);
            int place = ref[0] ? ref_index(ref) : BACKORDER;
            if (sl->place != place || sl->qty != l->qty || sl->need != l->need)
                cr_assert_fail("step %d: line %s %s is on %s, events say %d", step, l->orderid,
                         product_sku(p), ref[0] ? ref : "backorder", sl->place);
        }
    }
    size_t want_lines = 0, want_batches = 0;
    for (int s = 0; s < NSKU; s++)
        for (int o = 0; o < NORDER; o++)
            want_lines += lines[s][o].place != ABSENT;
    for (int r = 0; r < NREF + 2; r++)
        want_batches += batches[r].exists;
    if (nlines != want_lines || nbatches != want_batches)
        cr_assert_fail("step %d: %zu lines and %zu batches stored, events say %zu and %zu", step,
                 nlines, nbatches, want_lines, want_batches);
}

Test(property, ten_thousand_random_commands_keep_every_invariant_and_a_consistent_event_stream)
{
    for (int s = 0; s < NSKU; s++)
        for (int o = 0; o < NORDER; o++)
            lines[s][o].place = ABSENT;
    UnitOfWork *uow = memory_uow_new();
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    int ok[CMD_TYPE_COUNT] = {0}, refused[CMD_TYPE_COUNT] = {0}, seen[EV_TYPE_COUNT] = {0};
    int max_lines = 0, bulks_kept = 0, bulks_undone = 0, retry_filled = 0, redone = 0;
    size_t saved_nhistory = 0;
    bool undo_next = false;
    static char states[NSKU][1 << 13];
    AllotId restored_sku = "";
    /* the bulk unit of work open now, and what it must restore */
    bool in_bulk = false, bulk_refused = false;
    static ShadowBatch saved_batches[NREF + 2];
    static ShadowLine saved_lines[NSKU][NORDER];
    static bool saved_exists[NSKU];
    static char saved_store[1 << 16];
    size_t saved_log = 0;
    CommandResult res;
    for (int step = 0; step < 10000; step++) {
        if (step % 250 == 0) {
            ErrBuf e;
            cr_assert_eq(uow_bulk_begin(uow, &e), ALLOT_OK, "%s", e.msg);
            in_bulk = true;
            bulk_refused = false;
            memcpy(saved_batches, batches, sizeof batches);
            memcpy(saved_lines, lines, sizeof lines);
            memcpy(saved_exists, product_exists, sizeof product_exists);
            strcpy(saved_store, store_text(uow));
            saved_log = memory_uow_event_log(uow)->len;
            saved_nhistory = nhistory;
        }
        /* a restore that moved a line frees room without a retry: often retry next */
        Command cmd = restored_sku[0] && rnd(2) ? command_retry_backorders(restored_sku)
                      : undo_next                ? command_undo(0)
                                                 : random_command();
        undo_next = false;
        restored_sku[0] = '\0';
        /* inside bulk work, mostly commands that succeed, so that some bulks are clean */
        while (in_bulk && predict(&cmd) != ALLOT_OK && rnd(40) != 0)
            cmd = random_command();
        const Command *c = &cmd;
        AllotStatus want = predict(c);
        for (int s = 0; s < NSKU; s++)
            sku_state(uow, s, states[s], sizeof states[s]);
        const Done *target = c->type != CMD_UNDO ? NULL
                             : c->target          ? done_of(c->target)
                             : nhistory           ? &history[nhistory - 1]
                                                  : NULL;
        char before[1 << 16];
        strcpy(before, store_text(uow));
        int64_t versions = version_sum(uow);
        size_t log_before = memory_uow_event_log(uow)->len;
        ErrBuf err = {{0}};
        command_result_init(&res);
        AllotStatus st = bus_handle(bus, c, &res, &err);
        if (st != want)
            cr_assert_fail("step %d: %s %s %s %s qty %lld: got %s (%s), expected %s", step,
                     command_type_name(c->type), c->orderid, c->sku, c->ref, (long long)c->qty,
                     allot_status_name(st), err.msg, allot_status_name(want));
        const EventVec *log = memory_uow_event_log(uow);
        if (st == ALLOT_EUNDO_REFUSED) {
            char want_msg[160];
            snprintf(want_msg, sizeof want_msg, "cannot undo command %lld: command %lld changed S%d since",
                     (long long)target->id, (long long)later_than(target)->id, target->sku);
            cr_assert_str_eq(err.msg, want_msg, "step %d", step);
        }
        if (st != ALLOT_OK) {
            refused[c->type]++;
            bulk_refused = true;
            cr_assert_eq(res.events.len, 0, "step %d", step);
            cr_assert_eq(log->len, log_before, "step %d: a refusal logged events", step);
            cr_assert_str_eq(store_text(uow), before, "step %d: a refusal changed state", step);
        } else {
            ok[c->type]++;
            /* often undo what just happened; a new batch (few refs) more often */
            undo_next = res.events.len && rnd(c->type == CMD_CREATE_BATCH ? 2 : 12) == 0;
            int cs = sku_index(c->sku);
            if (c->type == CMD_ALLOCATE_TO) {
                memcpy(restored_sku, c->sku, sizeof restored_sku); /* both AllotId */
                unretried[cs] |= res.events.len > 0;
            } else if (c->type == CMD_RETRY_BACKORDERS) {
                if (cs >= 0)
                    unretried[cs] = false; /* with or without events, rule 7 holds again */
            } else if (c->type != CMD_ALLOCATE && res.events.len) {
                /* every other command that changed its product retried (rule 6) */
                unretried[sku_index(res.events.items[0].sku)] = false;
            }
            cr_assert_eq(log->len, log_before + res.events.len, "step %d", step);
            bool touched[NSKU][NORDER] = {{false}};
            for (size_t i = 0; i < res.events.len; i++) {
                const Event *e = &res.events.items[i];
                char a[256], b[256];
                cr_assert_str_eq(event_text(e, a, sizeof a),
                                 event_text(&log->items[log_before + i], b, sizeof b),
                                 "step %d: the log differs from the result", step);
                if (e->orderid[0]) {
                    bool *t = &touched[sku_index(e->sku)][order_index(e->orderid)];
                    if (*t)
                        cr_assert_fail("step %d: two events for line %s %s", step, e->orderid,
                                 e->sku);
                    *t = true;
                }
                seen[e->type]++;
                retry_filled += c->type == CMD_RETRY_BACKORDERS && e->type == EV_ALLOCATED;
                replay(step, c, e);
            }
            for (int s = 0; s < NSKU; s++) {
                bool any = false;
                for (int r = 0; r < NREF + 2 && !any; r++)
                    any = batches[r].exists && batches[r].sku == s;
                for (int o = 0; o < NORDER && !any; o++)
                    any = lines[s][o].place != ABSENT;
                product_exists[s] = any;
            }
            if (c->type == CMD_UNDO) {
                char now[sizeof states[0]];
                cr_assert_eq(res.undone, target->id, "step %d", step);
                cr_assert_str_eq(sku_state(uow, target->sku, now, sizeof now), target->before,
                                 "step %d: undo of command %lld is not the state before it", step,
                                 (long long)target->id);
                redone += target->undo;
            }
            if (res.events.len) {
                if (nhistory == caphistory) {
                    caphistory = caphistory ? caphistory * 2 : 1024;
                    history = realloc(history, caphistory * sizeof *history);
                }
                int s = sku_index(res.events.items[0].sku);
                history[nhistory++] = (Done){res.command_id, s, strdup(states[s]),
                                             c->type == CMD_UNDO};
            }
            int64_t bump = version_sum(uow) - versions;
            cr_assert_eq(bump, res.events.len ? 1 : 0, "step %d: version moved by %lld", step,
                         (long long)bump);
            if (!res.events.len)
                cr_assert_str_eq(store_text(uow), before, "step %d: a silent change", step);
            if (c->type == CMD_ALLOCATE) {
                const ShadowLine *l = &lines[sku_index(c->sku)][order_index(c->orderid)];
                int place = res.batchref[0] ? ref_index(res.batchref) : BACKORDER;
                cr_assert_eq(place, l->place, "step %d: allocate reported %s", step,
                             res.batchref);
            }
        }
        command_result_fini(&res);
        if (in_bulk && step % 250 == 19) {
            bool commit = rnd(3) != 0;
            ErrBuf e;
            AllotStatus end = uow_bulk_end(uow, commit, &e);
            in_bulk = false;
            if (commit && !bulk_refused) {
                cr_assert_eq(end, ALLOT_OK, "step %d: %s", step, e.msg);
                bulks_kept++;
            } else {
                cr_assert_eq(end, commit ? ALLOT_ESTORAGE : ALLOT_OK, "step %d", step);
                cr_assert_str_eq(store_text(uow), saved_store, "step %d: bulk not undone", step);
                cr_assert_eq(memory_uow_event_log(uow)->len, saved_log, "step %d", step);
                memcpy(batches, saved_batches, sizeof batches);
                memcpy(lines, saved_lines, sizeof lines);
                memcpy(product_exists, saved_exists, sizeof product_exists);
                while (nhistory > saved_nhistory)
                    free(history[--nhistory].before);
                bulks_undone++;
            }
        }
        compare(step, uow);
        check_no_backorder_fits(step, uow);
        int n = 0;
        for (int s = 0; s < NSKU; s++)
            for (int o = 0; o < NORDER; o++)
                n += lines[s][o].place != ABSENT;
        if (n > max_lines)
            max_lines = n;
    }
    /* The walk is not vacuous: every command type both succeeded and was refused,
     * every event type occurred. */
    cr_expect_geq(ok[CMD_CREATE_BATCH], NREF, "every reference was created (again after an undone bulk)");
    for (int t = 0; t < CMD_TYPE_COUNT; t++) {
        cr_expect_gt(ok[t], t == CMD_CREATE_BATCH ? NREF - 1 : 20, "%s succeeded %d times", command_type_name(t), ok[t]);
        if (t != CMD_RETRY_BACKORDERS) /* it has no refusal */
            cr_expect_gt(refused[t], 10, "%s refused %d times", command_type_name(t),
                         refused[t]);
    }
    for (int t = 0; t < EV_TYPE_COUNT; t++)
        cr_expect_gt(seen[t], 20, "%s seen %d times", event_type_name(t), seen[t]);
    cr_expect_gt(max_lines, 60);
    cr_log_info("RetryBackorders filled %d backorders", retry_filled);
    cr_expect_gt(bulks_kept, 0);
    cr_expect_gt(bulks_undone, 5);
    cr_log_info("ok/refused per command type: %d/%d %d/%d %d/%d %d/%d %d/%d %d/%d; bulks kept %d, undone %d; at most %d lines",
                ok[0], refused[0], ok[1], refused[1], ok[2], refused[2], ok[3], refused[3], ok[4],
                refused[4], ok[5], refused[5], bulks_kept, bulks_undone, max_lines);
    cr_log_info("undo: %d done (%d of them redos), %d refused", ok[CMD_UNDO], redone,
                refused[CMD_UNDO]);
    cr_expect_gt(redone, 5, "undoing an undo (redo) was tried and restored the state");
    while (nhistory)
        free(history[--nhistory].before);
    free(history);
    bus_free(bus);
    uow_free(uow);
}
