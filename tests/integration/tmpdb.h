/* tmpdb.h — temporary database files for the integration tests. */
#ifndef ALLOT_TESTS_TMPDB_H
#define ALLOT_TESTS_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/ports.h"

typedef struct TmpDb {
    char dir[256];
    char path[300];
} TmpDb;

/* A fresh directory under $TMPDIR (or /tmp) and a database path inside it
 * (the file does not exist yet). */
static inline void tmpdb_init(TmpDb *t)
{
    const char *base = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/allot-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(t->dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(t->path, sizeof t->path, "%s/allot.db", t->dir);
}

/* Removes the directory and everything in it. */
static inline void tmpdb_fini(TmpDb *t)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
}

/* A clock that says what the test wants. */
typedef struct FixedClock {
    Clock base;
    int64_t now;
} FixedClock;

static inline int64_t fixed_clock_now(Clock *c) { return ((FixedClock *)c)->now; }

#endif
