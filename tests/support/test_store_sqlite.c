/* test_store.h for SQLite: a database path in a fresh temporary folder. */
#include "test_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void test_store_new(StoreTarget *t)
{
    const char *base = getenv("TMPDIR");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/allot-store-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir))
        abort();
    char path[300];
    snprintf(path, sizeof path, "%s/allot.db", dir);
    ErrBuf err = {{0}};
    if (store_target(path, t, &err) != ALLOT_OK) {
        fprintf(stderr, "test_store_new: %s\n", err.msg);
        abort();
    }
}

void test_store_free(const StoreTarget *t)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", t->where);
    char *slash = strrchr(dir, '/');
    if (!slash)
        return;
    *slash = '\0';
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test_store_free: could not remove %s\n", dir);
}
