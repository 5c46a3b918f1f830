#include "persistence/csv_uow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "persistence/csv_io.h"
#include "persistence/memory_uow.h"

/* ---- a small string set (open addressing) ---- */

typedef struct KeySet {
    char **slots;
    size_t cap, len;
} KeySet;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool keyset_has(const KeySet *k, const char *key)
{
    if (!k->cap)
        return false;
    for (size_t i = hash_str(key) & (k->cap - 1);; i = (i + 1) & (k->cap - 1)) {
        if (!k->slots[i])
            return false;
        if (strcmp(k->slots[i], key) == 0)
            return true;
    }
}

/* Adds a copy of key; false if it was there already. */
static bool keyset_add(KeySet *k, const char *key)
{
    if ((k->len + 1) * 2 > k->cap) {
        KeySet n = {xcalloc(k->cap ? k->cap * 2 : 64, sizeof(char *)), k->cap ? k->cap * 2 : 64, 0};
        for (size_t i = 0; i < k->cap; i++) {
            if (!k->slots[i])
                continue;
            size_t j = hash_str(k->slots[i]) & (n.cap - 1);
            while (n.slots[j])
                j = (j + 1) & (n.cap - 1);
            n.slots[j] = k->slots[i];
            n.len++;
        }
        free(k->slots);
        *k = n;
    }
    size_t i = hash_str(key) & (k->cap - 1);
    for (; k->slots[i]; i = (i + 1) & (k->cap - 1))
        if (strcmp(k->slots[i], key) == 0)
            return false;
    k->slots[i] = xstrdup(key);
    k->len++;
    return true;
}

static void keyset_fini(KeySet *k)
{
    for (size_t i = 0; i < k->cap; i++)
        free(k->slots[i]);
    free(k->slots);
    memset(k, 0, sizeof *k);
}

/* "orderid\x1Fsku": the identity of an order line across products. */
static void line_key(char *buf, size_t size, const char *orderid, const char *sku)
{
    snprintf(buf, size, "%s\x1F%s", orderid, sku);
}

/* ---- the unit of work ---- */

typedef struct KeptLine {
    AllotId orderid, sku;
} KeptLine;

typedef struct CsvUow {
    UnitOfWork base;
    UnitOfWork *mem;
    char *folder;
    KeptLine *kept; /* lines of allocations.csv when opened, in file order */
    size_t nkept;
    bool in_bulk;
    size_t written_kept, written_appended;
} CsvUow;

static CsvUow *from_uow(UnitOfWork *u) { return (CsvUow *)u; }

static char *path_in(const char *folder, const char *file)
{
    size_t n = strlen(folder) + strlen(file) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", folder, file);
    return p;
}

static const Product *find_product(UnitOfWork *mem, const char *sku)
{
    for (size_t i = 0; i < memory_uow_product_count(mem); i++)
        if (strcmp(product_sku(memory_uow_product(mem, i)), sku) == 0)
            return memory_uow_product(mem, i);
    return NULL;
}

/* Writes one line with its current batch; false if it is no longer allocated. */
static AllotStatus write_line(FILE *fp, UnitOfWork *mem, const char *orderid, const char *sku,
                              bool *written, ErrBuf *err)
{
    *written = false;
    const Product *p = find_product(mem, sku);
    const OrderLine *l = p ? product_find_line(p, orderid) : NULL;
    if (!l || l->batch < 0)
        return ALLOT_OK;
    char qty[24];
    snprintf(qty, sizeof qty, "%lld", (long long)l->qty);
    const char *f[] = {orderid, sku, qty, product_line_batchref(p, l)};
    *written = true;
    return csv_write_row(fp, f, 4, err);
}

static AllotStatus write_allocations(CsvUow *c, ErrBuf *err)
{
    char *path = path_in(c->folder, "allocations.csv");
    CsvAtomicFile f;
    AllotStatus st = csv_atomic_open(&f, path, NULL, CSV_REFUSE_BARE, err);
    if (st != ALLOT_OK) {
        free(path);
        return st;
    }
    KeySet done = {0};
    char key[2 * ALLOT_ID_MAX + 4];
    size_t kept = 0, appended = 0;
    const char *h[] = {"orderid", "sku", "qty", "batchref"};
    st = csv_write_row(f.fp, h, 4, err);
    for (size_t i = 0; i < c->nkept && st == ALLOT_OK; i++) {
        line_key(key, sizeof key, c->kept[i].orderid, c->kept[i].sku);
        if (!keyset_add(&done, key))
            continue;
        bool w;
        st = write_line(f.fp, c->mem, c->kept[i].orderid, c->kept[i].sku, &w, err);
        kept += w;
    }
    const EventVec *log = memory_uow_event_log(c->mem);
    for (size_t i = 0; i < log->len && st == ALLOT_OK; i++) {
        const Event *e = &log->items[i];
        if (e->type != EV_ALLOCATED && e->type != EV_REALLOCATED)
            continue;
        line_key(key, sizeof key, e->orderid, e->sku);
        if (keyset_has(&done, key))
            continue;
        bool w;
        st = write_line(f.fp, c->mem, e->orderid, e->sku, &w, err);
        if (w) {
            keyset_add(&done, key);
            appended++;
        }
    }
    keyset_fini(&done);
    if (st != ALLOT_OK) {
        csv_atomic_abort(&f);
        err_set(err, st, "%s: cannot write: %s", path, strerror(errno));
    } else {
        st = csv_atomic_commit(&f, err);
    }
    free(path);
    if (st == ALLOT_OK) {
        c->written_kept = kept;
        c->written_appended = appended;
    }
    return st;
}

static AllotStatus cu_begin(UnitOfWork *u, ErrBuf *err) { return uow_begin(from_uow(u)->mem, err); }

static AllotStatus cu_commit(UnitOfWork *u, ErrBuf *err)
{
    CsvUow *c = from_uow(u);
    AllotStatus st = uow_commit(c->mem, err);
    if (st == ALLOT_OK && !c->in_bulk)
        st = write_allocations(c, err);
    return st;
}

static void cu_rollback(UnitOfWork *u) { uow_rollback(from_uow(u)->mem); }

static AllotStatus cu_bulk_begin(UnitOfWork *u, ErrBuf *err)
{
    CsvUow *c = from_uow(u);
    AllotStatus st = uow_bulk_begin(c->mem, err);
    if (st == ALLOT_OK)
        c->in_bulk = true;
    return st;
}

static AllotStatus cu_bulk_end(UnitOfWork *u, bool commit, ErrBuf *err)
{
    CsvUow *c = from_uow(u);
    c->in_bulk = false;
    /* The memory state is committed first, then written to the file; a step that
     * failed inside makes uow_bulk_end refuse and nothing is written. */
    if (commit) {
        AllotStatus st = uow_bulk_end(c->mem, true, err);
        return st == ALLOT_OK ? write_allocations(c, err) : st;
    }
    return uow_bulk_end(c->mem, false, err);
}

static void cu_destroy(UnitOfWork *u)
{
    CsvUow *c = from_uow(u);
    uow_free(c->mem);
    free(c->kept);
    free(c->folder);
    free(c);
}

/* The folder keeps no event log: command ids count from 1 in each run. */
static AllotStatus cu_command_id(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    return uow_command_id(from_uow(u)->mem, id, err);
}

static AllotStatus cu_command_log(UnitOfWork *u, int64_t id, EventVec *out, int64_t *later,
                                  ErrBuf *err)
{
    return uow_command_log(from_uow(u)->mem, id, out, later, err);
}

static AllotStatus cu_latest_command(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    return uow_latest_command(from_uow(u)->mem, id, err);
}

static const UnitOfWorkOps csv_uow_ops = {
    cu_begin,   cu_commit,     cu_rollback,    cu_bulk_begin,
    cu_bulk_end, cu_destroy,   cu_command_id,  cu_command_log,
    cu_latest_command, NULL, /* begin_read: begin */
};

/* ---- loading ---- */

typedef struct Loaded {
    Product **items;
    size_t len, cap;
} Loaded;

static Product *loaded_find(Loaded *l, const char *sku)
{
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(product_sku(l->items[i]), sku) == 0)
            return l->items[i];
    return NULL;
}

static Product *loaded_get(Loaded *l, const char *sku)
{
    Product *p = loaded_find(l, sku);
    if (p)
        return p;
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = xreallocarray(l->items, l->cap, sizeof *l->items);
    }
    return l->items[l->len++] = product_new(sku);
}

static void loaded_fini(Loaded *l)
{
    for (size_t i = 0; i < l->len; i++)
        product_free(l->items[i]);
    free(l->items);
}

static AllotStatus row_err(ErrBuf *err, const char *file, long line, const ErrBuf *e)
{
    return err_set(err, ALLOT_EINVALID, "%s:%ld: %s", file, line, e->msg);
}

/* Loads batches.csv (`name`: its path, for messages). */
static AllotStatus load_batches(FILE *fp, const char *name, Loaded *l, KeySet *refs,
                                uint64_t *seq, ErrBuf *err)
{
    static const char *const cols[] = {"ref", "sku", "qty", "eta"};
    CsvReader *r;
    AllotStatus st = csv_reader_open(fp, name, cols, NULL, 4, &r, err);
    while (st == ALLOT_OK) {
        const char *const *f;
        long line;
        bool done;
        if ((st = csv_reader_next(r, &f, &line, &done, err)) != ALLOT_OK || done)
            break;
        AllotId ref, sku;
        int64_t qty;
        int32_t eta;
        ErrBuf e = {{0}};
        if (validate_id(f[0], "ref", ref, &e) != ALLOT_OK ||
            validate_id(f[1], "sku", sku, &e) != ALLOT_OK ||
            validate_batch_qty(f[2], &qty, &e) != ALLOT_OK ||
            validate_eta(f[3], &eta, &e) != ALLOT_OK) {
            st = row_err(err, name, line, &e);
            break;
        }
        if (!keyset_add(refs, ref)) {
            st = err_set(err, ALLOT_EINVALID, "%s:%ld: ref \"%s\" appears again", name, line, ref);
            break;
        }
        st = product_load_batch(loaded_get(l, sku), ref, qty, eta, ++*seq, &e);
        if (st != ALLOT_OK)
            st = row_err(err, name, line, &e);
    }
    if (r)
        csv_reader_free(r);
    return st;
}

/* Loads allocations.csv (`name`: its path, for messages). */
static AllotStatus load_allocations(FILE *fp, const char *name, CsvUow *c, Loaded *l,
                                    uint64_t *seq, ErrBuf *err)
{
    static const char *const cols[] = {"orderid", "sku", "qty", "batchref"};
    CsvReader *r;
    size_t cap = 0;
    AllotStatus st = csv_reader_open(fp, name, cols, NULL, 4, &r, err);
    while (st == ALLOT_OK) {
        const char *const *f;
        long line;
        bool done;
        if ((st = csv_reader_next(r, &f, &line, &done, err)) != ALLOT_OK || done)
            break;
        AllotId orderid, sku, ref;
        int64_t qty;
        ErrBuf e = {{0}};
        if (validate_id(f[0], "orderid", orderid, &e) != ALLOT_OK ||
            validate_id(f[1], "sku", sku, &e) != ALLOT_OK ||
            validate_line_qty(f[2], &qty, &e) != ALLOT_OK ||
            validate_id(f[3], "batchref", ref, &e) != ALLOT_OK) {
            st = row_err(err, name, line, &e);
            break;
        }
        Product *p = loaded_find(l, sku);
        if (!p || !product_find_batch(p, ref)) {
            st = err_set(err, ALLOT_EINVALID,
                         "%s:%ld: batchref \"%s\" is not a batch of sku %s in "
                         "batches.csv", name, line, ref, sku);
            break;
        }
        if (product_load_line(p, orderid, qty, ++*seq, ALLOT_NO_DATE, 0, ref, &e) != ALLOT_OK) {
            st = err_set(err, ALLOT_EINVALID, "%s:%ld: order line %s %s appears again", name,
                         line, orderid, sku);
            break;
        }
        if (c->nkept == cap) {
            cap = cap ? cap * 2 : 64;
            c->kept = xreallocarray(c->kept, cap, sizeof *c->kept);
        }
        memcpy(c->kept[c->nkept].orderid, orderid, sizeof orderid);
        memcpy(c->kept[c->nkept].sku, sku, sizeof sku);
        c->nkept++;
    }
    if (r)
        csv_reader_free(r);
    return st;
}

AllotStatus csv_uow_open(const char *folder, UnitOfWork **out, ErrBuf *err)
{
    *out = NULL;
    CsvUow *c = xcalloc(1, sizeof *c);
    c->folder = xstrdup(folder);
    c->mem = memory_uow_new();
    c->base.ops = &csv_uow_ops;
    c->base.products = uow_products(c->mem);
    Loaded l = {0};
    KeySet refs = {0};
    uint64_t seq = 0;
    AllotStatus st;
    char *path = path_in(folder, "batches.csv");
    FILE *fp = fopen(path, "r");
    if (!fp) {
        st = err_set(err, ALLOT_EIO, "%s: cannot open: %s", path, strerror(errno));
    } else {
        st = load_batches(fp, path, &l, &refs, &seq, err);
        fclose(fp);
    }
    free(path);
    if (st == ALLOT_OK) {
        path = path_in(folder, "allocations.csv");
        fp = fopen(path, "r");
        if (fp) {
            st = load_allocations(fp, path, c, &l, &seq, err);
            fclose(fp);
        } else if (errno != ENOENT) {
            st = err_set(err, ALLOT_EIO, "%s: cannot open: %s", path, strerror(errno));
        }
        free(path);
    }
    for (size_t i = 0; i < l.len && st == ALLOT_OK; i++) {
        ErrBuf e = {{0}};
        if (product_check_invariants(l.items[i], &e) != ALLOT_OK)
            st = err_set(err, ALLOT_EINVALID, "%s/allocations.csv: sku %s: %s", folder,
                         product_sku(l.items[i]), e.msg);
    }
    /* The loaded products become the memory store's committed state: one unit of
     * work that adds them all (loaded products carry no events). */
    if (st == ALLOT_OK)
        st = uow_begin(c->mem, err);
    for (size_t i = 0; i < l.len && st == ALLOT_OK; i++) {
        st = repository_add(uow_products(c->mem), l.items[i], err);
        l.items[i] = NULL; /* the memory store owns it now */
    }
    if (st == ALLOT_OK)
        st = uow_commit(c->mem, err);
    loaded_fini(&l);
    keyset_fini(&refs);
    if (st != ALLOT_OK) {
        cu_destroy(&c->base);
        return st;
    }
    *out = &c->base;
    return ALLOT_OK;
}

void csv_uow_written(UnitOfWork *uow, size_t *kept, size_t *appended)
{
    CsvUow *c = from_uow(uow);
    *kept = c->written_kept;
    *appended = c->written_appended;
}

const EventVec *csv_uow_event_log(UnitOfWork *uow) { return memory_uow_event_log(from_uow(uow)->mem); }
