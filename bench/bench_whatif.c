/* bench_whatif.c — starting a what-if session and producing the first sandbox
 * frame's data on a database with 1,000,000 order lines (issue 6: < 300 ms).
 *
 * The database (10,000 SKUs × 3 batches, 1,000,000 lines through the bus in one
 * bulk unit of work) is built once and kept next to the benchmark.  The measuring
 * run opens it as the TUI does (the SQLite unit of work, the read model on its own
 * connection), then times:
 *   1. whatif_new + the landing screen's queries through the sandbox views
 *      (backorders, out-of-stock SKUs, shipments due in 14 days, newest events,
 *      latest event id): the first sandbox frame's data;
 *   2. a delay preview (`d` 14 on a shipment), running it in the session, and the
 *      landing queries plus the Batches screen of that SKU again (now merged with
 *      the sandbox's product);
 *   3. whatif_diff of the session;
 *   4. the what-if summary's orders (whatif_order_slips: each order of the changed
 *      lines, complete date on live and in the sandbox, worst first);
 *   5. with a second step (another SKU's shipment delayed), dropping the first
 *      (whatif_drop_step: the other step replayed on a fresh sandbox), against its
 *      baseline measured beside it, whatif_rework of the same two steps (Apply's
 *      replay of every step).
 * Each is run REPEAT times; the first (cold) run and the median are reported.
 *
 * usage: bench_whatif [DIR] [--lines N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench_util.h"
#include "app/bootstrap.h"
#include "whatif/whatif.h"
#include "persistence/sqlite_uow.h"

#define REPEAT 7
#define ROWS 20

static double now_ms(void) { return bench_now_ms(); }

static void die(const char *what, const char *msg) { bench_die("bench_whatif", what, msg); }

static void quiet(Logger *l, const char *line) { (void)l, (void)line; }

static void handle(MessageBus *bus, Command c)
{
    ErrBuf err;
    if (bus_handle(bus, &c, NULL, &err) != ALLOT_OK)
        die("command", err.msg);
}

/* 10,000 SKUs: one batch in the warehouse and two shipments each; `lines` lines
 * spread over the SKUs, a few per cent backordered. */
static void build(const char *path, long lines)
{
    UnitOfWork *uow;
    ErrBuf err;
    if (sqlite_uow_open(path, NULL, &uow, &err) != ALLOT_OK)
        die("open", err.msg);
    Logger lg = {quiet};
    MessageBus *bus = bootstrap(uow, NULL, NULL, &lg);
    int32_t today = date_from_unix(time(NULL));
    long skus = 10000, per_sku = lines / skus;
    double t0 = now_ms();
    if (uow_bulk_begin(uow, &err) != ALLOT_OK)
        die("bulk", err.msg);
    char sku[32], ref[32], oid[32];
    for (long s = 0; s < skus; s++) {
        snprintf(sku, sizeof sku, "SKU-%05ld", s);
        long need = per_sku * 2;
        snprintf(ref, sizeof ref, "WH-%05ld", s);
        handle(bus, command_create_batch(ref, sku, need / 2, ALLOT_NO_ETA));
        snprintf(ref, sizeof ref, "SHIP-%05ld-1", s);
        handle(bus, command_create_batch(ref, sku, need / 4, today + 1 + (int32_t)(s % 14)));
        snprintf(ref, sizeof ref, "SHIP-%05ld-2", s);
        handle(bus, command_create_batch(ref, sku, need / 4 - need / 40, today + 30));
    }
    for (long i = 0; i < lines; i++) {
        snprintf(sku, sizeof sku, "SKU-%05ld", i % skus);
        snprintf(oid, sizeof oid, "o%07ld", i / 3);
        handle(bus, command_allocate(oid, sku, 1 + (i / skus) % 3));
    }
    if (uow_bulk_end(uow, true, &err) != ALLOT_OK)
        die("bulk", err.msg);
    printf("  built %s: %ld SKUs, %ld batches, %ld lines in %.1f s\n", path, skus, skus * 3,
           lines, (now_ms() - t0) / 1e3);
    bus_free(bus);
    uow_free(uow);
}

/* The Triage screen's queries (SPEC.md §5 landing screen). */
static void landing(Views *v, int32_t today)
{
    ErrBuf err;
    ViewPage page = {.limit = ROWS};
    LineRow lines[ROWS];
    ProductRow products[ROWS];
    BatchRow batches[ROWS];
    EventRow events[ROWS];
    size_t n;
    int64_t id;
    if (views_backorders(v, NULL, &page, NULL, lines, &n, &err) != ALLOT_OK ||
        views_products(v, true, &page, NULL, products, &n, &err) != ALLOT_OK ||
        views_shipments_due(v, today, today + 14, &page, NULL, batches, &n, &err) != ALLOT_OK ||
        views_latest_event_id(v, &id, &err) != ALLOT_OK)
        die("views", err.msg);
    page.backward = true;
    if (views_events(v, 0, &page, events, &n, &err) != ALLOT_OK)
        die("views", err.msg);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void report(const char *what, double *t, double target)
{
    double first = t[0];
    qsort(t, REPEAT, sizeof *t, cmp_double);
    printf("  %-58s first %7.2f ms  median %7.2f ms  max %7.2f ms%s\n", what, first, t[REPEAT / 2],
           t[REPEAT - 1],
           target > 0 ? (t[REPEAT - 1] < target ? "  (target met)" : "  (TARGET MISSED)") : "");
}

int main(int argc, char **argv)
{
    const char *dir = ".";
    long lines = 1000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lines") == 0 && i + 1 < argc)
            lines = atol(argv[++i]);
        else
            dir = argv[i];
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/bench_whatif_%ld.db", dir, lines);
    struct stat sb;
    if (stat(path, &sb) != 0)
        build(path, lines);
    printf("bench_whatif: what-if session on %ld order lines (%s)\n", lines, path);

    UnitOfWork *uow;
    Views *live_views;
    ErrBuf err;
    double t_open = now_ms();
    if (sqlite_uow_open(path, NULL, &uow, &err) != ALLOT_OK)
        die("open", err.msg);
    if (sqlite_views_open(path, &live_views, &err) != ALLOT_OK)
        die("open", err.msg);
    t_open = now_ms() - t_open;
    printf("  %-58s %7.2f ms (not part of the session: the TUI has it open)\n",
           "opening the store (unit of work + read model)", t_open);
    Logger lg = {quiet};
    int32_t today = date_from_unix(time(NULL));

    double t_start[REPEAT], t_delay[REPEAT], t_frame2[REPEAT], t_diff[REPEAT];
    double t_slips[REPEAT], t_rework[REPEAT], t_drop[REPEAT];
    size_t moved = 0, affected = 0, orders = 0;
    for (int r = 0; r < REPEAT; r++) {
        double t0 = now_ms();
        WhatIfSession *s;
        if (whatif_new(uow, live_views, NULL, &lg, &s, &err) != ALLOT_OK)
            die("whatif_new", err.msg);
        landing(whatif_views(s), today);
        t_start[r] = now_ms() - t0;

        char ref[32], sku[32];
        snprintf(ref, sizeof ref, "SHIP-%05d-1", 137 + r);
        snprintf(sku, sizeof sku, "SKU-%05d", 137 + r);
        t0 = now_ms();
        DelayPreview p;
        delay_preview_init(&p);
        if (delay_preview(whatif_uow(s), whatif_clock(s), ref, 14, &p, &err) != ALLOT_OK)
            die("delay_preview", err.msg);
        affected = p.diff.nlines;
        if (whatif_run(s, &p.cmd, NULL, &err) != ALLOT_OK)
            die("whatif_run", err.msg);
        delay_preview_fini(&p);
        t_delay[r] = now_ms() - t0;

        t0 = now_ms();
        landing(whatif_views(s), today);
        ViewPage page = {.limit = ROWS};
        BatchRow batches[ROWS];
        size_t n;
        if (views_batches(whatif_views(s), sku, BATCH_ORDER_PREFERENCE, &page, NULL, batches, &n,
                          &err) != ALLOT_OK ||
            views_batches(whatif_views(s), NULL, BATCH_ORDER_PREFERENCE, &page, NULL, batches, &n,
                          &err) != ALLOT_OK)
            die("views", err.msg);
        for (size_t i = 0; i < n; i++) {
            BatchDiff bd;
            whatif_mark_batch(s, batches[i].ref, &bd);
        }
        t_frame2[r] = now_ms() - t0;

        t0 = now_ms();
        WhatIfDiff d;
        whatif_diff_init(&d);
        whatif_diff(s, &d);
        moved = d.nlines;
        whatif_diff_fini(&d);
        t_diff[r] = now_ms() - t0;

        t0 = now_ms();
        OrderChange *oc;
        if (whatif_order_slips(s, &oc, &orders, &err) != ALLOT_OK)
            die("whatif_order_slips", err.msg);
        free(oc);
        t_slips[r] = now_ms() - t0;

        snprintf(ref, sizeof ref, "SHIP-%05d-1", 537 + r);
        delay_preview_init(&p);
        if (delay_preview(whatif_uow(s), whatif_clock(s), ref, 14, &p, &err) != ALLOT_OK ||
            whatif_run(s, &p.cmd, NULL, &err) != ALLOT_OK)
            die("second step", err.msg);
        delay_preview_fini(&p);
        t0 = now_ms();
        whatif_diff_init(&d);
        long refused;
        if (whatif_rework(s, &d, &refused, &err) != ALLOT_OK)
            die("whatif_rework", err.msg);
        whatif_diff_fini(&d);
        t_rework[r] = now_ms() - t0;
        t0 = now_ms();
        WhatIfDrop drop;
        whatif_drop_init(&drop);
        if (whatif_drop_step(s, 0, false, &drop, &err) != ALLOT_OK || !drop.done)
            die("whatif_drop_step", err.msg);
        whatif_drop_fini(&drop);
        t_drop[r] = now_ms() - t0;
        whatif_discard(s);
    }
    report("start a session + first sandbox frame's data", t_start, 300);
    char what[128];
    snprintf(what, sizeof what, "delay preview `d 14` (%zu lines affected) + run it", affected);
    report(what, t_delay, 0);
    report("frame after the delay (landing + Batches, merged)", t_frame2, 0);
    snprintf(what, sizeof what, "whatif_diff of the session (%zu lines)", moved);
    report(what, t_diff, 0);
    snprintf(what, sizeof what, "summary's orders, worst first (%zu orders)", orders);
    report(what, t_slips, 0);
    double rework_median, drop_median;
    report("baseline: whatif_rework of 2 steps (Apply's replay)", t_rework, 0);
    rework_median = t_rework[REPEAT / 2];
    report("drop step 1 of 2: the other replayed on a fresh sandbox", t_drop, 0);
    drop_median = t_drop[REPEAT / 2];
    printf("  %-58s %7.2f× the baseline (median)\n", "drop / rework", drop_median / rework_median);
    views_free(live_views);
    uow_free(uow);
    return 0;
}
