/* The one grammar (SPEC.md §4): tokenizer, command table, argument checks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_parse.h"

static TokenList toks;
static void setup(void) { token_list_init(&toks); }
static void teardown(void) { token_list_fini(&toks); }
TestSuite(command_parse, .init = setup, .fini = teardown);

Test(command_parse, tokens_are_split_on_blanks_and_quotes_group_words)
{
    ErrBuf err;
    cr_assert_eq(command_tokenize("  add-batch \"B 1\"\tLAMP  10 \n", false, &toks, &err), ALLOT_OK);
    cr_assert_eq(toks.len, 4);
    cr_assert_str_eq(toks.items[0], "add-batch");
    cr_assert_str_eq(toks.items[1], "B 1");
    cr_assert_str_eq(toks.items[2], "LAMP");
    cr_assert_str_eq(toks.items[3], "10");
}

Test(command_parse, backslash_escapes_a_quote_and_a_backslash_inside_quotes)
{
    ErrBuf err;
    cr_assert_eq(command_tokenize("x \"say \\\"hi\\\" \\\\ \\n\" a\\b", false, &toks, &err), ALLOT_OK);
    cr_assert_eq(toks.len, 3);
    cr_assert_str_eq(toks.items[1], "say \"hi\" \\ \\n");
    cr_assert_str_eq(toks.items[2], "a\\b");
}

Test(command_parse, an_empty_quoted_token_is_a_token)
{
    ErrBuf err;
    cr_assert_eq(command_tokenize("set-eta B1 \"\"", false, &toks, &err), ALLOT_OK);
    cr_assert_eq(toks.len, 3);
    cr_assert_str_eq(toks.items[2], "");
}

Test(command_parse, an_unterminated_quote_is_a_usage_error_unless_partial)
{
    ErrBuf err;
    cr_assert_eq(command_tokenize("allocate \"o 1", false, &toks, &err), ALLOT_EUSAGE);
    cr_assert(strstr(err.msg, "unterminated quote"));
    cr_assert_eq(command_tokenize("allocate \"o 1", true, &toks, &err), ALLOT_OK);
    cr_assert(toks.open_quote);
    cr_assert_str_eq(toks.items[1], "o 1");
}

Test(command_parse, comment_and_blank_lines_have_no_tokens)
{
    ErrBuf err;
    cr_assert_eq(command_tokenize("   # allocate o1 LAMP 1", false, &toks, &err), ALLOT_OK);
    cr_assert_eq(toks.len, 0);
    cr_assert_eq(command_tokenize(" \t \r\n", false, &toks, &err), ALLOT_OK);
    cr_assert_eq(toks.len, 0);
}

Test(command_parse, quoting_a_token_reads_back_as_the_same_token)
{
    const char *samples[] = {"plain", "two words", "q\"uote", "back\\slash", "", "#hash", "é ü"};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        char q[64], line[80];
        command_quote_token(samples[i], q, sizeof q);
        snprintf(line, sizeof line, "cmd %s", q);
        ErrBuf err;
        cr_assert_eq(command_tokenize(line, false, &toks, &err), ALLOT_OK, "%s", line);
        cr_assert_eq(toks.len, 2, "%s", line);
        cr_assert_str_eq(toks.items[1], samples[i]);
    }
}

Test(command_parse, add_batch_builds_a_create_batch_command_with_eta_or_none)
{
    ParsedCommand pc;
    ErrBuf err;
    cr_assert_eq(command_parse_line("add-batch B1 LAMP 10 2027-02-28", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.type, CMD_CREATE_BATCH);
    cr_assert_str_eq(pc.cmd.ref, "B1");
    cr_assert_str_eq(pc.cmd.sku, "LAMP");
    cr_assert_eq(pc.cmd.qty, 10);
    char d[ALLOT_DATE_TEXT];
    cr_assert_str_eq(date_format(pc.cmd.eta, d), "2027-02-28");
    cr_assert_eq(command_parse_line("add-batch B2 LAMP 0", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.eta, ALLOT_NO_ETA);
    cr_assert_eq(pc.cmd.qty, 0);
    cr_assert_eq(command_parse_line("add-batch B2 LAMP 3 -", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.eta, ALLOT_NO_ETA);
}

Test(command_parse, every_bus_command_builds_its_domain_command)
{
    ParsedCommand pc;
    ErrBuf err;
    cr_assert_eq(command_parse_line("allocate \"order 7\" LAMP 3", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.type, CMD_ALLOCATE);
    cr_assert_str_eq(pc.cmd.orderid, "order 7");
    cr_assert_eq(pc.cmd.qty, 3);
    cr_assert_eq(command_parse_line("cancel o1 LAMP", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.type, CMD_CANCEL_LINE);
    cr_assert_eq(command_parse_line("change-qty B1 5", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.type, CMD_CHANGE_BATCH_QTY);
    cr_assert_eq(pc.cmd.qty, 5);
    cr_assert_eq(command_parse_line("set-eta B1 -", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.type, CMD_CHANGE_BATCH_ETA);
    cr_assert_eq(pc.cmd.eta, ALLOT_NO_ETA);
}

Test(command_parse, identifiers_are_trimmed_of_surrounding_spaces)
{
    ParsedCommand pc;
    ErrBuf err;
    cr_assert_eq(command_parse_line("allocate \" o1 \" LAMP 3", &toks, &pc, &err), ALLOT_OK);
    cr_assert_str_eq(pc.cmd.orderid, "o1");
}

Test(command_parse, a_bad_value_is_refused_naming_the_command_and_argument)
{
    ParsedCommand pc;
    ErrBuf err;
    cr_assert_eq(command_parse_line("allocate o1 LAMP 12x", &toks, &pc, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: qty \"12x\" is not a whole number");
    cr_assert_eq(command_parse_line("allocate o1 LAMP 0", &toks, &pc, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "qty \"0\""), "%s", err.msg);
    cr_assert_eq(command_parse_line("set-eta B1 2027-02-30", &toks, &pc, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "set-eta: eta \"2027-02-30\""), "%s", err.msg);
    cr_assert_eq(command_parse_line("add-batch B1 LAMP -3", &toks, &pc, &err), ALLOT_EINVALID);
    cr_assert_eq(command_parse_line("cancel \"\" LAMP", &toks, &pc, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "orderid is empty"), "%s", err.msg);
}

Test(command_parse, arity_errors_are_usage_errors_with_the_usage_line)
{
    ParsedCommand pc;
    ErrBuf err;
    cr_assert_eq(command_parse_line("allocate o1 LAMP", &toks, &pc, &err), ALLOT_EUSAGE);
    cr_assert_str_eq(err.msg,
                     "allocate: missing QTY (usage: allocate ORDERID SKU QTY [NEED] [--quiet])");
    cr_assert_eq(command_parse_line("cancel o1 LAMP extra", &toks, &pc, &err), ALLOT_EUSAGE);
    cr_assert(strstr(err.msg, "unexpected argument \"extra\""), "%s", err.msg);
    cr_assert_eq(command_parse_line("frobnicate", &toks, &pc, &err), ALLOT_EUSAGE);
    cr_assert(strstr(err.msg, "unknown command \"frobnicate\""), "%s", err.msg);
    cr_assert_eq(command_parse_line("import widgets f.csv", &toks, &pc, &err), ALLOT_EUSAGE);
    cr_assert(strstr(err.msg, "not one of batches|orders|allocations"), "%s", err.msg);
}

Test(command_parse, options_and_flags_may_come_in_any_order)
{
    ParsedCommand pc;
    ErrBuf err;
    cr_assert_eq(command_parse_line("events --json --since 42", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.spec->tool, TOOL_EVENTS);
    cr_assert_str_eq(pc.values[0], "42");
    cr_assert_eq(pc.nums[0], 42);
    cr_assert_null(pc.values[1]);
    cr_assert_not_null(pc.values[2]);
    cr_assert_eq(command_parse_line("events --since", &toks, &pc, &err), ALLOT_EUSAGE);
    cr_assert_eq(command_parse_line("events --tail", &toks, &pc, &err), ALLOT_EUSAGE);
    cr_assert_eq(command_parse_line("events --since x", &toks, &pc, &err), ALLOT_EINVALID);
}

Test(command_parse, the_usage_line_is_made_from_the_argument_spec)
{
    char buf[128];
    cr_assert_str_eq(command_usage(command_lookup("add-batch"), buf, sizeof buf),
                     "add-batch REF SKU QTY [ETA] [--quiet]");
    cr_assert_str_eq(command_usage(command_lookup("events"), buf, sizeof buf),
                     "events [--since ID] [--follow] [--json]");
}

Test(command_parse, completion_lists_commands_by_prefix_in_table_order)
{
    const CommandSpec *out[4];
    cr_assert_eq(command_complete("ex", out, 4), 2);
    cr_assert_str_eq(out[0]->name, "export");
    cr_assert_str_eq(out[1]->name, "exec");
    cr_assert_eq(command_complete("", out, 4), command_table_count());
}

/* SPEC.md §4 `allocate ORDERID SKU QTY [NEED]`, §1.4. */
Test(command_parse, allocate_takes_an_optional_need_date_checked_like_a_date)
{
    ParsedCommand pc;
    ErrBuf err;
    cr_assert_eq(command_parse_line("allocate o1 LAMP 3 2027-03-01", &toks, &pc, &err), ALLOT_OK,
                 "%s", err.msg);
    int32_t d;
    cr_assert(date_from_ymd(2027, 3, 1, &d));
    cr_assert_eq(pc.cmd.need, d);
    cr_assert_eq(command_parse_line("allocate o1 LAMP 3", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.need, ALLOT_NO_DATE);
    cr_assert_eq(command_parse_line("allocate o1 LAMP 3 -", &toks, &pc, &err), ALLOT_OK);
    cr_assert_eq(pc.cmd.need, ALLOT_NO_DATE);
    cr_assert_eq(command_parse_line("allocate o1 LAMP 3 2027-02-30", &toks, &pc, &err),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "allocate: need \"2027-02-30\" is not a calendar date (YYYY-MM-DD)");
}

Test(command_parse, the_argument_under_the_cursor_is_known_for_completion)
{
    ErrBuf err;
    const CommandSpec *alloc = command_lookup("allocate");
    cr_assert_eq(command_tokenize("allocate o1 LA", true, &toks, &err), ALLOT_OK);
    cr_assert_eq(command_arg_for_token(alloc, &toks, 2)->kind, ARG_SKU);
    cr_assert_eq(command_arg_for_token(alloc, &toks, 3)->kind, ARG_LINE_QTY);
    cr_assert_eq(command_arg_for_token(alloc, &toks, 4)->kind, ARG_NEED);
    cr_assert_null(command_arg_for_token(alloc, &toks, 5));
    const CommandSpec *events = command_lookup("events");
    cr_assert_eq(command_tokenize("events --since ", true, &toks, &err), ALLOT_OK);
    cr_assert(toks.trailing_blank);
    cr_assert_eq(command_arg_for_token(events, &toks, 2)->kind, ARG_EVENT_ID);
}

Test(command_parse, every_command_in_the_table_has_a_summary_help_and_one_handler)
{
    for (size_t i = 0; i < command_table_count(); i++) {
        const CommandSpec *s = command_table_at(i);
        cr_assert(s->summary && s->summary[0], "%s", s->name);
        cr_assert(s->help && s->help[0], "%s", s->name);
        cr_assert(command_is_bus(s) != (s->tool != TOOL_NONE), "%s", s->name);
        cr_assert_eq(command_lookup(s->name), s);
    }
}

/* Any tokens, quoted with command_quote_token and joined by blanks, read back as
 * the same tokens (2,000 random lines over an alphabet of the awkward characters). */
Test(command_parse, random_tokens_survive_quoting_and_tokenizing)
{
    static const char alphabet[] = "ab \t\"\\#-,é";
    unsigned seed = 12345;
    for (int round = 0; round < 2000; round++) {
        char toks_in[4][16];
        int n = 1 + rand_r(&seed) % 4;
        char line[512] = "cmd";
        for (int t = 0; t < n; t++) {
            int len = rand_r(&seed) % 8, o = 0;
            for (int i = 0; i < len; i++) {
                char c = alphabet[rand_r(&seed) % (sizeof alphabet - 1)];
                if ((unsigned char)c >= 0x80) { /* keep é whole */
                    toks_in[t][o++] = (char)0xC3;
                    c = (char)0xA9;
                }
                toks_in[t][o++] = c;
            }
            toks_in[t][o] = '\0';
            char q[64];
            strcat(line, " ");
            strcat(line, command_quote_token(toks_in[t], q, sizeof q));
        }
        ErrBuf err;
        cr_assert_eq(command_tokenize(line, false, &toks, &err), ALLOT_OK, "%s", line);
        cr_assert_eq(toks.len, (size_t)n + 1, "%s", line);
        for (int t = 0; t < n; t++)
            cr_assert_str_eq(toks.items[t + 1], toks_in[t], "%s", line);
    }
}

/* Arbitrary bytes never crash the parser: it returns a status, and on success a
 * spec (or none for a comment/blank line). */
Test(command_parse, arbitrary_bytes_are_refused_or_parsed_never_crash)
{
    unsigned seed = 777;
    for (int round = 0; round < 5000; round++) {
        char line[64];
        int len = rand_r(&seed) % 63;
        for (int i = 0; i < len; i++)
            line[i] = (char)(1 + rand_r(&seed) % 255);
        line[len] = '\0';
        if (round % 2)
            memcpy(line, "allocate ", len > 9 ? 9 : (size_t)len);
        ParsedCommand pc;
        ErrBuf err = {{0}};
        AllotStatus st = command_parse_line(line, &toks, &pc, &err);
        cr_assert(st == ALLOT_OK || st == ALLOT_EUSAGE || st == ALLOT_EINVALID);
        if (st != ALLOT_OK)
            cr_assert(err.msg[0] != '\0');
    }
}

Test(command_parse, a_double_dash_ends_the_options_so_a_value_may_start_with_two_dashes)
{
    ParsedCommand pc;
    ErrBuf err;
    char *argv[] = {"change-qty", "--", "--json", "3"};
    cr_assert_eq(command_parse_argv(4, argv, &pc, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_str_eq(pc.cmd.ref, "--json");
    cr_assert_eq(pc.cmd.qty, 3);
    char *no_dd[] = {"change-qty", "--json", "3"};
    cr_assert_eq(command_parse_argv(3, no_dd, &pc, &err), ALLOT_EUSAGE, "without --, an option");
    cr_assert_eq(command_parse_line("allocate -- --o1 LAMP 2", &toks, &pc, &err), ALLOT_OK);
    cr_assert_str_eq(pc.cmd.orderid, "--o1");
    cr_assert_eq(command_parse_line("events --json -- ", &toks, &pc, &err), ALLOT_OK,
                 "options before -- still count");
    cr_assert_not_null(pc.values[2]);
}

Test(command_parse, a_quoted_token_is_a_value_even_when_it_starts_with_two_dashes)
{
    ParsedCommand pc;
    ErrBuf err;
    cr_assert_eq(command_parse_line("change-qty \"--json\" 3", &toks, &pc, &err), ALLOT_OK, "%s",
                 err.msg);
    cr_assert_str_eq(pc.cmd.ref, "--json");
    cr_assert_eq(command_parse_line("allocate o1 \"--\" 2", &toks, &pc, &err), ALLOT_OK, "%s",
                 err.msg);
    cr_assert_str_eq(pc.cmd.sku, "--", "a quoted -- is a value, not the end of options");
    cr_assert_eq(command_parse_line("change-qty --json 3", &toks, &pc, &err), ALLOT_EUSAGE);
    const CommandSpec *alloc = command_lookup("allocate");
    cr_assert_eq(command_tokenize("allocate \"--o\" LAMP", true, &toks, &err), ALLOT_OK);
    cr_assert_eq(command_arg_for_token(alloc, &toks, 2)->kind, ARG_SKU,
                 "completion counts the quoted token as the ORDERID");
}

/* command_format writes the line the parser reads back as the same command. */
static void reads_back(Command c, const char *line)
{
    char buf[256];
    cr_assert_str_eq(command_format(&c, buf, sizeof buf), line);
    TokenList t;
    token_list_init(&t);
    ParsedCommand p;
    ErrBuf err = {{0}};
    cr_assert_eq(command_parse_line(buf, &t, &p, &err), ALLOT_OK, "%s: %s", buf, err.msg);
    cr_assert_eq(p.cmd.type, c.type, "%s", buf);
    cr_assert_str_eq(p.cmd.orderid, c.orderid, "%s", buf);
    cr_assert_str_eq(p.cmd.sku, c.sku, "%s", buf);
    cr_assert_str_eq(p.cmd.ref, c.ref, "%s", buf);
    cr_assert_eq(p.cmd.qty, c.qty, "%s", buf);
    if (c.type == CMD_CREATE_BATCH || c.type == CMD_CHANGE_BATCH_ETA)
        cr_assert_eq(p.cmd.eta, c.eta, "%s", buf);
    if (c.type == CMD_ALLOCATE)
        cr_assert_eq(p.cmd.need, c.need, "%s", buf);
    token_list_fini(&t);
}

Test(command_parse, a_formatted_command_reads_back_as_the_same_command)
{
    int32_t d;
    ErrBuf err;
    cr_assert_eq(validate_eta("2026-12-24", &d, &err), ALLOT_OK);
    reads_back(command_create_batch("B9", "LAMP", 10, ALLOT_NO_ETA), "add-batch B9 LAMP 10");
    reads_back(command_create_batch("B9", "LAMP", 0, d), "add-batch B9 LAMP 0 2026-12-24");
    reads_back(command_allocate("o9", "LAMP", 2), "allocate o9 LAMP 2");
    reads_back(command_with_need(command_allocate("o9", "Alice Mutton", 2), d, 0),
               "allocate o9 \"Alice Mutton\" 2 2026-12-24");
    reads_back(command_cancel_line("o9", "LAMP"), "cancel o9 LAMP");
    reads_back(command_change_batch_qty("B1", 5), "change-qty B1 5");
    reads_back(command_change_batch_eta("B1", d), "set-eta B1 2026-12-24");
    reads_back(command_change_batch_eta("B1", ALLOT_NO_ETA), "set-eta B1 -");
}

Test(command_parse, commands_without_a_line_of_the_grammar_are_written_by_type)
{
    char buf[128];
    Command u = command_undo(12), latest = command_undo(0);
    Command to = command_allocate_to("o9", "LAMP", 2, "B1");
    Command retry = command_retry_backorders("LAMP");
    cr_assert_str_eq(command_format(&u, buf, sizeof buf), "undo 12");
    cr_assert_str_eq(command_format(&latest, buf, sizeof buf), "undo");
    cr_assert_str_eq(command_format(&to, buf, sizeof buf), "AllocateTo o9 LAMP 2 B1");
    cr_assert_str_eq(command_format(&retry, buf, sizeof buf), "RetryBackorders LAMP");
    cr_assert_str_eq(command_format(&u, buf, 5), "undo", "cut to the buffer");
}
