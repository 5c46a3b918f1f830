/* page_index.h — what a help page claims, for the drift tests: the command names
 * of the command reference and the (screen, key) pairs of the key bindings page.
 *
 * Command reference (assets/help/commands.md): every level-2 heading of the form
 * "allot NAME ARGS..." names command NAME; the bare heading "allot" (the TUI) and
 * headings not starting with "allot " ("Exit status") are not commands.
 * Key bindings (assets/help/keys.md): every level-2 heading is a screen; each list
 * item directly under it starts with one or more code spans, the keys, separated
 * by ", ", then " — " and the note.
 */
#ifndef ALLOT_TESTS_HELP_PAGE_INDEX_H
#define ALLOT_TESTS_HELP_PAGE_INDEX_H

#include <stddef.h>

typedef struct PageKey {
    char *screen; /* heading text, e.g. "Batches", "Every screen" */
    char *key;    /* code span text, e.g. "c", "PgDn" */
    char *note;   /* text after " — " */
} PageKey;

typedef struct PageIndex {
    char **commands; /* "add-batch" */
    char **usages;   /* the heading without "allot ": "add-batch REF SKU QTY [ETA]" */
    size_t ncommands;
    PageKey *keys;
    size_t nkeys;
} PageIndex;

/* Fills *ix from Markdown; free with page_index_fini. */
void page_index_commands(PageIndex *ix, const char *markdown);
void page_index_keys(PageIndex *ix, const char *markdown);
void page_index_fini(PageIndex *ix);

#endif
