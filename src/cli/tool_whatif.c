/* tool_whatif.c — `allot whatif FILE [--csv]` (SPEC.md §4): FILE's commands (and
 * `import` lines) run in a what-if session (whatif/whatif.h) over the live store,
 * which is only read; then what would change is printed, as text or as CSV. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "whatif/whatif.h"
#include "cli/cli.h"
#include "cli/csv_import.h"
#include "cli/script.h"
#include "domain/xalloc.h"
#include "persistence/csv_io.h"
#ifdef ALLOT_HAVE_HELPDOC
#include "help/help_text.h"
#endif


/* Display columns of `s` on a terminal: wide characters count two, combining
 * marks none (the help renderer's table, help/help_text.h; without it, one per
 * character). */
static int cols(const char *s)
{
#ifdef ALLOT_HAVE_HELPDOC
    return help_text_width(s, strlen(s));
#else
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
#endif
}

static int width(const char *s, int w)
{
    int n = cols(s);
    return n > w ? n : w;
}

/* `s` left-aligned in `w` columns, then `gap` spaces. */
static void cell(FILE *out, const char *s, int w, int gap)
{
    int pad = w - cols(s) + gap;
    fprintf(out, "%s%*s", s, pad > 0 ? pad : 0, "");
}

/* "on time", "late 3 days", "at risk" (SPEC.md §1.4). */
static const char *late_text(int32_t late, bool at_risk, char *buf, size_t size)
{
    if (late > 0)
        snprintf(buf, size, "late %d day%s", (int)late, late == 1 ? "" : "s");
    else
        snprintf(buf, size, "%s", at_risk ? "at risk" : "on time");
    return buf;
}

/* The lines and orders whose lateness would change: per line, then per order with
 * its complete date (SPEC.md §1.4; issue 14 "whatif reports the lateness change"). */
static AllotStatus print_lateness(FILE *out, WhatIfSession *s, const WhatIfDiff *d, ErrBuf *err)
{
    char a[48], b[48], da[ALLOT_DATE_TEXT], db[ALLOT_DATE_TEXT];
    size_t nlines = 0;
    for (size_t i = 0; i < d->nlines; i++)
        nlines += line_diff_lateness_changed(&d->lines[i]);
    OrderChange *orders;
    size_t norders = 0;
    AllotStatus st = whatif_orders_of(s, d, &orders, &norders, err);
    size_t kept = 0;
    for (size_t i = 0; i < norders; i++) {
        const OrderChange *c = &orders[i];
        if (c->before.late != c->after.late || c->before.at_risk != c->after.at_risk ||
            c->before.complete != c->after.complete)
            orders[kept++] = *c;
    }
    norders = kept;
    if (st == ALLOT_OK && (nlines || norders)) {
        fprintf(out, "\nLateness that would change (%zu line%s, %zu order%s):\n", nlines,
                nlines == 1 ? "" : "s", norders, norders == 1 ? "" : "s");
        for (size_t i = 0; i < d->nlines; i++) {
            const LineDiff *l = &d->lines[i];
            if (!line_diff_lateness_changed(l))
                continue;
            fprintf(out, "  %s %s (need %s): %s → %s\n", l->orderid, l->sku,
                    date_format(l->need, da),
                    late_text(l->before_late.late, l->before_late.at_risk, a, sizeof a),
                    late_text(l->after_late.late, l->after_late.at_risk, b, sizeof b));
        }
        for (size_t i = 0; i < norders; i++) {
            const OrderChange *c = &orders[i];
            fprintf(out, "  order %s: %s → %s, complete %s → %s\n", c->orderid,
                    late_text(c->before.late, c->before.at_risk, a, sizeof a),
                    late_text(c->after.late, c->after.at_risk, b, sizeof b),
                    c->before.complete == ALLOT_NO_DATE ? "none" : date_format(c->before.complete, da),
                    c->after.complete == ALLOT_NO_DATE ? "none" : date_format(c->after.complete, db));
        }
    }
    free(orders);
    return st;
}

/* The sections of the text report, after its headline line: each starts with a
 * blank line, so one blank line stands between any two of them, whichever are
 * there. */
static void print_text(FILE *out, const WhatIfDiff *d)
{
    char b1[160], b2[160], b3[32], date1[ALLOT_DATE_TEXT], date2[ALLOT_DATE_TEXT];
    if (d->nlines == 0 && d->nbatches == 0 && d->events.len == 0) {
        fprintf(out, "\nNothing would change.\n");
        return;
    }
    if (d->nlines) {
        int wo = 7, ws = 3, wq = 3, wb = 6, wa = 5;
        for (size_t i = 0; i < d->nlines; i++) {
            const LineDiff *l = &d->lines[i];
            char q[24];
            snprintf(q, sizeof q, "%lld", (long long)l->qty);
            wo = width(l->orderid, wo);
            ws = width(l->sku, ws);
            wq = width(q, wq);
            wb = width(line_diff_place(l, false, b1, sizeof b1), wb);
            wa = width(line_diff_place(l, true, b2, sizeof b2), wa);
        }
        fprintf(out, "\nOrder lines that would change (%zu):\n", d->nlines);
        fprintf(out, "  %-*s  %-*s  %*s  %-*s  %-*s  %s\n", wo, "ORDERID", ws, "SKU", wq, "QTY", wb,
                "BEFORE", wa, "AFTER", "SLIP");
        for (size_t i = 0; i < d->nlines; i++) {
            const LineDiff *l = &d->lines[i];
            fputs("  ", out);
            cell(out, l->orderid, wo, 2);
            cell(out, l->sku, ws, 2);
            fprintf(out, "%*lld  ", wq, (long long)l->qty);
            cell(out, line_diff_place(l, false, b1, sizeof b1), wb, 2);
            cell(out, line_diff_place(l, true, b2, sizeof b2), wa, 2);
            fprintf(out, "%s\n", line_diff_slip(l, b3, sizeof b3));
        }
    }
    fprintf(out, "\nNew backorders (%zu)%s\n", d->new_backorders, d->new_backorders ? ":" : ".");
    for (size_t i = 0; i < d->nlines; i++) {
        const LineDiff *l = &d->lines[i];
        if (l->flags & LINE_NEW_BACKORDER)
            fprintf(out, "  %s %s ×%lld (%s)\n", l->orderid, l->sku, (long long)l->qty,
                    l->before_exists ? line_diff_place(l, false, b1, sizeof b1) : "new line");
    }
    fprintf(out, "\nFilled backorders (%zu)%s\n", d->filled_backorders,
            d->filled_backorders ? ":" : ".");
    for (size_t i = 0; i < d->nlines; i++) {
        const LineDiff *l = &d->lines[i];
        if (l->flags & LINE_FILLED_BACKORDER)
            fprintf(out, "  %s %s ×%lld → %s\n", l->orderid, l->sku, (long long)l->qty,
                    line_diff_place(l, true, b2, sizeof b2));
    }
    if (d->nbatches) {
        fprintf(out, "\nBatches that would change (%zu):\n", d->nbatches);
        for (size_t i = 0; i < d->nbatches; i++) {
            const BatchDiff *b = &d->batches[i];
            fprintf(out, "  %s %s:", b->ref, b->sku);
            const char *sep = " "; /* the parts of a batch's change, "; " between them */
            if (b->created) {
                fprintf(out, "%snew, qty %lld, ETA %s", sep, (long long)b->after_qty,
                        b->after_eta == ALLOT_NO_ETA ? "in warehouse"
                                                     : date_format(b->after_eta, date2));
                sep = "; ";
            }
            if (!b->created && b->before_qty != b->after_qty) {
                fprintf(out, "%sqty %lld → %lld", sep, (long long)b->before_qty,
                        (long long)b->after_qty);
                sep = "; ";
            }
            if (!b->created && b->before_eta != b->after_eta) {
                fprintf(out, "%sETA %s → %s (%+d days)", sep,
                        b->before_eta == ALLOT_NO_ETA ? "in warehouse"
                                                      : date_format(b->before_eta, date1),
                        b->after_eta == ALLOT_NO_ETA ? "in warehouse"
                                                     : date_format(b->after_eta, date2),
                        (int)b->slip_days);
                sep = "; ";
            }
            if (b->lines_moved_out) {
                fprintf(out, "%s%lld %s", sep, (long long)b->lines_moved_out,
                        b->lines_moved_out == 1 ? "line leaves" : "lines leave");
                sep = "; ";
            }
            if (b->lines_moved_in)
                fprintf(out, "%s%lld %s", sep, (long long)b->lines_moved_in,
                        b->lines_moved_in == 1 ? "line arrives" : "lines arrive");
            fputc('\n', out);
        }
    }
    fprintf(out, "\nEvents that would be raised (%zu)%s\n", d->events.len,
            d->events.len ? ":" : ".");
    for (size_t i = 0; i < d->events.len; i++) {
        char text[512];
        fprintf(out, "  %s\n", event_describe(&d->events.items[i], text, sizeof text));
    }
}

static AllotStatus print_csv(FILE *out, const WhatIfDiff *d, ErrBuf *err)
{
    static const char *const header[] = {"orderid", "sku", "qty", "before", "after"};
    AllotStatus st = csv_write_row(out, header, 5, err);
    for (size_t i = 0; st == ALLOT_OK && i < d->nlines; i++) {
        const LineDiff *l = &d->lines[i];
        if (!line_diff_place_changed(l))
            continue;
        char qty[24];
        snprintf(qty, sizeof qty, "%lld", (long long)l->qty);
        const char *before = !l->before_exists ? "" : l->before_batch[0] ? l->before_batch
                                                                          : "backorder";
        const char *after = !l->after_exists ? "" : l->after_batch[0] ? l->after_batch
                                                                       : "backorder";
        const char *row[] = {l->orderid, l->sku, qty, before, after};
        st = csv_write_row(out, row, 5, err);
    }
    return st;
}

AllotStatus cli_print_whatif(Cli *cli, WhatIfSession *s, const char *headline, bool as_csv,
                             ErrBuf *err)
{
    WhatIfDiff d;
    whatif_diff_init(&d);
    whatif_diff(s, &d);
    AllotStatus st;
    if (as_csv) {
        st = print_csv(cli->out, &d, err);
    } else {
        fprintf(cli->out, "%s\n", headline);
        print_text(cli->out, &d);
        /* The lateness asks the live read model once per order: inside one read
         * unit of work of the store (SQLite: its read model shares the connection,
         * so one snapshot and one transaction for all of them, not one each) */
        st = uow_begin_read(cli->uow, err);
        if (st == ALLOT_OK)
            st = print_lateness(cli->out, s, &d, err);
        uow_rollback(cli->uow);
    }
    whatif_diff_fini(&d);
    return st;
}

/* What the lines of a whatif file run on. */
typedef struct WhatIfRun {
    Cli *cli;
    WhatIfSession *s;
} WhatIfRun;

static AllotStatus whatif_step(void *ctx, const Command *cmd, ErrBuf *err)
{
    return whatif_run(((WhatIfRun *)ctx)->s, cmd, NULL, err);
}

/* `import KIND FILE` inside a whatif file: the import runs in the session, all of
 * it or (a bad row) none of it, as on live data (SPEC.md §4).  FILE is relative to
 * the current folder, as on the command line.  A refused file is one refused line:
 * its first bad row and how many there were. */
static AllotStatus whatif_tool(void *ctx, const ParsedCommand *pc, ErrBuf *err)
{
    WhatIfRun *run = ctx;
    ImportKind kind;
    if (pc->spec->tool != TOOL_IMPORT)
        return err_set(err, ALLOT_EUSAGE, "%s cannot run inside whatif (only add-batch, allocate, "
                       "cancel, change-qty, set-eta, import)", pc->spec->name);
    if (pc->values[2] || pc->values[3])
        return err_set(err, ALLOT_EUSAGE, "import: --dry-run and --csv have no place inside whatif "
                       "(it changes nothing already)");
    if (!import_kind_from_name(pc->values[0], &kind))
        return err_set(err, ALLOT_EUSAGE, "import: unknown kind %s", pc->values[0]);
    const char *path = pc->values[1];
    FILE *fp = fopen(path, "r");
    if (!fp)
        return err_set(err, ALLOT_EIO, "%s: cannot open: %s", path, strerror(errno));
    ImportSummary sum;
    AllotStatus st = csv_import(whatif_bus(run->s), whatif_views(run->s), kind, fp, path, false, 0, &sum,
                                err);
    fclose(fp);
    if (st != ALLOT_OK && sum.bad > 1) {
        ErrBuf first = *err;
        err_set(err, st, "%s (and %ld more bad row%s: the file is refused, as import would)",
                first.msg, sum.bad - 1, sum.bad == 2 ? "" : "s");
    } else if (st != ALLOT_OK && sum.bad == 1) {
        ErrBuf first = *err;
        err_set(err, st, "%s (the file is refused, as import would)", first.msg);
    }
    import_summary_fini(&sum);
    return st;
}

AllotStatus tool_whatif(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    const char *path = pc->values[0];
    bool as_csv = pc->values[1] != NULL;
    bool is_stdin = strcmp(path, "-") == 0;
    const char *shown = is_stdin ? "stdin" : path;
    FILE *fp = is_stdin ? stdin : fopen(path, "r");
    if (!fp)
        return err_set(err, ALLOT_EIO, "%s: cannot open: %s", path, strerror(errno));
    AllotStatus st = cli_open_store(cli, err);
    WhatIfSession *s = NULL;
    if (st == ALLOT_OK)
        st = whatif_new(cli->uow, cli->views, cli->clock, cli->logger, &s, err);
    if (st != ALLOT_OK) {
        if (!is_stdin)
            fclose(fp);
        return st;
    }
    ScriptReport rep;
    WhatIfRun run_ctx = {cli, s};
    st = script_run(fp, shown, "whatif", whatif_step, whatif_tool, &run_ctx, stderr, &rep, err);
    if (!is_stdin)
        fclose(fp);
    long run = rep.run, failed = rep.failed;
    if (st == ALLOT_OK && rep.fatal != ALLOT_OK) {
        cli->reported = true;
        st = rep.fatal;
    }
    if (st == ALLOT_OK) {
        char headline[ALLOT_ERR_MAX];
        snprintf(headline, sizeof headline, "whatif %s: %ld command%s run in a sandbox, %ld "
                 "refused; the live data is untouched.", shown, run, run == 1 ? "" : "s", failed);
        st = cli_print_whatif(cli, s, headline, as_csv, err);
    }
    whatif_discard(s);
    if (st == ALLOT_OK && failed) {
        cli->reported = true;
        st = ALLOT_EINVALID;
    }
    return st;
}

/* ---- undo (SPEC.md §1.6) ---- */

AllotStatus tool_undo(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    Command cmd = command_undo(pc->values[0] ? pc->nums[0] : 0);
    bool dry_run = pc->values[1] != NULL;
    AllotStatus st = cli_open_store(cli, err);
    if (st != ALLOT_OK)
        return st;
    CommandResult res;
    command_result_init(&res);
    if (dry_run) {
        WhatIfSession *s = NULL;
        st = whatif_new(cli->uow, cli->views, cli->clock, cli->logger, &s, err);
        if (st == ALLOT_OK)
            st = whatif_run(s, &cmd, &res, err);
        if (st == ALLOT_OK) {
            WhatIfDiff d;
            whatif_diff_init(&d);
            whatif_diff(s, &d);
            fprintf(cli->out, "undo of command %lld, in a sandbox; the live data is "
                    "untouched.\n", (long long)res.undone);
            print_text(cli->out, &d);
            st = print_lateness(cli->out, s, &d, err);
            whatif_diff_fini(&d);
        }
        whatif_discard(s);
    } else {
        st = bus_handle(cli->bus, &cmd, &res, err);
        if (st == ALLOT_OK) {
            fprintf(cli->out, "command %lld undone by command %lld:\n", (long long)res.undone,
                    (long long)res.command_id);
            for (size_t i = 0; i < res.events.len; i++) {
                char text[512];
                fprintf(cli->out, "  %s\n", event_describe(&res.events.items[i], text, sizeof text));
            }
        }
    }
    command_result_fini(&res);
    return st;
}
