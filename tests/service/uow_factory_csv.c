/* The service suite on the CSV-folder unit of work (persistence/csv_uow.h): a
 * scratch folder with an empty batches.csv; every commit rewrites allocations.csv. */
#include "uow_factory.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "persistence/csv_uow.h"

static char folder[64];

UnitOfWork *test_uow_new(void)
{
    snprintf(folder, sizeof folder, "/tmp/allot-csvuow-XXXXXX");
    cr_assert_not_null(mkdtemp(folder));
    char path[128];
    snprintf(path, sizeof path, "%s/batches.csv", folder);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("ref,sku,qty,eta\n", fp);
    fclose(fp);
    UnitOfWork *uow;
    ErrBuf err;
    cr_assert_eq(csv_uow_open(folder, &uow, &err), ALLOT_OK, "%s", err.msg);
    return uow;
}

void test_uow_free(UnitOfWork *uow)
{
    uow_free(uow);
    char path[128];
    snprintf(path, sizeof path, "%s/batches.csv", folder);
    unlink(path);
    snprintf(path, sizeof path, "%s/allocations.csv", folder);
    unlink(path);
    rmdir(folder);
}

void test_uow_events(UnitOfWork *uow, EventVec *out)
{
    const EventVec *log = csv_uow_event_log(uow);
    event_vec_clear(out);
    for (size_t i = 0; i < log->len; i++)
        event_vec_push(out, &log->items[i]);
}
