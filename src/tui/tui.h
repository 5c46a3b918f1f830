/* tui.h — the entry point of the terminal UI: `allot [--db PATH]` with no
 * subcommand (SPEC.md §5).  The only header of src/tui that the CLI includes.
 *
 * The terminal shell (term.c) owns the terminal: it checks that there is one, sets
 * the locale and ncursesw up, turns keys / resizes / poll timeouts / Ctrl-C into
 * TuiInputs for the app (app.h), draws once per loop when something is dirty, and
 * restores the terminal on every exit path (quit, Ctrl-C, Ctrl-\, SIGTERM, SIGHUP,
 * fatal signals); Ctrl-Z suspends and `fg` redraws.
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
    /* The notify hook, when one is configured (else all NULL): the file its output
     * goes to (`L` shows it); `attach` is called with the UI's logger, so that a
     * failing hook shows on the status line, and with NULL when the UI ends;
     * `poll` at every tick (~250 ms), so that it shows at once. */
    const char *notify_log;
    void (*notify_attach)(void *ctx, Logger *logger);
    void (*notify_poll)(void *ctx);
    void *notify_ctx;
} TuiOptions;

/* Runs the terminal UI until the user quits.  Returns the process exit status
 * (SPEC.md §4): 0 ok; 128+N when signal N ended it (Ctrl-C 130, Ctrl-\ 131,
 * SIGHUP 129, SIGTERM 143; the terminal is restored first); 2 no usable terminal
 * (TERM unset or "dumb", stdin or stdout not a terminal, or the terminal type
 * unknown) — message printed on stderr as "allot: ..."; 3 storage error (the
 * database cannot be opened) — message printed.  Never calls exit(). */
int tui_run(const TuiOptions *opts);

#endif
