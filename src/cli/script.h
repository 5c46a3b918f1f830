/* script.h — the one reader of command files, for `allot exec FILE` and
 * `allot whatif FILE` (SPEC.md §4; docs/cli.md "Command files").
 *
 * A command file holds one command per line in the grammar of the command line
 * (app/command_parse.h).  The runner reads it whole-line by whole-line from a
 * stream (any size: one line in memory at a time):
 *   - a UTF-8 byte order mark at the very start is skipped (one elsewhere is text);
 *   - a line ends at LF, CRLF or a lone CR; line numbers count every line, so a
 *     message names the line an editor shows;
 *   - blank lines and `#` comment lines are skipped;
 *   - bus commands (add-batch, allocate, cancel, change-qty, set-eta) run; another
 *     command is refused on its line, unless the host runs it (whatif: import);
 *   - a refused line is reported on `errout` as `FILE:LINE: error: MESSAGE` and the
 *     runner goes on with the next line, except after a storage error (exit status
 *     3): the rest cannot run and the runner stops.
 */
#ifndef ALLOT_CLI_SCRIPT_H
#define ALLOT_CLI_SCRIPT_H

#include <stdio.h>

#include "app/command_parse.h"

/* Runs one parsed bus command for the runner; ALLOT_OK or its error (message in
 * err). */
typedef AllotStatus (*ScriptStepFn)(void *ctx, const Command *cmd, ErrBuf *err);

/* Runs one parsed command that is not a bus command (a tool of the command table:
 * `import` inside whatif); ALLOT_OK or its error (message in err; ALLOT_EUSAGE
 * for a tool the host does not run there). */
typedef AllotStatus (*ScriptToolFn)(void *ctx, const ParsedCommand *pc, ErrBuf *err);

typedef struct ScriptReport {
    long lines;        /* lines read */
    long run;          /* commands that ran */
    long failed;       /* lines refused (reported on errout) */
    AllotStatus fatal; /* the storage error that stopped the runner, else ALLOT_OK */
} ScriptReport;

/* Runs every command of `fp` through `step` (bus commands) and `tool_step` (other
 * commands; NULL: they are refused, "cannot run inside TOOL"), reporting refused
 * lines on `errout` with `shown` as FILE and `tool` ("exec", "whatif").
 * Returns ALLOT_OK when the file was read to its end or the runner stopped on a
 * storage error (see report->fatal), ALLOT_EIO when the stream could not be read
 * (message names `shown`). */
AllotStatus script_run(FILE *fp, const char *shown, const char *tool, ScriptStepFn step,
                       ScriptToolFn tool_step, void *ctx, FILE *errout, ScriptReport *report,
                       ErrBuf *err);

#endif
