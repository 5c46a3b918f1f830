/* The filter's words and terms (filter.h): what a refused term says. */
#include <criterion/criterion.h>
#include <string.h>

#include "tui/filter.h"

Test(tui_filter, an_unknown_column_lists_the_columns_there_without_an_empty_name)
{
    TuiFilter f;
    char why[256];
    cr_assert_not(tui_filter_parse(TL_BATCHES, "late>3", 20000, &f, why, sizeof why));
    cr_assert(strstr(why, "late>: no column late here (state, ") == why, "%s", why);
    cr_assert(strstr(why, ", )") == NULL && strstr(why, ", ,") == NULL, "an empty name: %s", why);
    cr_assert_eq(why[strlen(why) - 1], ')', "%s", why);
    cr_assert(strstr(why, "ref") && strstr(why, "sku"), "%s", why);
}

Test(tui_filter, a_known_column_term_is_taken)
{
    TuiFilter f;
    char why[256] = "";
    cr_assert(tui_filter_parse(TL_BATCHES, "sku:LAMP qty>=5", 20000, &f, why, sizeof why), "%s", why);
    cr_assert_eq(f.nterms, 2);
    cr_assert(tui_filter_active(&f));
}
