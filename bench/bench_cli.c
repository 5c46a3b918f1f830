/* bench_cli — SPEC.md §6 through the allot executable itself (issue 4), against
 * bare SQLite measured in the same run on the same disk.
 *
 *   bench_cli ALLOT DIR [--lines N] [--exec N] [--skus N]
 *
 * Prints:
 *   1. bare SQLite, one INSERT per transaction (WAL, synchronous=NORMAL): rows/s
 *   2. `allot exec FILE` of N allocate lines, one unit of work per line: lines/s and
 *      the ratio to 1 (SPEC §6: >= 2/3)
 *   3. bare SQLite, the order lines in one transaction: rows/s
 *   4. `allot import batches` (3 batches per SKU) + `allot import orders` of the
 *      lines (one bulk transaction each): time, ratio to 3 (SPEC §6: within 3x) and
 *      throughput against the ~200 Allocate/s of the reference Python implementation
 *      (SPEC §6: >= 100x)
 *   5. `allot import orders --dry-run` of the same lines on a store with the same
 *      batches (the what-if report of the import, nothing changed): time and the
 *      ratio to the import of 4 (docs/cli.md: a dry run costs a few imports)
 *   6. a stock update on the store of 4 (its lines in place): `allot import batches
 *      --dry-run` of a file that lowers each SKU's batch in the warehouse to a fifth
 *      and moves the ETA of its first batch on order (two rows per SKU, so many
 *      lines move or slip and many orders are asked), then the real import of it:
 *      both times and their ratio (issue 15: a few times the import)
 *
 * BENCH_CLOCK=cpu measures CPU time instead of wall time (bare SQLite: this
 * process's; allot: the child processes', user + system), a steadier yardstick on
 * a machine shared with other work.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"

static bool cpu_clock(void)
{
    static int cpu = -1;
    if (cpu < 0) {
        const char *c = getenv("BENCH_CLOCK");
        cpu = c && strcmp(c, "cpu") == 0;
    }
    return cpu;
}

/* Seconds from an arbitrary start: wall time, or with BENCH_CLOCK=cpu this
 * process's CPU time. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(cpu_clock() ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds from an arbitrary start for the programs run: wall time, or with
 * BENCH_CLOCK=cpu the CPU time of the waited-for child processes. */
static double children_s(void)
{
    if (!cpu_clock())
        return now_s();
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void die(const char *what, const char *msg) { bench_die("bench_cli", what, msg); }

static void fresh(const char *dir, const char *name, char *path, size_t size)
{
    bench_fresh_db(dir, name, path, size);
}

static double bare_insert(const char *path, long n, bool one_tx, long skus)
{
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die(path, sqlite3_errmsg(db));
    sqlite3_exec(db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                 "CREATE TABLE lines (id INTEGER PRIMARY KEY, orderid TEXT NOT NULL,"
                 " sku TEXT NOT NULL, qty INTEGER NOT NULL)",
                 NULL, NULL, NULL);
    sqlite3_stmt *ins;
    sqlite3_prepare_v2(db, "INSERT INTO lines (orderid, sku, qty) VALUES (?, ?, ?)", -1, &ins, NULL);
    double t0 = now_s();
    if (one_tx)
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (long i = 0; i < n; i++) {
        char oid[32], sku[32];
        snprintf(oid, sizeof oid, "order-%08ld", i);
        snprintf(sku, sizeof sku, "SKU-%05ld", i % skus);
        if (!one_tx)
            sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        sqlite3_bind_text(ins, 1, oid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, sku, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 3, 1 + i % 5);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die("bare insert", sqlite3_errmsg(db));
        sqlite3_reset(ins);
        if (!one_tx)
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    if (one_tx)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double dt = now_s() - t0;
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return dt;
}

/* Batches: 3 per SKU (in the warehouse, two shipments) with room for every line. */
static void write_batches(const char *path, long skus, long qty)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        die(path, "cannot write");
    fputs("ref,sku,qty,eta\n", fp);
    for (long s = 0; s < skus; s++)
        for (int b = 0; b < 3; b++)
            fprintf(fp, "SKU-%05ld-B%d,SKU-%05ld,%ld,%s\n", s, b, s, qty,
                    b == 0 ? "" : b == 1 ? "2027-06-01" : "2027-07-01");
    fclose(fp);
}

/* The stock update of step 6 (write_batches' refs). */
static void write_update(const char *path, long skus, long qty)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        die(path, "cannot write");
    fputs("ref,sku,qty,eta\n", fp);
    for (long s = 0; s < skus; s++) {
        fprintf(fp, "SKU-%05ld-B0,SKU-%05ld,%ld,\n", s, s, qty / 5);
        fprintf(fp, "SKU-%05ld-B1,SKU-%05ld,%ld,2027-06-%02ld\n", s, s, qty, 2 + s % 27);
    }
    fclose(fp);
}

static void write_lines(const char *path, long from, long n, long skus, bool as_exec)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        die(path, "cannot write");
    if (!as_exec)
        fputs("orderid,sku,qty\n", fp);
    for (long i = from; i < from + n; i++) {
        if (as_exec)
            fprintf(fp, "allocate order-%08ld SKU-%05ld %ld\n", i, i % skus, 1 + i % 5);
        else
            fprintf(fp, "order-%08ld,SKU-%05ld,%ld\n", i, i % skus, 1 + i % 5);
    }
    fclose(fp);
}

static double run(const char *allot, const char *db, const char *args)
{
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "'%s' --db '%s' %s >/dev/null", allot, db, args);
    double t0 = children_s();
    if (system(cmd) != 0)
        die("allot", cmd);
    return children_s() - t0;
}

/* `allot import KIND FILE [FLAGS]` on db: its time. */
static double import(const char *allot, const char *db, const char *kind, const char *file,
                     const char *flags)
{
    char args[1400];
    snprintf(args, sizeof args, "import %s '%s' %s", kind, file, flags);
    return run(allot, db, args);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        die("usage", "bench_cli ALLOT DIR [--lines N] [--exec N] [--skus N]");
    const char *allot = argv[1], *dir = argv[2];
    long lines = 1000000, exec_lines = 20000, skus = 10000;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--lines") == 0)
            lines = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--exec") == 0)
            exec_lines = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--skus") == 0)
            skus = atol(argv[i + 1]);
    }
    char bare[600], db[600], batches[600], orders[600], script[600], update[600], args[1400];
    long per_batch = 5 * (lines / skus + 1);

    fresh(dir, "bench_cli_bare.db", bare, sizeof bare);
    double t1 = bare_insert(bare, exec_lines, false, skus);
    printf("1. bare SQLite, one transaction per row: %ld rows in %.2f s = %.0f rows/s\n",
           exec_lines, t1, exec_lines / t1);

    fresh(dir, "bench_cli_exec.db", db, sizeof db);
    snprintf(batches, sizeof batches, "%s/bench_cli_batches.csv", dir);
    snprintf(script, sizeof script, "%s/bench_cli_exec.txt", dir);
    write_batches(batches, skus, per_batch);
    write_lines(script, 0, exec_lines, skus, true);
    import(allot, db, "batches", batches, "");
    snprintf(args, sizeof args, "exec '%s'", script);
    double t2 = run(allot, db, args);
    printf("2. allot exec, one unit of work per allocate: %ld lines in %.2f s = %.0f lines/s; "
           "%.2f of 1 (SPEC: >= 0.67)\n",
           exec_lines, t2, exec_lines / t2, (exec_lines / t2) / (exec_lines / t1));

    fresh(dir, "bench_cli_bare.db", bare, sizeof bare);
    double t3 = bare_insert(bare, lines, true, skus);
    printf("3. bare SQLite, one transaction: %ld rows in %.2f s = %.0f rows/s\n", lines, t3,
           lines / t3);

    fresh(dir, "bench_cli_bulk.db", db, sizeof db);
    snprintf(orders, sizeof orders, "%s/bench_cli_orders.csv", dir);
    write_lines(orders, 0, lines, skus, false);
    double t4a = import(allot, db, "batches", batches, "");
    double t4b = import(allot, db, "orders", orders, "");
    double t4 = t4a + t4b;
    printf("4. allot import: %ld batches in %.2f s + %ld order lines allocated in %.2f s = "
           "%.0f lines/s; %.2fx the time of 3 (SPEC: <= 3x); %.0fx the reference Python's "
           "200/s (SPEC: >= 100x)\n",
           skus * 3, t4a, lines, t4b, lines / t4, t4 / t3, (lines / t4) / 200.0);

    snprintf(update, sizeof update, "%s/bench_cli_update.csv", dir);
    write_update(update, skus, per_batch);
    double t6a = import(allot, db, "batches", update, "--dry-run");
    double t6b = import(allot, db, "batches", update, "");
    printf("6. allot import batches of a stock update (%ld rows) on the store of 4: --dry-run "
           "in %.2f s, the import in %.2f s; the dry run %.2fx the import\n",
           skus * 2, t6a, t6b, t6a / t6b);

    fresh(dir, "bench_cli_dry.db", db, sizeof db);
    import(allot, db, "batches", batches, "");
    double t5 = import(allot, db, "orders", orders, "--dry-run");
    printf("5. allot import --dry-run: the same %ld order lines in %.2f s = %.0f lines/s; "
           "%.2fx the time of the import in 4\n",
           lines, t5, lines / t5, t5 / t4b);
    fresh(dir, "bench_cli_bare.db", bare, sizeof bare);
    fresh(dir, "bench_cli_exec.db", db, sizeof db);
    fresh(dir, "bench_cli_bulk.db", db, sizeof db);
    fresh(dir, "bench_cli_dry.db", db, sizeof db);
    unlink(batches);
    unlink(orders);
    unlink(script);
    unlink(update);
    return 0;
}
