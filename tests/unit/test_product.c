#include <criterion/criterion.h>

#include "domain/product.h"

Test(product, allocate_returns_the_batch_reference)
{
    Product *p = product_new("LAMP");
    ErrBuf err;
    cr_assert_eq(product_add_batch(p, "B1", 10, ALLOT_NO_ETA, &err), ALLOT_OK);
    AllotId ref;
    cr_assert_eq(product_allocate(p, "o1", 3, ref, &err), ALLOT_OK);
    cr_assert_str_eq(ref, "B1");
    product_free(p);
}
