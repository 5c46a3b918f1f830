#include "cli/csv_import.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static const char *const batch_cols[] = {"ref", "sku", "qty", "eta"};
static const char *const order_cols[] = {"orderid", "sku", "qty"};
static const char *const alloc_cols[] = {"orderid", "sku", "qty", "batchref"};

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
            (st = validate_eta(f[3], &b->eta, &e)) != ALLOT_OK) {
            st = row_error(err, st, name, line, &e);
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
    for (;;) {
        const char *const *f;
        long line;
        bool done;
        st = csv_reader_next(r, &f, &line, &done, err);
        if (st != ALLOT_OK || done)
            break;
        sum->read++;
        progress_tick(pg, csv_reader_bytes(r), sum->read);
        AllotId orderid, sku, ref;
        int64_t qty;
        ErrBuf e = {{0}};
        if ((st = validate_id(f[0], "orderid", orderid, &e)) != ALLOT_OK ||
            (st = validate_id(f[1], "sku", sku, &e)) != ALLOT_OK ||
            (st = validate_line_qty(f[2], &qty, &e)) != ALLOT_OK ||
            (kind == IMPORT_ALLOCATIONS &&
             (st = validate_id(f[3], "batchref", ref, &e)) != ALLOT_OK)) {
            st = row_error(err, st, name, line, &e);
            break;
        }
        Command c = kind == IMPORT_ORDERS ? command_allocate(orderid, sku, qty)
                                          : command_allocate_to(orderid, sku, qty, ref);
        if ((st = send(bus, &c, &res, name, line, err)) != ALLOT_OK)
            break;
        bool created = false, changed = false;
        for (size_t i = 0; i < res.events.len; i++) {
            EventType t = res.events.items[i].type;
            bool mine = strcmp(res.events.items[i].orderid, orderid) == 0 &&
                        strcmp(res.events.items[i].sku, sku) == 0;
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
    }
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
    size_t ncols = kind == IMPORT_ORDERS ? 3 : 4;
    CsvReader *r;
    AllotStatus st = csv_reader_open(fp, name, cols, NULL, ncols, &r, err);
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
    if (kind != IMPORT_BATCHES)
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
