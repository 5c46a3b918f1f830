/* help_pages.h — the help pages compiled into the binary.
 *
 * Every assets/help/NAME.md is embedded at build time (cmake/embed_help.cmake), so
 * help works uninstalled (issue 7).  A page's topic is its file name without ".md":
 * "getting-started", "commands", "keys", and one per screen of SPEC.md §5:
 * "triage", "products", "batches", "order", "backorders", "events", "help",
 * "whatif".
 */
#ifndef ALLOT_HELP_PAGES_H
#define ALLOT_HELP_PAGES_H

#include <stddef.h>

typedef struct HelpPage {
    const char *name;     /* topic, e.g. "triage" */
    const char *markdown; /* UTF-8 Markdown, NUL-terminated; static storage */
    size_t len;           /* bytes of markdown, without the NUL */
} HelpPage;

/* The table, sorted by name (generated). */
extern const HelpPage help_pages[];
extern const size_t help_pages_count;

/* The page whose topic is `name` (ASCII case ignored), or NULL.  Static storage. */
const HelpPage *help_page_find(const char *name);

#endif
