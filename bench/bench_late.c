/* bench_late.c — the late lines list (SPEC.md §1.4, §5 Triage "late lines", worst
 * first) on a database of 1,000,000 order lines with need dates.
 *
 * The database (10,000 SKUs × 3 batches: in the warehouse, due in 0–19 days, due in
 * 30 days; lines with need dates from 40 days ago to 80 days ahead; ~2% waiting) is
 * built once through the bus in one bulk unit of work and kept next to the benchmark.
 * The read model is opened on its own connection, as the TUI does.  Measured, in CPU
 * time of this process (the machine is shared): a page of 20 late lines through the
 * late-first plan (views_late_lines: the first page, pages further on by keyset, a
 * page backward, the last page), against the baseline beside it: the plain statement
 * of the same list (sql_list_query: every line's lateness worked out and sorted),
 * run on the same connection.  Both must give the same rows.
 *
 * usage: bench_late [DIR] [--lines N]
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "bench_world.h"
#include "app/bootstrap.h"
#include "app/view_specs.h"
#include "persistence/sql_views.h"
#include "persistence/sqlite_uow.h"

enum { PAGE = 20 };

static void die(const char *what, const char *msg) { bench_die("bench_late", what, msg); }

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void build(const char *path, long lines, int32_t today)
{
    bench_world_build("bench_late", path, lines, today, true);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* One page through the read model; returns its CPU time. */
static double plan_page(Views *v, int32_t today, bool backward, const LineRow *after,
                        LineRow *rows, size_t *n)
{
    ErrBuf err;
    ViewPage pg = {.limit = PAGE, .backward = backward};
    double t0 = cpu_ms();
    if (views_late_lines(v, today, &pg, after, rows, n, &err) != ALLOT_OK)
        die("late lines", err.msg);
    return cpu_ms() - t0;
}

/* The baseline: the plain statement of the first `limit` late lines on `db`, their
 * order ids and skus ("ORDERID SKU") into ids. */
static double plain_page(sqlite3 *db, int32_t today, size_t limit, char (*ids)[160], size_t *n)
{
    ViewPage pg = {.limit = limit, .today = today};
    ViewQuery q = view_query(VIEW_LATE_LINES, LATE_WORST, &pg);
    view_query_where(&q, (ViewCond){.col = LCOL_LATE, .op = VIEW_GT, .constant = true});
    SqlQuery sq;
    sql_list_query(SQL_SQLITE, &q, NULL, &sq);
    double t0 = cpu_ms();
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sq.sql, -1, &st, NULL) != SQLITE_OK)
        die("prepare", sqlite3_errmsg(db));
    for (int i = 0; i < sq.nbinds; i++)
        sqlite3_bind_int64(st, i + 1, sq.binds[i].i);
    *n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        snprintf(ids[(*n)++], sizeof ids[0], "%.70s %.70s", (const char *)sqlite3_column_text(st, 0),
                 (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    sql_query_fini(&sq);
    return cpu_ms() - t0;
}

int main(int argc, char **argv)
{
    const char *dir = ".";
    long lines = 1000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lines") == 0 && i + 1 < argc)
            lines = strtol(argv[++i], NULL, 10);
        else
            dir = argv[i];
    }
    int32_t today = date_from_unix(time(NULL));
    char path[1024];
    snprintf(path, sizeof path, "%s/bench_late_%ld.db", dir, lines);
    if (access(path, F_OK) != 0)
        build(path, lines, today);
    Views *v;
    ErrBuf err;
    if (sqlite_views_open(path, &v, &err) != ALLOT_OK)
        die("views", err.msg);
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("open", sqlite3_errmsg(db));

    printf("bench_late: %ld order lines with need dates, pages of %d late lines, CPU ms\n",
           lines, PAGE);
    LineRow rows[PAGE], anchor;
    size_t n = 0;
    enum { RUNS = 15 };
    double t[RUNS];
    /* the first page */
    plan_page(v, today, false, NULL, rows, &n); /* warm the cache and the statement */
    for (int i = 0; i < RUNS; i++)
        t[i] = plan_page(v, today, false, NULL, rows, &n);
    double first = median(t, RUNS);
    /* the baseline, and the same rows */
    static char plain[PAGE * 201][160];
    size_t pn = 0;
    double b[5];
    for (int i = 0; i < 5; i++)
        b[i] = plain_page(db, today, PAGE, plain, &pn);
    double base = median(b, 5);
    /* 200 pages on by keyset, one at a time, checked row by row against the plain
     * statement's first 201 pages */
    size_t want = 0;
    plain_page(db, today, (size_t)PAGE * 201, plain, &want);
    double worst = 0, sum = 0;
    int pages = 200;
    size_t seen = 0;
    for (int i = 0; i <= pages; i++) {
        double c = plan_page(v, today, false, i ? &anchor : NULL, rows, &n);
        if (i) {
            sum += c;
            worst = c > worst ? c : worst;
        }
        for (size_t k = 0; k < n; k++, seen++) {
            char id[160];
            snprintf(id, sizeof id, "%.70s %.70s", rows[k].orderid, rows[k].sku);
            if (seen >= want || strcmp(id, plain[seen]) != 0)
                die("check", "the plan and the plain statement give different rows");
        }
        if (n == 0)
            break;
        anchor = rows[n - 1];
    }
    if (seen != want)
        die("check", "the plan and the plain statement give different pages");
    int64_t deep_late = anchor.late;
    /* a page back from there, and the last page */
    for (int i = 0; i < RUNS; i++)
        t[i] = plan_page(v, today, true, &anchor, rows, &n);
    double back = median(t, RUNS);
    for (int i = 0; i < RUNS; i++)
        t[i] = plan_page(v, today, true, NULL, rows, &n);
    double last = median(t, RUNS);
    printf("  baseline: the plain statement, first page    %8.2f\n", base);
    printf("  late-first plan: first page (median)         %8.2f   (%.2f of the baseline's CPU)\n",
           first, first / base);
    printf("  %d pages on by keyset: mean / worst           %8.2f / %.2f (to %" PRId64
           " days late)\n",
           pages, sum / pages, worst, deep_late);
    printf("  a page backward from there (median)          %8.2f\n", back);
    printf("  the last page (median)                       %8.2f\n", last);
    sqlite3_close(db);
    views_free(v);
    return 0;
}
