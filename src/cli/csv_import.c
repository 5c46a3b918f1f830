#include "cli/csv_import.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/keymap.h"
#include "domain/xalloc.h"
#include "persistence/csv_io.h"

bool import_kind_from_name(const char *name, ImportKind *out)
{
    static const char *const names[] = {"batches", "orders", "allocations"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (ImportKind)i;
            return true;
        }
    }
    return false;
}

/* ---- progress on a terminal ---- */

/* Files at least this big show progress at once. */
#define PROGRESS_MIN_BYTES (256 * 1024)

typedef struct Progress {
    bool on, shown;
    const char *name;
    unsigned long long total;
    double start, last;
} Progress;

static double mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_tick(Progress *p, unsigned long long bytes, long rows)
{
    if (!p->on || (rows & 255) != 0)
        return;
    if (!p->shown && p->total < PROGRESS_MIN_BYTES && mono_seconds() - p->start < 0.5)
        return;
    double now = mono_seconds();
    if (p->shown && now - p->last < 0.2)
        return;
    p->last = now;
    p->shown = true;
    if (p->total)
        fprintf(stderr, "\rallot: importing %s: %3d%% (%ld rows)", p->name,
                (int)(bytes * 100 / p->total), rows);
    else
        fprintf(stderr, "\rallot: importing %s: %ld rows", p->name, rows);
    fflush(stderr);
}

static void progress_end(Progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r\033[K");
}

/* ---- rows ---- */

static const char *const batch_cols[] = {"ref", "sku", "qty", "eta", "created"};
static const bool batch_optional[] = {false, false, false, false, true};
/* need and requested (SPEC.md §4) are optional: the last two of each list */
static const char *const order_cols[] = {"orderid", "sku", "qty", "need", "requested"};
static const char *const alloc_cols[] = {"orderid", "sku", "qty", "batchref", "need", "requested"};
static const bool order_optional[] = {false, false, false, true, true};
static const bool alloc_optional[] = {false, false, false, false, true, true};

/* Prefixes a row's field error with "name:line: ". */
static AllotStatus row_error(ErrBuf *err, AllotStatus st, const char *name, long line,
                             const ErrBuf *detail)
{
    return err_set(err, st, "%s:%ld: %s", name, line,
                   err_text(detail, st));
}

typedef struct ImportBatch {
    AllotId ref, sku;
    int64_t qty;
    int32_t eta;
    int64_t created; /* its creation order within its SKU (exports); 0: none */
    long line;
    bool exists;
    AllotId old_sku;
    int64_t old_qty;
    int32_t old_eta;
} ImportBatch;

static int by_ref_then_line(const void *a, const void *b)
{
    const ImportBatch *x = *(const ImportBatch *const *)a, *y = *(const ImportBatch *const *)b;
    int c = strcmp(x->ref, y->ref);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_created_then_line(const void *a, const void *b)
{
    const ImportBatch *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Reads and checks every row of a batches file (SPEC.md §1.3), then refs twice. */
static AllotStatus read_batches(CsvReader *r, Progress *pg, ImportBatch **rows_out,
                                size_t *n_out, ImportSummary *sum, ErrBuf *err)
{
    const char *name = csv_reader_name(r);
    ImportBatch *rows = NULL;
    size_t n = 0, cap = 0;
    AllotStatus st = ALLOT_OK;
    for (;;) {
        const char *const *f;
        long line;
        bool done;
        st = csv_reader_next(r, &f, &line, &done, err);
        if (st != ALLOT_OK || done)
            break;
        sum->read++;
        progress_tick(pg, csv_reader_bytes(r), sum->read);
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            rows = xreallocarray(rows, cap, sizeof *rows);
        }
        ImportBatch *b = &rows[n];
        memset(b, 0, sizeof *b);
        b->line = line;
        ErrBuf e = {{0}};
        if ((st = validate_id(f[0], "ref", b->ref, &e)) != ALLOT_OK ||
            (st = validate_id(f[1], "sku", b->sku, &e)) != ALLOT_OK ||
            (st = validate_batch_qty(f[2], &b->qty, &e)) != ALLOT_OK ||
            (st = validate_eta(f[3], &b->eta, &e)) != ALLOT_OK ||
            (f[4][0] &&
             (st = validate_int(f[4], "created", 1, INT64_MAX, &b->created, &e)) != ALLOT_OK)) {
            st = row_error(err, st, name, line, &e);
            break;
        }
        if (n > 0 && (b->created > 0) != (rows[0].created > 0)) {
            st = err_set(err, ALLOT_EINVALID, "%s:%ld: created is %s, but %s on line %ld", name,
                         line, rows[0].created ? "empty" : "given",
                         rows[0].created ? "given" : "empty", rows[0].line);
            break;
        }
        n++;
    }
    if (st == ALLOT_OK && n > 1) {
        ImportBatch **idx = xreallocarray(NULL, n, sizeof *idx);
        for (size_t i = 0; i < n; i++)
            idx[i] = &rows[i];
        qsort(idx, n, sizeof *idx, by_ref_then_line);
        const ImportBatch *worst = NULL, *first = NULL;
        for (size_t i = 1; i < n; i++) {
            if (strcmp(idx[i]->ref, idx[i - 1]->ref) != 0)
                continue;
            size_t j = i;
            while (j > 0 && strcmp(idx[j - 1]->ref, idx[i]->ref) == 0)
                j--;
            if (!worst || idx[i]->line < worst->line) {
                worst = idx[i];
                first = idx[j];
            }
        }
        if (worst)
            st = err_set(err, ALLOT_EINVALID, "%s:%ld: ref \"%s\" appears twice in the file (first on "
                         "line %ld)", name, worst->line, worst->ref, first->line);
        free(idx);
    }
    if (st != ALLOT_OK) {
        free(rows);
        return st;
    }
    /* an export: new batches are created in their creation order, so that ties of
     * preference (SPEC.md §1.1) fall as they did */
    if (n > 1 && rows[0].created)
        qsort(rows, n, sizeof *rows, by_created_then_line);
    *rows_out = rows;
    *n_out = n;
    return ALLOT_OK;
}

/* Looks up the stored state of every ref, in units of work that change nothing
 * (rolled back every few hundred rows to bound memory). */
static AllotStatus look_up_batches(UnitOfWork *uow, ImportBatch *rows, size_t n, ErrBuf *err)
{
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; i < n && st == ALLOT_OK; i++) {
        if (i % 256 == 0) {
            if (i)
                uow_rollback(uow);
            if ((st = uow_begin(uow, err)) != ALLOT_OK)
                return st;
        }
        Product *p;
        st = repository_get_by_batchref(uow_products(uow), rows[i].ref, &p, err);
        if (st == ALLOT_OK && p) {
            const Batch *b = product_find_batch(p, rows[i].ref);
            rows[i].exists = true;
            memcpy(rows[i].old_sku, product_sku(p), sizeof rows[i].old_sku);
            rows[i].old_qty = b->qty;
            rows[i].old_eta = b->eta;
        }
    }
    if (n)
        uow_rollback(uow);
    return st;
}

/* Runs `cmd` through the bus; a refusal becomes "name:line: message". */
static AllotStatus send(MessageBus *bus, const Command *cmd, CommandResult *res,
                        const char *name, long line, ErrBuf *err)
{
    ErrBuf e = {{0}};
    event_vec_clear(&res->events);
    AllotStatus st = bus_handle(bus, cmd, res, &e);
    if (st != ALLOT_OK)
        return row_error(err, st, name, line, &e);
    return ALLOT_OK;
}

/* Counts what a batch row's command did to order lines into the summary. */
static void tally_line_events(const CommandResult *res, ImportSummary *sum)
{
    for (size_t i = 0; i < res->events.len; i++) {
        EventType t = res->events.items[i].type;
        if (t == EV_REALLOCATED)
            sum->reallocated++;
        else if (t == EV_DEALLOCATED)
            sum->deallocated++;
        else if (t == EV_ALLOCATED)
            sum->filled++;
    }
}

static AllotStatus import_batches(MessageBus *bus, CsvReader *r, Progress *pg,
                                  ImportSummary *sum, ErrBuf *err)
{
    const char *name = csv_reader_name(r);
    ImportBatch *rows;
    size_t n;
    AllotStatus st = read_batches(r, pg, &rows, &n, sum, err);
    if (st != ALLOT_OK)
        return st;
    UnitOfWork *uow = bus_deps(bus)->uow;
    st = look_up_batches(uow, rows, n, err);
    if (st == ALLOT_OK)
        st = uow_bulk_begin(uow, err);
    if (st != ALLOT_OK) {
        free(rows);
        return st;
    }
    CommandResult res;
    command_result_init(&res);
    for (size_t i = 0; i < n && st == ALLOT_OK; i++) {
        ImportBatch *b = &rows[i];
        if (!b->exists) {
            Command c = command_create_batch(b->ref, b->sku, b->qty, b->eta);
            if ((st = send(bus, &c, &res, name, b->line, err)) == ALLOT_OK) {
                sum->created++;
                tally_line_events(&res, sum);
            }
            continue;
        }
        if (strcmp(b->old_sku, b->sku) != 0) {
            st = err_set(err, ALLOT_ESKU_MISMATCH, "%s:%ld: sku \"%s\" differs: batch %s holds sku %s",
                         name, b->line, b->sku, b->ref, b->old_sku);
            break;
        }
        bool changed = false;
        if (b->qty != b->old_qty) {
            Command c = command_change_batch_qty(b->ref, b->qty);
            if ((st = send(bus, &c, &res, name, b->line, err)) == ALLOT_OK)
                tally_line_events(&res, sum);
            changed = true;
        }
        if (st == ALLOT_OK && b->eta != b->old_eta) {
            Command c = command_change_batch_eta(b->ref, b->eta);
            if ((st = send(bus, &c, &res, name, b->line, err)) == ALLOT_OK)
                tally_line_events(&res, sum);
            changed = true;
        }
        if (st == ALLOT_OK)
            (*(changed ? &sum->changed : &sum->unchanged))++;
    }
    command_result_fini(&res);
    free(rows);
    ErrBuf e2 = {{0}};
    AllotStatus end = uow_bulk_end(uow, st == ALLOT_OK, &e2);
    if (st == ALLOT_OK && end != ALLOT_OK)
        st = err_set(err, end, "%s: %s", name, e2.msg);
    return st;
}

/* One row of an orders or allocations file, checked (SPEC.md §1.3). */
typedef struct ImportLine {
    AllotId orderid, sku, ref;
    int64_t qty, requested; /* requested 0: the column is absent or empty */
    int32_t need;
    long line;
} ImportLine;

/* Rows kept to be run in the order of their `requested` value: the text of each
 * in an arena, to keep big files small in memory. */
typedef struct HeldLine {
    int64_t qty, requested;
    int32_t need;
    long line;
    size_t text; /* offset of "orderid\0sku\0ref\0" in the arena */
} HeldLine;

typedef struct HeldLines {
    HeldLine *rows;
    size_t n, cap;
    char *arena;
    size_t used, size;
} HeldLines;

static void held_push(HeldLines *h, const ImportLine *l)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->rows = xreallocarray(h->rows, h->cap, sizeof *h->rows);
    }
    size_t lo = strlen(l->orderid) + 1, ls = strlen(l->sku) + 1, lr = strlen(l->ref) + 1;
    while (h->used + lo + ls + lr > h->size) {
        h->size = h->size ? h->size * 2 : 16384;
        h->arena = xrealloc(h->arena, h->size);
    }
    h->rows[h->n++] = (HeldLine){l->qty, l->requested, l->need, l->line, h->used};
    memcpy(h->arena + h->used, l->orderid, lo);
    memcpy(h->arena + h->used + lo, l->sku, ls);
    memcpy(h->arena + h->used + lo + ls, l->ref, lr);
    h->used += lo + ls + lr;
}

static void held_get(const HeldLines *h, size_t i, ImportLine *out)
{
    const HeldLine *r = &h->rows[i];
    const char *t = h->arena + r->text;
    snprintf(out->orderid, sizeof out->orderid, "%s", t);
    t += strlen(t) + 1;
    snprintf(out->sku, sizeof out->sku, "%s", t);
    t += strlen(t) + 1;
    snprintf(out->ref, sizeof out->ref, "%s", t);
    out->qty = r->qty;
    out->requested = r->requested;
    out->need = r->need;
    out->line = r->line;
}

static int by_requested_then_line(const void *a, const void *b)
{
    const HeldLine *x = a, *y = b;
    if (x->requested != y->requested)
        return x->requested < y->requested ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Reads the fields of one row (orderid, sku, qty[, batchref], need, requested). */
static AllotStatus check_line(const char *const *f, ImportKind kind, long line,
                              const char *name, ImportLine *out, ErrBuf *err)
{
    memset(out, 0, sizeof *out);
    out->line = line;
    size_t k = kind == IMPORT_ALLOCATIONS ? 4 : 3; /* where need and requested are */
    ErrBuf e = {{0}};
    AllotStatus st;
    if ((st = validate_id(f[0], "orderid", out->orderid, &e)) != ALLOT_OK ||
        (st = validate_id(f[1], "sku", out->sku, &e)) != ALLOT_OK ||
        (st = validate_line_qty(f[2], &out->qty, &e)) != ALLOT_OK ||
        (kind == IMPORT_ALLOCATIONS &&
         (st = validate_id(f[3], "batchref", out->ref, &e)) != ALLOT_OK) ||
        (st = validate_date(f[k], "need", &out->need, &e)) != ALLOT_OK ||
        (f[k + 1][0] &&
         (st = validate_int(f[k + 1], "requested", 1, INT64_MAX, &out->requested, &e)) !=
             ALLOT_OK))
        return row_error(err, st, name, line, &e);
    return ALLOT_OK;
}

/* Runs one row: Allocate (orders) or AllocateTo (allocations), with its need date
 * and request moment, and counts what it did. */
static AllotStatus run_line(MessageBus *bus, ImportKind kind, const ImportLine *l,
                            const char *name, CommandResult *res, ImportSummary *sum,
                            ErrBuf *err)
{
    Command c = kind == IMPORT_ORDERS ? command_allocate(l->orderid, l->sku, l->qty)
                                      : command_allocate_to(l->orderid, l->sku, l->qty, l->ref);
    c = command_with_need(c, l->need, l->requested);
    AllotStatus st = send(bus, &c, res, name, l->line, err);
    if (st != ALLOT_OK)
        return st;
    bool created = false, changed = false;
    for (size_t i = 0; i < res->events.len; i++) {
        EventType t = res->events.items[i].type;
        bool mine = strcmp(res->events.items[i].orderid, l->orderid) == 0 &&
                    strcmp(res->events.items[i].sku, l->sku) == 0;
        if (!mine)
            continue;
        if (t == EV_ALLOCATED || t == EV_OUT_OF_STOCK)
            created = true;
        if (t == EV_OUT_OF_STOCK)
            sum->backordered++;
        if (t == EV_REALLOCATED)
            changed = true;
    }
    if (created)
        sum->created++;
    else if (changed)
        sum->changed++;
    else
        sum->unchanged++;
    return ALLOT_OK;
}

/* SPEC.md §1.2 rule 7 after an allocations import: no backorder of the SKUs the
 * file restored may wait while their batches have room (AllocateTo never retries,
 * so that each row lands exactly where the file says). */
static AllotStatus retry_skus(MessageBus *bus, const KeyMap *skus, const char *name,
                              CommandResult *res, ImportSummary *sum, ErrBuf *err)
{
    for (size_t i = 0; i < skus->nslots; i++) {
        if (!skus->slots[i].key)
            continue;
        Command c = command_retry_backorders(skus->slots[i].key);
        ErrBuf e = {{0}};
        event_vec_clear(&res->events);
        AllotStatus st = bus_handle(bus, &c, res, &e);
        if (st != ALLOT_OK)
            return err_set(err, st, "%s: retrying the backorders of sku %s: %s", name,
                           skus->slots[i].key, e.msg);
        tally_line_events(res, sum);
    }
    return ALLOT_OK;
}

/* Orders and allocations files.  A file whose rows carry `requested` (an export)
 * is read whole and run in the order of that value (ties: file order), so that it
 * restores the order of service and not the order of the file (SPEC.md §4); then
 * every row must have one.  Without it, rows run as they are read. */
static AllotStatus import_lines(MessageBus *bus, CsvReader *r, ImportKind kind, Progress *pg,
                                ImportSummary *sum, ErrBuf *err)
{
    const char *name = csv_reader_name(r);
    UnitOfWork *uow = bus_deps(bus)->uow;
    AllotStatus st = uow_bulk_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    CommandResult res;
    command_result_init(&res);
    HeldLines held = {0};
    KeyMap skus;
    keymap_init(&skus);
    bool ordered = false;
    long first_line = 0;
    for (;;) {
        const char *const *f;
        long line;
        bool done;
        st = csv_reader_next(r, &f, &line, &done, err);
        if (st != ALLOT_OK || done)
            break;
        sum->read++;
        progress_tick(pg, csv_reader_bytes(r), sum->read);
        ImportLine l;
        if ((st = check_line(f, kind, line, name, &l, err)) != ALLOT_OK)
            break;
        if (sum->read == 1) {
            ordered = l.requested > 0;
            first_line = line;
        } else if (ordered != (l.requested > 0)) {
            st = err_set(err, ALLOT_EINVALID, "%s:%ld: requested is %s, but %s on line %ld",
                         name, line, ordered ? "empty" : "given",
                         ordered ? "given" : "empty", first_line);
            break;
        }
        if (kind == IMPORT_ALLOCATIONS)
            keymap_put(&skus, l.sku, 1);
        if (ordered)
            held_push(&held, &l);
        else if ((st = run_line(bus, kind, &l, name, &res, sum, err)) != ALLOT_OK)
            break;
    }
    if (st == ALLOT_OK && held.n) {
        qsort(held.rows, held.n, sizeof *held.rows, by_requested_then_line);
        for (size_t i = 0; i < held.n && st == ALLOT_OK; i++) {
            ImportLine l;
            held_get(&held, i, &l);
            st = run_line(bus, kind, &l, name, &res, sum, err);
        }
    }
    if (st == ALLOT_OK)
        st = retry_skus(bus, &skus, name, &res, sum, err);
    free(held.rows);
    free(held.arena);
    keymap_fini(&skus);
    command_result_fini(&res);
    ErrBuf e2 = {{0}};
    AllotStatus end = uow_bulk_end(uow, st == ALLOT_OK, &e2);
    if (st == ALLOT_OK && end != ALLOT_OK)
        st = err_set(err, end, "%s: %s", name, e2.msg);
    return st;
}

AllotStatus csv_import(MessageBus *bus, ImportKind kind, FILE *fp, const char *name,
                       bool progress, unsigned long long total_bytes, ImportSummary *sum,
                       ErrBuf *err)
{
    memset(sum, 0, sizeof *sum);
    const char *const *cols = kind == IMPORT_BATCHES  ? batch_cols
                              : kind == IMPORT_ORDERS ? order_cols
                                                      : alloc_cols;
    const bool *optional = kind == IMPORT_BATCHES  ? batch_optional
                           : kind == IMPORT_ORDERS ? order_optional
                                                   : alloc_optional;
    size_t ncols = kind == IMPORT_BATCHES ? 5 : kind == IMPORT_ORDERS ? 5 : 6;
    CsvReader *r;
    AllotStatus st = csv_reader_open(fp, name, cols, optional, ncols, &r, err);
    if (st != ALLOT_OK)
        return st;
    /* A file of some size shows its progress from the start; a small one, or a pipe
     * of unknown size, only once it has run half a second. */
    Progress pg = {.on = progress, .name = name, .total = total_bytes};
    pg.start = pg.last = mono_seconds();
    if (kind == IMPORT_BATCHES)
        st = import_batches(bus, r, &pg, sum, err);
    else
        st = import_lines(bus, r, kind, &pg, sum, err);
    progress_end(&pg);
    csv_reader_free(r);
    if (st != ALLOT_OK) {
        sum->refused = sum->read;
        sum->created = sum->changed = sum->unchanged = sum->backordered = 0;
        sum->reallocated = sum->deallocated = sum->filled = 0;
    }
    return st;
}

char *import_summary_text(const ImportSummary *s, ImportKind kind, char *buf, size_t size)
{
    int w = snprintf(buf, size, "%ld row%s read, %ld created, %ld changed, %ld unchanged, %ld refused",
                     s->read, s->read == 1 ? "" : "s", s->created, s->changed, s->unchanged,
                     s->refused);
    if (kind == IMPORT_ORDERS && s->backordered && w > 0 && (size_t)w < size)
        snprintf(buf + w, size - (size_t)w, " (%ld of the created lines backordered)",
                 s->backordered);
    if (kind == IMPORT_ORDERS)
        return buf;
    const long n[] = {s->reallocated, s->deallocated, s->filled};
    const char *what[] = {"reallocated", "backordered", "backorders allocated"};
    const char *sep = "; order lines: ";
    for (int i = 0; i < 3; i++) {
        if (!n[i] || w < 0 || (size_t)w >= size)
            continue;
        w += snprintf(buf + w, size - (size_t)w, "%s%ld %s", sep, n[i], what[i]);
        sep = ", ";
    }
    return buf;
}
