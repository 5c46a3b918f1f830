/* tui.h — the entry point of the terminal UI: `allot [--db PATH]` with no
 * subcommand (SPEC.md §5).  The only header of src/tui that the CLI includes.
 *
 * The terminal shell (tui.c) owns the terminal: it checks that there is one, sets
 * the locale and ncursesw up, turns keys / resizes / poll timeouts into TuiInputs
 * for the app (app.h), draws once per loop when something is dirty, and restores the
 * terminal on every exit path (quit, Ctrl-C, SIGTERM, SIGHUP, fatal signals);
 * Ctrl-Z suspends and `fg` redraws.
 */
#ifndef ALLOT_TUI_TUI_H
#define ALLOT_TUI_TUI_H

#include "app/ports.h"
#include "domain/status.h"

typedef struct TuiOptions {
    const char *db_path; /* the resolved store (--db, ALLOT_DB, XDG default): a SQLite
                            path or a PostgreSQL URI (persistence/store.h); required */
    Notifier *notifier;  /* OutOfStock hook (app/ports.h); NULL = none */
    /* Loads the bundled demo dataset into db_path (what `allot demo` does); NULL if
     * not available: the TUI then says to run `allot demo`. */
    AllotStatus (*load_demo)(const char *db_path, ErrBuf *err);
} TuiOptions;

/* Runs the terminal UI until the user quits.  Returns the process exit status
 * (SPEC.md §4): 0 ok (also after Ctrl-C or SIGTERM: the terminal is restored);
 * 2 no usable terminal (TERM unset or "dumb", stdin or stdout not a terminal, or the
 * terminal type unknown) — message printed on stderr as "allot: ..."; 3 storage
 * error (the database cannot be opened) — message printed.  Never calls exit(). */
int tui_run(const TuiOptions *opts);

#endif
