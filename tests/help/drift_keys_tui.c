/* drift_keys_tui.c — drift_source.h's keys over the real key tables: the TUI's
 * (tui_keys_foreach, src/tui/keys.h) and the help viewer's (src/tui/help_view.h).
 * Table names map to the headings of assets/help/keys.md. */
#include <stdio.h>
#include <string.h>

#include "drift_source.h"
#include "tui/help_view.h"
#include "tui/keys.h"

#define MAX_KEYS 512

static const struct {
    const char *table, *heading;
} headings[] = {
    {"global", "Every screen"}, {"list", "Every list"},     {"triage", "Triage"},
    {"products", "Products"},   {"batches", "Batches"},     {"batch", "Lines of a batch"},
    {"order", "Order"},         {"backorders", "Backorders"}, {"events", "Events"},
    {"help", "Help"},           {"whatif", "What-if"},      {"what-if", "What-if"},
};

static DriftKey keys[MAX_KEYS];
static char names[MAX_KEYS][32];
static size_t nkeys;
static size_t whatif_keys;

static const char *heading_of(const char *table)
{
    for (size_t i = 0; i < sizeof headings / sizeof headings[0]; i++)
        if (strcmp(headings[i].table, table) == 0)
            return headings[i].heading;
    return table; /* an unmapped table shows up as drift under its own name */
}

static void visit(const char *screen, const char *key, const char *action, const char *note,
                  void *ctx)
{
    (void)ctx;
    if (nkeys == MAX_KEYS)
        return;
    /* The session's own keys (apply, discard) act only during a what-if session:
     * the page lists them under "What-if", whichever table holds them. */
    const char *heading = strncmp(action, "what-if-", 8) == 0 ? "What-if" : heading_of(screen);
    if (strcmp(heading, "What-if") == 0)
        whatif_keys++;
    snprintf(names[nkeys], sizeof names[nkeys], "%s", key);
    keys[nkeys] = (DriftKey){heading, names[nkeys], note};
    nkeys++;
}

static void load(void)
{
    if (nkeys)
        return;
    tui_keys_foreach(visit, NULL);
    for (size_t i = 0; i < help_view_key_count() && nkeys < MAX_KEYS; i++) {
        keys[nkeys].screen = "Help";
        keys[nkeys].key = help_view_key_label(i, &keys[nkeys].note);
        nkeys++;
    }
}

size_t drift_key_count(void)
{
    load();
    return nkeys;
}

DriftKey drift_key_at(size_t i)
{
    load();
    return keys[i];
}

int drift_keys_cover_every_screen(void)
{
    load();
    /* The what-if keys (A, D) were the last to get a table: once they have one,
     * every section of the page must match a table. */
    return whatif_keys > 0;
}
