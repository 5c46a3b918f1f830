/* bench_world.h — the database the TUI and read-model benchmarks share (bench_tui,
 * bench_late): 10,000 SKUs × 3 batches (in the warehouse; due in 0–19 days; due in
 * 30 days) and `lines` order lines of 1–3 units spread over the SKUs (~2% waiting),
 * written through the bus in one bulk unit of work.  Header-only, like bench_util.h;
 * it links with the persistence, app and domain libraries. */
#ifndef ALLOT_BENCH_WORLD_H
#define ALLOT_BENCH_WORLD_H

#include <stdbool.h>
#include <stdio.h>

#include "bench_util.h"
#include "app/bootstrap.h"
#include "persistence/sqlite_uow.h"

static inline void bench_world_quiet(Logger *l, const char *line) { (void)l, (void)line; }

static inline void bench_world_handle(const char *prog, MessageBus *bus, Command c)
{
    ErrBuf err;
    if (bus_handle(bus, &c, NULL, &err) != ALLOT_OK)
        bench_die(prog, "command", err.msg);
}

/* Builds the database at `path` (which must not exist yet), the shipments dated from
 * `today` (days since the epoch).  With `needs`, line i is needed on today - 40 +
 * (i × 7919 mod 120): from 40 days ago to 80 days ahead.  Prints what it built and
 * how long it took; dies with "PROG: …" on any error. */
static inline void bench_world_build(const char *prog, const char *path, long lines,
                                     int32_t today, bool needs)
{
    UnitOfWork *uow;
    ErrBuf err;
    if (sqlite_uow_open(path, NULL, &uow, &err) != ALLOT_OK)
        bench_die(prog, "open", err.msg);
    Logger lg = {bench_world_quiet};
    MessageBus *bus = bootstrap(uow, NULL, NULL, &lg);
    long skus = 10000, per_sku = lines / skus;
    double t0 = bench_now_ms();
    if (uow_bulk_begin(uow, &err) != ALLOT_OK)
        bench_die(prog, "bulk", err.msg);
    char sku[32], ref[32], oid[32];
    for (long s = 0; s < skus; s++) {
        snprintf(sku, sizeof sku, "SKU-%05ld", s);
        long need = per_sku * 2; /* lines are 1..3, mean 2 */
        snprintf(ref, sizeof ref, "W-%05ld", s);
        bench_world_handle(prog, bus, command_create_batch(ref, sku, need / 2, ALLOT_NO_ETA));
        snprintf(ref, sizeof ref, "S-%05ld-a", s);
        bench_world_handle(prog, bus,
                           command_create_batch(ref, sku, need / 4, today + (int32_t)(s % 20)));
        snprintf(ref, sizeof ref, "S-%05ld-b", s);
        bench_world_handle(prog, bus,
                           command_create_batch(ref, sku, need / 4 - need / 50, today + 30));
    }
    for (long i = 0; i < lines; i++) {
        snprintf(sku, sizeof sku, "SKU-%05ld", i % skus);
        snprintf(oid, sizeof oid, "o%07ld", i / 3);
        Command c = command_allocate(oid, sku, 1 + (i / skus) % 3);
        if (needs)
            c = command_with_need(c, today - 40 + (int32_t)((i * 7919) % 120), 0);
        bench_world_handle(prog, bus, c);
    }
    if (uow_bulk_end(uow, true, &err) != ALLOT_OK)
        bench_die(prog, "bulk", err.msg);
    printf("  built %s: %ld SKUs, %ld batches, %ld lines in %.1f s\n", path, skus, skus * 3,
           lines, (bench_now_ms() - t0) / 1e3);
    bus_free(bus);
    uow_free(uow);
}

#endif
