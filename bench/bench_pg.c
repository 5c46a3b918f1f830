/* bench_pg.c — the PostgreSQL targets of SPEC.md §6 (issue 10), on a throwaway
 * cluster with fsync on (tests/support/pg_cluster.sh --durable):
 *
 *   1. Allocate/s through the bus, one unit of work each, with 1, 2, 4 and 8 writer
 *      processes on distinct SKUs (the total should grow with N) and on one hot SKU
 *      (nothing lost or doubled; the conflict retries are reported), beside the
 *      baseline of a bare libpq INSERT with one transaction per row;
 *   2. a bulk import of 1,000,000 order lines over 10,000 SKUs / 30,000 batches
 *      (`allot import orders`, one transaction) against a raw COPY of the same final
 *      rows (the lines and events it wrote, into an empty schema with the same
 *      indexes), measured beside it: target within 2x.
 *
 * usage: bench_pg ALLOT_BINARY WORKDIR [LINES]   (run by the bench_pg_run target)
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "bench_util.h"
#include "persistence/store.h"

#define PER_WRITER 1000

static const char *prog = "bench_pg";

static void sql(const char *db, const char *q)
{
    char ci[128];
    snprintf(ci, sizeof ci, "dbname=%s", db);
    PGconn *c = PQconnectdb(ci);
    PGresult *r = PQexec(c, q);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        bench_die(prog, q, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

static long long scalar(const char *db, const char *q)
{
    char ci[128];
    snprintf(ci, sizeof ci, "dbname=%s", db);
    PGconn *c = PQconnectdb(ci);
    PGresult *r = PQexec(c, q);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        bench_die(prog, q, PQerrorMessage(c));
    long long v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(c);
    return v;
}

static void fresh_db(const char *name)
{
    char q[160];
    snprintf(q, sizeof q, "DROP DATABASE IF EXISTS %s", name);
    sql("postgres", q);
    snprintf(q, sizeof q, "CREATE DATABASE %s", name);
    sql("postgres", q);
}

static void target_of(const char *db, StoreTarget *t)
{
    char uri[160];
    snprintf(uri, sizeof uri, "postgresql:///%s", db);
    ErrBuf err = {{0}};
    if (store_target(uri, t, &err) != ALLOT_OK)
        bench_die(prog, uri, err.msg);
}

/* One writer process: PER_WRITER Allocates of 1 unit on `sku`; reports retries. */
static void writer(const StoreTarget *t, int k, const char *sku, int go, int report)
{
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    if (store_open(t, NULL, &uow, NULL, &err) != ALLOT_OK)
        bench_die(prog, "writer", err.msg);
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    bus_set_retry(bus, 50, 500);
    char c;
    if (read(go, &c, 1) != 1)
        _exit(2);
    int failed = 0;
    for (int i = 0; i < PER_WRITER; i++) {
        char oid[32];
        snprintf(oid, sizeof oid, "w%d-%d", k, i);
        Command cmd = command_allocate(oid, sku, 1);
        if (bus_handle(bus, &cmd, NULL, &err) != ALLOT_OK)
            failed++;
    }
    long r[2] = {bus_conflict_retries(bus), failed};
    if (write(report, r, sizeof r) != sizeof r)
        _exit(3);
    bus_free(bus);
    uow_free(uow);
    _exit(0);
}

/* N writers at once, on distinct SKUs or one hot SKU: Allocate/s in total. */
static double run_writers(int n, bool hot, long *retries)
{
    const char *db = "bench_writers";
    fresh_db(db);
    StoreTarget t;
    target_of(db, &t);
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    if (store_open(&t, NULL, &uow, NULL, &err) != ALLOT_OK)
        bench_die(prog, db, err.msg);
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    for (int k = 0; k < (hot ? 1 : n); k++) {
        char ref[32], sku[32];
        snprintf(ref, sizeof ref, "B%d", k);
        snprintf(sku, sizeof sku, "SKU%d", k);
        Command c = command_create_batch(ref, sku, 1000000, ALLOT_NO_ETA);
        if (bus_handle(bus, &c, NULL, &err) != ALLOT_OK)
            bench_die(prog, "batch", err.msg);
    }
    bus_free(bus);
    uow_free(uow);
    int go[2], rep[2];
    if (pipe(go) || pipe(rep))
        bench_die(prog, "pipe", "failed");
    pid_t kids[8];
    for (int k = 0; k < n; k++) {
        char sku[32];
        snprintf(sku, sizeof sku, "SKU%d", hot ? 0 : k);
        fflush(NULL);
        if ((kids[k] = fork()) == 0)
            writer(&t, k, sku, go[0], rep[1]);
    }
    usleep(300 * 1000); /* every writer connected and waiting */
    double t0 = bench_now_ms();
    char gg[8] = "gggggggg";
    if (write(go[1], gg, (size_t)n) != n)
        bench_die(prog, "start", "failed");
    *retries = 0;
    for (int k = 0; k < n; k++) {
        long r[2];
        if (read(rep[0], r, sizeof r) != sizeof r || r[1] != 0)
            bench_die(prog, "writer", "a command failed");
        *retries += r[0];
    }
    double ms = bench_now_ms() - t0;
    for (int k = 0; k < n; k++)
        waitpid(kids[k], NULL, 0);
    close(go[0]), close(go[1]), close(rep[0]), close(rep[1]);
    long long lines = scalar(db, "SELECT count(*) FROM allot.lines");
    long long dup = scalar(db, "SELECT count(*) - count(DISTINCT orderid) FROM allot.lines");
    if (lines != (long long)n * PER_WRITER || dup != 0)
        bench_die(prog, "writers", "lines lost or doubled");
    return (double)n * PER_WRITER / (ms / 1000.0);
}

/* The baseline: a bare INSERT of a row, one transaction each, one process. */
static double bare_inserts(int rows)
{
    const char *db = "bench_bare";
    fresh_db(db);
    sql(db, "CREATE TABLE t (orderid text PRIMARY KEY, sku text, qty bigint)");
    PGconn *c = PQconnectdb("dbname=bench_bare");
    double t0 = bench_now_ms();
    for (int i = 0; i < rows; i++) {
        char oid[32];
        snprintf(oid, sizeof oid, "o%d", i);
        const char *v[] = {oid};
        PGresult *r = PQexecParams(c, "INSERT INTO t VALUES ($1, 'SKU', 1)", 1, NULL, v, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            bench_die(prog, "bare insert", PQerrorMessage(c));
        PQclear(r);
    }
    double ms = bench_now_ms() - t0;
    PQfinish(c);
    return rows / (ms / 1000.0);
}

static double run_allot(const char *allot, const char *uri, const char *what, const char *file)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s --db %s import %s %s >/dev/null", allot, uri, what, file);
    double t0 = bench_now_ms();
    if (system(cmd) != 0)
        bench_die(prog, "import", file);
    return bench_now_ms() - t0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s ALLOT WORKDIR [LINES]\n", prog);
        return 2;
    }
    const char *allot = argv[1], *work = argv[2];
    long nlines = argc > 3 ? atol(argv[3]) : 1000000;
    bool writers = !getenv("BENCH_PG_IMPORT_ONLY");
    if (!getenv("ALLOT_TEST_PG_DIR")) {
        printf("%s: SKIPPED: run through tests/support/pg_cluster.sh --durable\n", prog);
        return 0;
    }

    if (writers)
        printf("bench_pg: Allocate through the bus, %d per writer, one unit of work each (fsync on)\n",
               PER_WRITER);
    double bare = writers ? bare_inserts(5000) : 1;
    if (writers)
        printf("  baseline: bare INSERT, one transaction per row, 1 process: %.0f rows/s\n", bare);
    double one = 0;
    for (int hot = 0; writers && hot < 2; hot++) {
        for (int n = 1; n <= 8; n *= 2) {
            long retries;
            double rate = run_writers(n, hot, &retries);
            if (n == 1 && !hot)
                one = rate;
            printf("  %s, %d writer%s: %6.0f Allocate/s (%.2fx 1 writer, %.2fx bare), %ld conflict "
                   "retries\n", hot ? "one hot SKU  " : "distinct SKUs", n, n == 1 ? " " : "s",
                   rate, rate / one, rate / bare, retries);
        }
    }

    /* the bulk import: 10,000 SKUs, 30,000 batches, nlines order lines */
    char batches[1200], orders[1200];
    snprintf(batches, sizeof batches, "%s/pg_bench_batches.csv", work);
    snprintf(orders, sizeof orders, "%s/pg_bench_orders.csv", work);
    FILE *fb = fopen(batches, "w"), *fo = fopen(orders, "w");
    if (!fb || !fo)
        bench_die(prog, work, "cannot write the CSV files");
    fprintf(fb, "ref,sku,qty,eta\n");
    for (int i = 0; i < 30000; i++)
        fprintf(fb, "B%d,SKU%05d,%d,%s\n", i, i % 10000, 40 + i % 60, i % 3 ? "2027-03-01" : "");
    fprintf(fo, "orderid,sku,qty\n");
    for (long i = 0; i < nlines; i++)
        fprintf(fo, "o%ld,SKU%05ld,%ld\n", i / 4, (i * 7 + i / 4) % 10000, 1 + i % 3);
    fclose(fb);
    fclose(fo);
    fresh_db("bench_import");
    const char *uri = "postgresql:///bench_import";
    run_allot(allot, uri, "batches", batches);
    double import_ms = run_allot(allot, uri, "orders", orders);
    long long lines = scalar("bench_import", "SELECT count(*) FROM allot.lines");
    long long events = scalar("bench_import", "SELECT count(*) FROM allot.events");

    /* the same final rows, raw: every allot table of bench_import copied out as
     * COPY text, then COPYed into an empty schema of the same version */
    char dump[1200], cmd[4096];
    snprintf(dump, sizeof dump, "%s/pg_bench_dump", work);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && for t in products batches lines events; do "
             "psql -qAt -d bench_import -c \"\\copy allot.$t TO '%s/$t'\" || exit 1; done",
             dump, dump);
    if (system(cmd) != 0)
        bench_die(prog, "dump", cmd);
    fresh_db("bench_copy");
    snprintf(cmd, sizeof cmd, "%s --db postgresql:///bench_copy events >/dev/null 2>&1; "
             "%s --db postgresql:///bench_copy add-batch X X 0 >/dev/null && "
             "psql -qAt -d bench_copy -c 'TRUNCATE allot.lines, allot.events, allot.batches, "
             "allot.products'", allot, allot);
    if (system(cmd) != 0)
        bench_die(prog, "schema", cmd);
    snprintf(cmd, sizeof cmd, "cd %s && psql -qAt -d bench_copy -c 'BEGIN' "
             "-c \"\\copy allot.products FROM 'products'\" -c \"\\copy allot.batches FROM 'batches'\" "
             "-c \"\\copy allot.lines FROM 'lines'\" -c \"\\copy allot.events FROM 'events'\" "
             "-c 'COMMIT'", dump);
    double t0 = bench_now_ms();
    if (system(cmd) != 0)
        bench_die(prog, "raw copy", cmd);
    double copy_ms = bench_now_ms() - t0;
    printf("bench_pg: bulk import of %ld order lines (10,000 SKUs, 30,000 batches): %.1f s, "
           "%.0f lines/s (%lld lines, %lld events written)\n",
           nlines, import_ms / 1000, nlines / (import_ms / 1000), lines, events);
    printf("  baseline: raw COPY of the same final rows (products, batches, lines, events, with "
           "their indexes), one transaction: %.1f s\n", copy_ms / 1000);
    printf("  import / raw COPY = %.2fx (target within 2x)\n", import_ms / copy_ms);
    snprintf(cmd, sizeof cmd, "rm -rf %s %s %s", dump, batches, orders);
    if (system(cmd) != 0)
        fprintf(stderr, "%s: could not remove the files\n", prog);
    return 0;
}
