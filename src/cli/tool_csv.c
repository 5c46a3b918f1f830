/* tool_csv.c — `allot csv FOLDER`, the book's CSV mode (SPEC.md §4): the same
 * handlers, through the bus, over the CSV-folder unit of work (csv_uow.h). */
#include <errno.h>
#include <string.h>

#include "app/bootstrap.h"
#include "cli/cli.h"
#include "cli/hook_notifier.h"
#include "persistence/csv_io.h"
#include "persistence/csv_uow.h"

/* What allocate_orders reads, where it prints, what it counts: read, allocated,
 * backordered, unchanged. */
typedef struct OrdersRun {
    FILE *fp, *out;
    const char *name; /* FOLDER/orders.csv, for messages */
    long counts[4];
} OrdersRun;

/* Allocates every row of orders.csv (bus_bulk's body: all rows or none). */
static AllotStatus allocate_orders(MessageBus *bus, void *ctx, ErrBuf *err)
{
    OrdersRun *run = ctx;
    FILE *fp = run->fp, *out = run->out;
    long *counts = run->counts;
    static const char *const cols[] = {"orderid", "sku", "qty", "need"};
    static const bool optional[] = {false, false, false, true};
    CsvReader *r;
    AllotStatus st = csv_reader_open(fp, run->name, cols, optional, 4, &r, err);
    CommandResult res;
    command_result_init(&res);
    while (st == ALLOT_OK) {
        const char *const *f;
        long line;
        bool done;
        if ((st = csv_reader_next(r, &f, &line, &done, err)) != ALLOT_OK || done)
            break;
        counts[0]++;
        AllotId orderid, sku;
        int64_t qty;
        int32_t need;
        ErrBuf e = {{0}};
        if ((st = validate_id(f[0], "orderid", orderid, &e)) != ALLOT_OK ||
            (st = validate_id(f[1], "sku", sku, &e)) != ALLOT_OK ||
            (st = validate_line_qty(f[2], &qty, &e)) != ALLOT_OK ||
            (st = validate_date(f[3], "need", &need, &e)) != ALLOT_OK) {
            st = err_set(err, st, "%s:%ld: %s", run->name, line, e.msg);
            break;
        }
        Command c = command_with_need(command_allocate(orderid, sku, qty), need, 0);
        event_vec_clear(&res.events);
        if ((st = bus_handle(bus, &c, &res, &e)) != ALLOT_OK) {
            st = err_set(err, st, "%s:%ld: %s", run->name, line, e.msg);
            break;
        }
        if (res.events.len == 0) {
            counts[3]++;
        } else if (res.batchref[0]) {
            counts[1]++;
        } else {
            counts[2]++;
            fprintf(out, "backordered %s %s %lld\n", orderid, sku, (long long)qty);
        }
    }
    command_result_fini(&res);
    if (r)
        csv_reader_free(r);
    return st;
}

AllotStatus tool_csv(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    const char *folder = pc->values[0];
    char path[4096];
    snprintf(path, sizeof path, "%s/orders.csv", folder);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return err_set(err, ALLOT_EIO, "%s: cannot open: %s", path, strerror(errno));
    UnitOfWork *uow;
    AllotStatus st = csv_uow_open(folder, &uow, err);
    if (st != ALLOT_OK) {
        fclose(fp);
        return st;
    }
    MessageBus *bus = bootstrap(uow, cli->notifier, cli->clock, cli->logger);
    OrdersRun run = {.fp = fp, .out = cli->out, .name = path};
    long *counts = run.counts;
    hook_notifier_hold(cli->hook);
    st = bus_bulk(bus, allocate_orders, &run, err);
    hook_notifier_release(cli->hook, st == ALLOT_OK);
    fclose(fp);
    if (st == ALLOT_OK) {
        size_t kept, appended;
        csv_uow_written(uow, &kept, &appended);
        fprintf(cli->out,
                "%s: %ld row%s read, %ld allocated, %ld backordered, %ld already "
                "allocated\n%s/allocations.csv: %zu line%s kept, %zu appended\n",
                path, counts[0], counts[0] == 1 ? "" : "s", counts[1], counts[2], counts[3],
                folder, kept, kept == 1 ? "" : "s", appended);
    } else {
        char msg[ALLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        err_set(err, st, "%s (nothing written)", msg);
    }
    bus_free(bus);
    uow_free(uow);
    return st;
}
