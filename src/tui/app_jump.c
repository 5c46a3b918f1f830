/* app_jump.c — the prompt's own commands (complete.h TuiPromptCommand): `:order`,
 * `:batch`, `:sku` open that screen; `:export FILE` writes the list shown as CSV
 * (app_impl.h). */
#include <stdio.h>
#include <string.h>

#include "tui/app_impl.h"
#include "tui/complete.h"
#include "tui/screens/screens.h"

/* Whether query q has a row at all. */
static AllotStatus has_row(TuiSource *src, const TuiQuery *q, bool *found, ErrBuf *err)
{
    TuiRowVec rows = {0};
    AllotStatus st = src->ops->fetch(src, q, TF_FIRST, NULL, 1, &rows, err);
    *found = st == ALLOT_OK && rows.len > 0;
    tui_rows_fini(&rows);
    return st;
}

void app_jump(TuiApp *a, const TuiReaction *r)
{
    TuiSource *src = a->env.src;
    TuiQuery q = {.today = a->env.today};
    snprintf(q.arg, sizeof q.arg, "%.*s", (int)sizeof q.arg - 1, r->arg); /* an id: short */
    bool found = false;
    ErrBuf err = {{0}};
    AllotStatus st;
    TuiBatchInfo info;
    const char *what;
    switch (r->jump) {
    case TPC_ORDER:
        q.kind = TL_ORDER;
        st = has_row(src, &q, &found, &err);
        what = "order";
        break;
    case TPC_BATCH:
        st = src->ops->batch_info(src, r->arg, &info, &found, &err);
        what = "batch";
        break;
    default: /* a SKU exists with its first batch (SPEC.md §1.2 rule 2) */
        q.kind = TL_BATCHES;
        st = has_row(src, &q, &found, &err);
        what = "SKU";
        break;
    }
    if (st != ALLOT_OK) {
        app_say(a, true, "%s", err.msg);
        return;
    }
    if (!found) {
        app_say(a, true, "no %s %s%s", what, r->arg,
                r->jump == TPC_ORDER ? " (no line of it, allocated or waiting)" : "");
        return;
    }
    app_push(a, r->jump == TPC_ORDER   ? tui_view_order(&a->env, r->arg)
                : r->jump == TPC_BATCH ? tui_view_batch(&a->env, r->arg)
                                       : tui_view_batches(&a->env, r->arg));
}

/* ---- :export FILE ---- */

typedef struct ExportRun {
    const TuiCsvWriter *w;
    TuiCsvFile *f;
    size_t ncols;
    int64_t rows;
    AllotStatus st;
    ErrBuf *err;
} ExportRun;

static bool export_row(void *ctx, const TuiRow *row)
{
    ExportRun *x = ctx;
    const char *fields[TUI_MAX_COLS];
    for (size_t i = 0; i < x->ncols; i++)
        fields[i] = row->cells[i];
    x->st = x->w->row(x->f, fields, x->ncols, x->err);
    x->rows += x->st == ALLOT_OK;
    return x->st == ALLOT_OK;
}

void app_export(TuiApp *a, const char *path)
{
    TuiList *l = tui_view_list(app_top(a));
    const TuiCsvWriter *w = a->cfg.csv;
    if (!w) {
        app_say(a, true, "export is not available here: allot export writes the lists");
        return;
    }
    if (!l) {
        app_say(a, true, "this screen has no list to export");
        return;
    }
    const TuiKindInfo *k = tui_kind_info(l->q.kind);
    ErrBuf err = {{0}};
    ExportRun x = {.w = w, .ncols = k->ncolumns, .err = &err};
    const char *header[TUI_MAX_COLS];
    for (size_t i = 0; i < k->ncolumns; i++)
        header[i] = k->columns[i].title;
    AllotStatus st = w->open(w, path, &x.f, &err);
    if (st == ALLOT_OK)
        st = w->row(x.f, header, k->ncolumns, &err);
    if (st == ALLOT_OK) {
        st = tui_list_each(l, export_row, &x, &err);
        if (st == ALLOT_OK)
            st = x.st;
        if (st == ALLOT_OK)
            st = w->commit(x.f, &err);
        else
            w->abort(x.f);
    } else if (x.f) {
        w->abort(x.f);
    }
    if (st != ALLOT_OK) {
        app_say(a, true, "%s; nothing was written", err.msg);
        return;
    }
    char n[32], crumb[128] = "";
    if (l->q.filter[0])
        snprintf(crumb, sizeof crumb, ", filter \"%.80s\"", l->q.filter);
    char sort[64];
    app_say(a, false, "%s row%s of %s (sorted by %s%s) written to %s", tui_thousands(x.rows, n, sizeof n),
            x.rows == 1 ? "" : "s", k->title, tui_list_sort_name(l, sort, sizeof sort), crumb, path);
}
