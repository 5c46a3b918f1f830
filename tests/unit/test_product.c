#include <criterion/criterion.h>
#include <string.h>

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

/* The same product held with its lines in another array order (as a store may
 * load it) raises the same events in the same order. */
static void deallocated_order(const char *const *order, AllotId out[3])
{
    ErrBuf err;
    Product *p = product_new("LAMP");
    cr_assert_eq(product_load_batch(p, "B1", 9, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    static const uint64_t seq_of[] = {2, 3, 4}; /* o2 oldest, o4 newest */
    for (int i = 0; i < 3; i++)
        cr_assert_eq(product_load_line(p, order[i], 3, seq_of[order[i][1] - '2'], "B1", &err),
                     ALLOT_OK);
    cr_assert_eq(product_change_batch_qty(p, "B1", 0, &err), ALLOT_OK);
    const EventVec *ev = product_events(p);
    cr_assert_eq(ev->len, 4);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(ev->items[i + 1].type, EV_DEALLOCATED);
        memcpy(out[i], ev->items[i + 1].orderid, sizeof(AllotId));
    }
    product_free(p);
}

Test(product, deallocated_events_come_newest_first_whatever_the_line_order)
{
    static const char *const a[] = {"o2", "o3", "o4"}, *const b[] = {"o3", "o4", "o2"};
    AllotId x[3], y[3];
    deallocated_order(a, x);
    deallocated_order(b, y);
    for (int i = 0; i < 3; i++)
        cr_assert_str_eq(x[i], y[i]);
    cr_assert_str_eq(x[0], "o4");
    cr_assert_str_eq(x[2], "o2");
}
