/* store.c — opening the database for the CLI (SPEC.md §3): the SQLite unit of
 * work, its read model, and the bus bootstrapped over them. */
#include "app/bootstrap.h"
#include "cli/cli.h"
#include "persistence/sqlite_uow.h"

AllotStatus cli_open_store(Cli *cli, ErrBuf *err)
{
    if (cli->uow)
        return ALLOT_OK;
    AllotStatus st = sqlite_db_path(cli->db_arg, cli->db_path, sizeof cli->db_path, err);
    if (st != ALLOT_OK)
        return st;
    st = sqlite_uow_open(cli->db_path, cli->clock, &cli->uow, err);
    if (st != ALLOT_OK)
        return st;
    cli->views = sqlite_uow_views(cli->uow);
    cli->bus = bootstrap(cli->uow, cli->notifier, cli->clock, cli->logger);
    return ALLOT_OK;
}

AllotStatus cli_open_reader(Cli *cli, ErrBuf *err)
{
    if (cli->views)
        return ALLOT_OK;
    AllotStatus st = sqlite_db_path(cli->db_arg, cli->db_path, sizeof cli->db_path, err);
    if (st != ALLOT_OK)
        return st;
    st = sqlite_views_open_readonly(cli->db_path, &cli->own_views, err);
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
