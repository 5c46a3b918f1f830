/* What only the in-memory unit of work promises (persistence/memory_uow.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "event_text.h"
#include "persistence/memory_uow.h"

static char buf[4096];

Test(memory_uow, committed_products_do_not_move_until_the_next_commit)
{
    UnitOfWork *uow = memory_uow_new();
    ErrBuf err;
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    Product *p = product_new("LAMP");
    cr_assert_eq(repository_add(uow_products(uow), p, &err), ALLOT_OK);
    cr_assert_eq(product_add_batch(p, "B1", 5, ALLOT_NO_ETA, &err), ALLOT_OK);
    cr_assert_eq(memory_uow_product_count(uow), 0, "nothing before commit");
    cr_assert_eq(uow_commit(uow, &err), ALLOT_OK);
    cr_assert_eq(memory_uow_product_count(uow), 1);
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK);
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o1", 2, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_str_eq(product_text(memory_uow_product(uow, 0), buf, sizeof buf),
                     "LAMP v1 | B1 5/0 - |", "the working copy is not the committed one");
    cr_assert_eq(product_events(memory_uow_product(uow, 0))->len, 0,
                 "committed products hold no pending events");
    uow_free(uow); /* without commit: rolled back, nothing leaks */
}
