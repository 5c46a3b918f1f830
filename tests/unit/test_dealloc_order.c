/* Deallocated events of one ChangeBatchQuantity come oldest first whatever the
 * order in which a store loaded the lines (docs/domain.md rule 3). */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/product.h"

static Product *load(bool reversed)
{
    Product *p = product_new("LAMP");
    ErrBuf err;
    cr_assert_eq(product_load_batch(p, "B1", 9, ALLOT_NO_ETA, 1, &err), ALLOT_OK);
    const char *ids[] = {"o1", "o2", "o3"};
    for (int k = 0; k < 3; k++) {
        int i = reversed ? 2 - k : k;
        cr_assert_eq(product_load_line(p, ids[i], 3, (uint64_t)(2 + i), "B1", &err), ALLOT_OK);
    }
    return p;
}

Test(dealloc_order, deallocated_events_come_oldest_first_whatever_the_load_order)
{
    for (int r = 0; r < 2; r++) {
        Product *p = load(r == 1);
        ErrBuf err;
        cr_assert_eq(product_change_batch_qty(p, "B1", 0, &err), ALLOT_OK);
        const EventVec *v = product_events(p);
        cr_assert_eq(v->len, 4);
        cr_assert_eq(v->items[1].type, EV_DEALLOCATED);
        cr_assert_str_eq(v->items[1].orderid, "o1");
        cr_assert_str_eq(v->items[2].orderid, "o2");
        cr_assert_str_eq(v->items[3].orderid, "o3");
        product_free(p);
    }
}
