/* store.c — opening the store for the CLI (SPEC.md §3, §3.1) through
 * persistence/store.h: the unit of work, its read model, and the bus bootstrapped
 * over them. */
#include "app/bootstrap.h"
#include "cli/cli.h"

AllotStatus cli_resolve_store(Cli *cli, ErrBuf *err)
{
    if (cli->store.where[0])
        return ALLOT_OK;
    return store_target(cli->db_arg, &cli->store, err);
}

AllotStatus cli_open_store(Cli *cli, ErrBuf *err)
{
    if (cli->uow)
        return ALLOT_OK;
    AllotStatus st = cli_resolve_store(cli, err);
    if (st == ALLOT_OK)
        st = store_open(&cli->store, cli->clock, &cli->uow, &cli->views, err);
    if (st != ALLOT_OK)
        return st;
    cli->bus = bootstrap(cli->uow, cli->notifier, cli->clock, cli->logger);
    return ALLOT_OK;
}

AllotStatus cli_open_reader(Cli *cli, ErrBuf *err)
{
    if (cli->views)
        return ALLOT_OK;
    AllotStatus st = cli_resolve_store(cli, err);
    if (st == ALLOT_OK)
        st = store_open_views(&cli->store, STORE_READ_ONLY, &cli->own_views, err);
    if (st == ALLOT_OK)
        cli->views = cli->own_views;
    return st;
}

void cli_close_store(Cli *cli)
{
    views_free(cli->own_views);
    cli->own_views = NULL;
    bus_free(cli->bus);
    uow_free(cli->uow);
    cli->bus = NULL;
    cli->uow = NULL;
    cli->views = NULL;
}
