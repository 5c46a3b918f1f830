/* term.h — the terminal shell of the TUI (ncursesw): checks, set-up, the loop,
 * and restoring the terminal on every exit path.  Used by tui.c (tui_run) and by
 * the benchmark. */
#ifndef ALLOT_TUI_TERM_H
#define ALLOT_TUI_TERM_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/app.h"

/* Checks that stdin and stdout are terminals and TERM names a usable one; on
 * failure writes "allot: ..." on stderr and returns false (exit status 2). */
bool tui_term_usable(void);

/* What the shell's caller adds to the loop (every member may be NULL). */
typedef struct TuiTermHooks {
    /* Called once the app runs with `wait`: the store calls it while a write waits
     * for another process's lock (it draws "waiting for another writer (N s)…" and
     * returns false once the user pressed Esc); called with NULL before the app
     * ends. */
    void (*install_wait)(void *ctx, bool (*wait)(void *wctx, int64_t waited_ms), void *wctx);
    /* Called at every tick (~250 ms), e.g. to reap the notify hook. */
    void (*tick)(void *ctx);
    void *ctx;
    /* Polled once per loop: a non-empty line is shown on the status line (as an
     * error) and cleared. */
    char *logger_line;
} TuiTermHooks;

/* Runs `cfg` (see app.h) on the terminal until the user quits or a signal ends it;
 * restores the terminal.  Returns the exit status: 0, or 128+N for signal N
 * (SIGINT through the app, which asks first while a what-if session is open;
 * SIGQUIT, SIGTERM, SIGHUP at once), or 2 if the terminal cannot be set up
 * (message printed).  `hooks` may be NULL. */
int tui_term_loop(const TuiAppConfig *cfg, const TuiTermHooks *hooks);

#endif
