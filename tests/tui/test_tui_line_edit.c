/* The line editor of the prompt, the forms and the help search (line_edit.h). */
#include <criterion/criterion.h>
#include <locale.h>
#include <string.h>

#include "tui/line_edit.h"

static void type(TuiLineEdit *e, const char *s)
{
    for (; *s; s++)
        tui_line_edit_insert(e, (unsigned char)*s);
}

Test(line_edit, typing_inserts_at_the_cursor_and_moving_goes_by_whole_characters)
{
    TuiLineEdit e;
    tui_line_edit_set(&e, "");
    type(&e, "ab");
    tui_line_edit_insert(&e, 0x8336); /* 茶: three bytes */
    type(&e, "c");
    cr_assert_str_eq(e.text, "ab茶c");
    tui_line_edit_apply(&e, TA_CURSOR_LEFT);
    tui_line_edit_apply(&e, TA_CURSOR_LEFT);
    cr_assert_eq(e.cur, 2, "before 茶, not inside it");
    type(&e, "X");
    cr_assert_str_eq(e.text, "abX茶c");
    tui_line_edit_apply(&e, TA_CURSOR_RIGHT);
    tui_line_edit_apply(&e, TA_DELETE_BACK);
    cr_assert_str_eq(e.text, "abXc", "Backspace removed the whole character");
    tui_line_edit_apply(&e, TA_CURSOR_HOME);
    tui_line_edit_apply(&e, TA_DELETE_FORWARD);
    cr_assert_str_eq(e.text, "bXc");
    tui_line_edit_apply(&e, TA_CURSOR_END);
    cr_assert_eq(e.cur, 3);
    tui_line_edit_apply(&e, TA_CLEAR_LINE);
    cr_assert_str_eq(e.text, "");
    cr_assert_eq(e.cur, 0);
}

Test(line_edit, control_characters_and_keys_that_type_nothing_are_refused)
{
    TuiLineEdit e;
    tui_line_edit_set(&e, "a");
    cr_assert_not(tui_line_edit_insert(&e, '\t'));
    cr_assert_not(tui_line_edit_insert(&e, 127));
    cr_assert_not(tui_line_edit_insert(&e, TK_UP));
    cr_assert_not(tui_line_edit_apply(&e, TA_SUBMIT), "not an editing action");
    cr_assert_str_eq(e.text, "a");
}

Test(line_edit, a_full_line_takes_nothing_more_and_is_never_cut_inside_a_character)
{
    TuiLineEdit e;
    tui_line_edit_set(&e, "");
    for (int i = 0; i < 2 * TUI_LINE_MAX; i++)
        tui_line_edit_insert(&e, 0x00E9); /* é: two bytes */
    size_t n = strlen(e.text);
    cr_assert_lt(n, TUI_LINE_MAX);
    cr_assert_eq(n % 2, 0, "whole characters only");
    char big[2 * TUI_LINE_MAX];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    tui_line_edit_set(&e, big);
    cr_assert_eq(strlen(e.text), TUI_LINE_MAX - 1);
}

Test(line_edit, a_line_wider_than_the_room_scrolls_so_the_cursor_stays_visible)
{
    setlocale(LC_ALL, "C.UTF-8");
    TuiMemCanvas *m = tui_mem_canvas_new(3, 20);
    TuiLineEdit e;
    tui_line_edit_set(&e, "abcdefghijklmnopqrstuvwxyz");
    int cx = tui_line_edit_draw(&e, ":", tui_mem_canvas(m), 1, 0, 20, TS_INPUT);
    char line[128];
    tui_mem_canvas_line(m, 1, line, sizeof line);
    cr_assert(strncmp(line, "…", 3) == 0, "the cut start is marked: %s", line);
    cr_assert(strstr(line, "xyz"), "the end, at the cursor, is shown: %s", line);
    cr_assert_eq(cx, 19, "the cursor is on the last column");
    tui_line_edit_apply(&e, TA_CURSOR_HOME);
    cx = tui_line_edit_draw(&e, ":", tui_mem_canvas(m), 1, 0, 20, TS_INPUT);
    tui_mem_canvas_line(m, 1, line, sizeof line);
    cr_assert(strncmp(line, ":abc", 4) == 0, "%s", line);
    cr_assert_eq(cx, 1);
    tui_mem_canvas_free(m);
}

Test(line_edit, replace_puts_a_completion_in_place_of_the_token)
{
    TuiLineEdit e;
    tui_line_edit_set(&e, "allocate o1 LA");
    cr_assert(tui_line_edit_replace(&e, 12, "LAMP "));
    cr_assert_str_eq(e.text, "allocate o1 LAMP ");
    cr_assert_eq(e.cur, strlen(e.text));
    cr_assert_not(tui_line_edit_replace(&e, e.cur + 1, "x"), "from after the cursor");
}
