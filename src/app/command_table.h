/* command_table.h — the one command table of allot (SPEC.md §4, STYLE.md "A command
 * table").
 *
 * Each command is one const descriptor: its name, its argument spec, a one-line
 * summary, a help text, and its handler.  The same table drives
 *   - argv parsing of the allot executable (src/cli/main.c),
 *   - `allot --help` and `allot help COMMAND` (command_usage, CommandSpec.help),
 *   - the lines of `allot exec` files and `allot whatif` files,
 *   - the TUI's `:` prompt and its completion (command_parse.h).
 *
 * The handler of a command is either
 *   - a bus command (`bus` != CMD_NONE_BUS): the parser builds a domain Command
 *     (domain/commands.h) and the host sends it through the message bus, whose
 *     handler for that CommandType does the work (app/handlers.h); or
 *   - a tool (`tool` != TOOL_NONE): work done by the host program (files, the
 *     terminal), e.g. import or events.  Hosts give one function per ToolId
 *     (src/cli/tools.c for the executable); a host without a tool refuses it.
 *
 * Generic checks (arity, the kind of each argument, validation of identifiers,
 * quantities and dates per SPEC.md §1.3) are done once by command_parse() before any
 * handler runs.
 */
#ifndef ALLOT_APP_COMMAND_TABLE_H
#define ALLOT_APP_COMMAND_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/commands.h"

/* What an argument holds; decides its validation and its completion. */
typedef enum ArgKind {
    ARG_REF,        /* a batch reference: validate_id "ref" */
    ARG_SKU,        /* a SKU: validate_id "sku" */
    ARG_ORDERID,    /* an order id: validate_id "orderid" */
    ARG_LINE_QTY,   /* order line qty 1..1e9: validate_line_qty */
    ARG_BATCH_QTY,  /* batch qty 0..1e9: validate_batch_qty */
    ARG_ETA,        /* YYYY-MM-DD, or "-" = none: validate_eta */
    ARG_NEED,       /* a need date: YYYY-MM-DD, or "-" = none: validate_date "need" */
    ARG_EVENT_ID,   /* an event id, whole number >= 0 */
    ARG_COMMAND_ID, /* a command id (SPEC.md §1.6), whole number >= 1 */
    ARG_CHOICE,     /* one of ArgSpec.choices ("batches|orders|allocations") */
    ARG_PATH,       /* a file or folder path (not checked here) */
    ARG_PATH_OR_STDIN, /* a path, or "-" for standard input */
    ARG_COMMAND,    /* the name of a command of this table */
    ARG_TOPIC,      /* a help topic: a command name or a help page (checked by the host) */
    ARG_FLAG,       /* an option without value (`--json`); present or not */
    ARG_ADDRESS,    /* HOST:PORT (`[::1]:5005` for IPv6), port 0..65535; the host is
                       resolved by the host program */
} ArgKind;

/* One argument.  Positional arguments have `option` NULL and come in table order;
 * options (`option` = "--since") may appear anywhere after the command name and
 * take the next token as their value unless kind is ARG_FLAG. */
typedef struct ArgSpec {
    const char *name;    /* shown in usage: "REF", "QTY", "ID" */
    ArgKind kind;
    bool optional;       /* positional: may be left out (only trailing ones) */
    const char *choices; /* ARG_CHOICE: '|'-separated words; else NULL */
    const char *option;  /* "--since" for options; NULL for positional */
} ArgSpec;

#define COMMAND_MAX_ARGS 6

/* Tools: commands whose work is done by the host, not by a bus handler. */
typedef enum ToolId {
    TOOL_NONE = 0,
    TOOL_IMPORT,
    TOOL_EXPORT,
    TOOL_EXEC,
    TOOL_EVENTS,
    TOOL_WHATIF,
    TOOL_CSV,
    TOOL_DEMO,
    TOOL_HELP,
    TOOL_WHY,
    TOOL_UNDO,
    TOOL_ATP,
    TOOL_PROMISE,
    TOOL_SERVE,
    TOOL_COPY,
    TOOL_COUNT
} ToolId;

/* The `bus` value of a tool descriptor. */
#define CMD_NONE_BUS ((CommandType)-1)

typedef struct CommandSpec {
    const char *name;    /* "add-batch" */
    ArgSpec args[COMMAND_MAX_ARGS];
    size_t nargs;
    const char *summary; /* one line, for `allot --help` and completion menus */
    const char *help;    /* a paragraph or more, for `allot help COMMAND`; lines
                            end in '\n' */
    CommandType bus;     /* the bus command built, or CMD_NONE_BUS */
    ToolId tool;         /* the host tool, or TOOL_NONE */
} CommandSpec;

/* Every command, in the order `allot --help` lists them.  Static storage. */
size_t command_table_count(void);
const CommandSpec *command_table_at(size_t i);

/* The command named exactly `name`, or NULL. */
const CommandSpec *command_lookup(const char *name);

/* Writes up to `max` commands whose name starts with `prefix` into `out`, in table
 * order; returns how many matched in all (may exceed max).  For completion. */
size_t command_complete(const char *prefix, const CommandSpec **out, size_t max);

/* Writes the usage line "add-batch REF SKU QTY [ETA]" into buf (cut to size);
 * returns buf.  Options show as "[--since ID]", flags as "[--json]". */
char *command_usage(const CommandSpec *spec, char *buf, size_t size);

/* True if the command is a bus command (it builds a domain Command). */
static inline bool command_is_bus(const CommandSpec *spec) { return spec->bus != CMD_NONE_BUS; }

#endif
