/* Key bindings as data (SPEC.md §5 "Keys"; STYLE.md "Key bindings are data"). */
#include <criterion/criterion.h>
#include <string.h>

#include "tui/keys.h"

typedef struct Found {
    const char *key;
    bool found;
} Found;

static void find_key(const char *screen, const char *key, const char *action, const char *note,
                     void *ctx)
{
    (void)screen, (void)action, (void)note;
    Found *f = ctx;
    if (strcmp(f->key, key) == 0)
        f->found = true;
}

Test(tui_keys, every_key_of_spec_section_5_is_bound_somewhere)
{
    const char *keys[] = {"Up", "Down", "Left", "Right", "h", "j", "k", "l", "g", "G", "PgUp", "PgDn",
                          "Enter", "Esc", "q", "Tab", "/", "s", "?", ":", "c", "+", "-",
                          "e", "d", "a", "x", "w", "Q"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        Found f = {keys[i], false};
        tui_keys_foreach(find_key, &f);
        cr_assert(f.found, "key %s is bound", keys[i]);
    }
}

static void count_screens(const char *screen, const char *key, const char *action,
                          const char *note, void *ctx)
{
    (void)key, (void)action;
    cr_assert(note && note[0], "every binding of %s has a note", screen);
    if (strcmp(screen, "batch") == 0 && strcmp(action, "change-quantity") == 0)
        (*(int *)ctx)++;
}

Test(tui_keys, the_bindings_are_listed_with_screen_action_and_note)
{
    int n = 0;
    tui_keys_foreach(count_screens, &n);
    cr_assert_eq(n, 1, "c is bound once on the batch screen");
}

Test(tui_keys, lookup_tries_only_the_given_table)
{
    cr_assert_eq(tui_keymap_lookup(tui_keymap("list"), 'j'), TA_DOWN);
    cr_assert_eq(tui_keymap_lookup(tui_keymap("list"), TK_DOWN), TA_DOWN);
    cr_assert_eq(tui_keymap_lookup(tui_keymap("global"), 'Q'), TA_QUIT);
    cr_assert_eq(tui_keymap_lookup(tui_keymap("global"), 'j'), TA_NONE);
    cr_assert_eq(tui_keymap_lookup(NULL, 'j'), TA_NONE);
}

Test(tui_keys, the_footer_joins_keys_with_the_same_note)
{
    const TuiKeymap *maps[] = {tui_keymap("list"), NULL, tui_keymap("global")};
    char buf[512];
    tui_keymap_footer(maps, 3, buf, sizeof buf);
    cr_assert_str_eq(buf, "/ F4 filter  F3 search  s/F6 sort  </> columns  ?/F1 help  : command  Tab "
                          "screens  q/Esc back  Q/F10 quit  F5 refresh");
}

Test(tui_keys, key_names_are_readable)
{
    char b[16];
    cr_assert_str_eq(tui_key_name(TK_PGDN, b, sizeof b), "PgDn");
    cr_assert_str_eq(tui_key_name(TK_CTRL_L, b, sizeof b), "Ctrl-L");
    cr_assert_str_eq(tui_key_name('+', b, sizeof b), "+");
    cr_assert_str_eq(tui_key_name(0x00E9, b, sizeof b), "é");
}

Test(tui_keys, a_count_prefix_accumulates_digits_and_is_taken_once)
{
    TuiCount c = {0};
    cr_assert_not(tui_count_feed(&c, '0'), "a leading 0 is not a count");
    cr_assert(tui_count_feed(&c, '1'));
    cr_assert(tui_count_feed(&c, '0'));
    cr_assert_not(tui_count_feed(&c, '+'));
    cr_assert_eq(tui_count_take(&c, 1), 10);
    cr_assert_eq(tui_count_take(&c, 1), 1, "reset after use");
    for (int i = 0; i < 20; i++)
        tui_count_feed(&c, '9');
    cr_assert_eq(tui_count_take(&c, 0), TUI_COUNT_MAX, "stops, without overflow, far above a qty");
}
