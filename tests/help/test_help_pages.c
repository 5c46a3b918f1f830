/* Tests of the embedded help pages (src/help/help_pages.h) and `allot help`'s
 * printer (src/help/help_print.h). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "help/help_layout.h"
#include "help/help_pages.h"
#include "help/help_print.h"
#include "help/help_text.h"

static char *print_topic(const char *topic, int width, AllotStatus *st, ErrBuf *err)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    *st = help_print(topic, f, width, err);
    fclose(f);
    return out;
}

Test(help_pages, no_help_page_uses_a_pipe_table)
{
    cr_assert_gt(help_pages_count, 0);
    for (size_t i = 0; i < help_pages_count; i++) {
        HelpDoc *d = help_doc_new(help_pages[i].markdown, help_pages[i].len);
        cr_expect_not(help_doc_has_pipe_table(d),
                      "assets/help/%s.md has a pipe table; core cmark does not render tables: "
                      "use a list", help_pages[i].name);
        help_doc_free(d);
    }
}

Test(help_pages, every_screen_of_the_spec_has_a_page_with_a_title)
{
    /* SPEC.md §5: the screens, the what-if session; issue 7: getting started,
     * the command reference, the key bindings. */
    const char *needed[] = {"getting-started", "triage", "products", "batches", "order",
                            "backorders", "events", "help", "whatif", "commands", "keys",
                            /* issue 14: the availability timeline, a line's history */
                            "atp", "history"};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
        const HelpPage *p = help_page_find(needed[i]);
        cr_assert_not_null(p, "no help page %s", needed[i]);
        HelpDoc *d = help_doc_new(p->markdown, p->len);
        cr_expect_neq(help_doc_title(d)[0], '\0', "page %s has no heading", needed[i]);
        help_doc_free(d);
    }
    cr_assert_not_null(help_page_find("TRIAGE"), "topics ignore case");
    cr_assert_null(help_page_find("nonsense"));
}

Test(help_pages, the_binary_embeds_every_page_of_assets_help_byte_for_byte)
{
    DIR *dir = opendir(HELP_ASSETS_DIR);
    cr_assert_not_null(dir);
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 3, ".md") != 0)
            continue;
        files++;
        char name[256], path[1024];
        snprintf(name, sizeof name, "%.*s", (int)(l - 3), e->d_name);
        snprintf(path, sizeof path, "%s/%s", HELP_ASSETS_DIR, e->d_name);
        const HelpPage *p = help_page_find(name);
        cr_assert_not_null(p, "%s is not embedded", e->d_name);
        FILE *f = fopen(path, "rb");
        cr_assert_not_null(f);
        char *buf = malloc(p->len + 2);
        size_t n = fread(buf, 1, p->len + 1, f);
        fclose(f);
        cr_expect_eq(n, p->len, "%s: size differs", e->d_name);
        cr_expect(n == p->len && memcmp(buf, p->markdown, n) == 0, "%s: content differs", e->d_name);
        cr_expect_eq(p->markdown[p->len], '\0');
        free(buf);
    }
    closedir(dir);
    cr_assert_eq(files, help_pages_count);
}

Test(help_pages, every_page_fits_every_width_from_40_to_120)
{
    for (size_t i = 0; i < help_pages_count; i++) {
        HelpDoc *d = help_doc_new(help_pages[i].markdown, help_pages[i].len);
        for (int w = 40; w <= 120; w += 8) {
            HelpLayout *l = help_layout_new(d, w);
            cr_assert_gt(help_layout_count(l), 0);
            for (size_t k = 0; k < help_layout_count(l); k++)
                cr_expect_leq(help_layout_line(l, k)->width, w, "%s at %d: %s", help_pages[i].name,
                              w, help_layout_line(l, k)->text);
            help_layout_free(l);
        }
        help_doc_free(d);
    }
}

Test(help_print, no_topic_prints_getting_started_and_every_topic)
{
    AllotStatus st;
    ErrBuf err;
    char *out = print_topic(NULL, 80, &st, &err);
    cr_assert_eq(st, ALLOT_OK);
    cr_assert(strncmp(out, "Getting started\n===============\n", 32) == 0, "%s", out);
    for (size_t i = 0; i < help_pages_count; i++) {
        char line[128];
        snprintf(line, sizeof line, "allot help %s \xE2\x80\x94 ", help_pages[i].name);
        cr_expect_not_null(strstr(out, line), "topic %s missing", help_pages[i].name);
    }
    free(out);
}

Test(help_print, a_page_topic_prints_that_page_wrapped_to_the_width)
{
    AllotStatus st;
    ErrBuf err;
    char *out = print_topic("batches", 40, &st, &err);
    cr_assert_eq(st, ALLOT_OK);
    cr_assert(strncmp(out, "Batches\n=======\n", 16) == 0, "%s", out);
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
        cr_expect_leq(help_text_width(line, strlen(line)), 40, "%s", line);
    free(out);
}

Test(help_print, a_command_topic_prints_only_its_section_of_the_reference)
{
    AllotStatus st;
    ErrBuf err;
    char *out = print_topic("change-qty", 80, &st, &err);
    cr_assert_eq(st, ALLOT_OK);
    cr_assert(strncmp(out, "allot change-qty REF QTY [--quiet]\n", 35) == 0, "%s", out);
    cr_assert_null(strstr(out, "set-eta"), "%s", out);
    free(out);
}

Test(help_print, an_unknown_topic_is_a_usage_error_listing_the_topics)
{
    AllotStatus st;
    ErrBuf err = {{0}};
    char *out = print_topic("frobnicate", 80, &st, &err);
    cr_assert_eq(st, ALLOT_EUSAGE);
    cr_assert_eq(allot_status_exit_code(st), 2);
    cr_assert_str_eq(out, "", "nothing printed on stdout");
    cr_assert_not_null(strstr(err.msg, "no help topic 'frobnicate'"), "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "triage"), "%s", err.msg);
    free(out);
}

Test(help_print, a_failed_write_is_an_io_error)
{
    FILE *f = fopen("/dev/full", "w");
    cr_assert_not_null(f);
    ErrBuf err = {{0}};
    cr_assert_eq(help_print("commands", f, 80, &err), ALLOT_EIO);
    cr_assert_not_null(strstr(err.msg, "cannot write help"), "%s", err.msg);
    fclose(f);
}

Test(help_print, output_width_of_a_file_is_columns_or_80)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    unsetenv("COLUMNS");
    cr_assert_eq(help_output_width(f), 80);
    setenv("COLUMNS", "132", 1);
    cr_assert_eq(help_output_width(f), 132);
    setenv("COLUMNS", "wide", 1);
    cr_assert_eq(help_output_width(f), 80);
    unsetenv("COLUMNS");
    fclose(f);
}

/* The Triage page names every panel of the Triage screen (src/tui/screens/triage.c
 * titles) as a bold item, and says how many there are. */
Test(help_pages, the_triage_page_names_every_panel_and_counts_them)
{
    const char *panels[] = {"Backorders",        "SKUs short of stock", "Overdue shipments",
                            "Shipments due soon", "Today's events",      "Late lines"};
    const char *words[] = {"No", "One", "Two", "Three", "Four", "Five", "Six", "Seven"};
    const size_t n = sizeof panels / sizeof *panels;
    const HelpPage *page = help_page_find("triage");
    cr_assert(page, "no triage page");
    char *md = strndup(page->markdown, page->len);
    for (size_t i = 0; i < n; i++) {
        char item[64];
        snprintf(item, sizeof item, "- **%s**", panels[i]);
        cr_expect(strstr(md, item), "assets/help/triage.md does not list \"%s\"", panels[i]);
    }
    char said[32];
    snprintf(said, sizeof said, "%s panels", words[n]);
    cr_expect(strstr(md, said), "assets/help/triage.md does not say \"%s\"", said);
    size_t items = 0;
    for (const char *p = md; (p = strstr(p, "\n- **")); p++)
        items++;
    cr_expect_eq(items, n, "%zu bold items on the page, %zu panels", items, n);
    free(md);
}
