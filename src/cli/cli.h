/* cli.h — the context shared by the subcommands of the allot executable (SPEC.md
 * §4).  main.c fills it from the global options; each tool (src/cli/tool_*.c) is
 * thin: it reads its arguments from the ParsedCommand that the command table
 * checked, builds commands and sends them through the bus.
 *
 * Errors of a tool: it returns an AllotStatus with the message in `err` (main prints
 * "allot: MESSAGE" and exits with allot_status_exit_code), or sets cli->reported
 * when it already printed its own diagnostics (exec's FILE:LINE: lines).
 */
#ifndef ALLOT_CLI_CLI_H
#define ALLOT_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "app/command_parse.h"
#include "app/message_bus.h"
#include "app/ports.h"
#include "app/unit_of_work.h"
#include "persistence/store.h"

typedef struct Cli {
    const char *db_arg;   /* --db PATH or URI, or NULL */
    StoreTarget store;    /* resolved by cli_open_store / cli_open_reader */
    Notifier *notifier;   /* never NULL after main's setup */
    Notifier *hook;       /* the same when it is the OutOfStock hook, else NULL */
    Clock *clock;
    Logger *logger;
    UnitOfWork *uow;      /* opened on first use, with bus and views */
    Views *views;         /* owned by uow, or own_views */
    Views *own_views;     /* the read-only read model of cli_open_reader */
    MessageBus *bus;
    bool reported;        /* the tool printed its own error lines */
    FILE *out;            /* stdout */
} Cli;

/* Opens the store (SPEC.md §3 path rules, §3.1 URIs: persistence/store.h) and
 * bootstraps the bus, once.  Errors: ALLOT_ESTORAGE naming the path, or the host and
 * database. */
AllotStatus cli_open_store(Cli *cli, ErrBuf *err);
void cli_close_store(Cli *cli);

/* For the commands that only read (export, events): opens cli->views on a
 * read-only connection, creating nothing; the database must exist.  Errors:
 * ALLOT_ESTORAGE "no database at PATH", or naming the path (host and database). */
AllotStatus cli_open_reader(Cli *cli, ErrBuf *err);

/* Resolves cli->store from --db / ALLOT_DB / the default, once.  Errors: as
 * store_target. */
AllotStatus cli_resolve_store(Cli *cli, ErrBuf *err);

/* Runs one bus command of the table for the CLI: prints the batch (or
 * "backordered") for allocate.  Errors: the bus's. */
AllotStatus cli_run_bus_command(Cli *cli, const ParsedCommand *pc, ErrBuf *err);

typedef AllotStatus (*ToolFn)(Cli *cli, const ParsedCommand *pc, ErrBuf *err);

AllotStatus tool_import(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_export(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_exec(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_events(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_whatif(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_csv(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_demo(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_help(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_why(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_undo(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_atp(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_promise(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_serve(Cli *cli, const ParsedCommand *pc, ErrBuf *err);
AllotStatus tool_copy(Cli *cli, const ParsedCommand *pc, ErrBuf *err);

struct WhatIfSession;
/* What the what-if session `s` would change (SPEC.md §4 `whatif`): with `as_csv`
 * the rows orderid,sku,qty,before,after; else `headline` and the text report
 * (lines, new and filled backorders, batches, events, lateness), one blank line
 * before each section.  For
 * `whatif` and `import --dry-run`.  Errors: ALLOT_EIO writing, ALLOT_ESTORAGE
 * reading the live store. */
AllotStatus cli_print_whatif(Cli *cli, struct WhatIfSession *s, const char *headline,
                             bool as_csv, ErrBuf *err);

/* `allot --help`: the global usage and every command of the table. */
void cli_print_help(FILE *out);

/* `allot` with no command (until the TUI is linked in): a summary of the database. */
AllotStatus cli_print_summary(Cli *cli, ErrBuf *err);

#endif
