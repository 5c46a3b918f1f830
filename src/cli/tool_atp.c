/* tool_atp.c — `allot atp SKU [--csv]` and `allot promise SKU QTY` (SPEC.md §1.5, §4):
 * read through the store's repository (app/atp_query.h); nothing changes. */
#include <string.h>

#include "app/atp_query.h"
#include "cli/cli.h"
#include "persistence/csv_io.h"

static int32_t today_of(Cli *cli) { return date_from_unix(cli->clock->now(cli->clock)); }

static const char *date_or_none(int32_t d, char out[ALLOT_DATE_TEXT])
{
    if (d == ALLOT_NO_DATE)
        snprintf(out, ALLOT_DATE_TEXT, "none");
    else
        date_format(d, out);
    return out;
}

AllotStatus tool_atp(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    AllotId sku;
    ErrBuf e;
    validate_id(pc->values[0], "sku", sku, &e);
    bool as_csv = pc->values[1] != NULL;
    AllotStatus st = cli_open_store(cli, err);
    if (st != ALLOT_OK)
        return st;
    int32_t today = today_of(cli);
    AtpTimeline t;
    if ((st = query_atp(cli->uow, sku, today, &t, err)) != ALLOT_OK)
        return st;
    char d[ALLOT_DATE_TEXT];
    if (as_csv) {
        static const char *const h[] = {"date", "batches", "arriving", "allocated", "free",
                                        "projected"};
        st = csv_write_row(cli->out, h, 6, err);
        for (size_t i = 0; st == ALLOT_OK && i < t.nrows; i++) {
            const AtpRow *r = &t.rows[i];
            char n[4][24], nb[24];
            snprintf(nb, sizeof nb, "%zu", r->nbatches);
            snprintf(n[0], 24, "%lld", (long long)r->arriving);
            snprintf(n[1], 24, "%lld", (long long)r->allocated);
            snprintf(n[2], 24, "%lld", (long long)r->free);
            snprintf(n[3], 24, "%lld", (long long)r->projected);
            const char *f[] = {date_format(r->date, d), nb, n[0], n[1], n[2], n[3]};
            st = csv_write_row(cli->out, f, 6, err);
        }
    } else {
        fprintf(cli->out, "Available to promise, %s, from today %s:\n", sku, date_format(today, d));
        if (t.nrows == 0)
            fprintf(cli->out, "  no batches\n");
        else
            fprintf(cli->out, "  %-10s  %9s  %9s  %9s  %9s  %s\n", "DATE", "ARRIVING", "ALLOCATED",
                    "FREE", "PROJECTED", "BATCHES");
        for (size_t i = 0; i < t.nrows; i++) {
            const AtpRow *r = &t.rows[i];
            char batches[ALLOT_ID_MAX + 32];
            if (r->nbatches == 1)
                snprintf(batches, sizeof batches, "%s", r->first_ref);
            else
                snprintf(batches, sizeof batches, "%s and %zu more", r->first_ref, r->nbatches - 1);
            fprintf(cli->out, "  %-10s  %9lld  %9lld  %9lld  %9lld  %s%s\n", date_format(r->date, d),
                    (long long)r->arriving, (long long)r->allocated, (long long)r->free,
                    (long long)r->projected, batches, i == 0 && r->date == today ? " (on hand)" : "");
        }
        fprintf(cli->out, "Backorders: %lld line%s, %lld units waiting\n", (long long)t.backorder_lines,
                t.backorder_lines == 1 ? "" : "s", (long long)t.backorder_qty);
    }
    atp_fini(&t);
    return st;
}

AllotStatus tool_promise(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    AllotId sku;
    ErrBuf e;
    validate_id(pc->values[0], "sku", sku, &e);
    int64_t qty = pc->nums[1];
    AllotStatus st = cli_open_store(cli, err);
    if (st != ALLOT_OK)
        return st;
    Promise pr;
    if ((st = query_promise(cli->uow, sku, qty, today_of(cli), &pr, err)) != ALLOT_OK)
        return st;
    char d[ALLOT_DATE_TEXT];
    if (pr.batchref[0])
        fprintf(cli->out, "%s %s\n", pr.batchref, date_format(pr.promised, d));
    else if (pr.could_ref[0])
        fprintf(cli->out, "backordered: no batch has room for %lld now; the earliest batch large "
                "enough is %s (%s), with %lld free\n", (long long)qty, pr.could_ref,
                date_or_none(pr.could_date, d), (long long)pr.could_free);
    else
        fprintf(cli->out, "backordered: no batch of %s, existing or announced, can hold %lld\n",
                sku, (long long)qty);
    return ALLOT_OK;
}
