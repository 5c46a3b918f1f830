#include "domain/product.h"

#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

struct Product {
    AllotId sku;
    int64_t version;
    uint64_t next_seq;
    Batch *batches;
    size_t nbatches, cap_batches;
    OrderLine *lines;
    size_t nlines, cap_lines;
    int32_t *slots; /* open-addressing index orderid → line index; -1 empty */
    size_t nslots;  /* a power of two, > 2 * nlines, or 0 */
    EventVec events;
};

/* ---------- construction ---------- */

static void copy_id(AllotId dst, const char *src)
{
    size_t n = src ? strnlen(src, ALLOT_ID_MAX) : 0;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

Product *product_new(const char *sku)
{
    Product *p = xcalloc(1, sizeof *p);
    copy_id(p->sku, sku);
    p->next_seq = 1;
    return p;
}

static Product *clone(const Product *p, bool with_events)
{
    Product *c = xmalloc(sizeof *c);
    *c = *p;
    c->batches = xreallocarray(NULL, p->cap_batches ? p->cap_batches : 1, sizeof *c->batches);
    if (p->nbatches)
        memcpy(c->batches, p->batches, p->nbatches * sizeof *c->batches);
    c->lines = xreallocarray(NULL, p->cap_lines ? p->cap_lines : 1, sizeof *c->lines);
    if (p->nlines)
        memcpy(c->lines, p->lines, p->nlines * sizeof *c->lines);
    c->slots = NULL;
    if (p->nslots) {
        c->slots = xreallocarray(NULL, p->nslots, sizeof *c->slots);
        memcpy(c->slots, p->slots, p->nslots * sizeof *c->slots);
    }
    event_vec_init(&c->events);
    for (size_t i = 0; with_events && i < p->events.len; i++)
        event_vec_push(&c->events, &p->events.items[i]);
    return c;
}

Product *product_clone(const Product *p) { return clone(p, true); }

Product *product_clone_state(const Product *p) { return clone(p, false); }

void product_free(Product *p)
{
    if (!p)
        return;
    free(p->batches);
    free(p->lines);
    free(p->slots);
    event_vec_fini(&p->events);
    free(p);
}

const char *product_sku(const Product *p) { return p->sku; }
int64_t product_version(const Product *p) { return p->version; }
void product_set_version(Product *p, int64_t version) { p->version = version; }
uint64_t product_next_seq(const Product *p) { return p->next_seq; }
void product_set_next_seq(Product *p, uint64_t next_seq) { p->next_seq = next_seq; }

/* ---------- the order-id index ---------- */

static uint64_t hash_id(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    /* FNV's low bits, which pick the slot, hardly depend on the first bytes; a
     * final mix (MurmurHash3's fmix64) spreads order ids that differ there */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* The slot holding `orderid`, or the empty slot where it would go. */
static size_t index_slot(const Product *p, const char *orderid)
{
    size_t mask = p->nslots - 1;
    size_t i = (size_t)hash_id(orderid) & mask;
    while (p->slots[i] >= 0 && strcmp(p->lines[p->slots[i]].orderid, orderid) != 0)
        i = (i + 1) & mask;
    return i;
}

static void index_rebuild(Product *p, size_t nslots)
{
    free(p->slots);
    p->nslots = nslots;
    p->slots = xreallocarray(NULL, nslots, sizeof *p->slots);
    memset(p->slots, 0xff, nslots * sizeof *p->slots); /* all -1 */
    for (size_t i = 0; i < p->nlines; i++)
        p->slots[index_slot(p, p->lines[i].orderid)] = (int32_t)i;
}

static int32_t index_find(const Product *p, const char *orderid)
{
    if (p->nslots == 0)
        return -1;
    return p->slots[index_slot(p, orderid)];
}

/* Removes the key at slot i, shifting later members of its cluster back. */
static void index_delete_slot(Product *p, size_t i)
{
    size_t mask = p->nslots - 1;
    size_t j = i;
    p->slots[i] = -1;
    for (;;) {
        j = (j + 1) & mask;
        if (p->slots[j] < 0)
            return;
        size_t home = (size_t)hash_id(p->lines[p->slots[j]].orderid) & mask;
        /* Move slot j back to i if its home is not cyclically within (i, j]. */
        bool in_range = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!in_range) {
            p->slots[i] = p->slots[j];
            p->slots[j] = -1;
            i = j;
        }
    }
}

/* ---------- lines ---------- */

static OrderLine *add_line(Product *p, const char *orderid, int64_t qty, uint64_t seq,
                           int32_t need, int64_t requested, int32_t batch)
{
    if (p->nlines == p->cap_lines) {
        p->cap_lines = p->cap_lines ? p->cap_lines * 2 : 8;
        p->lines = xreallocarray(p->lines, p->cap_lines, sizeof *p->lines);
    }
    if ((p->nlines + 1) * 2 >= p->nslots)
        index_rebuild(p, p->nslots ? p->nslots * 2 : 16);
    OrderLine *l = &p->lines[p->nlines];
    memset(l, 0, sizeof *l);
    copy_id(l->orderid, orderid);
    l->qty = qty;
    l->seq = seq;
    l->need = need;
    l->requested = requested < 0 ? 0 : requested;
    l->batch = batch;
    l->moved_from = -1;
    p->slots[index_slot(p, l->orderid)] = (int32_t)p->nlines;
    p->nlines++;
    if (batch >= 0)
        p->batches[batch].allocated += qty;
    if (seq >= p->next_seq)
        p->next_seq = seq + 1;
    return l;
}

static void remove_line(Product *p, size_t idx)
{
    OrderLine *l = &p->lines[idx];
    if (l->batch >= 0)
        p->batches[l->batch].allocated -= l->qty;
    index_delete_slot(p, index_slot(p, l->orderid));
    size_t last = p->nlines - 1;
    if (idx != last) {
        size_t s = index_slot(p, p->lines[last].orderid);
        p->lines[idx] = p->lines[last];
        p->slots[s] = (int32_t)idx;
    }
    p->nlines--;
}

static void move_line(Product *p, OrderLine *l, int32_t batch)
{
    if (l->batch >= 0)
        p->batches[l->batch].allocated -= l->qty;
    l->batch = batch;
    if (batch >= 0)
        p->batches[batch].allocated += l->qty;
}

/* ---------- batches ---------- */

bool batch_is_preferred(const Batch *a, const Batch *b)
{
    /* ALLOT_NO_ETA is INT32_MIN, so "in the warehouse" sorts first naturally. */
    if (a->eta != b->eta)
        return a->eta < b->eta;
    return a->seq < b->seq;
}

static int32_t find_batch(const Product *p, const char *ref)
{
    for (size_t i = 0; i < p->nbatches; i++)
        if (strcmp(p->batches[i].ref, ref) == 0)
            return (int32_t)i;
    return -1;
}

static Batch *add_batch(Product *p, const char *ref, int64_t qty, int32_t eta, uint64_t seq)
{
    if (p->nbatches == p->cap_batches) {
        p->cap_batches = p->cap_batches ? p->cap_batches * 2 : 4;
        p->batches = xreallocarray(p->batches, p->cap_batches, sizeof *p->batches);
    }
    Batch *b = &p->batches[p->nbatches++];
    memset(b, 0, sizeof *b);
    copy_id(b->ref, ref);
    b->qty = qty;
    b->eta = eta;
    b->seq = seq;
    if (seq >= p->next_seq)
        p->next_seq = seq + 1;
    return b;
}

/* The most preferred batch with available >= qty, optionally only among batches
 * preferred to `before` (when before >= 0) and other than `except`; or -1. */
static int32_t best_batch(const Product *p, int64_t qty, int32_t before, int32_t except)
{
    int32_t best = -1;
    for (size_t i = 0; i < p->nbatches; i++) {
        const Batch *b = &p->batches[i];
        if ((int32_t)i == except || b->qty - b->allocated < qty)
            continue;
        if (before >= 0 && !batch_is_preferred(b, &p->batches[before]))
            continue;
        if (best < 0 || batch_is_preferred(b, &p->batches[best]))
            best = (int32_t)i;
    }
    return best;
}

/* ---------- events ---------- */

static Event line_event(const Product *p, EventType type, const OrderLine *l, int32_t batch)
{
    Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    copy_id(e.orderid, l->orderid);
    copy_id(e.sku, p->sku);
    e.qty = l->qty;
    if (batch >= 0)
        copy_id(e.batchref, p->batches[batch].ref);
    e.eta = e.old_eta = e.new_eta = ALLOT_NO_ETA;
    e.need = l->need;
    e.requested = l->requested;
    e.seq = l->seq;
    return e;
}

static void raise_line_event(Product *p, EventType type, const OrderLine *l, int32_t batch)
{
    Event e = line_event(p, type, l, batch);
    event_vec_push(&p->events, &e);
}

/* The event of a line that this event creates (rule 1, a restore). */
static void raise_new_line_event(Product *p, EventType type, const OrderLine *l, int32_t batch)
{
    Event e = line_event(p, type, l, batch);
    e.new_line = true;
    event_vec_push(&p->events, &e);
}

static void raise_reallocated(Product *p, const OrderLine *l, int32_t from, int32_t to)
{
    Event e = line_event(p, EV_REALLOCATED, l, from);
    copy_id(e.to, p->batches[to].ref);
    event_vec_push(&p->events, &e);
}

static Event batch_event(const Product *p, EventType type, const Batch *b)
{
    Event e;
    memset(&e, 0, sizeof e);
    e.type = type;
    copy_id(e.batchref, b->ref);
    copy_id(e.sku, p->sku);
    e.eta = e.old_eta = e.new_eta = ALLOT_NO_ETA;
    e.need = ALLOT_NO_DATE;
    e.seq = b->seq;
    return e;
}

/* ---------- rule 6: backorder retry ---------- */


typedef struct {
    int64_t requested;
    uint64_t seq;
    AllotId orderid;
} SeqKey;

static int cmp_seqkey(const void *a, const void *b)
{
    const SeqKey *x = a, *y = b;
    if (x->requested != y->requested)
        return x->requested < y->requested ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

bool line_is_older(const OrderLine *a, const OrderLine *b)
{
    if (a->requested != b->requested)
        return a->requested < b->requested;
    return a->seq < b->seq;
}

static SeqKey seq_key(const OrderLine *l)
{
    SeqKey k;
    k.requested = l->requested;
    k.seq = l->seq;
    memcpy(k.orderid, l->orderid, sizeof k.orderid);
    return k;
}

/* Collects the order ids of the lines matching `batch` (-1: backorders), oldest
 * first.  Ids, not indices, because placing lines never reorders the array but
 * keeping ids makes that assumption unnecessary.  Caller frees. */
static SeqKey *lines_oldest_first(const Product *p, int32_t batch, size_t *n)
{
    size_t count = 0;
    for (size_t i = 0; i < p->nlines; i++)
        count += p->lines[i].batch == batch;
    SeqKey *keys = xreallocarray(NULL, count ? count : 1, sizeof *keys);
    size_t k = 0;
    for (size_t i = 0; i < p->nlines; i++) {
        if (p->lines[i].batch != batch)
            continue;
        keys[k++] = seq_key(&p->lines[i]);
    }
    qsort(keys, count, sizeof *keys, cmp_seqkey);
    *n = count;
    return keys;
}

static void retry_backorders(Product *p)
{
    size_t n;
    SeqKey *keys = lines_oldest_first(p, -1, &n);
    for (size_t k = 0; k < n; k++) {
        OrderLine *l = &p->lines[index_find(p, keys[k].orderid)];
        int32_t to = best_batch(p, l->qty, -1, -1);
        if (to < 0)
            continue; /* stays a backorder, no new OutOfStock */
        move_line(p, l, to);
        if (l->moved_from < 0)
            raise_line_event(p, EV_ALLOCATED, l, to);
        else if (l->moved_from != to)
            raise_reallocated(p, l, l->moved_from, to);
        /* landing back on its own batch: no event, it never really left */
        l->moved_from = -1;
    }
    free(keys);
    /* Lines deallocated by this rule that found no batch: now say so, oldest
     * first, whatever the order of the array (a store may load it in another). */
    size_t nleft = 0;
    for (size_t i = 0; i < p->nlines; i++)
        nleft += p->lines[i].moved_from >= 0;
    if (nleft == 0)
        return;
    keys = xreallocarray(NULL, nleft, sizeof *keys);
    size_t k = 0;
    for (size_t i = 0; i < p->nlines; i++) {
        if (p->lines[i].moved_from < 0)
            continue;
        keys[k++] = seq_key(&p->lines[i]);
    }
    qsort(keys, nleft, sizeof *keys, cmp_seqkey);
    for (size_t j = 0; j < nleft; j++) {
        OrderLine *l = &p->lines[index_find(p, keys[j].orderid)];
        raise_line_event(p, EV_DEALLOCATED, l, l->moved_from);
        l->moved_from = -1;
    }
    free(keys);
}

/* ---------- the rules ---------- */

/* Quantities reach the domain already validated (SPEC.md §1.3); these guards keep
 * a caller's mistake from corrupting a product (a negative batch qty would make
 * rule 3 look for a line that does not exist). */
static AllotStatus check_line_qty(int64_t qty, ErrBuf *err)
{
    if (qty < 1 || qty > ALLOT_QTY_MAX)
        return err_set(err, ALLOT_EINVALID, "order line qty %lld must be between 1 and %lld",
                       (long long)qty, (long long)ALLOT_QTY_MAX);
    return ALLOT_OK;
}

static AllotStatus check_batch_qty(int64_t qty, ErrBuf *err)
{
    if (qty < 0 || qty > ALLOT_QTY_MAX)
        return err_set(err, ALLOT_EINVALID, "batch qty %lld must be between 0 and %lld",
                       (long long)qty, (long long)ALLOT_QTY_MAX);
    return ALLOT_OK;
}

AllotStatus product_load_batch(Product *p, const char *ref, int64_t qty, int32_t eta,
                               uint64_t seq, ErrBuf *err)
{
    if (find_batch(p, ref) >= 0)
        return err_set(err, ALLOT_EDUPLICATE_BATCH, "duplicate batch reference %s", ref);
    add_batch(p, ref, qty, eta, seq);
    return ALLOT_OK;
}

AllotStatus product_load_line(Product *p, const char *orderid, int64_t qty, uint64_t seq,
                              int32_t need, int64_t requested, const char *batchref,
                              ErrBuf *err)
{
    int32_t b = -1;
    if (batchref && batchref[0]) {
        b = find_batch(p, batchref);
        if (b < 0)
            return err_set(err, ALLOT_EUNKNOWN_BATCH, "unknown batch reference %s", batchref);
    }
    if (index_find(p, orderid) >= 0)
        return err_set(err, ALLOT_ELINE_QTY_MISMATCH, "order line %s %s is stored twice",
                       orderid, p->sku);
    add_line(p, orderid, qty, seq, need, requested, b);
    return ALLOT_OK;
}

AllotStatus product_allocate(Product *p, const char *orderid, int64_t qty, int32_t need,
                             int64_t requested, AllotId batchref_out, ErrBuf *err)
{
    if (batchref_out)
        batchref_out[0] = '\0';
    if (check_line_qty(qty, err) != ALLOT_OK)
        return ALLOT_EINVALID;
    int32_t existing = index_find(p, orderid);
    if (existing >= 0) {
        const OrderLine *l = &p->lines[existing];
        if (l->qty != qty)
            return err_set(err, ALLOT_ELINE_QTY_MISMATCH,
                           "order line %s %s already exists with qty %lld, not %lld", orderid,
                           p->sku, (long long)l->qty, (long long)qty);
        if (batchref_out && l->batch >= 0)
            copy_id(batchref_out, p->batches[l->batch].ref);
        return ALLOT_OK;
    }
    int32_t b = best_batch(p, qty, -1, -1);
    OrderLine *l = add_line(p, orderid, qty, p->next_seq, need, requested, b);
    raise_new_line_event(p, b >= 0 ? EV_ALLOCATED : EV_OUT_OF_STOCK, l, b);
    if (b >= 0 && batchref_out)
        copy_id(batchref_out, p->batches[b].ref);
    p->version++;
    return ALLOT_OK;
}

AllotStatus product_add_batch(Product *p, const char *ref, int64_t qty, int32_t eta,
                              ErrBuf *err)
{
    if (check_batch_qty(qty, err) != ALLOT_OK)
        return ALLOT_EINVALID;
    if (find_batch(p, ref) >= 0)
        return err_set(err, ALLOT_EDUPLICATE_BATCH, "duplicate batch reference %s", ref);
    Batch *b = add_batch(p, ref, qty, eta, p->next_seq);
    Event e = batch_event(p, EV_BATCH_CREATED, b);
    e.qty = qty;
    e.eta = eta;
    event_vec_push(&p->events, &e);
    retry_backorders(p);
    p->version++;
    return ALLOT_OK;
}

AllotStatus product_change_batch_qty(Product *p, const char *ref, int64_t qty, ErrBuf *err)
{
    int32_t bi = find_batch(p, ref);
    if (bi < 0)
        return err_set(err, ALLOT_EUNKNOWN_BATCH, "unknown batch reference %s", ref);
    if (check_batch_qty(qty, err) != ALLOT_OK)
        return ALLOT_EINVALID;
    Batch *b = &p->batches[bi];
    if (b->qty == qty)
        return ALLOT_OK;
    Event e = batch_event(p, EV_BATCH_QTY_CHANGED, b);
    e.old_qty = b->qty;
    e.new_qty = qty;
    event_vec_push(&p->events, &e);
    b->qty = qty;
    if (b->allocated > b->qty) {
        /* remove the batch's newest lines until available >= 0: one sort, not a
         * scan per removed line (a batch may hold many thousands of lines) */
        size_t n;
        SeqKey *keys = lines_oldest_first(p, bi, &n);
        for (size_t k = n; k-- > 0 && b->allocated > b->qty;) {
            OrderLine *l = &p->lines[index_find(p, keys[k].orderid)];
            move_line(p, l, -1);
            l->moved_from = bi;
        }
        free(keys);
    }
    retry_backorders(p);
    p->version++;
    return ALLOT_OK;
}

AllotStatus product_change_batch_eta(Product *p, const char *ref, int32_t eta, ErrBuf *err)
{
    int32_t bi = find_batch(p, ref);
    if (bi < 0)
        return err_set(err, ALLOT_EUNKNOWN_BATCH, "unknown batch reference %s", ref);
    Batch *b = &p->batches[bi];
    if (b->eta == eta)
        return ALLOT_OK;
    Event e = batch_event(p, EV_BATCH_ETA_CHANGED, b);
    e.old_eta = b->eta;
    e.new_eta = eta;
    event_vec_push(&p->events, &e);
    b->eta = eta;
    size_t n;
    SeqKey *keys = lines_oldest_first(p, bi, &n);
    for (size_t k = 0; k < n; k++) {
        OrderLine *l = &p->lines[index_find(p, keys[k].orderid)];
        int32_t to = best_batch(p, l->qty, bi, bi);
        if (to < 0)
            continue;
        move_line(p, l, to);
        raise_reallocated(p, l, bi, to);
    }
    free(keys);
    /* Lines that left may have made room on this batch for a waiting backorder:
     * a planner expects it filled now, not at the next unrelated change. */
    retry_backorders(p);
    p->version++;
    return ALLOT_OK;
}

AllotStatus product_cancel_line(Product *p, const char *orderid, ErrBuf *err)
{
    int32_t li = index_find(p, orderid);
    if (li < 0)
        return err_set(err, ALLOT_EUNKNOWN_LINE, "unknown order line %s %s", orderid, p->sku);
    raise_line_event(p, EV_ORDER_LINE_CANCELLED, &p->lines[li], p->lines[li].batch);
    remove_line(p, (size_t)li);
    retry_backorders(p);
    p->version++;
    return ALLOT_OK;
}

AllotStatus product_allocate_to(Product *p, const char *orderid, int64_t qty, int32_t need,
                                int64_t requested, const char *ref, ErrBuf *err)
{
    int32_t bi = find_batch(p, ref);
    if (bi < 0)
        return err_set(err, ALLOT_EUNKNOWN_BATCH, "unknown batch reference %s", ref);
    if (check_line_qty(qty, err) != ALLOT_OK)
        return ALLOT_EINVALID;
    Batch *b = &p->batches[bi];
    int32_t li = index_find(p, orderid);
    if (li >= 0) {
        OrderLine *l = &p->lines[li];
        if (l->qty != qty)
            return err_set(err, ALLOT_ELINE_QTY_MISMATCH,
                           "order line %s %s already exists with qty %lld, not %lld", orderid,
                           p->sku, (long long)l->qty, (long long)qty);
        if (l->batch == bi)
            return ALLOT_OK;
        if (b->qty - b->allocated < qty)
            return err_set(err, ALLOT_ENO_ROOM,
                           "batch %s has %lld available, order line %s %s needs %lld", ref,
                           (long long)(b->qty - b->allocated), orderid, p->sku, (long long)qty);
        int32_t from = l->batch;
        move_line(p, l, bi);
        if (from >= 0)
            raise_reallocated(p, l, from, bi);
        else
            raise_line_event(p, EV_ALLOCATED, l, bi);
        p->version++;
        return ALLOT_OK;
    }
    if (b->qty - b->allocated < qty)
        return err_set(err, ALLOT_ENO_ROOM,
                       "batch %s has %lld available, order line %s %s needs %lld", ref,
                       (long long)(b->qty - b->allocated), orderid, p->sku, (long long)qty);
    OrderLine *l = add_line(p, orderid, qty, p->next_seq, need, requested, bi);
    raise_new_line_event(p, EV_ALLOCATED, l, bi);
    p->version++;
    return ALLOT_OK;
}

void product_retry_backorders(Product *p)
{
    size_t before = p->events.len;
    retry_backorders(p);
    if (p->events.len != before)
        p->version++;
}

/* ---------- queries ---------- */

size_t product_batch_count(const Product *p) { return p->nbatches; }
const Batch *product_batch(const Product *p, size_t i) { return &p->batches[i]; }

const Batch *product_find_batch(const Product *p, const char *ref)
{
    int32_t i = find_batch(p, ref);
    return i < 0 ? NULL : &p->batches[i];
}

size_t product_line_count(const Product *p) { return p->nlines; }
const OrderLine *product_line(const Product *p, size_t i) { return &p->lines[i]; }

const OrderLine *product_find_line(const Product *p, const char *orderid)
{
    int32_t i = index_find(p, orderid);
    return i < 0 ? NULL : &p->lines[i];
}

const char *product_line_batchref(const Product *p, const OrderLine *line)
{
    return line->batch >= 0 ? p->batches[line->batch].ref : "";
}

const EventVec *product_events(const Product *p) { return &p->events; }

void product_take_events(Product *p, EventVec *dst) { event_vec_append(dst, &p->events); }

void product_stamp_events(Product *p, int64_t command_id, const char *actor)
{
    for (size_t i = 0; i < p->events.len; i++) {
        Event *e = &p->events.items[i];
        if (e->command_id != 0)
            continue;
        e->command_id = command_id;
        copy_id(e->actor, actor);
    }
}

AllotStatus product_check_invariants(const Product *p, ErrBuf *err)
{
    int64_t *sums = xcalloc(p->nbatches ? p->nbatches : 1, sizeof *sums);
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; i < p->nlines && st == ALLOT_OK; i++) {
        const OrderLine *l = &p->lines[i];
        if (l->batch < -1 || l->batch >= (int32_t)p->nbatches)
            st = err_set(err, ALLOT_EINVALID, "line %s has no valid place", l->orderid);
        else if (l->batch >= 0)
            sums[l->batch] += l->qty;
        if (st == ALLOT_OK && index_find(p, l->orderid) != (int32_t)i)
            st = err_set(err, ALLOT_EINVALID, "line %s is indexed wrongly or twice", l->orderid);
        if (st == ALLOT_OK && l->moved_from != -1)
            st = err_set(err, ALLOT_EINVALID, "line %s is left mid-move", l->orderid);
        if (st == ALLOT_OK && l->requested < 0)
            st = err_set(err, ALLOT_EINVALID, "line %s has requested %lld", l->orderid,
                         (long long)l->requested);
        if (st == ALLOT_OK && l->qty <= 0)
            st = err_set(err, ALLOT_EINVALID, "line %s has qty %lld", l->orderid,
                         (long long)l->qty);
        if (st == ALLOT_OK && l->seq >= p->next_seq)
            st = err_set(err, ALLOT_EINVALID, "line %s has seq %llu, not below next_seq %llu",
                         l->orderid, (unsigned long long)l->seq,
                         (unsigned long long)p->next_seq);
    }
    for (size_t i = 0; i < p->nbatches && st == ALLOT_OK; i++) {
        const Batch *b = &p->batches[i];
        if (b->qty < 0)
            st = err_set(err, ALLOT_EINVALID, "batch %s has qty %lld", b->ref, (long long)b->qty);
        else if (b->seq >= p->next_seq)
            st = err_set(err, ALLOT_EINVALID, "batch %s has seq %llu, not below next_seq %llu",
                         b->ref, (unsigned long long)b->seq, (unsigned long long)p->next_seq);
        else if (sums[i] != b->allocated)
            st = err_set(err, ALLOT_EINVALID, "batch %s allocated %lld but its lines sum %lld",
                         b->ref, (long long)b->allocated, (long long)sums[i]);
        else if (b->allocated > b->qty)
            st = err_set(err, ALLOT_EINVALID, "batch %s is over-allocated: %lld > %lld", b->ref,
                         (long long)b->allocated, (long long)b->qty);
        for (size_t j = i + 1; j < p->nbatches && st == ALLOT_OK; j++)
            if (strcmp(b->ref, p->batches[j].ref) == 0)
                st = err_set(err, ALLOT_EINVALID, "batch %s appears twice", b->ref);
    }
    free(sums);
    return st;
}

/* ---------- SPEC.md §1.6 undo ---------- */

bool product_is_empty(const Product *p) { return p->nbatches == 0 && p->nlines == 0; }

/* Removes batch bi, which holds no line; lines of later batches follow it down. */
static void remove_batch(Product *p, int32_t bi)
{
    memmove(&p->batches[bi], &p->batches[bi + 1],
            (p->nbatches - (size_t)bi - 1) * sizeof *p->batches);
    p->nbatches--;
    for (size_t i = 0; i < p->nlines; i++)
        if (p->lines[i].batch > bi)
            p->lines[i].batch--;
}

/* Puts a batch back at its place in creation order (the array is by seq). */
static int32_t insert_batch(Product *p, const char *ref, int64_t qty, int32_t eta, uint64_t seq)
{
    add_batch(p, ref, qty, eta, seq);
    Batch b = p->batches[p->nbatches - 1];
    size_t at = p->nbatches - 1;
    while (at > 0 && p->batches[at - 1].seq > seq)
        at--;
    memmove(&p->batches[at + 1], &p->batches[at], (p->nbatches - 1 - at) * sizeof *p->batches);
    p->batches[at] = b;
    for (size_t i = 0; i < p->nlines; i++)
        if (p->lines[i].batch >= (int32_t)at)
            p->lines[i].batch++;
    return (int32_t)at;
}

static void raise_undo(Product *p, Event e, int64_t undoes)
{
    e.undoes = undoes;
    e.command_id = 0;
    e.actor[0] = '\0';
    event_vec_push(&p->events, &e);
}

/* Puts back what event `ev` did (one step of product_undo), raising the event of
 * that step.  ALLOT_EINVALID when the product is not in the state the event left. */
static AllotStatus undo_one(Product *p, const Event *ev, int64_t undoes, ErrBuf *err)
{
    char what[256];
    int32_t li = ev->orderid[0] ? index_find(p, ev->orderid) : -1;
    int32_t bi = ev->batchref[0] ? find_batch(p, ev->batchref) : -1;
    OrderLine *l = li >= 0 ? &p->lines[li] : NULL;
    Event e;
    switch (ev->type) {
    case EV_ALLOCATED:
        if (!l || bi < 0 || l->batch != bi)
            break;
        if (ev->new_line) {
            raise_undo(p, line_event(p, EV_LINE_REMOVED, l, bi), undoes);
            remove_line(p, (size_t)li);
        } else {
            move_line(p, l, -1);
            raise_undo(p, line_event(p, EV_DEALLOCATED, l, bi), undoes);
        }
        return ALLOT_OK;
    case EV_OUT_OF_STOCK:
        if (!l || l->batch != -1)
            break;
        raise_undo(p, line_event(p, EV_LINE_REMOVED, l, -1), undoes);
        remove_line(p, (size_t)li);
        return ALLOT_OK;
    case EV_REALLOCATED: {
        int32_t to = find_batch(p, ev->to);
        if (!l || bi < 0 || to < 0 || l->batch != to)
            break;
        move_line(p, l, bi);
        e = line_event(p, EV_REALLOCATED, l, to);
        copy_id(e.to, p->batches[bi].ref);
        raise_undo(p, e, undoes);
        return ALLOT_OK;
    }
    case EV_DEALLOCATED:
        if (!l || bi < 0 || l->batch != -1)
            break;
        move_line(p, l, bi);
        raise_undo(p, line_event(p, EV_ALLOCATED, l, bi), undoes);
        return ALLOT_OK;
    case EV_ORDER_LINE_CANCELLED:
    case EV_LINE_REMOVED:
        if (l || (ev->batchref[0] && bi < 0))
            break;
        l = add_line(p, ev->orderid, ev->qty, ev->seq, ev->need, ev->requested, bi);
        raise_undo(p, line_event(p, EV_LINE_RESTORED, l, bi), undoes);
        return ALLOT_OK;
    case EV_LINE_RESTORED:
        if (!l || l->batch != bi)
            break;
        raise_undo(p, line_event(p, EV_LINE_REMOVED, l, bi), undoes);
        remove_line(p, (size_t)li);
        return ALLOT_OK;
    case EV_BATCH_CREATED:
        if (bi < 0 || p->batches[bi].allocated != 0 || p->batches[bi].qty != ev->qty ||
            p->batches[bi].eta != ev->eta)
            break;
        for (size_t i = 0; i < p->nlines; i++)
            if (p->lines[i].batch == bi)
                return err_set(err, ALLOT_EINVALID, "cannot undo %s: lines are on the batch",
                               event_describe(ev, what, sizeof what));
        e = batch_event(p, EV_BATCH_REMOVED, &p->batches[bi]);
        e.qty = p->batches[bi].qty;
        e.eta = p->batches[bi].eta;
        raise_undo(p, e, undoes);
        remove_batch(p, bi);
        return ALLOT_OK;
    case EV_BATCH_REMOVED:
        if (bi >= 0)
            break;
        bi = insert_batch(p, ev->batchref, ev->qty, ev->eta, ev->seq);
        e = batch_event(p, EV_BATCH_CREATED, &p->batches[bi]);
        e.qty = ev->qty;
        e.eta = ev->eta;
        raise_undo(p, e, undoes);
        return ALLOT_OK;
    case EV_BATCH_QTY_CHANGED:
        if (bi < 0 || p->batches[bi].qty != ev->new_qty)
            break;
        e = batch_event(p, EV_BATCH_QTY_CHANGED, &p->batches[bi]);
        e.old_qty = ev->new_qty;
        e.new_qty = ev->old_qty;
        p->batches[bi].qty = ev->old_qty;
        raise_undo(p, e, undoes);
        return ALLOT_OK;
    case EV_BATCH_ETA_CHANGED:
        if (bi < 0 || p->batches[bi].eta != ev->new_eta)
            break;
        e = batch_event(p, EV_BATCH_ETA_CHANGED, &p->batches[bi]);
        e.old_eta = ev->new_eta;
        e.new_eta = ev->old_eta;
        p->batches[bi].eta = ev->old_eta;
        raise_undo(p, e, undoes);
        return ALLOT_OK;
    default:
        break;
    }
    return err_set(err, ALLOT_EINVALID, "cannot undo %s: product %s is not as it left it",
                   event_describe(ev, what, sizeof what), p->sku);
}

AllotStatus product_undo(Product *p, const Event *events, size_t n, int64_t undoes, ErrBuf *err)
{
    Product *before = product_clone(p);
    size_t first = p->events.len;
    AllotStatus st = ALLOT_OK;
    for (size_t k = n; k-- > 0 && st == ALLOT_OK;) {
        if (strcmp(events[k].sku, p->sku) != 0)
            continue;
        st = undo_one(p, &events[k], undoes, err);
    }
    if (st == ALLOT_OK) {
        ErrBuf inv;
        if (product_check_invariants(p, &inv) != ALLOT_OK)
            st = err_set(err, ALLOT_EINVALID, "cannot undo command %lld on %s: %s",
                         (long long)undoes, p->sku, inv.msg);
    }
    if (st != ALLOT_OK) {
        /* nothing changes: the product goes back to the copy taken first */
        Product t = *p;
        *p = *before;
        *before = t;
        product_free(before);
        return st;
    }
    product_free(before);
    if (p->events.len != first)
        p->version++;
    return ALLOT_OK;
}
