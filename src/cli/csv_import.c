#include "cli/csv_import.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/strmap.h"
#include "app/view_specs.h"
#include "cli/line_moves.h"
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

/* A progress line is on the terminal (for the signal handler, which erases it). */
static volatile sig_atomic_t progress_on_screen;

void csv_import_progress_erase(void)
{
    static const char erase[] = "\r\033[K";
    if (progress_on_screen && write(STDERR_FILENO, erase, sizeof erase - 1) < 0)
        progress_on_screen = 0; /* nothing more can be done from a signal handler */
}

typedef struct Progress {
    bool on, shown;
    const char *name;
    unsigned long long total, bytes; /* bytes: read so far, at the last tick */
    long rows;                       /* rows read so far, at the last tick */
    double start, last;
} Progress;

/* The progress of the import running (csv_import_progress_writing), or NULL. */
static Progress *running;

static double mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The line: "allot: importing FILE: NN% (ROWS rows)" (no size: "ROWS rows"), then
 * `phase` if any, the rest of the line erased. */
static void progress_show(Progress *p, const char *phase)
{
    p->shown = true;
    progress_on_screen = 1;
    if (p->total)
        fprintf(stderr, "\rallot: importing %s: %3d%% (%ld rows)", p->name,
                (int)(p->bytes * 100 / p->total), p->rows);
    else
        fprintf(stderr, "\rallot: importing %s: %ld rows", p->name, p->rows);
    if (phase)
        fprintf(stderr, ", %s\033[K", phase);
    fflush(stderr);
}

/* A file of some size shows its progress from the start; a small one, or a pipe
 * of unknown size, only once it has run half a second. */
static bool progress_due(const Progress *p)
{
    return p->on && (p->shown || p->total >= PROGRESS_MIN_BYTES ||
                     mono_seconds() - p->start >= 0.5);
}

static void progress_tick(Progress *p, unsigned long long bytes, long rows)
{
    if (!p->on || (rows & 255) != 0)
        return;
    p->bytes = bytes;
    p->rows = rows;
    if (!progress_due(p))
        return;
    double now = mono_seconds();
    if (p->shown && now - p->last < 0.2)
        return;
    p->last = now;
    progress_show(p, NULL);
}

void csv_import_progress_writing(void *ctx, long rows)
{
    (void)ctx;
    Progress *p = running;
    if (!p || !progress_due(p))
        return;
    char phase[96];
    if (rows >= 0)
        snprintf(phase, sizeof phase, "writing %ld row%s to the store...", rows,
                 rows == 1 ? "" : "s");
    else
        snprintf(phase, sizeof phase, "committing...");
    p->last = mono_seconds();
    progress_show(p, phase);
}

static void progress_end(Progress *p)
{
    if (p->shown)
        fprintf(stderr, "\r\033[K");
    progress_on_screen = 0;
}

/* ---- bad rows ---- */

void import_summary_fini(ImportSummary *s)
{
    free(s->problems);
    s->problems = NULL;
    s->nproblems = 0;
}

/* Records a bad row whose message `msg` already names file and line, keeping the
 * first IMPORT_PROBLEMS_KEPT by line. */
static void problem_keep(ImportSummary *sum, long line, AllotStatus st, const char *msg)
{
    sum->bad++;
    size_t n = sum->nproblems;
    if (n == IMPORT_PROBLEMS_KEPT && sum->problems[n - 1].line <= line)
        return;
    if (!sum->problems)
        sum->problems = xcalloc(IMPORT_PROBLEMS_KEPT, sizeof *sum->problems);
    if (n == IMPORT_PROBLEMS_KEPT)
        n--; /* the last one falls off */
    size_t at = n;
    while (at > 0 && sum->problems[at - 1].line > line)
        at--;
    memmove(&sum->problems[at + 1], &sum->problems[at], (n - at) * sizeof *sum->problems);
    ImportProblem *p = &sum->problems[at];
    p->line = line;
    p->status = st;
    snprintf(p->msg, sizeof p->msg, "%s", msg);
    sum->nproblems = n + 1;
}

/* Records a bad row: "name:line: detail". */
static void problem_add(ImportSummary *sum, const char *name, long line, AllotStatus st,
                        const char *detail)
{
    ErrBuf e;
    err_set(&e, st, "%s:%ld: %s", name, line, detail[0] ? detail : allot_status_message(st));
    problem_keep(sum, line, st, e.msg);
}

/* Storage and I/O errors stop an import (exit status 3); other refusals are a
 * row's problem. */
static bool is_fatal(AllotStatus st) { return allot_status_exit_code(st) == 3; }

/* The next data row.  A record that the CSV reader refuses (a wrong number of
 * fields, bad quoting, a NUL byte) is a bad row: recorded, and reading goes on.
 * *done at the end.  Errors: ALLOT_EIO. */
static AllotStatus next_row(CsvReader *r, Progress *pg, ImportSummary *sum,
                            const char *const **f, long *line, bool *done, ErrBuf *err)
{
    for (;;) {
        ErrBuf e = {{0}};
        AllotStatus st = csv_reader_next(r, f, line, done, &e);
        if (st == ALLOT_OK && *done) {
            pg->bytes = csv_reader_bytes(r); /* the whole file, for the write phase */
            pg->rows = sum->read;
            return ALLOT_OK;
        }
        if (st != ALLOT_OK && st != ALLOT_EINVALID)
            return err_set(err, st, "%s", e.msg);
        sum->read++;
        progress_tick(pg, csv_reader_bytes(r), sum->read);
        if (st == ALLOT_OK)
            return ALLOT_OK;
        problem_keep(sum, *line, st, e.msg); /* it names file and line */
    }
}

/* ---- keys seen in the file, and where order lines ended ---- */

/* The rows' keys, each with the line it was first on.  A file may have a million
 * rows: a key is kept as two 64-bit hashes of it (a false "appears again" would
 * need two keys equal in both, about one chance in 10^27 for a million rows), in
 * one open-addressing table, without a copy of the string. */
typedef struct SeenSlot {
    uint64_t h1, h2; /* h1 == 0: empty */
    long line;
} SeenSlot;

typedef struct Seen {
    SeenSlot *slots;
    size_t nslots, len;
} Seen;

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static void key_hashes(const char *key, uint64_t *h1, uint64_t *h2)
{
    uint64_t a = 1469598103934665603ULL, b = 0x9e3779b97f4a7c15ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        a = (a ^ *p) * 1099511628211ULL;  /* FNV-1a */
        b = (b + *p) * 0x100000001b3ULL ^ (b >> 29);
    }
    *h1 = mix64(a) | 1; /* never 0: 0 marks an empty slot */
    *h2 = mix64(b ^ 0x5bd1e9955bd1e995ULL);
}

static SeenSlot *seen_slot(const Seen *seen, uint64_t h1, uint64_t h2)
{
    size_t mask = seen->nslots - 1;
    for (size_t i = (size_t)h1 & mask;; i = (i + 1) & mask) {
        SeenSlot *sl = &seen->slots[i];
        if (!sl->h1 || (sl->h1 == h1 && sl->h2 == h2))
            return sl;
    }
}

/* The line `key` was first on, or 0 if no earlier row had it (it is then
 * remembered as on `line`). */
static long seen_before(Seen *seen, const char *key, long line)
{
    if ((seen->len + 1) * 2 > seen->nslots) { /* at most half full */
        Seen bigger = {xcalloc(seen->nslots ? seen->nslots * 2 : 1024, sizeof(SeenSlot)),
                       seen->nslots ? seen->nslots * 2 : 1024, seen->len};
        for (size_t i = 0; i < seen->nslots; i++)
            if (seen->slots[i].h1)
                *seen_slot(&bigger, seen->slots[i].h1, seen->slots[i].h2) = seen->slots[i];
        free(seen->slots);
        *seen = bigger;
    }
    uint64_t h1, h2;
    key_hashes(key, &h1, &h2);
    SeenSlot *sl = seen_slot(seen, h1, h2);
    if (sl->h1)
        return sl->line;
    *sl = (SeenSlot){h1, h2, line};
    seen->len++;
    return 0;
}

static bool seen_has(const Seen *seen, const char *key)
{
    if (!seen->nslots)
        return false;
    uint64_t h1, h2;
    key_hashes(key, &h1, &h2);
    return seen_slot(seen, h1, h2)->h1 != 0;
}

static void seen_fini(Seen *seen)
{
    free(seen->slots);
    memset(seen, 0, sizeof *seen);
}

/* The problem of a row whose key `what` ("ref \"B3\"", "order line o1 LAMP") was
 * on line `first` already. */
static void problem_repeat(ImportSummary *sum, const char *name, long line, const char *what,
                           long first)
{
    char detail[ALLOT_ERR_MAX];
    snprintf(detail, sizeof detail, "%s appears again in the file (first on line %ld)", what, first);
    problem_add(sum, name, line, ALLOT_EINVALID, detail);
}

/* Counts the net outcome of every moved line that no row of the file names. */
static void moves_tally(const LineMoves *m, const Seen *rows, ImportSummary *sum)
{
    for (size_t i = 0; i < m->n; i++) {
        LineMove mv;
        if (!line_moves_at(m, i, &mv) || (rows && seen_has(rows, m->items[i].key)))
            continue;
        if (!mv.to)
            sum->deallocated++;
        else if (!mv.from)
            sum->filled++;
        else
            sum->reallocated++;
    }
}

/* ---- rows ---- */

static const char *const batch_cols[] = {"ref", "sku", "qty", "eta", "created"};
static const bool batch_optional[] = {false, false, false, false, true};
/* need and requested (SPEC.md §4) are optional: the last two of each list */
static const char *const order_cols[] = {"orderid", "sku", "qty", "need", "requested"};
static const char *const alloc_cols[] = {"orderid", "sku", "qty", "batchref", "need", "requested"};
static const bool order_optional[] = {false, false, false, true, true};
static const bool alloc_optional[] = {false, false, false, false, true, true};

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

static int by_created_then_line(const void *a, const void *b)
{
    const ImportBatch *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Reads and checks every row of a batches file (SPEC.md §1.3, a ref once); keeps
 * the good rows, records the bad ones.  Rows that carry `created` (an export; all
 * or none) come back in that order, so that new batches are created in their
 * creation order and ties of preference (SPEC.md §1.1) fall as they did. */
static AllotStatus read_batches(CsvReader *r, Progress *pg, ImportBatch **rows_out,
                                size_t *n_out, ImportSummary *sum, ErrBuf *err)
{
    const char *name = csv_reader_name(r);
    ImportBatch *rows = NULL;
    size_t n = 0, cap = 0;
    Seen seen = {0};
    AllotStatus st = ALLOT_OK;
    bool with_created = false;
    long first_line = 0;
    for (;;) {
        const char *const *f;
        long line;
        bool done;
        st = next_row(r, pg, sum, &f, &line, &done, err);
        if (st != ALLOT_OK || done)
            break;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            rows = xreallocarray(rows, cap, sizeof *rows);
        }
        ImportBatch *b = &rows[n];
        memset(b, 0, sizeof *b);
        b->line = line;
        ErrBuf e = {{0}};
        AllotStatus vs = validate_id(f[0], "ref", b->ref, &e);
        long first = vs == ALLOT_OK ? seen_before(&seen, b->ref, line) : 0;
        if (vs == ALLOT_OK && (vs = validate_id(f[1], "sku", b->sku, &e)) == ALLOT_OK &&
            (vs = validate_batch_qty(f[2], &b->qty, &e)) == ALLOT_OK)
            vs = validate_eta(f[3], &b->eta, &e);
        if (vs == ALLOT_OK && f[4][0])
            vs = validate_int(f[4], "created", 1, INT64_MAX, &b->created, &e);
        if (!first_line && vs == ALLOT_OK) {
            with_created = b->created > 0;
            first_line = line;
        }
        if (vs != ALLOT_OK) {
            problem_add(sum, name, line, vs, e.msg);
        } else if (with_created != (b->created > 0)) {
            char detail[128];
            snprintf(detail, sizeof detail, "created is %s, but %s on line %ld",
                     with_created ? "empty" : "given", with_created ? "given" : "empty",
                     first_line);
            problem_add(sum, name, line, ALLOT_EINVALID, detail);
        } else if (first) {
            char what[ALLOT_ID_MAX + 8];
            snprintf(what, sizeof what, "ref \"%s\"", b->ref);
            problem_repeat(sum, name, line, what, first);
        } else {
            n++;
        }
    }
    seen_fini(&seen);
    if (st != ALLOT_OK) {
        free(rows);
        return st;
    }
    if (n > 1 && with_created)
        qsort(rows, n, sizeof *rows, by_created_then_line);
    *rows_out = rows;
    *n_out = n;
    return ALLOT_OK;
}

/* Looks up the stored state of every ref in the read model (the batches list,
 * one row by its ref). */
static AllotStatus look_up_batches(Views *views, ImportBatch *rows, size_t n, ErrBuf *err)
{
    ViewPage page = {.limit = 1};
    for (size_t i = 0; i < n; i++) {
        ViewQuery q = view_query(VIEW_BATCHES, BATCH_BY_REF, &page);
        view_query_where(&q, (ViewCond){.col = BCOL_REF, .op = VIEW_EQ, .text = rows[i].ref});
        BatchRow b;
        size_t found;
        AllotStatus st = views_list(views, &q, NULL, &b, &found, err);
        if (st != ALLOT_OK)
            return st;
        if (found) {
            rows[i].exists = true;
            memcpy(rows[i].old_sku, b.sku, sizeof rows[i].old_sku);
            rows[i].old_qty = b.qty;
            rows[i].old_eta = b.eta;
        }
    }
    return ALLOT_OK;
}

/* One import under way. */
typedef struct Import {
    MessageBus *bus;
    Views *views;
    ImportKind kind;
    CsvReader *reader;
    Progress *pg;
    const char *name;
    ImportSummary *sum;
    ImportBatch *batches; /* a batches file: its good rows, looked up */
    size_t nbatches;
    CommandResult res;
    LineMoves moves;
} Import;

/* Runs `cmd` of the row on `line` through the bus; its moves are noted.  A
 * refusal is the row's problem (*ok false, ALLOT_OK returned); a storage error
 * is returned (message as the store gave it: it names the database). */
static AllotStatus send(Import *im, const Command *cmd, long line, bool *ok, ErrBuf *err)
{
    ErrBuf e = {{0}};
    event_vec_clear(&im->res.events);
    AllotStatus st = bus_handle(im->bus, cmd, &im->res, &e);
    *ok = st == ALLOT_OK;
    if (is_fatal(st))
        return err_set(err, st, "%s", err_text(&e, st));
    if (st != ALLOT_OK)
        problem_add(im->sum, im->name, line, st, e.msg);
    for (size_t i = 0; *ok && i < im->res.events.len; i++) {
        const Event *ev = &im->res.events.items[i];
        /* the row's own line is counted by the row (and never among the moves) */
        if (cmd->type == CMD_ALLOCATE || cmd->type == CMD_ALLOCATE_TO) {
            if (strcmp(ev->orderid, cmd->orderid) == 0 && strcmp(ev->sku, cmd->sku) == 0)
                continue;
        }
        line_moves_note(&im->moves, ev);
    }
    return ALLOT_OK;
}

/* Runs the batches file's rows: creates the new refs, changes the quantity and
 * ETA of the others. */
static AllotStatus import_batches(Import *im, ErrBuf *err)
{
    ImportSummary *sum = im->sum;
    ImportBatch *rows = im->batches;
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; i < im->nbatches && st == ALLOT_OK; i++) {
        ImportBatch *b = &rows[i];
        bool ok;
        if (!b->exists) {
            Command c = command_create_batch(b->ref, b->sku, b->qty, b->eta);
            if ((st = send(im, &c, b->line, &ok, err)) == ALLOT_OK && ok)
                sum->created++;
            continue;
        }
        if (strcmp(b->old_sku, b->sku) != 0) {
            ErrBuf e;
            err_set(&e, ALLOT_ESKU_MISMATCH, "sku \"%s\" differs: batch %s holds sku %s", b->sku,
                    b->ref, b->old_sku);
            problem_add(sum, im->name, b->line, ALLOT_ESKU_MISMATCH, e.msg);
            continue;
        }
        bool changed = false;
        ok = true;
        if (b->qty != b->old_qty) {
            Command c = command_change_batch_qty(b->ref, b->qty);
            st = send(im, &c, b->line, &ok, err);
            changed = true;
        }
        if (st == ALLOT_OK && ok && b->eta != b->old_eta) {
            Command c = command_change_batch_eta(b->ref, b->eta);
            st = send(im, &c, b->line, &ok, err);
            changed = true;
        }
        if (st == ALLOT_OK && ok)
            (*(changed ? &sum->changed : &sum->unchanged))++;
    }
    if (st == ALLOT_OK)
        moves_tally(&im->moves, NULL, sum);
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

/* Reads the fields of one row (orderid, sku, qty[, batchref], need, requested)
 * into *out; the first bad one is the row's problem (the message in `e`).
 * *key_ok: orderid and sku are good (the row's key can be checked). */
static AllotStatus check_line(const char *const *f, ImportKind kind, long line, ImportLine *out,
                              bool *key_ok, ErrBuf *e)
{
    memset(out, 0, sizeof *out);
    out->line = line;
    size_t k = kind == IMPORT_ALLOCATIONS ? 4 : 3; /* where need and requested are */
    AllotStatus st = validate_id(f[0], "orderid", out->orderid, e);
    if (st == ALLOT_OK)
        st = validate_id(f[1], "sku", out->sku, e);
    *key_ok = st == ALLOT_OK;
    if (st == ALLOT_OK)
        st = validate_line_qty(f[2], &out->qty, e);
    if (st == ALLOT_OK && kind == IMPORT_ALLOCATIONS)
        st = validate_id(f[3], "batchref", out->ref, e);
    if (st == ALLOT_OK)
        st = validate_date(f[k], "need", &out->need, e);
    if (st == ALLOT_OK && f[k + 1][0])
        st = validate_int(f[k + 1], "requested", 1, INT64_MAX, &out->requested, e);
    return st;
}

/* Runs one row: Allocate (orders) or AllocateTo (allocations), with its need date
 * and request moment, and counts what it did. */
static AllotStatus run_line(Import *im, ImportKind kind, const ImportLine *l, ErrBuf *err)
{
    ImportSummary *sum = im->sum;
    Command c = kind == IMPORT_ORDERS ? command_allocate(l->orderid, l->sku, l->qty)
                                      : command_allocate_to(l->orderid, l->sku, l->qty, l->ref);
    c = command_with_need(c, l->need, l->requested);
    bool ok;
    AllotStatus st = send(im, &c, l->line, &ok, err);
    if (st != ALLOT_OK || !ok)
        return st;
    bool created = false, changed = false;
    for (size_t i = 0; i < im->res.events.len; i++) {
        const Event *ev = &im->res.events.items[i];
        if (strcmp(ev->orderid, l->orderid) != 0 || strcmp(ev->sku, l->sku) != 0)
            continue;
        if (ev->type == EV_ALLOCATED || ev->type == EV_OUT_OF_STOCK)
            created = true;
        if (ev->type == EV_OUT_OF_STOCK)
            sum->backordered++;
        if (ev->type == EV_REALLOCATED)
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
 * so that each row lands exactly where the file says).  What it moves counts with
 * the lines no row names. */
static AllotStatus retry_skus(Import *im, const StrMap *skus, ErrBuf *err)
{
    const char *sku;
    for (size_t i = 0; strmap_next(skus, &i, &sku, NULL, NULL);) {
        Command c = command_retry_backorders(sku);
        ErrBuf e = {{0}};
        event_vec_clear(&im->res.events);
        AllotStatus st = bus_handle(im->bus, &c, &im->res, &e);
        if (st != ALLOT_OK)
            return err_set(err, st, "%s: retrying the backorders of sku %s: %s", im->name, sku,
                           err_text(&e, st));
        for (size_t k = 0; k < im->res.events.len; k++)
            line_moves_note(&im->moves, &im->res.events.items[k]);
    }
    return ALLOT_OK;
}

/* Orders and allocations files.  A file whose rows carry `requested` (an export)
 * is read whole and run in the order of that value (ties: file order), so that it
 * restores the order of service and not the order of the file (SPEC.md §4); then
 * every row must have one.  Without it, rows run as they are read. */
static AllotStatus import_lines(Import *im, ErrBuf *err)
{
    ImportSummary *sum = im->sum;
    ImportKind kind = im->kind;
    AllotStatus st = ALLOT_OK;
    Seen seen = {0};
    HeldLines held = {0};
    StrMap skus;
    strmap_init(&skus);
    bool ordered = false;
    long first_line = 0;
    while (st == ALLOT_OK) {
        const char *const *f;
        long line;
        bool done;
        st = next_row(im->reader, im->pg, sum, &f, &line, &done, err);
        if (st != ALLOT_OK || done)
            break;
        ImportLine l;
        bool key_ok;
        ErrBuf e = {{0}};
        AllotStatus vs = check_line(f, kind, line, &l, &key_ok, &e);
        long first = 0;
        if (key_ok) {
            char key[2 * ALLOT_ID_MAX + 4];
            first = seen_before(&seen, strmap_pair(l.orderid, l.sku, key, sizeof key), line);
        }
        if (vs != ALLOT_OK) {
            problem_add(sum, im->name, line, vs, e.msg);
            continue;
        }
        if (!first_line) {
            ordered = l.requested > 0;
            first_line = line;
        } else if (ordered != (l.requested > 0)) {
            char detail[128];
            snprintf(detail, sizeof detail, "requested is %s, but %s on line %ld",
                     ordered ? "empty" : "given", ordered ? "given" : "empty", first_line);
            problem_add(sum, im->name, line, ALLOT_EINVALID, detail);
            continue;
        }
        if (first) {
            char what[2 * ALLOT_ID_MAX + 16];
            snprintf(what, sizeof what, "order line %s %s", l.orderid, l.sku);
            problem_repeat(sum, im->name, line, what, first);
            continue;
        }
        if (kind == IMPORT_ALLOCATIONS)
            strmap_put(&skus, l.sku, 1);
        if (ordered)
            held_push(&held, &l);
        else
            st = run_line(im, kind, &l, err);
    }
    if (st == ALLOT_OK && held.n) {
        qsort(held.rows, held.n, sizeof *held.rows, by_requested_then_line);
        for (size_t i = 0; i < held.n && st == ALLOT_OK; i++) {
            ImportLine l;
            held_get(&held, i, &l);
            st = run_line(im, kind, &l, err);
        }
    }
    if (st == ALLOT_OK && !sum->bad)
        st = retry_skus(im, &skus, err);
    if (st == ALLOT_OK)
        moves_tally(&im->moves, &seen, sum);
    free(held.rows);
    free(held.arena);
    strmap_fini(&skus);
    seen_fini(&seen);
    return st;
}

/* The rows' commands (bus_bulk's body): their work is kept only if the whole
 * file was good.  A batches file's refs are looked up here, inside the bulk
 * unit of work, so that no other writer comes between the look-up and the
 * commands. */
static AllotStatus import_rows(MessageBus *bus, void *ctx, ErrBuf *err)
{
    Import *im = ctx;
    im->bus = bus;
    AllotStatus st;
    if (im->kind == IMPORT_BATCHES) {
        st = look_up_batches(im->views, im->batches, im->nbatches, err);
        if (st == ALLOT_OK)
            st = import_batches(im, err);
    } else {
        st = import_lines(im, err);
    }
    if (st == ALLOT_OK && im->sum->bad) {
        st = im->sum->problems[0].status;
        err_set(err, st, "%s", im->sum->problems[0].msg);
    }
    return st;
}

AllotStatus csv_import(MessageBus *bus, Views *views, ImportKind kind, FILE *fp,
                       const char *name, bool progress, unsigned long long total_bytes,
                       ImportSummary *sum, ErrBuf *err)
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
    Progress pg = {.on = progress, .name = name, .total = total_bytes};
    pg.start = pg.last = mono_seconds();
    running = &pg;
    Import im = {.views = views, .kind = kind, .reader = r, .pg = &pg,
                 .name = csv_reader_name(r), .sum = sum};
    command_result_init(&im.res);
    if (kind == IMPORT_BATCHES) /* read whole first: the look-ups need every ref */
        st = read_batches(r, &pg, &im.batches, &im.nbatches, sum, err);
    if (st == ALLOT_OK)
        st = bus_bulk(bus, import_rows, &im, err);
    progress_end(&pg);
    running = NULL;
    free(im.batches);
    command_result_fini(&im.res);
    line_moves_fini(&im.moves);
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
    size_t w = 0;
#define PUT(...)                                                                       \
    do {                                                                               \
        int n_ = snprintf(buf + w, w < size ? size - w : 0, __VA_ARGS__);              \
        w = n_ < 0 || w + (size_t)n_ >= size ? (size ? size - 1 : 0) : w + (size_t)n_; \
    } while (0)
    if (size == 0)
        return buf;
    PUT("%ld row%s read, %ld created, %ld changed, %ld unchanged, %ld refused", s->read,
        s->read == 1 ? "" : "s", s->created, s->changed, s->unchanged, s->refused);
    if (s->bad)
        PUT(" (%ld bad)", s->bad);
    if (kind == IMPORT_ORDERS && s->backordered)
        PUT(" (%ld of the created lines backordered)", s->backordered);
    const long n[] = {s->reallocated, s->deallocated, s->filled};
    const char *what[] = {"reallocated", "backordered", "backorders allocated"};
    const char *sep = "; order lines: ";
    for (int i = 0; i < 3; i++) {
        if (!n[i])
            continue;
        PUT("%s%ld %s", sep, n[i], what[i]);
        sep = ", ";
    }
#undef PUT
    return buf;
}
