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

Test(memory_uow, put_seeds_a_copy_without_events)
{
    UnitOfWork *src = memory_uow_new(), *sandbox = memory_uow_new();
    Product *p = product_new("LAMP");
    ErrBuf err;
    cr_assert_eq(product_add_batch(p, "B1", 5, ALLOT_NO_ETA, &err), ALLOT_OK);
    memory_uow_put(sandbox, p);
    cr_assert_eq(product_allocate(p, "o1", 2, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(memory_uow_product_count(sandbox), 1);
    cr_assert_str_eq(product_text(memory_uow_product(sandbox, 0), buf, sizeof buf),
                     "LAMP v1 | B1 5/0 - |");
    cr_assert_eq(memory_uow_event_log(sandbox)->len, 0);
    memory_uow_put(sandbox, p); /* replaces the product of the same SKU */
    cr_assert_eq(memory_uow_product_count(sandbox), 1);
    cr_assert_str_eq(product_text(memory_uow_product(sandbox, 0), buf, sizeof buf),
                     "LAMP v2 | B1 5/2 - | o1 2 B1");
    product_free(p);
    uow_free(src);
    uow_free(sandbox);
}
