/* tool_serve.c — `allot serve` (SPEC.md §7): the store factory of src/net/serve.h
 * over the one store module (persistence/store.h), and the options of the command
 * table, each of which the environment may give instead (docs/operate.md: the
 * systemd unit reads them from /etc/default/allot). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "net/serve.h"
#include "persistence/store.h"

typedef struct CliServeStores {
    ServeStores base;
    const StoreTarget *target;
    atomic_bool opened; /* the first open is done: later ones create nothing */
} CliServeStores;

static const StoreTarget *target_of(ServeStores *s) { return ((CliServeStores *)s)->target; }

/* As the command line: only the first open (serve_run's, at start) creates the
 * store; a worker's open later, on its thread's first request or after a storage
 * error, needs it there, so a database file moved away is a storage error (503)
 * and never a new empty database. */
static AllotStatus cli_serve_open(ServeStores *s, UnitOfWork **uow, Views **views, ErrBuf *err)
{
    CliServeStores *c = (CliServeStores *)s;
    if (atomic_load(&c->opened))
        return store_reopen(c->target, s->clock, uow, views, err);
    AllotStatus st = store_open(c->target, s->clock, uow, views, err);
    if (st == ALLOT_OK)
        atomic_store(&c->opened, true);
    return st;
}

static void cli_serve_close(ServeStores *s, UnitOfWork *uow, Views *views)
{
    (void)s, (void)views; /* the views are the unit of work's (store_open) */
    uow_free(uow);
}

static AllotStatus cli_serve_open_relay(ServeStores *s, RelayStore **out, ErrBuf *err)
{
    return store_open_relay(target_of(s), out, err);
}

static AllotStatus cli_serve_follow(ServeStores *s, const FollowStart *start, EventFollower **out,
                                    ErrBuf *err)
{
    return store_follow(target_of(s), start, out, err);
}

/* A read-only connection of its own, and the newest event id through it. */
static AllotStatus cli_serve_check(ServeStores *s, ErrBuf *err)
{
    Views *v;
    AllotStatus st = store_open_views(target_of(s), STORE_READ_ONLY, &v, err);
    if (st != ALLOT_OK)
        return st;
    int64_t id;
    st = views_latest_event_id(v, &id, err);
    views_free(v);
    return st;
}

static const ServeStoresOps cli_serve_ops = {
    .open = cli_serve_open,
    .close = cli_serve_close,
    .open_relay = cli_serve_open_relay,
    .follow = cli_serve_follow,
    .check = cli_serve_check,
};

/* The options of `serve` in the order of the command table, and the variable that
 * stands in for each when it is not given. */
static const char *const option_env[] = {"ALLOT_LISTEN", "ALLOT_REDIS", "ALLOT_TOKEN_FILE",
                                         "ALLOT_LOG_LEVEL"};

/* values[i] = the option given, else its variable when set and not empty, checked as
 * the command line checks the option.  Errors: ALLOT_EUSAGE naming the variable. */
static AllotStatus serve_options(const ParsedCommand *pc, const char *values[], ErrBuf *err)
{
    for (size_t i = 0; i < sizeof option_env / sizeof option_env[0]; i++) {
        values[i] = pc->values[i];
        const char *env = getenv(option_env[i]);
        if (values[i] || !env || !env[0])
            continue;
        char *argv[] = {"serve", (char *)pc->spec->args[i].option, (char *)env, NULL};
        ParsedCommand check;
        ErrBuf why = {{0}};
        if (command_parse_argv(3, argv, &check, &why) != ALLOT_OK)
            return err_set(err, ALLOT_EUSAGE, "%s: %s", option_env[i], why.msg);
        values[i] = env;
    }
    return ALLOT_OK;
}

AllotStatus tool_serve(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    const char *values[sizeof option_env / sizeof option_env[0]];
    AllotStatus st = serve_options(pc, values, err);
    if (st != ALLOT_OK)
        return st;
    st = cli_resolve_store(cli, err);
    if (st != ALLOT_OK)
        return st;
    CliServeStores stores = {
        .base = {.ops = &cli_serve_ops,
                 .kind = cli->store.kind == STORE_POSTGRES ? "postgresql" : "sqlite",
                 .where = cli->store.label,
                 .one_writer = cli->store.kind == STORE_SQLITE,
                 .notifier = cli->notifier,
                 .clock = cli->clock,
                 .logger = cli->logger},
        .target = &cli->store,
    };
    ServeOptions opts = {
        .listen = values[0],
        .redis = values[1],
        .token_file = values[2],
        .log_level = values[3],
        .token_env = getenv("ALLOT_API_TOKEN"),
    };
    return serve_run(&opts, &stores.base, err);
}
