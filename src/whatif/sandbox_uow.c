/* The what-if sandbox (sandbox_uow.h).
 *
 * Every product the sandbox holds is an Entry in `entries` (its index never
 * changes), found by SKU and by batch reference through two StrMaps.  An entry
 * holds the source's state (`base`), the committed sandbox state (`current`) and,
 * inside a unit of work, the copy handed to the handler (`working`).
 *
 * The order index (sandbox_uow_order_products) maps an order id to the entries
 * that hold, or once held, a line of it: one list of links per order, and a set of
 * (orderid, sku) pairs so that an entry is on an order's list once.  It is brought
 * up to date lazily: an entry whose `current` is replaced goes on the `changed`
 * list, and the next look-up indexes the lines of those entries only.  Nothing is
 * taken off: a list may name an entry that no longer holds a line of the order
 * (the caller checks the lines), never miss one that does.
 */
#include "whatif/sandbox_uow.h"

#include <stdlib.h>
#include <string.h>

#include "app/strmap.h"
#include "domain/xalloc.h"

typedef struct Entry {
    Product *base;    /* the source's state when read; NULL: created here */
    Product *current; /* committed sandbox state; NULL: none (yet) */
    Product *working; /* copy of the current unit of work, or NULL */
    Product *backup;  /* bulk work: `current` when the bulk began */
    bool backup_set;
    bool changed;     /* on SandboxUow.changed: `current` not yet in the order index */
} Entry;

/* One entry on an order's list (OrderIndex). */
typedef struct OrderLink {
    size_t entry;
    size_t next; /* 1 + index of the next link of the order, 0 at the end */
} OrderLink;

typedef struct OrderIndex {
    StrMap heads;     /* orderid → 1 + index of its first link */
    StrMap pairs;     /* strmap_pair(orderid, sku) of every link */
    OrderLink *links;
    size_t nlinks, caplinks;
    size_t *found;    /* the answer of the last look-up */
    size_t capfound;
} OrderIndex;

typedef struct SandboxUow {
    UnitOfWork base;
    Repository repo;
    UnitOfWork *source;
    Clock *clock;
    Entry *entries;
    size_t nentries, capentries;
    StrMap by_sku, by_ref;
    size_t *out; /* indices of entries with a working copy */
    size_t nout, capout;
    size_t *changed; /* indices of entries not yet in the order index */
    size_t nchanged, capchanged;
    OrderIndex orders;
    EventVec log;
    int64_t *at;
    size_t capat;
    bool in_bulk, poisoned;
    size_t bulk_entries, bulk_log_len;
    /* command ids: the source's next id when first asked, then counted here */
    int64_t next_command_id; /* 0: not asked yet */
    int64_t command_id;      /* reserved by the current unit of work, or 0 */
} SandboxUow;

static const UnitOfWorkOps sandbox_ops;

static SandboxUow *from_uow(UnitOfWork *u) { return (SandboxUow *)u; }
static SandboxUow *from_repo(Repository *r)
{
    return (SandboxUow *)((char *)r - offsetof(SandboxUow, repo));
}


/* ---------- entries ---------- */

static long entry_index(SandboxUow *s, const char *sku)
{
    uint64_t v;
    return strmap_get(&s->by_sku, sku, &v) ? (long)v : -1;
}

static size_t entry_new(SandboxUow *s, const char *sku)
{
    if (s->nentries == s->capentries) {
        s->capentries = s->capentries ? s->capentries * 2 : 16;
        s->entries = xreallocarray(s->entries, s->capentries, sizeof *s->entries);
    }
    size_t i = s->nentries++;
    memset(&s->entries[i], 0, sizeof s->entries[i]);
    strmap_put(&s->by_sku, sku, i);
    return i;
}

static void index_refs(SandboxUow *s, size_t i, const Product *p)
{
    for (size_t b = 0; b < product_batch_count(p); b++)
        strmap_put(&s->by_ref, product_batch(p, b)->ref, i);
}

/* Entry i got another `current`: its lines go into the order index at the next
 * look-up. */
static void mark_changed(SandboxUow *s, size_t i)
{
    Entry *e = &s->entries[i];
    if (e->changed)
        return;
    e->changed = true;
    if (s->nchanged == s->capchanged) {
        s->capchanged = s->capchanged ? s->capchanged * 2 : 16;
        s->changed = xreallocarray(s->changed, s->capchanged, sizeof *s->changed);
    }
    s->changed[s->nchanged++] = i;
}

/* Puts entry i on the list of order `orderid`, unless it is there. */
static void order_link(OrderIndex *x, const char *orderid, const char *sku, size_t i)
{
    char pair[2 * ALLOT_ID_MAX + 4];
    strmap_pair(orderid, sku, pair, sizeof pair);
    if (strmap_get(&x->pairs, pair, NULL))
        return;
    strmap_put(&x->pairs, pair, 1);
    if (x->nlinks == x->caplinks) {
        x->caplinks = x->caplinks ? x->caplinks * 2 : 64;
        x->links = xreallocarray(x->links, x->caplinks, sizeof *x->links);
    }
    uint64_t head = 0;
    strmap_get(&x->heads, orderid, &head);
    x->links[x->nlinks] = (OrderLink){i, (size_t)head};
    strmap_put(&x->heads, orderid, ++x->nlinks);
}

/* Indexes the lines of every changed entry. */
static void order_index_update(SandboxUow *s)
{
    for (size_t k = 0; k < s->nchanged; k++) {
        size_t i = s->changed[k];
        Entry *e = &s->entries[i];
        e->changed = false;
        const Product *p = e->current;
        for (size_t l = 0; p && l < product_line_count(p); l++)
            order_link(&s->orders, product_line(p, l)->orderid, product_sku(p), i);
    }
    s->nchanged = 0;
}

static void order_index_fini(OrderIndex *x)
{
    strmap_fini(&x->heads);
    strmap_fini(&x->pairs);
    free(x->links);
    free(x->found);
    memset(x, 0, sizeof *x);
}

/* Hands out the working copy of entry i (made from `current`). */
static Product *checkout(SandboxUow *s, size_t i)
{
    Entry *e = &s->entries[i];
    if (e->working)
        return e->working;
    if (!e->current)
        return NULL;
    if (s->in_bulk && i < s->bulk_entries && !e->backup_set) {
        e->backup = product_clone_state(e->current);
        e->backup_set = true;
    }
    e->working = product_clone_state(e->current);
    if (s->nout == s->capout) {
        s->capout = s->capout ? s->capout * 2 : 8;
        s->out = xreallocarray(s->out, s->capout, sizeof *s->out);
    }
    s->out[s->nout++] = i;
    return e->working;
}

static void drop_working(SandboxUow *s)
{
    for (size_t k = 0; k < s->nout; k++) {
        Entry *e = &s->entries[s->out[k]];
        product_free(e->working);
        e->working = NULL;
    }
    s->nout = 0;
    repository_clear_seen(&s->repo);
}

/* Reads product `sku` (or the one holding `ref`) from the source, in a unit of work
 * of the source that is rolled back.  *copy = a clean copy, or NULL if none. */
static AllotStatus read_source(SandboxUow *s, const char *sku, const char *ref, Product **copy,
                               ErrBuf *err)
{
    *copy = NULL;
    AllotStatus st = uow_begin_read(s->source, err);
    if (st != ALLOT_OK)
        return st;
    Product *p = NULL;
    if (sku)
        st = repository_get(uow_products(s->source), sku, &p, err);
    else
        st = repository_get_by_batchref(uow_products(s->source), ref, &p, err);
    if (st == ALLOT_OK && p)
        *copy = product_clone_state(p);
    uow_rollback(s->source);
    return st;
}

/* Takes a product read from the source into the overlay (entry for its SKU, new
 * or empty).  Returns its index. */
static size_t adopt(SandboxUow *s, Product *copy)
{
    long i = entry_index(s, product_sku(copy));
    size_t k = i >= 0 ? (size_t)i : entry_new(s, product_sku(copy));
    Entry *e = &s->entries[k];
    e->base = copy;
    e->current = product_clone_state(copy);
    index_refs(s, k, copy);
    mark_changed(s, k);
    return k;
}

static bool entry_empty(const Entry *e) { return !e->base && !e->current && !e->working; }

/* ---------- the repository ---------- */

static AllotStatus repo_get(Repository *r, const char *sku, Product **out, ErrBuf *err)
{
    SandboxUow *s = from_repo(r);
    *out = NULL;
    long i = entry_index(s, sku);
    if (i >= 0 && !entry_empty(&s->entries[i])) {
        *out = checkout(s, (size_t)i);
        return ALLOT_OK;
    }
    Product *copy;
    AllotStatus st = read_source(s, sku, NULL, &copy, err);
    if (st == ALLOT_OK && copy)
        *out = checkout(s, adopt(s, copy));
    return st;
}

static AllotStatus repo_get_by_batchref(Repository *r, const char *ref, Product **out,
                                        ErrBuf *err)
{
    SandboxUow *s = from_repo(r);
    *out = NULL;
    uint64_t v;
    if (strmap_get(&s->by_ref, ref, &v)) {
        Entry *e = &s->entries[v];
        const Product *p = e->working ? e->working : e->current;
        if (p && product_find_batch(p, ref)) {
            *out = checkout(s, (size_t)v);
            return ALLOT_OK;
        }
    }
    Product *copy;
    AllotStatus st = read_source(s, NULL, ref, &copy, err);
    if (st != ALLOT_OK || !copy)
        return st;
    long i = entry_index(s, product_sku(copy));
    if (i >= 0 && !entry_empty(&s->entries[i])) {
        /* The SKU was created in the sandbox and, later, in the source too: the
         * sandbox's own product wins and the source's batch stays unseen. */
        product_free(copy);
        return ALLOT_OK;
    }
    *out = checkout(s, adopt(s, copy));
    return ALLOT_OK;
}

static AllotStatus repo_add(Repository *r, Product *p, ErrBuf *err)
{
    (void)err;
    SandboxUow *s = from_repo(r);
    long i = entry_index(s, product_sku(p));
    size_t k = i >= 0 ? (size_t)i : entry_new(s, product_sku(p));
    Entry *e = &s->entries[k];
    if (!entry_empty(e)) /* the handler checked that the SKU is new: cannot happen */
        return err_set(err, ALLOT_ESTORAGE, "sandbox: product %s exists already", product_sku(p));
    e->working = p;
    if (s->nout == s->capout) {
        s->capout = s->capout ? s->capout * 2 : 8;
        s->out = xreallocarray(s->out, s->capout, sizeof *s->out);
    }
    s->out[s->nout++] = k;
    return ALLOT_OK;
}

static const RepositoryOps sandbox_repo_ops = {repo_get, repo_get_by_batchref, repo_add};

/* ---------- the unit of work ---------- */

static AllotStatus sb_begin(UnitOfWork *u, ErrBuf *err)
{
    (void)err;
    drop_working(from_uow(u));
    from_uow(u)->command_id = 0;
    return ALLOT_OK;
}

/* The source's next command id (asked in a unit of work that is rolled back),
 * then one more for each sandbox command: a sandbox line is newer than every
 * line of the source, as it would be live. */
/* Undo in a sandbox: a command of the sandbox's own log, else of its source (asked
 * in a unit of work that is rolled back); a later sandbox command always counts as
 * later than a source's. */
static AllotStatus sb_command_log(UnitOfWork *u, int64_t id, EventVec *out, int64_t *later,
                                  ErrBuf *err)
{
    SandboxUow *s = from_uow(u);
    size_t first = out->len;
    event_log_command(&s->log, id, out, later);
    if (out->len > first)
        return ALLOT_OK;
    AllotStatus st = uow_begin_read(s->source, err);
    if (st == ALLOT_OK)
        st = uow_command_log(s->source, id, out, later, err);
    uow_rollback(s->source);
    if (st != ALLOT_OK || *later || out->len == first)
        return st;
    for (size_t i = 0; i < s->log.len && !*later; i++)
        for (size_t k = first; k < out->len && !*later; k++)
            if (strcmp(out->items[k].sku, s->log.items[i].sku) == 0)
                *later = s->log.items[i].command_id;
    return ALLOT_OK;
}

static AllotStatus sb_latest_command(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    SandboxUow *s = from_uow(u);
    *id = event_log_latest_command(&s->log);
    if (*id)
        return ALLOT_OK;
    AllotStatus st = uow_begin_read(s->source, err);
    if (st == ALLOT_OK)
        st = uow_latest_command(s->source, id, err);
    uow_rollback(s->source);
    return st;
}

static AllotStatus sb_command_id(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    SandboxUow *s = from_uow(u);
    if (s->next_command_id == 0) {
        int64_t next = 1;
        AllotStatus st = uow_begin_read(s->source, err);
        if (st == ALLOT_OK)
            st = uow_command_id(s->source, &next, err);
        uow_rollback(s->source);
        if (st != ALLOT_OK)
            return st;
        s->next_command_id = next;
    }
    if (s->command_id == 0)
        s->command_id = s->next_command_id;
    *id = s->command_id;
    return ALLOT_OK;
}

static AllotStatus sb_commit(UnitOfWork *u, ErrBuf *err)
{
    (void)err;
    SandboxUow *s = from_uow(u);
    int64_t now = s->clock->now(s->clock);
    size_t log_before = s->log.len;
    for (size_t k = 0; k < s->nout; k++) {
        size_t i = s->out[k];
        Entry *e = &s->entries[i];
        const EventVec *ev = product_events(e->working);
        for (size_t j = 0; j < ev->len; j++) {
            if (s->log.len == s->capat) {
                s->capat = s->capat ? s->capat * 2 : 64;
                s->at = xreallocarray(s->at, s->capat, sizeof *s->at);
            }
            s->at[s->log.len] = now;
            event_vec_push(&s->log, &ev->items[j]);
        }
        product_free(e->current);
        e->current = product_clone_state(e->working);
        index_refs(s, i, e->current);
        mark_changed(s, i);
        for (size_t l = 0; l < product_line_count(e->current); l++)
            if (s->next_command_id && product_line(e->current, l)->requested >= s->next_command_id)
                s->next_command_id = product_line(e->current, l)->requested + 1;
    }
    /* a command that logged nothing leaves its id to the next one */
    if (s->command_id && s->log.len > log_before && s->command_id >= s->next_command_id)
        s->next_command_id = s->command_id + 1;
    s->command_id = 0;
    /* The working copies keep their events until the next begin, for the bus. */
    return ALLOT_OK;
}

static void sb_rollback(UnitOfWork *u)
{
    SandboxUow *s = from_uow(u);
    drop_working(s);
    s->command_id = 0;
    if (s->in_bulk)
        s->poisoned = true;
}

static AllotStatus sb_bulk_begin(UnitOfWork *u, ErrBuf *err)
{
    SandboxUow *s = from_uow(u);
    if (s->in_bulk)
        return err_set(err, ALLOT_ESTORAGE, "bulk work is already open");
    drop_working(s);
    s->in_bulk = true;
    s->poisoned = false;
    s->bulk_entries = s->nentries;
    s->bulk_log_len = s->log.len;
    return ALLOT_OK;
}

static AllotStatus sb_bulk_end(UnitOfWork *u, bool commit, ErrBuf *err)
{
    SandboxUow *s = from_uow(u);
    if (!s->in_bulk)
        return err_set(err, ALLOT_ESTORAGE, "no bulk work is open");
    drop_working(s);
    bool keep = commit && !s->poisoned;
    for (size_t i = 0; i < s->nentries; i++) {
        Entry *e = &s->entries[i];
        if (!keep) {
            if (i < s->bulk_entries && e->backup_set) {
                product_free(e->current);
                e->current = e->backup;
                e->backup = NULL;
                mark_changed(s, i);
            } else if (i >= s->bulk_entries) {
                /* read or created during the bulk work: back to the source's state */
                product_free(e->current);
                e->current = e->base ? product_clone_state(e->base) : NULL;
                mark_changed(s, i);
            }
        }
        product_free(e->backup);
        e->backup = NULL;
        e->backup_set = false;
    }
    if (!keep)
        s->log.len = s->bulk_log_len;
    s->in_bulk = false;
    if (commit && !keep)
        return err_set(err, ALLOT_ESTORAGE, "bulk work was rolled back: a step failed");
    return ALLOT_OK;
}

static void free_entries(SandboxUow *s)
{
    for (size_t i = 0; i < s->nentries; i++) {
        Entry *e = &s->entries[i];
        product_free(e->base);
        product_free(e->current);
        product_free(e->working);
        product_free(e->backup);
    }
    s->nentries = 0;
    s->nout = 0;
    s->nchanged = 0;
    order_index_fini(&s->orders);
}

static void sb_destroy(UnitOfWork *u)
{
    SandboxUow *s = from_uow(u);
    free_entries(s);
    free(s->entries);
    free(s->out);
    free(s->changed);
    strmap_fini(&s->by_sku);
    strmap_fini(&s->by_ref);
    event_vec_fini(&s->log);
    free(s->at);
    repository_fini(&s->repo);
    free(s);
}

static const UnitOfWorkOps sandbox_ops = {
    sb_begin,   sb_commit,  sb_rollback,   sb_bulk_begin,     sb_bulk_end,
    sb_destroy, sb_command_id, sb_command_log, sb_latest_command,
    NULL, /* begin_read: begin (a sandbox never locks) */
};

UnitOfWork *sandbox_uow_new(UnitOfWork *source, Clock *clock)
{
    SandboxUow *s = xcalloc(1, sizeof *s);
    s->base.ops = &sandbox_ops;
    s->base.products = &s->repo;
    s->repo.ops = &sandbox_repo_ops;
    s->source = source;
    s->clock = clock ? clock : clock_system();
    strmap_init(&s->by_sku);
    strmap_init(&s->by_ref);
    event_vec_init(&s->log);
    return &s->base;
}

bool sandbox_uow_is(const UnitOfWork *uow) { return uow && uow->ops == &sandbox_ops; }

size_t sandbox_uow_product_count(UnitOfWork *sb) { return from_uow(sb)->nentries; }

const Product *sandbox_uow_product(UnitOfWork *sb, size_t i, const Product **base)
{
    Entry *e = &from_uow(sb)->entries[i];
    if (base)
        *base = e->base;
    return e->current;
}

long sandbox_uow_index(UnitOfWork *sb, const char *sku) { return entry_index(from_uow(sb), sku); }

const Product *sandbox_uow_find(UnitOfWork *sb, const char *sku, const Product **base)
{
    long i = entry_index(from_uow(sb), sku);
    if (base)
        *base = NULL;
    if (i < 0)
        return NULL;
    return sandbox_uow_product(sb, (size_t)i, base);
}

const Product *sandbox_uow_find_ref(UnitOfWork *sb, const char *ref, const Product **base)
{
    SandboxUow *s = from_uow(sb);
    uint64_t v;
    if (base)
        *base = NULL;
    if (!strmap_get(&s->by_ref, ref, &v))
        return NULL;
    const Product *p = sandbox_uow_product(sb, (size_t)v, base);
    if (!p || !product_find_batch(p, ref)) {
        if (base)
            *base = NULL;
        return NULL;
    }
    return p;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

size_t sandbox_uow_order_products(UnitOfWork *sb, const char *orderid, const size_t **idx)
{
    SandboxUow *s = from_uow(sb);
    OrderIndex *x = &s->orders;
    order_index_update(s);
    size_t n = 0;
    uint64_t head = 0;
    strmap_get(&x->heads, orderid, &head);
    for (size_t at = (size_t)head; at; at = x->links[at - 1].next) {
        if (n == x->capfound) {
            x->capfound = x->capfound ? x->capfound * 2 : 8;
            x->found = xreallocarray(x->found, x->capfound, sizeof *x->found);
        }
        x->found[n++] = x->links[at - 1].entry;
    }
    if (n > 1)
        qsort(x->found, n, sizeof *x->found, cmp_size);
    *idx = x->found;
    return n;
}

const EventVec *sandbox_uow_event_log(UnitOfWork *sb) { return &from_uow(sb)->log; }

int64_t sandbox_uow_event_at(UnitOfWork *sb, size_t i) { return from_uow(sb)->at[i]; }

void sandbox_uow_reset(UnitOfWork *sb)
{
    SandboxUow *s = from_uow(sb);
    repository_clear_seen(&s->repo);
    free_entries(s);
    strmap_fini(&s->by_sku);
    strmap_fini(&s->by_ref);
    event_vec_clear(&s->log);
    s->in_bulk = false;
    s->next_command_id = s->command_id = 0;
}
