/* drift_keys_tui.c — drift_source.h's keys over the real key tables: every table
 * of the TUI (tui_keys_foreach, src/tui/bindings.c), the screens', the help
 * viewer's and the overlays' alike.  Table names map to the headings of
 * assets/help/keys.md. */
#include <stdio.h>
#include <string.h>

#include "drift_source.h"
#include "tui/keys.h"

#define MAX_KEYS 512

static const struct {
    const char *table, *heading;
} headings[] = {
    {"global", "Every screen"},  {"whatif", "What-if"},        {"list", "Every list"},
    {"triage", "Triage"},        {"products", "Products"},     {"batches", "Batches"},
    {"batch", "Lines of a batch"}, {"order", "Order"},         {"backorders", "Backorders"},
    {"events", "Events"},        {"atp", "Availability"},      {"history", "History of a line"},
    {"summary", "What-if summary"},
    {"help", "Help"},            {"confirm", "A question"},
    {"notice", "A list to read"}, {"prompt", "The command prompt"}, {"form", "A form"},
    {"line", "Editing a line"},
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

static void visit(const char *table, const char *key, const char *action, const char *note,
                  void *ctx)
{
    (void)ctx, (void)action;
    if (nkeys == MAX_KEYS)
        return;
    snprintf(names[nkeys], sizeof names[nkeys], "%s", key);
    keys[nkeys] = (DriftKey){heading_of(table), names[nkeys], note};
    nkeys++;
}

static void load(void)
{
    if (!nkeys)
        tui_keys_foreach(visit, NULL);
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

int drift_keys_cover_every_screen(void) { return 1; }
