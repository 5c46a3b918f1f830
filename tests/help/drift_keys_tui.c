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
    (void)action, (void)ctx;
    if (nkeys == MAX_KEYS)
        return;
    snprintf(names[nkeys], sizeof names[nkeys], "%s", key);
    keys[nkeys] = (DriftKey){heading_of(screen), names[nkeys], note};
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
    return 0; /* the what-if session's keys (A, D) are not in a table yet */
}
