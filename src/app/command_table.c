#include "app/command_table.h"

#include <stdio.h>
#include <string.h>

#define POS(n, k) {.name = (n), .kind = (k)}
#define OPT_POS(n, k) {.name = (n), .kind = (k), .optional = true}
/* The stock commands print the order lines they moved (SPEC.md §4) unless --quiet. */
#define QUIET {.name = "quiet", .kind = ARG_FLAG, .option = "--quiet"}

static const CommandSpec command_table[] = {
    {
        .name = "add-batch",
        .args = {POS("REF", ARG_REF), POS("SKU", ARG_SKU), POS("QTY", ARG_BATCH_QTY),
                 OPT_POS("ETA", ARG_ETA), QUIET},
        .nargs = 5,
        .summary = "create a batch of QTY units of SKU, in the warehouse or arriving on ETA",
        .help = "Creates batch REF holding QTY units (0 or more) of SKU. Without ETA, or\n"
                "with ETA \"-\", the batch is in the warehouse; with ETA (YYYY-MM-DD) it\n"
                "arrives on that date. Backorders of SKU are then retried, oldest first.\n"
                "Batch references are unique across all SKUs. Prints each order line\n"
                "it moved (\"o5 LAMP ×2 backorder → B1\"); --quiet prints nothing.\n",
        .bus = CMD_CREATE_BATCH,
    },
    {
        .name = "allocate",
        .args = {POS("ORDERID", ARG_ORDERID), POS("SKU", ARG_SKU), POS("QTY", ARG_LINE_QTY),
                 OPT_POS("NEED", ARG_NEED), QUIET},
        .nargs = 5,
        .summary = "allocate an order line; prints the batch, or \"backordered\"",
        .help = "Allocates the order line (ORDERID, SKU) of QTY units to the most\n"
                "preferred batch with room: in-warehouse batches first, then by ETA,\n"
                "then the batch created first. Prints the batch reference, or\n"
                "\"backordered\" when no batch has room (the line then waits for stock).\n"
                "NEED (YYYY-MM-DD) is the date the customer needs the line by: it does\n"
                "not change where the line goes, it tells when the line is late.\n"
                "Allocating the same line again with the same QTY changes nothing.\n"
                "--quiet prints nothing.\n",
        .bus = CMD_ALLOCATE,
    },
    {
        .name = "cancel",
        .args = {POS("ORDERID", ARG_ORDERID), POS("SKU", ARG_SKU), QUIET},
        .nargs = 3,
        .summary = "cancel an order line (allocated or backordered)",
        .help = "Removes the order line (ORDERID, SKU), from its batch or from the\n"
                "backorders. Backorders of SKU are then retried, oldest first. Prints\n"
                "each order line it moved; --quiet prints nothing.\n",
        .bus = CMD_CANCEL_LINE,
    },
    {
        .name = "change-qty",
        .args = {POS("REF", ARG_REF), POS("QTY", ARG_BATCH_QTY), QUIET},
        .nargs = 3,
        .summary = "change the quantity of a batch (may deallocate its newest lines)",
        .help = "Sets the quantity of batch REF to QTY. While the batch holds more than\n"
                "QTY, its newest line is taken off and becomes a backorder; then the\n"
                "backorders of the SKU are retried, oldest first, on every batch.\n"
                "Prints each order line that ends elsewhere (\"o2 LAMP ×3 B1 → B2\",\n"
                "\"o3 LAMP ×3 B1 → backorder\"); --quiet prints nothing.\n",
        .bus = CMD_CHANGE_BATCH_QTY,
    },
    {
        .name = "set-eta",
        .args = {POS("REF", ARG_REF), POS("ETA", ARG_ETA), QUIET},
        .nargs = 3,
        .summary = "set the arrival date of a batch (\"-\": in the warehouse)",
        .help = "Sets the ETA of batch REF to ETA (YYYY-MM-DD), or to none with \"-\"\n"
                "(the batch is in the warehouse). Lines on the batch, oldest first, move\n"
                "to another batch that now comes earlier and has room. Prints each\n"
                "order line it moved; --quiet prints nothing.\n",
        .bus = CMD_CHANGE_BATCH_ETA,
    },
    {
        .name = "import",
        .args = {{.name = "batches|orders|allocations", .kind = ARG_CHOICE,
                  .choices = "batches|orders|allocations"},
                 POS("FILE", ARG_PATH),
                 {.name = "dry-run", .kind = ARG_FLAG, .option = "--dry-run"},
                 {.name = "csv", .kind = ARG_FLAG, .option = "--csv"}},
        .nargs = 4,
        .summary = "import a CSV file in one transaction (--dry-run: what it would do)",
        .help = "Reads FILE (CSV with a header row: batches ref,sku,qty,eta[,created];\n"
                "orders orderid,sku,qty[,need][,requested]; allocations\n"
                "orderid,sku,qty,batchref[,need][,requested]; LF, CRLF or CR line ends)\n"
                "and runs each row as a command, all in one transaction: one\n"
                "bad row refuses the whole file. Every bad row is named with file, line\n"
                "and field (the first 100, then how many more). A key (a ref; an orderid\n"
                "and sku) twice in a file is an error, identical or not. A batches row\n"
                "with a new ref creates the batch; with an existing ref it changes its\n"
                "qty and ETA. An orders row allocates the line; an allocations row puts\n"
                "the line on the named batch. Ends with a summary that adds up to the\n"
                "rows: read, created, changed, unchanged, refused, and the order lines\n"
                "moved, each counted once for where it ended. --dry-run changes nothing:\n"
                "it prints the summary and what the import would change, as whatif does\n"
                "(--csv: orderid,sku,qty,before,after).\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_IMPORT,
    },
    {
        .name = "export",
        .args = {{.name = "batches|allocations|backorders", .kind = ARG_CHOICE,
                  .choices = "batches|allocations|backorders"},
                 OPT_POS("FILE", ARG_PATH),
                 {.name = "force", .kind = ARG_FLAG, .option = "--force"}},
        .nargs = 3,
        .summary = "write batches, allocations or backorders as CSV",
        .help = "Writes the batches (ref,sku,qty,eta; sorted by ref), the allocations\n"
                "(orderid,sku,qty,batchref) or the backorders (orderid,sku,qty; both\n"
                "sorted by orderid then sku) as CSV with LF line ends to FILE, or to\n"
                "standard output. The file imports back to the same state. FILE is\n"
                "replaced only once complete; a symbolic link is written through to\n"
                "its file. FILE may not be the database, its -wal, -shm or -journal,\n"
                "the -wal, -shm or -journal of any other SQLite database (there or\n"
                "not yet), any other SQLite file, or a file that starts with a\n"
                "write-ahead log's or a rollback journal's header, unless --force.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_EXPORT,
    },
    {
        .name = "exec",
        .args = {POS("FILE|-", ARG_PATH_OR_STDIN)},
        .nargs = 1,
        .summary = "run the commands of FILE (or standard input), one per line",
        .help = "Runs one command per line of FILE (\"-\": standard input), each in its\n"
                "own unit of work. Blank lines and lines starting with # are skipped.\n"
                "A failing line prints FILE:LINE: error: MESSAGE and the rest still run;\n"
                "the exit status is 1 if any line failed.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_EXEC,
    },
    {
        .name = "events",
        .args = {{.name = "ID", .kind = ARG_EVENT_ID, .option = "--since"},
                 {.name = "follow", .kind = ARG_FLAG, .option = "--follow"},
                 {.name = "json", .kind = ARG_FLAG, .option = "--json"}},
        .nargs = 3,
        .summary = "print the event log (--follow: keep printing new events)",
        .help = "Prints the events of the log with an id above ID (default: all), oldest\n"
                "first. --json prints one JSON object per line. --follow keeps printing\n"
                "events as they are written, also by other processes, like tail -f.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_EVENTS,
    },
    {
        .name = "whatif",
        .args = {POS("FILE", ARG_PATH_OR_STDIN),
                 {.name = "csv", .kind = ARG_FLAG, .option = "--csv"}},
        .nargs = 2,
        .summary = "run FILE's commands in a sandbox and print what would change",
        .help = "Runs the commands of FILE (one per line, as for exec; - is standard\n"
                "input) in a sandbox and prints what would change: per order line the\n"
                "batch and ETA before and after and the slip in days, new and filled\n"
                "backorders, changed batches and the events that would be raised.\n"
                "The live data is never written. Refused lines are reported as\n"
                "FILE:LINE: error: MESSAGE and skipped (exit status 1). A line\n"
                "\"import KIND CSVFILE\" imports that file into the sandbox, all or none,\n"
                "as import would. --csv prints orderid,sku,qty,before,after for each\n"
                "line whose place would change.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_WHATIF,
    },
    {
        .name = "csv",
        .args = {POS("FOLDER", ARG_PATH)},
        .nargs = 1,
        .summary = "allocate a CSV folder: batches.csv + orders.csv -> allocations.csv",
        .help = "The book's CSV mode. Reads FOLDER/batches.csv, FOLDER/orders.csv and,\n"
                "if present, FOLDER/allocations.csv; allocates every order line not yet\n"
                "allocated; writes FOLDER/allocations.csv (existing lines kept, new\n"
                "ones appended). The database is not used.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_CSV,
    },
    {
        .name = "demo",
        .args = {{0}},
        .nargs = 0,
        .summary = "load the bundled real demo dataset (Northwind)",
        .help = "Loads the Northwind sample company (Microsoft, MIT licence) on today's\n"
                "calendar: every date moves so that the last order date is yesterday\n"
                "(the shift is printed). One in-warehouse batch per product, one incoming\n"
                "batch where units are on order, and the open orders allocated oldest\n"
                "first with their RequiredDate as need date. Some lines end up\n"
                "backordered or late: the data holds real shortfalls.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_DEMO,
    },
    {
        .name = "why",
        .args = {POS("ORDERID", ARG_ORDERID), POS("SKU", ARG_SKU)},
        .nargs = 2,
        .summary = "the history of an order line, with the command and actor of each event",
        .help = "Prints every event that touched the order line (ORDERID, SKU), oldest\n"
                "first: when, the event, the command that raised it and who sent it\n"
                "(user@host, or the API client). A move caused by a change of a batch\n"
                "shows that change beside it. A line that never existed is an error.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_WHY,
    },
    {
        .name = "undo",
        .args = {OPT_POS("COMMAND_ID", ARG_COMMAND_ID),
                 {.name = "dry-run", .kind = ARG_FLAG, .option = "--dry-run"}},
        .nargs = 2,
        .summary = "undo a command (default: the latest); undo an undo to redo it",
        .help = "Puts every product that command COMMAND_ID changed back exactly as it\n"
                "was before it: batches, quantities, ETAs, and the order lines with\n"
                "their places and the moments they were first requested. Without\n"
                "COMMAND_ID, the latest command of the event log. Refused, naming the\n"
                "later command, when a later command changed those products. The undo is\n"
                "itself a command with its own events (why, events show it); undoing it\n"
                "redoes the command. --dry-run prints what would change (as whatif) and\n"
                "changes nothing. Command ids are in `allot why` and `allot events`.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_UNDO,
    },
    {
        .name = "atp",
        .args = {POS("SKU", ARG_SKU), {.name = "csv", .kind = ARG_FLAG, .option = "--csv"}},
        .nargs = 2,
        .summary = "the availability timeline of a SKU: stock and arrivals, allocated, free",
        .help = "Prints, from today on, one row per date that has batches of SKU: what is\n"
                "on hand today (in the warehouse, or on a shipment already due), then each\n"
                "arrival date; the units that arrive, the units allocated on them, the\n"
                "free units, and the projected free units on that date (cumulative). Then\n"
                "the backorders: the demand still unmet. --csv prints\n"
                "date,batches,arriving,allocated,free,projected. Nothing changes.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_ATP,
    },
    {
        .name = "promise",
        .args = {POS("SKU", ARG_SKU), POS("QTY", ARG_LINE_QTY)},
        .nargs = 2,
        .summary = "where and when a new line of QTY units of SKU would be served; nothing changes",
        .help = "Answers, without changing anything, what allocating a new line of QTY\n"
                "units of SKU would do now: the batch it would get (as allocate would\n"
                "choose) and the date it would be promised, or that it would wait, with\n"
                "the earliest batch large enough to hold it.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_PROMISE,
    },
    {
        .name = "serve",
        .args = {{.name = "ADDR:PORT", .kind = ARG_ADDRESS, .option = "--listen"},
                 {.name = "HOST:PORT", .kind = ARG_ADDRESS, .option = "--redis"},
                 {.name = "FILE", .kind = ARG_PATH, .option = "--token-file"},
                 {.name = "LEVEL", .kind = ARG_CHOICE, .option = "--log-level",
                  .choices = "error|warn|info|debug"}},
        .nargs = 4,
        .summary = "serve the HTTP API (and, with --redis, the Redis integration)",
        .help = "Serves the book's HTTP API and allot's /api/v1 on ADDR:PORT (default\n"
                "127.0.0.1:5005) over the same bus and database as the command line.\n"
                "--redis HOST:PORT runs ChangeBatchQuantity for each message on the\n"
                "change_batch_quantity channel and relays the event log to the\n"
                "line_allocated and allot.events channels, in order, at least once.\n"
                "Listening beyond loopback needs a bearer token: --token-file FILE or\n"
                "ALLOT_API_TOKEN. Logs one line per request and relay batch on stderr;\n"
                "--log-level error, warn, info (default) or debug. GET /healthz and\n"
                "GET /metrics (Prometheus) are for operators. Each option may come\n"
                "from the environment instead: ALLOT_LISTEN, ALLOT_REDIS,\n"
                "ALLOT_TOKEN_FILE, ALLOT_LOG_LEVEL. Runs until SIGTERM or SIGINT,\n"
                "finishing the requests in flight; SIGHUP reads the token file again.\n"
                "The routes are in docs/api.md, running it as a service in\n"
                "docs/operate.md.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_SERVE,
    },
    {
        .name = "copy",
        .args = {POS("FROM", ARG_PATH), POS("TO", ARG_PATH)},
        .nargs = 2,
        .summary = "copy a whole store (SQLite path or PostgreSQL URI) into an empty one",
        .help = "Copies every product, batch, order line and event of the store FROM\n"
                "into the store TO, each a SQLite path or a postgresql:// URI: versions,\n"
                "the moments lines were first requested, need dates, the event log with\n"
                "its ids and the next command id come along, so export prints the same\n"
                "on both and any later command does the same on both. TO must hold no\n"
                "data (it is created when missing); all or nothing. The global --db is\n"
                "not used.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_COPY,
    },
    {
        .name = "help",
        .args = {OPT_POS("TOPIC", ARG_TOPIC)},
        .nargs = 1,
        .summary = "list the commands, or explain a command or a help topic",
        .help = "Without TOPIC lists every command; with a command name shows its usage\n"
                "and what it does; with the name of a help page (getting-started, keys,\n"
                "...) prints that page.\n",
        .bus = CMD_NONE_BUS,
        .tool = TOOL_HELP,
    },
};

size_t command_table_count(void) { return sizeof command_table / sizeof command_table[0]; }

const CommandSpec *command_table_at(size_t i)
{
    return i < command_table_count() ? &command_table[i] : NULL;
}

const CommandSpec *command_lookup(const char *name)
{
    for (size_t i = 0; i < command_table_count(); i++)
        if (strcmp(command_table[i].name, name) == 0)
            return &command_table[i];
    return NULL;
}

size_t command_complete(const char *prefix, const CommandSpec **out, size_t max)
{
    size_t n = 0, plen = strlen(prefix);
    for (size_t i = 0; i < command_table_count(); i++) {
        if (strncmp(command_table[i].name, prefix, plen) != 0)
            continue;
        if (n < max)
            out[n] = &command_table[i];
        n++;
    }
    return n;
}

char *command_usage(const CommandSpec *spec, char *buf, size_t size)
{
    size_t off = 0;
#define PUT(...)                                                            \
    do {                                                                    \
        int w_ = snprintf(off < size ? buf + off : NULL, off < size ? size - off : 0, \
                          __VA_ARGS__);                             \
        if (w_ > 0)                                                         \
            off += (size_t)w_;                                              \
    } while (0)
    if (size == 0)
        return buf;
    buf[0] = '\0';
    PUT("%s", spec->name);
    for (size_t i = 0; i < spec->nargs; i++) {
        const ArgSpec *a = &spec->args[i];
        if (a->option && a->kind == ARG_FLAG)
            PUT(" [%s]", a->option);
        else if (a->option)
            PUT(" [%s %s]", a->option, a->name);
        else if (a->optional)
            PUT(" [%s]", a->name);
        else
            PUT(" %s", a->name);
    }
#undef PUT
    return buf;
}
