/* UTF-8 and wide characters aligned by display width (SPEC.md §5). */
#include <criterion/criterion.h>
#include <locale.h>
#include <string.h>

#include "tui/canvas.h"

static void utf8(void) { setlocale(LC_ALL, "C.UTF-8"); }

TestSuite(tui_canvas, .init = utf8);

Test(tui_canvas, wide_characters_count_two_columns)
{
    cr_assert_eq(tui_text_width("茶杯"), 4);
    cr_assert_eq(tui_text_width("été"), 3);
    cr_assert_eq(tui_text_width("abc"), 3);
}

Test(tui_canvas, text_is_cut_with_an_ellipsis_and_never_halfway_through_a_wide_character)
{
    char out[64];
    cr_assert_eq(tui_text_fit("茶杯茶杯", 5, false, false, out, sizeof out), 5);
    cr_assert_str_eq(out, "茶杯…");
    cr_assert_eq(tui_text_fit("茶杯茶杯", 4, false, false, out, sizeof out), 3);
    cr_assert_str_eq(out, "茶…", "the second wide character would be cut: it goes");
    cr_assert_eq(tui_text_fit("茶杯茶杯", 4, true, false, out, sizeof out), 4);
    cr_assert_str_eq(out, "茶… ");
    tui_text_fit("LAMP", 8, true, true, out, sizeof out);
    cr_assert_str_eq(out, "    LAMP");
    tui_text_fit("LAMP", 4, true, false, out, sizeof out);
    cr_assert_str_eq(out, "LAMP", "fits exactly: no ellipsis");
}

Test(tui_canvas, control_characters_and_invalid_bytes_are_drawn_as_question_marks)
{
    char out[64];
    tui_text_fit("a\x1b[31mb\xff", 20, false, false, out, sizeof out);
    cr_assert_str_eq(out, "a?[31mb?");
}

Test(tui_canvas, columns_after_a_wide_character_stay_aligned)
{
    TuiMemCanvas *m = tui_mem_canvas_new(3, 20);
    TuiCanvas *c = tui_mem_canvas(m);
    char a[32], b[32];
    tui_text_fit("茶杯", 6, true, false, a, sizeof a);
    tui_text_fit("LAMP", 6, true, false, b, sizeof b);
    c->ops->put(c, 0, 0, a, TS_NORMAL);
    c->ops->put(c, 0, 6, "|x", TS_NORMAL);
    c->ops->put(c, 1, 0, b, TS_NORMAL);
    c->ops->put(c, 1, 6, "|x", TS_NORMAL);
    char l0[64], l1[64];
    tui_mem_canvas_line(m, 0, l0, sizeof l0);
    tui_mem_canvas_line(m, 1, l1, sizeof l1);
    cr_assert_str_eq(l0, "茶杯  |x");
    cr_assert_str_eq(l1, "LAMP  |x");
    cr_assert_eq(tui_mem_canvas_style(m, 0, 6), TS_NORMAL);
    tui_mem_canvas_free(m);
}

Test(tui_canvas, drawing_is_clipped_to_the_canvas)
{
    TuiMemCanvas *m = tui_mem_canvas_new(2, 5);
    TuiCanvas *c = tui_mem_canvas(m);
    cr_assert_eq(tui_canvas_text(c, 0, 3, 10, "abcdef", TS_WARN, false), 2);
    cr_assert_eq(tui_canvas_text(c, 5, 0, 10, "x", TS_WARN, false), 0);
    char l[32];
    cr_assert_str_eq(tui_mem_canvas_line(m, 0, l, sizeof l), "   a…");
    cr_assert_eq(tui_mem_canvas_style(m, 0, 3), TS_WARN);
    tui_mem_canvas_free(m);
}
