/* main.c — the allot executable (SPEC.md §4): global options, then one command of
 * the command table (app/command_table.h), run by its bus handler or its tool. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/command_parse.h"
#include "cli/cli.h"
#include "cli/csv_import.h"
#include "cli/demo.h"
#include "cli/hook_notifier.h"
#include "version.h"
#ifdef ALLOT_HAVE_TUI
#include "tui/tui.h"
#endif

/* The host functions of the table's tools, indexed by ToolId. */
static const ToolFn tool_fns[TOOL_COUNT] = {
    [TOOL_IMPORT] = tool_import, [TOOL_EXPORT] = tool_export, [TOOL_EXEC] = tool_exec,
    [TOOL_EVENTS] = tool_events, [TOOL_WHATIF] = tool_whatif, [TOOL_CSV] = tool_csv,
    [TOOL_DEMO] = tool_demo,     [TOOL_HELP] = tool_help,     [TOOL_WHY] = tool_why,
    [TOOL_UNDO] = tool_undo,     [TOOL_SERVE] = tool_serve,   [TOOL_COPY] = tool_copy,
    [TOOL_ATP] = tool_atp,       [TOOL_PROMISE] = tool_promise,
};

#define HOOK_TIMEOUT_MS 2000

/* A command ended by signal N exits with status 128 + N (SPEC.md §4), erasing an
 * import's progress line first.  Nothing else needs undoing: an open transaction
 * dies with the process (SQLite never saw its commit), an export's new file has
 * no name yet (csv_atomic_open), hooks already started run on in their own
 * process groups. */
static void on_signal(int sig)
{
    csv_import_progress_erase();
    _exit(128 + sig);
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction old;
        /* a signal the caller ignores (nohup, a shell's background job) stays ignored */
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[k], &sa, NULL);
    }
}

#ifdef ALLOT_HAVE_TUI
/* The notify hook under the terminal UI: failures to the status line, output to
 * its log (tui.h). */
static void notify_attach(void *hook, Logger *logger)
{
    hook_notifier_set_logger(hook, logger ? logger : logger_stderr());
}

static void notify_poll(void *hook) { hook_notifier_poll(hook); }
#endif

static int usage_error(const char *msg)
{
    fprintf(stderr, "allot: %s (try allot --help)\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    Cli cli = {.out = stdout, .clock = clock_system(), .logger = logger_stderr()};
    const char *notify_arg = NULL;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--db") == 0 || strcmp(a, "--notify") == 0) {
            if (i + 1 >= argc) {
                char msg[64];
                snprintf(msg, sizeof msg, "option %s needs a value", a);
                return usage_error(msg);
            }
            if (a[2] == 'd')
                cli.db_arg = argv[++i];
            else
                notify_arg = argv[++i];
        } else if (strncmp(a, "--db=", 5) == 0) {
            cli.db_arg = a + 5;
        } else if (strncmp(a, "--notify=", 9) == 0) {
            notify_arg = a + 9;
        } else if (strcmp(a, "--version") == 0) {
            printf("allot %s\n", ALLOT_VERSION);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help(stdout);
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            char msg[ERR_VALUE_SIZE + 32], vb[ERR_VALUE_SIZE];
            snprintf(msg, sizeof msg, "unknown option %s", err_value_str(a, vb, sizeof vb));
            return usage_error(msg);
        } else {
            break;
        }
    }
    if (cli.db_arg && !cli.db_arg[0])
        return usage_error("--db needs a path or a postgresql:// URI");

    ParsedCommand pc;
    ErrBuf err = {{0}};
    AllotStatus st = ALLOT_OK;
    if (i < argc) {
        st = command_parse_argv(argc - i, argv + i, &pc, &err);
        if (st != ALLOT_OK) {
            fprintf(stderr, "allot: %s\n", err.msg);
            return allot_status_exit_code(st);
        }
    }

    char *conf_notify = notify_arg ? NULL : config_notify_command();
    const char *notify = notify_arg ? notify_arg : conf_notify;
    if (notify && notify[0])
        cli.hook = hook_notifier_new(notify, HOOK_TIMEOUT_MS, cli.clock, cli.logger);
    cli.notifier = cli.hook ? cli.hook : notifier_none();

    int tui_status = -1;
    if (i >= argc) {
#ifdef ALLOT_HAVE_TUI
        /* `allot` alone opens the terminal UI (SPEC.md §4, §5). */
        st = cli_resolve_store(&cli, &err);
        if (st == ALLOT_OK) {
            TuiOptions opts = {.db_path = cli.store.where, .notifier = cli.notifier,
                               .load_demo = demo_load};
            char log_path[4096];
            if (cli.hook) {
                ErrBuf lerr = {{0}};
                if (hook_notifier_log_path(log_path, sizeof log_path) &&
                    hook_notifier_log_to(cli.hook, log_path, &lerr) == ALLOT_OK)
                    opts.notify_log = log_path;
                else /* never onto the screen */
                    hook_notifier_log_to(cli.hook, "/dev/null", &lerr);
                opts.notify_attach = notify_attach;
                opts.notify_poll = notify_poll;
                opts.notify_ctx = cli.hook;
            }
            tui_status = tui_run(&opts);
        }
#else
        /* Built without the terminal UI: a summary of the database instead. */
        st = cli_print_summary(&cli, &err);
#endif
    } else if (command_is_bus(pc.spec)) {
        catch_signals();
        st = cli_run_bus_command(&cli, &pc, &err);
    } else {
        catch_signals();
        st = tool_fns[pc.spec->tool](&cli, &pc, &err);
    }

    cli_close_store(&cli);
    hook_notifier_free(cli.hook);
    free(conf_notify);
    if (st != ALLOT_OK && !cli.reported)
        fprintf(stderr, "allot: %s\n", err_text(&err, st));
    if (fflush(stdout) != 0 && st == ALLOT_OK) {
        fprintf(stderr, "allot: cannot write the output\n");
        return 3;
    }
    return tui_status >= 0 ? tui_status : allot_status_exit_code(st);
}
