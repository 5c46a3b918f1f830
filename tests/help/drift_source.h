/* drift_source.h — what the code defines, for the drift tests that keep
 * assets/help/commands.md and keys.md equal to the command table and the key
 * tables (issue 7: "generated from, or checked by a test against, the command
 * table and the key tables, so they cannot drift").
 *
 * Each function is implemented by a small adapter over the real tables:
 *   drift_commands.c  over src/app/command_table.h (the CLI's command table)
 *   drift_keys.c      over the key tables of src/tui and src/tui/help_view.h
 */
#ifndef ALLOT_TESTS_HELP_DRIFT_SOURCE_H
#define ALLOT_TESTS_HELP_DRIFT_SOURCE_H

#include <stddef.h>

/* The subcommands of the command table, by name ("add-batch", "allocate", ...);
 * static strings. */
size_t drift_command_count(void);
const char *drift_command_name(size_t i);
/* The usage line of command i as `allot --help` prints it, "add-batch REF SKU QTY
 * [ETA]", written into buf (cut to size); returns buf. */
const char *drift_command_usage(size_t i, char *buf, size_t size);

/* One key binding: the screen as the key bindings page heads it ("Batches",
 * "Every screen", "Help"), the key as the page writes it ("c", "PgDn", "Esc"),
 * and its note.  Static strings. */
typedef struct DriftKey {
    const char *screen;
    const char *key;
    const char *note;
} DriftKey;

size_t drift_key_count(void);
DriftKey drift_key_at(size_t i);

/* 1 when the adapter lists the key tables of every screen (so that a screen on
 * the page but not in the code is drift too); 0 while only some exist. */
int drift_keys_cover_every_screen(void);

#endif
