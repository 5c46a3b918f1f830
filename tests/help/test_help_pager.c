/* Tests of the help viewer's state without a terminal (src/help/help_pager.h):
 * scrolling, paging, top/bottom, search, re-wrapping on resize. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "help/help_pager.h"

/* 30 paragraphs "Line N word" → 59 laid-out lines (blank lines between). */
static HelpPager *pager_of_30(int width, int height)
{
    char md[4096] = "";
    for (int i = 1; i <= 30; i++) {
        char p[64];
        snprintf(p, sizeof p, "Line %d %s\n\n", i, i == 7 || i == 25 ? "needle" : "word");
        strcat(md, p);
    }
    return help_pager_new(help_doc_new(md, strlen(md)), width, height);
}

Test(help_pager, scrolling_stops_at_the_top_and_at_the_last_full_page)
{
    HelpPager *p = pager_of_30(40, 10);
    cr_assert_eq(help_layout_count(help_pager_layout(p)), 59);
    help_pager_scroll(p, -5);
    cr_assert_eq(help_pager_top(p), 0);
    help_pager_scroll(p, 3);
    cr_assert_eq(help_pager_top(p), 3);
    help_pager_scroll(p, 1000);
    cr_assert_eq(help_pager_top(p), 49);
    help_pager_home(p);
    cr_assert_eq(help_pager_top(p), 0);
    help_pager_end(p);
    cr_assert_eq(help_pager_top(p), 49);
    help_pager_free(p);
}

Test(help_pager, a_page_scrolls_the_height_less_one_line)
{
    HelpPager *p = pager_of_30(40, 10);
    help_pager_page(p, 1);
    cr_assert_eq(help_pager_top(p), 9);
    help_pager_page(p, 1);
    cr_assert_eq(help_pager_top(p), 18);
    help_pager_page(p, -1);
    cr_assert_eq(help_pager_top(p), 9);
    help_pager_free(p);
}

Test(help_pager, a_short_page_never_scrolls)
{
    HelpPager *p = help_pager_new(help_doc_new("one\n\ntwo", 8), 40, 10);
    help_pager_scroll(p, 5);
    help_pager_end(p);
    cr_assert_eq(help_pager_top(p), 0);
    help_pager_free(p);
}

Test(help_pager, search_finds_from_the_top_line_and_next_wraps_around)
{
    HelpPager *p = pager_of_30(40, 10);
    cr_assert(help_pager_search(p, "NEEDLE"));
    cr_assert_eq(help_pager_match(p), 12); /* "Line 7 needle" is line 2*(7-1) */
    cr_assert_eq(help_pager_top(p), 12, "the match is scrolled to the top");
    cr_assert(help_pager_search_next(p));
    cr_assert_eq(help_pager_match(p), 48);
    cr_assert_eq(help_pager_top(p), 48);
    cr_assert(help_pager_search_next(p));
    cr_assert_eq(help_pager_match(p), 12, "wraps to the start");
    cr_assert_str_eq(help_pager_query(p), "NEEDLE");
    help_pager_free(p);
}

Test(help_pager, a_match_already_visible_does_not_scroll)
{
    HelpPager *p = pager_of_30(40, 20);
    cr_assert(help_pager_search(p, "needle"));
    cr_assert_eq(help_pager_match(p), 12);
    cr_assert_eq(help_pager_top(p), 0);
    help_pager_free(p);
}

Test(help_pager, a_failed_search_keeps_the_position_and_has_no_match)
{
    HelpPager *p = pager_of_30(40, 10);
    help_pager_scroll(p, 4);
    cr_assert_not(help_pager_search(p, "absent"));
    cr_assert_eq(help_pager_match(p), -1);
    cr_assert_eq(help_pager_top(p), 4);
    cr_assert_not(help_pager_search_next(p));
    cr_assert_not(help_pager_search(p, ""));
    help_pager_free(p);
}

Test(help_pager, next_without_a_search_finds_nothing)
{
    HelpPager *p = pager_of_30(40, 10);
    cr_assert_not(help_pager_search_next(p));
    cr_assert_null(help_pager_query(p));
    help_pager_free(p);
}

Test(help_pager, resizing_rewraps_and_keeps_the_place_and_the_match)
{
    const char *md = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu\n\n"
                     "nu xi omicron pi rho sigma tau upsilon phi chi psi omega target\n";
    HelpPager *p = help_pager_new(help_doc_new(md, strlen(md)), 80, 2);
    cr_assert_eq(help_layout_count(help_pager_layout(p)), 3);
    cr_assert(help_pager_search(p, "target"));
    cr_assert_eq(help_pager_match(p), 2);
    help_pager_resize(p, 20, 3);
    const HelpLayout *l = help_pager_layout(p);
    cr_assert_gt(help_layout_count(l), 6);
    for (size_t i = 0; i < help_layout_count(l); i++)
        cr_assert_leq(help_layout_line(l, i)->width, 20);
    long m = help_pager_match(p);
    cr_assert_geq(m, 0);
    cr_assert_not_null(strstr(help_layout_line(l, (size_t)m)->text, "target"));
    cr_assert_leq(help_pager_top(p), (size_t)m);
    cr_assert_gt(help_pager_top(p) + (size_t)help_pager_height(p), (size_t)m, "match visible");
    help_pager_free(p);
}
