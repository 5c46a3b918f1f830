/* Tests of the page parser used by the drift tests (page_index.h), on the rules
 * that assets/help/commands.md and keys.md follow. */
#include <criterion/criterion.h>
#include <string.h>

#include "help/help_pages.h"
#include "page_index.h"

Test(page_index, commands_are_the_words_after_allot_in_level_two_headings)
{
    PageIndex ix = {0};
    page_index_commands(&ix, "# Commands\n\n## allot\n\nthe tui\n\n## allot add-batch REF SKU\n\n"
                             "### allot not-level-two\n\n## allot `exec` FILE\n\n## Exit status\n");
    cr_assert_eq(ix.ncommands, 2);
    cr_assert_str_eq(ix.commands[0], "add-batch");
    cr_assert_str_eq(ix.commands[1], "exec");
    cr_assert_str_eq(ix.usages[0], "add-batch REF SKU");
    cr_assert_str_eq(ix.usages[1], "exec FILE");
    page_index_fini(&ix);
}

Test(page_index, keys_are_the_leading_code_spans_of_items_under_a_screen)
{
    PageIndex ix = {0};
    page_index_keys(&ix, "# Key bindings\n\n## Batches\n\n- `c` — change the quantity\n"
                         "- `Up`, `k` — move up\n- see `x` below — not a key\n\n## Help\n\n"
                         "- `q` — close\n");
    cr_assert_eq(ix.nkeys, 4);
    cr_assert_str_eq(ix.keys[0].screen, "Batches");
    cr_assert_str_eq(ix.keys[0].key, "c");
    cr_assert_str_eq(ix.keys[0].note, "change the quantity");
    cr_assert_str_eq(ix.keys[1].key, "Up");
    cr_assert_str_eq(ix.keys[2].key, "k");
    cr_assert_str_eq(ix.keys[2].note, "move up");
    cr_assert_str_eq(ix.keys[3].screen, "Help");
    cr_assert_str_eq(ix.keys[3].key, "q");
    page_index_fini(&ix);
}

Test(page_index, the_shipped_pages_follow_the_rules)
{
    PageIndex ix = {0};
    page_index_commands(&ix, help_page_find("commands")->markdown);
    cr_assert_geq(ix.ncommands, 13, "SPEC.md §4 has 13 subcommands; the page has %zu", ix.ncommands);
    page_index_keys(&ix, help_page_find("keys")->markdown);
    cr_assert_gt(ix.nkeys, 20);
    for (size_t i = 0; i < ix.nkeys; i++)
        cr_expect_neq(ix.keys[i].note[0], '\0', "key %s of %s has no note", ix.keys[i].key,
                      ix.keys[i].screen);
    page_index_fini(&ix);
}
