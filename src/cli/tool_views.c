/* tool_views.c — the subcommands that read the read model (app/views.h): export,
 * events, and the summary shown by `allot` without a command (SPEC.md §4). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/event_json.h"
#include "app/views.h"
#include "cli/cli.h"
#include "domain/xalloc.h"
#include "persistence/csv_io.h"

#define PAGE 1000

/* ---- export ---- */

static int by_ref(const void *a, const void *b)
{
    return strcmp(((const BatchRow *)a)->ref, ((const BatchRow *)b)->ref);
}

/* Every batch, sorted by ref.  Caller frees *out. */
static AllotStatus all_batches(Views *v, BatchRow **out, size_t *count, ErrBuf *err)
{
    BatchRow *rows = NULL;
    size_t len = 0, cap = 0;
    ViewPage page = {.limit = PAGE};
    AllotStatus st = ALLOT_OK;
    for (;;) {
        if (cap - len < PAGE) {
            cap = cap ? cap * 2 : PAGE * 2;
            rows = xreallocarray(rows, cap, sizeof *rows);
        }
        size_t n = 0;
        st = views_batches(v, NULL, BATCH_ORDER_REF, &page, len ? &rows[len - 1] : NULL,
                           rows + len, &n, err);
        if (st != ALLOT_OK)
            break;
        len += n;
        if (n < PAGE)
            break;
    }
    if (st != ALLOT_OK) {
        free(rows);
        return st;
    }
    qsort(rows, len, sizeof *rows, by_ref);
    *out = rows;
    *count = len;
    return ALLOT_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The request moments (LineRow.key) of every order line, allocated or waiting,
 * sorted: a line's `requested` in an export is its rank among them (1 = the
 * oldest), which is the same in a store and in its restore (SPEC.md §4). */
static AllotStatus request_moments(Views *v, int64_t **out, size_t *count, ErrBuf *err)
{
    int64_t *keys = NULL;
    size_t len = 0, cap = 0;
    LineRow *rows = xreallocarray(NULL, PAGE, sizeof *rows);
    ViewPage page = {.limit = PAGE};
    LineRow anchor;
    bool have_anchor = false;
    AllotStatus st;
    for (;;) {
        size_t n = 0;
        st = views_lines(v, LINES_ALL, &page, have_anchor ? &anchor : NULL, rows, &n, err);
        if (st != ALLOT_OK)
            break;
        if (cap - len < n) {
            cap = cap ? cap * 2 : PAGE * 4;
            keys = xreallocarray(keys, cap, sizeof *keys);
        }
        for (size_t i = 0; i < n; i++)
            keys[len++] = rows[i].key;
        if (n < PAGE)
            break;
        anchor = rows[n - 1];
        have_anchor = true;
    }
    free(rows);
    if (st != ALLOT_OK) {
        free(keys);
        return st;
    }
    if (len)
        qsort(keys, len, sizeof *keys, cmp_i64);
    *out = keys;
    *count = len;
    return ALLOT_OK;
}

/* 1 + how many moments are smaller than `key` (equal moments share a rank). */
static int64_t request_rank(const int64_t *keys, size_t n, int64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int64_t)lo + 1;
}

/* Streams the allocated or backordered lines, already in export order (orderid, then
 * sku, byte-wise: views_lines), as CSV rows, with their need date and the rank of
 * their moment of first request (SPEC.md §4). */
static AllotStatus write_lines(Views *v, bool allocations, FILE *fp, ErrBuf *err)
{
    int64_t *keys;
    size_t nkeys;
    AllotStatus st = request_moments(v, &keys, &nkeys, err);
    if (st != ALLOT_OK)
        return st;
    const char *ha[] = {"orderid", "sku", "qty", "batchref", "need", "requested"};
    const char *hb[] = {"orderid", "sku", "qty", "need", "requested"};
    size_t ncols = allocations ? 6 : 5;
    st = csv_write_row(fp, allocations ? ha : hb, ncols, err);
    LineRow *rows = xreallocarray(NULL, PAGE, sizeof *rows);
    ViewPage page = {.limit = PAGE};
    LineRow anchor;
    bool have_anchor = false;
    while (st == ALLOT_OK) {
        size_t n = 0;
        st = views_lines(v, allocations ? LINES_ALLOCATED : LINES_BACKORDERED, &page,
                         have_anchor ? &anchor : NULL, rows, &n, err);
        for (size_t i = 0; i < n && st == ALLOT_OK; i++) {
            char qty[24], need[ALLOT_DATE_TEXT], req[24];
            snprintf(qty, sizeof qty, "%lld", (long long)rows[i].qty);
            if (rows[i].need == ALLOT_NO_DATE)
                need[0] = '\0';
            else
                date_format(rows[i].need, need);
            snprintf(req, sizeof req, "%lld", (long long)request_rank(keys, nkeys, rows[i].key));
            const char *fa[] = {rows[i].orderid, rows[i].sku, qty, rows[i].batchref, need, req};
            const char *fb[] = {rows[i].orderid, rows[i].sku, qty, need, req};
            st = csv_write_row(fp, allocations ? fa : fb, ncols, err);
        }
        if (st != ALLOT_OK || n < PAGE)
            break;
        anchor = rows[n - 1];
        have_anchor = true;
    }
    free(rows);
    free(keys);
    return st;
}

typedef struct RankKey {
    const char *sku;
    uint64_t seq;
    size_t i;
} RankKey;

static int by_sku_then_seq(const void *a, const void *b)
{
    const RankKey *x = a, *y = b;
    int c = strcmp(x->sku, y->sku);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The rank of each batch in its SKU's creation order (1 = created first).  Caller
 * frees. */
static int64_t *creation_ranks(const BatchRow *b, size_t n)
{
    RankKey *k = xreallocarray(NULL, n ? n : 1, sizeof *k);
    int64_t *rank = xreallocarray(NULL, n ? n : 1, sizeof *rank);
    for (size_t i = 0; i < n; i++)
        k[i] = (RankKey){b[i].sku, b[i].seq, i};
    if (n > 1)
        qsort(k, n, sizeof *k, by_sku_then_seq);
    for (size_t j = 0; j < n; j++)
        rank[k[j].i] = j > 0 && strcmp(k[j].sku, k[j - 1].sku) == 0 ? rank[k[j - 1].i] + 1 : 1;
    free(k);
    return rank;
}

static AllotStatus write_export(Views *v, const char *what, FILE *fp, ErrBuf *err)
{
    AllotStatus st = ALLOT_OK;
    if (strcmp(what, "batches") == 0) {
        BatchRow *b;
        size_t n;
        if ((st = all_batches(v, &b, &n, err)) != ALLOT_OK)
            return st;
        /* created: the batch's rank in its SKU's creation order (SPEC.md §1.1 ties) */
        int64_t *created = creation_ranks(b, n);
        const char *h[] = {"ref", "sku", "qty", "eta", "created"};
        st = csv_write_row(fp, h, 5, err);
        for (size_t i = 0; i < n && st == ALLOT_OK; i++) {
            char qty[24], eta[ALLOT_DATE_TEXT], cr[24];
            snprintf(qty, sizeof qty, "%lld", (long long)b[i].qty);
            if (b[i].eta == ALLOT_NO_ETA)
                eta[0] = '\0';
            else
                date_format(b[i].eta, eta);
            snprintf(cr, sizeof cr, "%lld", (long long)created[i]);
            const char *f[] = {b[i].ref, b[i].sku, qty, eta, cr};
            st = csv_write_row(fp, f, 5, err);
        }
        free(created);
        free(b);
        return st;
    }
    return write_lines(v, strcmp(what, "allocations") == 0, fp, err);
}

AllotStatus tool_export(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    AllotStatus st = cli_open_reader(cli, err);
    if (st != ALLOT_OK)
        return st;
    const char *what = pc->values[0], *path = pc->values[1];
    bool force = pc->values[2] != NULL;
    if (!path || strcmp(path, "-") == 0) {
        st = write_export(cli->views, what, cli->out, err);
        if (st == ALLOT_EIO)
            err_set(err, st, "cannot write to standard output: %s", strerror(errno));
        return st;
    }
    CsvAtomicFile f;
    const char *store = cli->store.kind == STORE_SQLITE ? cli->store.where : NULL;
    if ((st = csv_atomic_open(&f, path, store, force ? CSV_FORCE : CSV_REFUSE, err)) != ALLOT_OK)
        return st;
    st = write_export(cli->views, what, f.fp, err);
    if (st != ALLOT_OK) {
        csv_atomic_abort(&f);
        if (st == ALLOT_EIO)
            err_set(err, st, "%s: cannot write: %s", path, strerror(errno));
        return st;
    }
    return csv_atomic_commit(&f, err);
}

/* ---- events ---- */

static void print_event(FILE *out, const EventRow *r, bool json)
{
    if (json) {
        char *line = event_json_text(&r->ev, r->id, r->at);
        fprintf(out, "%s\n", line);
        free(line);
        return;
    }
    char buf[256];
    time_t t = (time_t)r->at;
    struct tm tm;
    gmtime_r(&t, &tm);
    char at[32];
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(out, "%lld %s %s\n", (long long)r->id, at, event_describe(&r->ev, buf, sizeof buf));
}

/* Prints up to PAGE events after `last` by id (the log as it stands). */
static AllotStatus list_events(Cli *cli, int64_t last, bool json, ErrBuf *err)
{
    EventRow *rows = xreallocarray(NULL, PAGE, sizeof *rows);
    ViewPage page = {.limit = PAGE};
    AllotStatus st;
    for (;;) {
        size_t n = 0;
        st = views_events(cli->views, last, &page, rows, &n, err);
        if (st != ALLOT_OK)
            break;
        for (size_t i = 0; i < n; i++)
            print_event(cli->out, &rows[i], json);
        if (n < PAGE)
            break;
        last = rows[n - 1].id;
    }
    free(rows);
    return st;
}

/* How long `events --follow` waits for news at a time, and between attempts to
 * reach a store that went away (SPEC.md §3.1 "Connection loss"). */
#define FOLLOW_WAIT_MS 1000

/* `events --follow`: the follower of app/follower.h, which hands out every event
 * once, also one that commits after an event with a higher id (PostgreSQL).  A
 * lost connection is said once on stderr and retried every second; the follower
 * keeps its place, so nothing is printed twice or skipped. */
static AllotStatus follow_events(Cli *cli, int64_t since, bool json, ErrBuf *err)
{
    FollowStart start = {.from = FOLLOW_AFTER_ID, .id = since};
    EventFollower *f;
    AllotStatus st = store_follow(&cli->store, &start, &f, err);
    if (st != ALLOT_OK)
        return st;
    EventRow *rows = xreallocarray(NULL, PAGE, sizeof *rows);
    bool lost = false;
    for (;;) {
        size_t n = 0;
        ErrBuf e = {{0}};
        st = follower_read(f, rows, PAGE, &n, &e);
        for (size_t i = 0; i < n; i++)
            print_event(cli->out, &rows[i], json);
        if (fflush(cli->out) != 0 || ferror(cli->out)) {
            st = err_set(err, ALLOT_EIO, "cannot write to standard output");
            break;
        }
        if (st == ALLOT_OK && n < PAGE)
            st = follower_wait(f, FOLLOW_WAIT_MS, &e);
        if (st == ALLOT_ESTORAGE) {
            if (!lost)
                fprintf(stderr, "allot: %s; reconnecting…\n", e.msg);
            lost = true;
            struct timespec ts = {FOLLOW_WAIT_MS / 1000, (FOLLOW_WAIT_MS % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        } else if (st != ALLOT_OK) {
            err_set(err, st, "%s", e.msg);
            break;
        } else if (lost) {
            fprintf(stderr, "allot: reconnected\n");
            lost = false;
        }
    }
    free(rows);
    follower_free(f);
    return st;
}

AllotStatus tool_events(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    AllotStatus st = cli_open_reader(cli, err);
    if (st != ALLOT_OK)
        return st;
    int64_t since = pc->values[0] ? pc->nums[0] : 0;
    bool follow = pc->values[1] != NULL, json = pc->values[2] != NULL;
    if (follow)
        return follow_events(cli, since, json, err);
    return list_events(cli, since, json, err);
}

/* ---- why ---- */

static void utc_text(int64_t at, char out[32])
{
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The batch events of command `id` (what made its line events happen), as
 * "; BatchQuantityChanged B1 LAMP 10 → 4" into buf. */
static AllotStatus command_causes(Views *v, int64_t id, char *buf, size_t size, ErrBuf *err)
{
    buf[0] = '\0';
    EventRow rows[16];
    ViewPage page = {.limit = 16};
    size_t n = 0, off = 0;
    AllotStatus st = views_command_events(v, id, 0, &page, rows, &n, err);
    for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
        EventType t = rows[i].ev.type;
        if (t != EV_BATCH_CREATED && t != EV_BATCH_QTY_CHANGED && t != EV_BATCH_ETA_CHANGED)
            continue;
        char d[256];
        int w = snprintf(buf + off, size - off, "%s%s", off ? "; " : "",
                         event_describe(&rows[i].ev, d, sizeof d));
        if (w < 0 || (size_t)w >= size - off)
            break;
        off += (size_t)w;
    }
    return st;
}

AllotStatus tool_why(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    AllotStatus st = cli_open_reader(cli, err);
    if (st != ALLOT_OK)
        return st;
    AllotId orderid, sku;
    ErrBuf e;
    validate_id(pc->values[0], "orderid", orderid, &e);
    validate_id(pc->values[1], "sku", sku, &e);
    EventRow *rows = xreallocarray(NULL, PAGE, sizeof *rows);
    ViewPage page = {.limit = PAGE};
    int64_t last = 0;
    long count = 0;
    for (;;) {
        size_t n = 0;
        st = views_line_history(cli->views, orderid, sku, last, &page, rows, &n, err);
        for (size_t i = 0; st == ALLOT_OK && i < n; i++) {
            const EventRow *r = &rows[i];
            char at[32], what[256], cause[512] = "", who[ALLOT_ID_MAX + 96];
            utc_text(r->at, at);
            if (r->ev.command_id > 0) {
                int w = snprintf(who, sizeof who, "command %lld by %s", (long long)r->ev.command_id,
                                 r->ev.actor[0] ? r->ev.actor : "?");
                if (r->ev.undoes > 0 && w > 0 && (size_t)w < sizeof who)
                    snprintf(who + w, sizeof who - (size_t)w, ", undoing command %lld",
                             (long long)r->ev.undoes);
                st = command_causes(cli->views, r->ev.command_id, cause, sizeof cause, err);
            } else {
                snprintf(who, sizeof who, "(before commands were recorded)");
            }
            if (st != ALLOT_OK)
                break;
            if (count++ == 0)
                fprintf(cli->out, "%s %s, oldest first:\n", orderid, sku);
            fprintf(cli->out, "  %s  #%lld  %s  %s%s%s%s\n", at, (long long)r->id,
                    event_describe(&r->ev, what, sizeof what), who, cause[0] ? "  (" : "",
                    cause, cause[0] ? ")" : "");
        }
        if (st != ALLOT_OK || n < PAGE)
            break;
        last = rows[n - 1].id;
    }
    free(rows);
    if (st == ALLOT_OK && count == 0)
        st = err_set(err, ALLOT_EUNKNOWN_LINE, "order line %s %s has no history: it never "
                     "existed", orderid, sku);
    return st;
}

/* ---- summary ---- */

AllotStatus cli_print_summary(Cli *cli, ErrBuf *err)
{
    AllotStatus st = cli_open_reader(cli, err);
    if (st != ALLOT_OK)
        return st;
    ProductRow *rows = xreallocarray(NULL, PAGE, sizeof *rows);
    ViewPage page = {.limit = PAGE};
    long long skus = 0, batches = 0, qty = 0, allocated = 0, bl = 0, bq = 0;
    ProductRow anchor;
    for (;;) {
        size_t n = 0;
        if (skus)
            anchor = rows[PAGE - 1]; /* the rows are rewritten by the call */
        st = views_products(cli->views, false, &page, skus ? &anchor : NULL, rows, &n, err);
        if (st != ALLOT_OK)
            break;
        for (size_t i = 0; i < n; i++) {
            batches += rows[i].nbatches;
            qty += rows[i].qty;
            allocated += rows[i].allocated;
            bl += rows[i].backorder_lines;
            bq += rows[i].backorder_qty;
        }
        skus += (long long)n;
        if (n < PAGE)
            break;
    }
    free(rows);
    if (st != ALLOT_OK)
        return st;
    int64_t last = 0;
    if ((st = views_latest_event_id(cli->views, &last, err)) != ALLOT_OK)
        return st;
    fprintf(cli->out,
            "database: %s\n"
            "skus: %lld  batches: %lld  units: %lld  allocated: %lld\n"
            "backorders: %lld lines, %lld units\n"
            "events: %lld\n"
            "(the terminal UI is not part of this build; see allot --help)\n",
            cli->store.label, skus, batches, qty, allocated, bl, bq, (long long)last);
    return ALLOT_OK;
}
