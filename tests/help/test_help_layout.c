/* Tests of the Markdown layout (src/help/help_layout.h): every node type at widths
 * 40 and 120 against exact expected text, styles, display widths with wide
 * characters, re-wrapping and search. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "help/help_layout.h"
#include "help/help_text.h"

static char *slurp(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", HELP_TEST_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* The layout as text, one '\n' after each line (what help_layout_write prints). */
static char *layout_text(const char *md, int width)
{
    HelpDoc *d = help_doc_new(md, strlen(md));
    HelpLayout *l = help_layout_new(d, width);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(help_layout_write(l, f), 0);
    fclose(f);
    help_layout_free(l);
    help_doc_free(d);
    return out;
}

static void check_sample(int width, const char *expected_file)
{
    char *md = slurp("sample.md");
    char *expected = slurp(expected_file);
    char *got = layout_text(md, width);
    cr_assert_str_eq(got, expected, "layout at %d columns:\n%s", width, got);
    free(md);
    free(expected);
    free(got);
}

Test(help_layout, every_node_type_lays_out_exactly_at_40_columns)
{
    check_sample(40, "sample.40.txt");
}

Test(help_layout, every_node_type_lays_out_exactly_at_120_columns)
{
    check_sample(120, "sample.120.txt");
}

Test(help_layout, no_line_is_wider_than_the_layout_at_any_width)
{
    char *md = slurp("sample.md");
    HelpDoc *d = help_doc_new(md, strlen(md));
    for (int w = 8; w <= 130; w++) {
        HelpLayout *l = help_layout_new(d, w);
        for (size_t i = 0; i < help_layout_count(l); i++) {
            const HelpLine *line = help_layout_line(l, i);
            cr_assert_leq(line->width, w, "width %d line %zu: %s", w, i, line->text);
            cr_assert_eq(line->width, help_text_width(line->text, line->len), "line %zu", i);
        }
        help_layout_free(l);
    }
    help_doc_free(d);
    free(md);
}

Test(help_layout, wide_characters_count_two_columns_and_wrap_between_them)
{
    cr_assert_eq(help_text_width("倉庫", strlen("倉庫")), 4);
    cr_assert_eq(help_text_width("e\xCC\x81", 3), 1); /* e + combining acute */
    cr_assert_eq(help_text_width("\xF0\x9F\x93\xA6", 4), 2); /* package emoji */
    char *got = layout_text("ab 倉庫の在庫を割り当てる", 10);
    cr_assert_str_eq(got, "ab 倉庫の\n在庫を割り\n当てる\n");
    free(got);
}

Test(help_layout, invalid_utf8_becomes_a_replacement_character)
{
    char *got = layout_text("bad \xFF byte", 40);
    cr_assert_str_eq(got, "bad \xEF\xBF\xBD byte\n");
    free(got);
}

/* The style of the first occurrence of `word` in the layout. */
static unsigned style_of(const HelpLayout *l, const char *word)
{
    for (size_t i = 0; i < help_layout_count(l); i++) {
        const HelpLine *line = help_layout_line(l, i);
        const char *at = strstr(line->text, word);
        if (!at)
            continue;
        size_t off = (size_t)(at - line->text);
        for (size_t s = 0; s < line->nspans; s++)
            if (off >= line->spans[s].off && off < line->spans[s].off + line->spans[s].len) {
                cr_assert_geq(line->spans[s].off + line->spans[s].len, off + strlen(word),
                              "'%s' spans two styles", word);
                return line->spans[s].style;
            }
    }
    cr_assert_fail("'%s' not laid out", word);
    return 0;
}

Test(help_layout, spans_carry_the_style_of_each_node)
{
    const char *md = "# Head\n\n*em* **st** ***both*** `cs` [txt](http://x.y) done\n\n"
                     "- item\n\n> quoted\n\n```\ncode\n```\n\n---\n";
    HelpDoc *d = help_doc_new(md, strlen(md));
    HelpLayout *l = help_layout_new(d, 60);
    cr_assert_eq(style_of(l, "Head"), HELP_STYLE_HEADING);
    cr_assert_eq(style_of(l, "===="), HELP_STYLE_MARKUP);
    cr_assert_eq(style_of(l, "em"), HELP_STYLE_EMPH);
    cr_assert_eq(style_of(l, "st"), HELP_STYLE_STRONG);
    cr_assert_eq(style_of(l, "both"), HELP_STYLE_EMPH | HELP_STYLE_STRONG);
    cr_assert_eq(style_of(l, "cs"), HELP_STYLE_CODE);
    cr_assert_eq(style_of(l, "txt"), HELP_STYLE_LINK);
    cr_assert_eq(style_of(l, "<http://x.y>"), HELP_STYLE_URL);
    cr_assert_eq(style_of(l, "done"), HELP_STYLE_PLAIN);
    cr_assert_eq(style_of(l, "\xE2\x80\xA2"), HELP_STYLE_MARKUP); /* bullet */
    cr_assert_eq(style_of(l, "\xE2\x94\x82"), HELP_STYLE_MARKUP); /* quote bar */
    cr_assert_eq(style_of(l, "code"), HELP_STYLE_CODE);
    cr_assert_eq(style_of(l, "\xE2\x94\x80"), HELP_STYLE_MARKUP); /* rule */
    help_layout_free(l);
    help_doc_free(d);
}

Test(help_layout, spans_cover_every_byte_of_every_line_in_order)
{
    char *md = slurp("sample.md");
    HelpDoc *d = help_doc_new(md, strlen(md));
    HelpLayout *l = help_layout_new(d, 33);
    for (size_t i = 0; i < help_layout_count(l); i++) {
        const HelpLine *line = help_layout_line(l, i);
        size_t at = 0;
        for (size_t s = 0; s < line->nspans; s++) {
            cr_assert_eq(line->spans[s].off, at, "line %zu span %zu", i, s);
            at += line->spans[s].len;
        }
        cr_assert_eq(at, line->len, "line %zu: %s", i, line->text);
    }
    help_layout_free(l);
    help_doc_free(d);
    free(md);
}

Test(help_layout, rewrapping_a_document_gives_the_layout_for_the_new_width)
{
    const char *md = "one two three four five six seven eight nine ten";
    HelpDoc *d = help_doc_new(md, strlen(md));
    HelpLayout *narrow = help_layout_new(d, 10);
    HelpLayout *wide = help_layout_new(d, 80);
    cr_assert_eq(help_layout_count(narrow), 6);
    cr_assert_str_eq(help_layout_line(narrow, 0)->text, "one two");
    cr_assert_eq(help_layout_count(wide), 1);
    cr_assert_str_eq(help_layout_line(wide, 0)->text, md);
    cr_assert_eq(help_layout_width(narrow), 10);
    help_layout_free(narrow);
    help_layout_free(wide);
    help_doc_free(d);
}

Test(help_layout, a_word_wider_than_the_line_is_cut)
{
    char *got = layout_text("x abcdefghijklmnopqrst y", 8);
    cr_assert_str_eq(got, "x\nabcdefgh\nijklmnop\nqrst y\n");
    free(got);
}

Test(help_layout, autolinks_show_their_address_once)
{
    char *got = layout_text("<https://a.example> and <me@b.example>", 80);
    cr_assert_str_eq(got, "https://a.example and me@b.example\n");
    free(got);
}

Test(help_layout, find_returns_the_first_matching_line_from_a_start_ignoring_case)
{
    const char *md = "alpha\n\nBeta gamma\n\ndelta beta\n";
    HelpDoc *d = help_doc_new(md, strlen(md));
    HelpLayout *l = help_layout_new(d, 40); /* lines: alpha, "", Beta gamma, "", delta beta */
    cr_assert_eq(help_layout_find(l, "beta", 0), 2);
    cr_assert_eq(help_layout_find(l, "BETA", 3), 4);
    cr_assert_eq(help_layout_find(l, "beta", 5), -1);
    cr_assert_eq(help_layout_find(l, "omega", 0), -1);
    cr_assert_eq(help_layout_find(l, "", 0), -1);
    cr_assert_eq(help_line_find(help_layout_line(l, 4), "Beta"), 6);
    help_layout_free(l);
    help_doc_free(d);
}

Test(help_layout, title_is_the_first_heading)
{
    const char *md = "intro\n\n## Second *level*\n\n# First\n";
    HelpDoc *d = help_doc_new(md, strlen(md));
    cr_assert_str_eq(help_doc_title(d), "Second level");
    help_doc_free(d);
    HelpDoc *none = help_doc_new("no heading", 10);
    cr_assert_str_eq(help_doc_title(none), "");
    help_doc_free(none);
}

Test(help_layout, a_section_runs_from_its_heading_to_the_next_of_the_same_level)
{
    const char *md = "# Commands\n\nintro\n\n## allot add-batch REF\n\nadds\n\n### detail\n\nmore\n\n"
                     "## allot allocate ORDERID\n\nallocates\n";
    HelpDoc *d = help_doc_new(md, strlen(md));
    HelpDoc *s = help_doc_section(d, "ADD-BATCH");
    cr_assert_not_null(s);
    cr_assert_str_eq(help_doc_title(s), "allot add-batch REF");
    HelpLayout *l = help_layout_new(s, 40);
    cr_assert_eq(help_layout_count(l), 8); /* heading, underline, "", adds, "", detail, "", more */
    help_layout_free(l);
    cr_assert_null(help_doc_section(d, "add"), "a prefix of a command is not the command");
    cr_assert_null(help_doc_section(d, "nothing"));
    help_doc_free(s);
    help_doc_free(d);
}

Test(help_layout, pipe_tables_are_detected_outside_code_blocks)
{
    const char *table = "text\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    const char *bare = "a | b\n--- | ---\n1 | 2\n";
    const char *in_code = "```\n| a | b |\n|---|---|\n```\n\nx | y is fine\n";
    const char *in_list = "- | a | b |\n  |---|---|\n";
    HelpDoc *d1 = help_doc_new(table, strlen(table));
    HelpDoc *d2 = help_doc_new(bare, strlen(bare));
    HelpDoc *d3 = help_doc_new(in_code, strlen(in_code));
    cr_assert(help_doc_has_pipe_table(d1));
    cr_assert(help_doc_has_pipe_table(d2));
    cr_assert_not(help_doc_has_pipe_table(d3));
    HelpDoc *d4 = help_doc_new(in_list, strlen(in_list));
    cr_assert(help_doc_has_pipe_table(d4));
    help_doc_free(d4);
    help_doc_free(d1);
    help_doc_free(d2);
    help_doc_free(d3);
}

Test(help_layout, random_markdown_never_overflows_the_width)
{
    static const char *tokens[] = {"# ", "## ", "- ", "1. ", "> ", "```\n", "    ", "*", "**",
                                   "`", "[a link](http://e.x/y)", "<http://a.b>", "![i](p)",
                                   "倉庫", "e\xCC\x81", " ", " ", "\n", "\n\n", "\t", "word",
                                   "longerwordthatneedscutting", "\xFF", "|", "---\n", "\\\n",
                                   "<b>", "  - ", "10) "};
    const size_t ntok = sizeof tokens / sizeof tokens[0];
    unsigned seed = 12345;
    char md[4096];
    for (int round = 0; round < 400; round++) {
        size_t len = 0;
        for (int k = 0; k < 120; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *t = tokens[(seed >> 16) % ntok];
            size_t tl = strlen(t);
            if (len + tl >= sizeof md)
                break;
            memcpy(md + len, t, tl);
            len += tl;
        }
        md[len] = '\0';
        int width = 8 + (int)((seed >> 8) % 93);
        HelpDoc *d = help_doc_new(md, len);
        HelpLayout *l = help_layout_new(d, width);
        for (size_t i = 0; i < help_layout_count(l); i++) {
            const HelpLine *line = help_layout_line(l, i);
            cr_assert_leq(line->width, width, "round %d width %d: [%s]",
                          round, width, line->text);
            cr_assert_eq(line->width, help_text_width(line->text, line->len));
        }
        help_layout_free(l);
        help_doc_free(d);
    }
}
