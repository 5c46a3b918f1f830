/* tool_serve.c — `allot serve` (SPEC.md §7): the store factory of src/net/serve.h
 * over the SQLite store, and the options of the command table. */
#include <stdlib.h>

#include "cli/cli.h"
#include "net/serve.h"
#include "persistence/sqlite_uow.h"

typedef struct SqliteServeStores {
    ServeStores base;
    const char *path;
} SqliteServeStores;

static AllotStatus sqlite_open(ServeStores *s, UnitOfWork **uow, Views **views, ErrBuf *err)
{
    SqliteServeStores *ss = (SqliteServeStores *)s;
    AllotStatus st = sqlite_uow_open(ss->path, s->clock, uow, err);
    if (st == ALLOT_OK)
        *views = sqlite_uow_views(*uow);
    return st;
}

static void sqlite_close(ServeStores *s, UnitOfWork *uow, Views *views)
{
    (void)s, (void)views; /* the views are the unit of work's */
    uow_free(uow);
}

static AllotStatus sqlite_open_relay(ServeStores *s, RelayStore **out, ErrBuf *err)
{
    return sqlite_relay_open(((SqliteServeStores *)s)->path, out, err);
}

static const ServeStoresOps sqlite_serve_ops = {
    .open = sqlite_open,
    .close = sqlite_close,
    .open_relay = sqlite_open_relay,
};

AllotStatus tool_serve(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    AllotStatus st = sqlite_db_path(cli->db_arg, cli->db_path, sizeof cli->db_path, err);
    if (st != ALLOT_OK)
        return st;
    SqliteServeStores stores = {
        .base = {.ops = &sqlite_serve_ops, .kind = "sqlite", .where = cli->db_path,
                 .notifier = cli->notifier, .clock = cli->clock, .logger = cli->logger},
        .path = cli->db_path,
    };
    ServeOptions opts = {
        .listen = pc->values[0],
        .redis = pc->values[1],
        .token_file = pc->values[2],
        .token_env = getenv("ALLOT_API_TOKEN"),
    };
    return serve_run(&opts, &stores.base, err);
}
