/* term.h — the terminal shell of the TUI (ncursesw): checks, set-up, the loop,
 * and restoring the terminal on every exit path.  Used by tui.c (tui_run) and by
 * the benchmark. */
#ifndef ALLOT_TUI_TERM_H
#define ALLOT_TUI_TERM_H

#include <stdio.h>

#include "tui/app.h"

/* Checks that stdin and stdout are terminals and TERM names a usable one; on
 * failure writes "allot: ..." on stderr and returns false (exit status 2). */
bool tui_term_usable(void);

/* Runs `cfg` (see app.h) on the terminal until the user quits or a SIGINT,
 * SIGTERM or SIGHUP arrives; restores the terminal.  Returns 0, or 2 if the
 * terminal cannot be set up (message printed).  `logger_lines` (may be NULL) is
 * polled once per loop: a non-empty line is shown on the status line and cleared. */
int tui_term_loop(const TuiAppConfig *cfg, char *logger_line);

#endif
