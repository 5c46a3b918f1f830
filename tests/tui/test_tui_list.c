/* The list widget: keyset paging, bounded window, selection by identity, filter,
 * sort (SPEC.md §5, issue 5 "one reusable list widget"). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_source.h"
#include "tui/list.h"

static FakeSource *src;
static TuiList list;
static TuiEnv env;

/* A list of `kind` over the fake source. */
static void init_list(TuiListKind kind)
{
    env = (TuiEnv){&src->base, 0};
    tui_list_init(&list, &env, kind, "");
}

static void setup_big(void)
{
    src = fake_source_new(100000, true);
    init_list(TL_PRODUCTS);
    tui_list_set_height(&list, 10);
    tui_list_reload(&list);
}

static void teardown(void)
{
    tui_list_fini(&list);
    fake_source_free(src);
}

TestSuite(list_widget, .init = setup_big, .fini = teardown);

Test(list_widget, the_first_page_selects_the_first_row)
{
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000000");
    cr_assert(tui_list_on_first(&list));
}

Test(list_widget, moving_past_the_window_fetches_the_next_page_after_the_last_cursor)
{
    size_t loaded = list.rows.len;
    tui_list_move(&list, (long)loaded + 5);
    char want[16];
    snprintf(want, sizeof want, "r%06zu", loaded + 5);
    cr_assert_str_eq(tui_list_selected(&list)->key, want);
    cr_assert_eq(src->first_fetches, 1, "only the first load starts from the beginning");
}

Test(list_widget, scrolling_a_hundred_thousand_rows_keeps_the_window_bounded)
{
    for (int i = 0; i < 2000; i++)
        tui_list_page(&list, 1);
    cr_assert_leq(list.rows.len, 400, "window holds %zu rows", list.rows.len);
    cr_assert_leq(src->max_limit, 100);
    const TuiRow *r = tui_list_selected(&list);
    cr_assert_eq(atoi(r->key + 1), 2000 * 9);
    cr_assert(list.sel >= list.top && list.sel < list.top + 10, "selection is visible");
}

Test(list_widget, moving_up_from_a_trimmed_window_fetches_the_page_before)
{
    for (int i = 0; i < 100; i++)
        tui_list_page(&list, 1);
    cr_assert_not(list.at_start);
    tui_list_move(&list, -600);
    cr_assert_eq(atoi(tui_list_selected(&list)->key + 1), 900 - 600);
    tui_list_move(&list, -100000);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000000");
    cr_assert(tui_list_on_first(&list));
}

Test(list_widget, G_goes_to_the_last_row_and_g_back_to_the_first)
{
    tui_list_end(&list);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r099999");
    cr_assert(list.at_end);
    tui_list_move(&list, -3);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r099996");
    tui_list_home(&list);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000000");
}

Test(list_widget, the_selection_follows_its_row_by_identity_when_rows_appear_above)
{
    teardown();
    src = fake_source_new(50, false);
    for (int i = 10; i < 50; i += 2)
        src->present[i] = true;
    init_list(TL_PRODUCTS);
    tui_list_set_height(&list, 10);
    tui_list_reload(&list);
    tui_list_move(&list, 3);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000016");
    src->present[11] = src->present[13] = src->present[0] = true;
    tui_list_refresh(&list);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000016");
    cr_assert_eq(list.sel, 6);
}

Test(list_widget, the_selection_keeps_its_place_when_its_row_disappears)
{
    tui_list_move(&list, 4);
    src->present[4] = false;
    tui_list_refresh(&list);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000005");
    cr_assert_eq(list.sel, 4);
    char gone[64];
    cr_assert(tui_list_take_lost(&list, gone, sizeof gone), "the list says which row went");
    cr_assert_str_eq(gone, "r000004");
    cr_assert_not(tui_list_take_lost(&list, gone, sizeof gone), "once");
}

Test(list_widget, the_selection_follows_its_row_when_many_rows_push_it_out_of_the_window)
{
    teardown();
    src = fake_source_new(2000, false);
    for (int i = 1000; i < 2000; i += 10)
        src->present[i] = true;
    init_list(TL_PRODUCTS);
    tui_list_set_height(&list, 10);
    tui_list_reload(&list);
    tui_list_move(&list, 3);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r001030");
    for (int i = 0; i < 1030; i++) /* a bulk change elsewhere: 1030 rows above it */
        src->present[i] = true;
    tui_list_refresh(&list);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r001030", "followed by identity");
    cr_assert_eq(list.sel - list.top, 3, "at the same place on screen");
    cr_assert_str_eq(list.rows.items[list.sel - 1].key, "r001029", "with its neighbours");
    cr_assert_not(list.at_start);
    char gone[64];
    cr_assert_not(tui_list_take_lost(&list, gone, sizeof gone));
    tui_list_home(&list);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000000");
}

Test(list_widget, a_refresh_deep_in_the_list_starts_from_the_same_cursor)
{
    for (int i = 0; i < 50; i++)
        tui_list_page(&list, 1);
    char key[TUI_CURSOR_MAX];
    strcpy(key, tui_list_selected(&list)->key);
    int firsts = src->first_fetches;
    tui_list_refresh(&list);
    cr_assert_str_eq(tui_list_selected(&list)->key, key);
    cr_assert_eq(src->first_fetches, firsts, "no reload from the top");
}

Test(list_widget, a_filter_reloads_with_the_matching_rows_only)
{
    char why[200];
    cr_assert(tui_list_set_filter(&list, "odd", why, sizeof why), "%s", why);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000001");
    tui_list_move(&list, 1);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000003");
    cr_assert(tui_list_set_filter(&list, "", why, sizeof why), "%s", why);
    cr_assert_str_eq(tui_list_selected(&list)->key, "r000003", "the selection keeps its row");
    cr_assert_eq(list.sel, 3);
}

Test(list_widget, s_cycles_through_the_columns_that_sort_each_first_the_worst_way)
{
    teardown();
    src = fake_source_new(5, true);
    init_list(TL_BATCHES);
    tui_list_reload(&list);
    char name[64];
    cr_assert_str_eq(tui_list_sort_name(&list, name, sizeof name), "SKU▲", "preference");
    const char *cycle[] = {"QTY▼", "ETA▲", "REF▲", "SKU▲"}; /* ALLOC, AVAIL, STATE do not sort */
    for (int i = 0; i < 4; i++) {
        cr_assert(tui_list_sort_next(&list, 1));
        cr_assert_str_eq(tui_list_sort_name(&list, name, sizeof name), cycle[i]);
    }
    tui_list_sort_reverse(&list);
    cr_assert_str_eq(tui_list_sort_name(&list, name, sizeof name), "SKU▼", "S: the other way");
    cr_assert_eq(list.q.sort, BATCH_BY_PREFERENCE);
    cr_assert(list.q.desc);
}

Test(list_widget, brackets_sort_by_the_column_under_the_column_cursor)
{
    teardown();
    src = fake_source_new(5, true);
    init_list(TL_PRODUCTS);
    tui_list_reload(&list);
    char name[64], why[200];
    cr_assert_str_eq(tui_list_sort_name(&list, name, sizeof name), "SHORT▼",
                     "SKUs short by units short, the worst first");
    tui_list_column_move(&list, 1); /* QTY */
    cr_assert(tui_list_sort_column(&list, false, why, sizeof why), "%s", why);
    cr_assert_str_eq(tui_list_sort_name(&list, name, sizeof name), "QTY▲");
    cr_assert(tui_list_sort_column(&list, true, why, sizeof why), "%s", why);
    cr_assert_str_eq(tui_list_sort_name(&list, name, sizeof name), "QTY▼");
    tui_list_column_move(&list, 100); /* STATE, the last: sorts by backorder lines */
    cr_assert_eq(list.col, 8);
    cr_assert(tui_list_sort_column(&list, true, why, sizeof why), "%s", why);
    cr_assert_eq(list.q.sort, PRODUCT_BY_BACKORDERS);
}

Test(list_widget, an_empty_list_has_no_selection_and_moves_do_nothing)
{
    teardown();
    src = fake_source_new(0, true);
    init_list(TL_PRODUCTS);
    tui_list_reload(&list);
    tui_list_move(&list, 5);
    tui_list_end(&list);
    cr_assert_null(tui_list_selected(&list));
}
