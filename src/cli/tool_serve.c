/* tool_serve.c — `allot serve` (SPEC.md §7): the store factory of src/net/serve.h
 * over the one store module (persistence/store.h), and the options of the command
 * table. */
#include <stdlib.h>

#include "cli/cli.h"
#include "net/serve.h"
#include "persistence/store.h"

typedef struct CliServeStores {
    ServeStores base;
    const StoreTarget *target;
} CliServeStores;

static const StoreTarget *target_of(ServeStores *s) { return ((CliServeStores *)s)->target; }

static AllotStatus cli_serve_open(ServeStores *s, UnitOfWork **uow, Views **views, ErrBuf *err)
{
    return store_open(target_of(s), s->clock, uow, views, err);
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

static const ServeStoresOps cli_serve_ops = {
    .open = cli_serve_open,
    .close = cli_serve_close,
    .open_relay = cli_serve_open_relay,
    .follow = cli_serve_follow,
};

AllotStatus tool_serve(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    AllotStatus st = cli_resolve_store(cli, err);
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
        .listen = pc->values[0],
        .redis = pc->values[1],
        .token_file = pc->values[2],
        .token_env = getenv("ALLOT_API_TOKEN"),
    };
    return serve_run(&opts, &stores.base, err);
}
