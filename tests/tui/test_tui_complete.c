/* Tab in the `:` prompt as pure functions (complete.h): what the token at the
 * cursor fills, and the line after Tab with its hint. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tui/complete.h"

static TuiCompleteAsk ask_at_end(const char *line)
{
    TuiCompleteAsk a;
    tui_complete_ask(line, strlen(line), &a);
    return a;
}

Test(tui_complete, the_first_token_is_a_command_name)
{
    TuiCompleteAsk a = ask_at_end("alloc");
    cr_assert_eq(a.kind, TC_COMMAND);
    cr_assert_str_eq(a.prefix, "alloc");
    cr_assert_eq(a.start, 0);
}

Test(tui_complete, an_argument_is_completed_by_its_kind_from_what_is_typed)
{
    TuiCompleteAsk a = ask_at_end("allocate o9 LA");
    cr_assert_eq(a.kind, TC_SKU);
    cr_assert_str_eq(a.prefix, "LA");
    cr_assert_eq(a.start, 12);
    a = ask_at_end("change-qty ");
    cr_assert_eq(a.kind, TC_REF);
    cr_assert_str_eq(a.prefix, "");
    a = ask_at_end("allocate ");
    cr_assert_eq(a.kind, TC_ORDERID);
    a = ask_at_end("allocate o1 LAMP ");
    cr_assert_eq(a.kind, TC_NONE, "a quantity is typed");
    cr_assert_str_eq(a.arg_name, "QTY");
}

Test(tui_complete, the_prompts_jumps_complete_their_id_and_export_a_file)
{
    TuiCompleteAsk a = ask_at_end("order o");
    cr_assert_eq(a.kind, TC_ORDERID);
    cr_assert_str_eq(a.prefix, "o");
    cr_assert_eq(a.start, 6);
    cr_assert_eq(ask_at_end("batch ").kind, TC_REF);
    a = ask_at_end("sku \"Alice M");
    cr_assert_eq(a.kind, TC_SKU);
    cr_assert_str_eq(a.prefix, "Alice M");
    a = ask_at_end("export ba");
    cr_assert_eq(a.kind, TC_NONE, "the TUI's export writes the list shown: a file name");
    cr_assert_str_eq(a.arg_name, "FILE");
    a = ask_at_end("order o1 ");
    cr_assert_eq(a.kind, TC_NONE, "a jump takes one id");
    cr_assert_null(a.arg_name);
    cr_assert_eq(tui_prompt_command("order"), TPC_ORDER);
    cr_assert_eq(tui_prompt_command("batch"), TPC_BATCH);
    cr_assert_eq(tui_prompt_command("sku"), TPC_SKU);
    cr_assert_eq(tui_prompt_command("export"), TPC_EXPORT);
    cr_assert_eq(tui_prompt_command("allocate"), TPC_NONE);
    cr_assert_eq(tui_prompt_command(NULL), TPC_NONE);
}

Test(tui_complete, the_prompts_own_commands_are_command_names_once)
{
    TuiCompleteAsk a = ask_at_end("or");
    TuiCandidates c = {0};
    tui_complete_local(&a, &c);
    cr_assert_eq(c.count, 1);
    cr_assert_str_eq(c.names[0], "order");
    tui_candidates_fini(&c);
    a = ask_at_end("ex");
    tui_complete_local(&a, &c);
    size_t exports = 0;
    for (size_t i = 0; i < c.n; i++)
        exports += strcmp(c.names[i], "export") == 0;
    cr_assert_eq(exports, 1, "export is offered once (the TUI's)");
    tui_candidates_fini(&c);
    a = ask_at_end("b");
    tui_complete_local(&a, &c);
    bool batch = false;
    for (size_t i = 0; i < c.n; i++)
        batch |= strcmp(c.names[i], "batch") == 0;
    cr_assert(batch);
    tui_candidates_fini(&c);
}

Test(tui_complete, the_sku_of_cancel_is_one_of_the_orders_lines)
{
    TuiCompleteAsk a = ask_at_end("cancel o3 T");
    cr_assert_eq(a.kind, TC_ORDER_SKU);
    cr_assert_str_eq(a.orderid, "o3");
    cr_assert_str_eq(a.prefix, "T");
    a = ask_at_end("allocate o3 T");
    cr_assert_eq(a.kind, TC_SKU, "a new line may be of any SKU");
}

Test(tui_complete, a_quoted_token_is_read_without_its_quotes)
{
    TuiCompleteAsk a = ask_at_end("allocate o2 \"Alice M");
    cr_assert_eq(a.kind, TC_SKU);
    cr_assert_str_eq(a.prefix, "Alice M");
    cr_assert_eq(a.start, 12, "the token starts at its quote");
}

static void cands(TuiCandidates *c, const char *const *names, size_t n)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < n; i++)
        tui_candidates_add(c, names[i]);
}

Test(tui_complete, the_common_prefix_and_the_count_cover_every_candidate)
{
    const char *names[40];
    char buf[40][8];
    for (int i = 0; i < 40; i++) {
        snprintf(buf[i], sizeof buf[i], "S%02d", i);
        names[i] = buf[i];
    }
    TuiCandidates c;
    cands(&c, names, 40);
    cr_assert_eq(c.count, 40);
    cr_assert_eq(c.n, TUI_COMPLETE_SHOWN, "names kept for the hint");
    cr_assert_str_eq(c.common, "S");
    TuiLineEdit e;
    tui_line_edit_set(&e, "allocate o1 S");
    TuiCompleteAsk a = ask_at_end(e.text);
    char hint[512];
    tui_complete_apply(&e, &a, &c, hint, sizeof hint);
    cr_assert_str_eq(e.text, "allocate o1 S", "nothing longer in common");
    cr_assert(strncmp(hint, "40 candidates: S00, S01,", 24) == 0, "%s", hint);
    cr_assert(strstr(hint, ", …"), "the hint says there are more: %s", hint);
    tui_candidates_fini(&c);
}

Test(tui_complete, one_candidate_completes_and_adds_a_blank)
{
    const char *names[] = {"LAMP"};
    TuiCandidates c;
    cands(&c, names, 1);
    TuiLineEdit e;
    tui_line_edit_set(&e, "allocate o9 LA");
    TuiCompleteAsk a = ask_at_end(e.text);
    char hint[256];
    tui_complete_apply(&e, &a, &c, hint, sizeof hint);
    cr_assert_str_eq(e.text, "allocate o9 LAMP ");
    cr_assert_eq(e.cur, strlen(e.text));
    cr_assert_str_eq(hint, "");
    tui_candidates_fini(&c);
}

Test(tui_complete, a_completion_with_a_blank_is_quoted_and_left_open_while_partial)
{
    const char *names[] = {"Alice Mutton", "Alice Smith"};
    TuiCandidates c;
    cands(&c, names, 2);
    TuiLineEdit e;
    tui_line_edit_set(&e, "allocate o3 Ali");
    TuiCompleteAsk a = ask_at_end(e.text);
    char hint[256];
    tui_complete_apply(&e, &a, &c, hint, sizeof hint);
    cr_assert_str_eq(e.text, "allocate o3 \"Alice ");
    cr_assert_str_eq(hint, "2 candidates: \"Alice Mutton\", \"Alice Smith\"");
    tui_candidates_fini(&c);
}

Test(tui_complete, a_floor_of_the_count_is_said_as_such)
{
    const char *names[] = {"o1", "o2"};
    TuiCandidates c;
    cands(&c, names, 2);
    c.count = 10000;
    c.more = true;
    TuiLineEdit e;
    tui_line_edit_set(&e, "cancel ");
    TuiCompleteAsk a = ask_at_end(e.text);
    char hint[256];
    tui_complete_apply(&e, &a, &c, hint, sizeof hint);
    cr_assert(strncmp(hint, "more than 10000 candidates:", 27) == 0, "%s", hint);
    tui_candidates_fini(&c);
}

Test(tui_complete, nothing_to_complete_says_what_to_type)
{
    TuiCandidates c = {0};
    TuiLineEdit e;
    tui_line_edit_set(&e, "allocate o1 LAMP ");
    TuiCompleteAsk a = ask_at_end(e.text);
    char hint[256];
    tui_complete_apply(&e, &a, &c, hint, sizeof hint);
    cr_assert_str_eq(hint, "QTY: type it");
    a = ask_at_end("allocate o1 ZZZ");
    tui_complete_apply(&e, &a, &c, hint, sizeof hint);
    cr_assert_str_eq(hint, "no completion");
}
