/* tools.c — the thin subcommands that need no read model: running bus commands,
 * import, exec and help (SPEC.md §4); whatif is in tool_whatif.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/script.h"
#include "cli/csv_import.h"
#include "cli/hook_notifier.h"
#include "cli/line_moves.h"
#include "whatif/whatif.h"
#include "version.h"
#ifdef ALLOT_HAVE_HELPDOC
#include "help/help_pages.h"
#include "help/help_print.h"
#endif

/* The order lines a stock command moved, each once for where it ended, in the
 * order they first moved (SPEC.md §4): "o2 LAMP ×3 B1 → B2", "o3 LAMP ×3 B1 →
 * backorder", "o5 LAMP ×2 backorder → B1". */
static void print_moves(FILE *out, const EventVec *events)
{
    LineMoves m;
    line_moves_init(&m);
    for (size_t i = 0; i < events->len; i++)
        line_moves_note(&m, &events->items[i]);
    for (size_t i = 0; i < m.n; i++) {
        LineMove mv;
        if (line_moves_at(&m, i, &mv))
            fprintf(out, "%s %s ×%lld %s → %s\n", mv.orderid, mv.sku, (long long)mv.qty,
                    mv.from ? mv.from : "backorder", mv.to ? mv.to : "backorder");
    }
    line_moves_fini(&m);
}

/* The index of the --quiet flag of a bus command's spec, or -1. */
static int quiet_index(const CommandSpec *spec)
{
    for (size_t i = 0; i < spec->nargs; i++)
        if (spec->args[i].option && strcmp(spec->args[i].option, "--quiet") == 0)
            return (int)i;
    return -1;
}

AllotStatus cli_run_bus_command(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    AllotStatus st = cli_open_store(cli, err);
    if (st != ALLOT_OK)
        return st;
    int q = quiet_index(pc->spec);
    bool quiet = q >= 0 && pc->values[q];
    CommandResult res;
    command_result_init(&res);
    st = bus_handle(cli->bus, &pc->cmd, &res, err);
    if (st == ALLOT_OK && !quiet) {
        if (pc->cmd.type == CMD_ALLOCATE) /* its own line is new, not moved */
            fprintf(cli->out, "%s\n", res.batchref[0] ? res.batchref : "backordered");
        else
            print_moves(cli->out, &res.events);
    }
    command_result_fini(&res);
    return st;
}

/* After an import: the summary on stdout; or, for a refused file, every bad row
 * kept (the first IMPORT_PROBLEMS_KEPT, then how many more) and what became of
 * the file, on stderr; or the error of the file or the store that stopped it. */
static void import_report(Cli *cli, const ImportSummary *sum, ImportKind kind, const char *path,
                          AllotStatus st, const ErrBuf *err)
{
    char text[320];
    import_summary_text(sum, kind, text, sizeof text);
    if (st == ALLOT_OK) {
        fprintf(cli->out, "%s: %s\n", path, text);
        return;
    }
    for (size_t i = 0; i < sum->nproblems; i++)
        fprintf(stderr, "allot: %s\n", sum->problems[i].msg);
    if (sum->bad > (long)sum->nproblems)
        fprintf(stderr, "allot: %s: and %ld more bad row%s\n", path,
                sum->bad - (long)sum->nproblems, sum->bad - (long)sum->nproblems == 1 ? "" : "s");
    if (allot_status_exit_code(st) == 3) { /* the file or the store failed, not a row */
        fprintf(stderr, "allot: %s\n", err->msg);
        if (sum->read)
            fprintf(stderr, "allot: %s: not imported, nothing changed (%ld row%s read)\n", path,
                    sum->read, sum->read == 1 ? "" : "s");
        else
            fprintf(stderr, "allot: %s: not imported, nothing changed\n", path);
    } else {
        if (!sum->nproblems) /* the file itself: no header, a missing column */
            fprintf(stderr, "allot: %s\n", err->msg);
        fprintf(stderr, "allot: %s: %s; the file was refused, nothing changed\n", path, text);
    }
    cli->reported = true;
}

AllotStatus tool_import(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    ImportKind kind;
    if (!import_kind_from_name(pc->values[0], &kind))
        return err_set(err, ALLOT_EUSAGE, "import: unknown kind %s", pc->values[0]);
    const char *path = pc->values[1];
    bool dry_run = pc->values[2] != NULL, as_csv = pc->values[3] != NULL;
    if (as_csv && !dry_run)
        return err_set(err, ALLOT_EUSAGE, "import: --csv goes with --dry-run (the what-if report)");
    FILE *fp = fopen(path, "r");
    if (!fp)
        return err_set(err, ALLOT_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    unsigned long long total = fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode)
                                   ? (unsigned long long)sb.st_size
                                   : 0;
    /* A dry run only reads the store: it creates none */
    AllotStatus st = dry_run ? cli_resolve_store(cli, err) : ALLOT_OK;
    if (st == ALLOT_OK && dry_run && store_is_missing(&cli->store))
        st = err_set(err, ALLOT_ESTORAGE,
                     "no database at %s: a dry run reads the store, it creates none (the import "
                     "itself would create it)", cli->store.label);
    if (st == ALLOT_OK)
        st = cli_open_store(cli, err);
    /* A dry run imports into a what-if session over the store, which is only read. */
    WhatIfSession *s = NULL;
    if (st == ALLOT_OK && dry_run)
        st = whatif_new(cli->uow, cli->views, cli->clock, cli->logger, &s, err);
    if (st != ALLOT_OK) {
        fclose(fp);
        return st;
    }
    ImportSummary sum;
    hook_notifier_hold(cli->hook);
    /* the store's write phase on the progress line (a dry run writes nothing) */
    static const BulkWriteNotice writing = {csv_import_progress_writing, NULL};
    if (!dry_run)
        store_set_write_notice(&cli->store, cli->uow, &writing);
    st = csv_import(dry_run ? whatif_bus(s) : cli->bus, dry_run ? whatif_views(s) : cli->views,
                    kind, fp, path, isatty(STDERR_FILENO), total, &sum, err);
    if (!dry_run)
        store_set_write_notice(&cli->store, cli->uow, NULL);
    hook_notifier_release(cli->hook, st == ALLOT_OK && !dry_run);
    fclose(fp);
    if (st == ALLOT_OK && dry_run) {
        char text[320], headline[ALLOT_ERR_MAX];
        import_summary_text(&sum, kind, text, sizeof text);
        snprintf(headline, sizeof headline, "import --dry-run %s: %s; nothing was changed.", path,
                 text);
        st = cli_print_whatif(cli, s, headline, as_csv, err);
    } else {
        import_report(cli, &sum, kind, path, st, err);
    }
    whatif_discard(s);
    import_summary_fini(&sum);
    return st;
}

static AllotStatus exec_step(void *ctx, const Command *cmd, ErrBuf *err)
{
    return bus_handle(((Cli *)ctx)->bus, cmd, NULL, err);
}

AllotStatus tool_exec(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    const char *path = pc->values[0];
    bool is_stdin = strcmp(path, "-") == 0;
    const char *shown = is_stdin ? "stdin" : path;
    FILE *fp = is_stdin ? stdin : fopen(path, "r");
    if (!fp)
        return err_set(err, ALLOT_EIO, "%s: cannot open: %s", path, strerror(errno));
    AllotStatus st = cli_open_store(cli, err);
    if (st != ALLOT_OK) {
        if (!is_stdin)
            fclose(fp);
        return st;
    }
    ScriptReport rep;
    st = script_run(fp, shown, "exec", exec_step, NULL, cli, stderr, &rep, err);
    if (!is_stdin)
        fclose(fp);
    if (st != ALLOT_OK)
        return st;
    if (rep.fatal != ALLOT_OK) {
        cli->reported = true;
        return rep.fatal;
    }
    if (rep.failed) {
        cli->reported = true;
        return ALLOT_EINVALID;
    }
    return ALLOT_OK;
}

void cli_print_help(FILE *out)
{
    fprintf(out,
            "allot %s — allocation of order lines to stock batches\n"
            "\n"
            "usage: allot [--db PATH] [--notify COMMAND] [COMMAND [ARGS...]]\n"
            "       allot --version | --help\n"
            "\n"
            "Without a command allot opens the terminal UI.\n"
            "\n"
            "commands:\n",
            ALLOT_VERSION);
    /* Summaries line up after the usages that fit in HELP_USAGE_MAX columns; a
     * longer usage has its summary on the next line, at the same column. */
    enum { HELP_USAGE_MAX = 44 };
    size_t width = 0;
    char usage[160];
    for (size_t i = 0; i < command_table_count(); i++) {
        size_t w = strlen(command_usage(command_table_at(i), usage, sizeof usage));
        width = w > width && w <= HELP_USAGE_MAX ? w : width;
    }
    for (size_t i = 0; i < command_table_count(); i++) {
        const CommandSpec *s = command_table_at(i);
        command_usage(s, usage, sizeof usage);
        if (strlen(usage) > width)
            fprintf(out, "  %s\n  %-*s  %s\n", usage, (int)width, "", s->summary);
        else
            fprintf(out, "  %-*s  %s\n", (int)width, usage, s->summary);
    }
    fprintf(out,
            "\n"
            "options:\n"
            "  --db PATH         the database (default $ALLOT_DB, else\n"
            "                    $XDG_DATA_HOME/allot/allot.db or ~/.local/share/allot/allot.db)\n"
            "  --notify COMMAND  run COMMAND with each OutOfStock event as JSON on stdin\n"
            "                    (default: notify = COMMAND in $XDG_CONFIG_HOME/allot/allot.conf)\n"
            "  --version         print the version\n"
            "  --help            print this help\n"
            "\n"
            "Arguments with spaces go in double quotes; `allot help COMMAND` explains one.\n"
            "Exit status: 0 ok, 1 refused, 2 usage, 3 storage error.\n");
#ifdef ALLOT_HAVE_HELPDOC
    fprintf(out, "\nhelp topics (allot help TOPIC):");
    for (size_t i = 0; i < help_pages_count; i++)
        fprintf(out, " %s", help_pages[i].name);
    fprintf(out, "\n");
#endif
}

AllotStatus tool_help(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    const char *topic = pc->values[0];
    if (!topic) {
        cli_print_help(cli->out);
        return ALLOT_OK;
    }
    const CommandSpec *s = command_lookup(topic);
    if (s) {
        char usage[160];
        fprintf(cli->out, "usage: allot %s\n\n%s\n\n%s", command_usage(s, usage, sizeof usage),
                s->summary, s->help);
    }
#ifdef ALLOT_HAVE_HELPDOC
    /* The help pages (assets/help): a page, or the command's section of "commands". */
    if (s)
        fputc('\n', cli->out);
    ErrBuf e = {{0}};
    AllotStatus st = help_print(topic, cli->out, help_output_width(cli->out), &e);
    if (st != ALLOT_OK && !(s && st == ALLOT_EUSAGE))
        return err_set(err, st, "%s", e.msg);
    return ALLOT_OK;
#else
    char vb[ERR_VALUE_SIZE];
    if (!s)
        return err_set(err, ALLOT_EUSAGE, "help: no command \"%s\" (try allot help)",
                       err_value_str(topic, vb, sizeof vb));
    return ALLOT_OK;
#endif
}
