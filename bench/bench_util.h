/* bench_util.h — small helpers shared by the benchmarks (bench_*.c).  Header-only;
 * the benchmarks are separate programs, not part of any library. */
#ifndef ALLOT_BENCH_UTIL_H
#define ALLOT_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Wall-clock milliseconds from an arbitrary start (CLOCK_MONOTONIC). */
static inline double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Prints "PROG: WHAT: MSG" on stderr and exits 1. */
static inline void bench_die(const char *prog, const char *what, const char *msg)
{
    fprintf(stderr, "%s: %s: %s\n", prog, what, msg);
    exit(1);
}

/* Writes DIR/NAME into `path` and removes that database and its -wal/-shm files. */
static inline void bench_fresh_db(const char *dir, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[1100];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

#endif
