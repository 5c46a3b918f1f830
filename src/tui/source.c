/* source.c — the parts of the TUI's read-model interface shared by every source:
 * the columns and sort orders of each list, and the row and feed vectors. */
#include "tui/source.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

/* {title, keep, right, min, order, desc}: a number column is sized to its values and
 * never cut (keep 0); a text column as wide as its widest value on screen, and when
 * the table is too wide it gives up room down to `min`, those of the lowest `keep`
 * first (1 details, 2 words and dates, 3 what names the row: SKU, REF, ORDER, BATCH);
 * `order` names the spec order the column sorts by (NULL: not offered, docs/tui.md
 * "Sorting"), `desc` its first direction (the worst first). */
static const TuiColumn products_cols[] = {
    {"SKU", 3, false, 10, "sku", false},
    {"QTY", 0, true, 4, "qty", true},
    {"ALLOC", 0, true, 4, "allocated", true},
    {"AVAIL", 0, true, 4, "available", false},
    {"SHORT", 0, true, 4, "backorder_qty", true},
    {"BACKORD", 0, true, 4, "backorders", true},
    {"BATCHES", 0, true, 4, "batches", true},
    {"NEXT ETA", 2, false, 10, "next_eta", false},
    {"STATE", 2, false, 5, "backorders", true},
};
static const TuiColumn short_cols[] = {
    {"SKU", 3, false, 8, "sku", false},          {"LINES", 0, true, 4, "backorders", true},
    {"SHORT", 0, true, 4, "backorder_qty", true}, {"AVAIL", 0, true, 4, "available", false},
    {"STATE", 2, false, 5, NULL, false},
};
static const TuiColumn batches_cols[] = {
    {"REF", 3, false, 8, "ref", false},  {"SKU", 3, false, 8, "preference", false},
    {"QTY", 0, true, 5, "qty", true},     {"ALLOC", 0, true, 5, NULL, false},
    {"AVAIL", 0, true, 5, NULL, false},   {"ETA", 2, false, 10, "eta", false},
    {"STATE", 2, false, 4, NULL, false},
};
/* shipments due within 14 days / overdue: the ETA without its year ("12-24") */
static const TuiColumn due_cols[] = {
    {"REF", 3, false, 6, "ref", false}, {"SKU", 3, false, 6, "preference", false},
    {"QTY", 0, true, 3, "qty", true},    {"ETA", 2, false, 5, "eta", false},
    {"IN", 2, false, 6, "eta", false},
};
static const TuiColumn overdue_cols[] = {
    {"REF", 3, false, 6, "ref", false}, {"SKU", 3, false, 6, "preference", false},
    {"QTY", 0, true, 3, "qty", true},    {"ETA", 2, false, 5, "eta", false},
    {"LATE BY", 2, false, 7, "eta", false},
};
/* Lines carry their need date and lateness (SPEC.md §1.4): LATE reads "12d", "at
 * risk" or nothing; an order's lines also their promised date. */
static const TuiColumn lines_cols[] = {
    {"ORDER", 3, false, 8, "orderid", false}, {"SKU", 3, false, 8, NULL, false},
    {"QTY", 0, true, 5, "qty", true},          {"LATE", 0, true, 4, NULL, false},
    {"NEED", 2, false, 10, NULL, false},      {"BATCH", 1, false, 8, NULL, false},
};
static const TuiColumn order_cols[] = {
    {"SKU", 3, false, 8, "sku", false},         {"QTY", 0, true, 5, "qty", true},
    {"BATCH", 3, false, 8, "batch", false},     {"PROMISED", 2, false, 10, NULL, false},
    {"NEED", 2, false, 10, NULL, false},        {"LATE", 0, true, 4, NULL, false},
    {"STATE", 2, false, 9, "batch", false},
};
static const TuiColumn backorders_cols[] = {
    {"ORDER", 3, false, 8, "orderid", false}, {"SKU", 3, false, 8, "oldest_of_sku", false},
    {"QTY", 0, true, 4, "qty", true},          {"LATE", 0, true, 4, NULL, false},
    {"NEED", 2, false, 10, NULL, false},      {"STATE", 1, false, 9, NULL, false},
};
/* the late lines, worst first (Triage's half-width panel): dates without their year */
static const TuiColumn late_cols[] = {
    {"ORDER", 3, false, 6, NULL, false}, {"SKU", 3, false, 6, NULL, false},
    {"LATE", 0, true, 4, "worst", false}, {"NEED", 2, false, 5, NULL, false},
    {"PROMISED", 2, false, 8, NULL, false},
};
/* the availability timeline of a SKU (SPEC.md §1.5) */
static const TuiColumn atp_cols[] = {
    {"DATE", 2, false, 10, NULL, false}, {"ARRIVING", 0, true, 5, NULL, false},
    {"ALLOC", 0, true, 5, NULL, false},   {"FREE", 0, true, 5, NULL, false},
    {"PROJECTED", 0, true, 5, NULL, false}, {"BATCHES", 1, false, 8, NULL, false},
};
/* the history of an order line (SPEC.md §1.6 "why") */
static const TuiColumn history_cols[] = {
    {"ID", 0, true, 4, "id", false},      {"TIME", 2, false, 8, NULL, false},
    {"CMD", 0, true, 3, NULL, false},     {"ACTOR", 2, false, 8, NULL, false},
    {"TYPE", 2, false, 10, NULL, false}, {"DETAILS", 1, false, 12, NULL, false},
};
static const TuiColumn events_cols[] = {
    {"ID", 0, true, 5, "id", true},
    {"TIME", 2, false, 8, "id", true},
    {"TYPE", 2, false, 12, NULL, false},
    {"DETAILS", 1, false, 8, NULL, false},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const TuiKindInfo kinds[TL_KIND_COUNT] = {
    [TL_PRODUCTS] = {"Products", products_cols, N(products_cols), VIEW_PRODUCTS, "backorder_qty",
                     true},
    [TL_SHORT] = {"SKUs short of stock", short_cols, N(short_cols), VIEW_PRODUCTS,
                  "backorder_qty", true},
    [TL_BATCHES] = {"Batches", batches_cols, N(batches_cols), VIEW_BATCHES, "preference", false},
    [TL_DUE] = {"Shipments due in 14 days", due_cols, N(due_cols), VIEW_SHIPMENTS_DUE, "eta",
                false},
    [TL_OVERDUE] = {"Overdue shipments", overdue_cols, N(overdue_cols), VIEW_SHIPMENTS_DUE, "eta",
                    false},
    [TL_BATCH_LINES] = {"Lines", lines_cols, N(lines_cols), VIEW_BATCH_LINES, "oldest", false},
    [TL_ORDER] = {"Order lines", order_cols, N(order_cols), VIEW_ORDER_LINES, "sku", false},
    [TL_BACKORDERS] = {"Backorders", backorders_cols, N(backorders_cols), VIEW_BACKORDERS,
                       "oldest", false},
    [TL_EVENTS] = {"Events", events_cols, N(events_cols), VIEW_EVENTS, "id", true},
    [TL_TODAY] = {"Today's events", events_cols, N(events_cols), VIEW_EVENTS, "id", true},
    [TL_LATE] = {"Late lines", late_cols, N(late_cols), VIEW_LATE_LINES, "worst", false},
    [TL_ATP] = {"Availability", atp_cols, N(atp_cols), VIEW_LIST_COUNT, NULL, false},
    [TL_HISTORY] = {"History", history_cols, N(history_cols), VIEW_EVENTS, "id", false},
};

const TuiKindInfo *tui_kind_info(TuiListKind kind)
{
    return &kinds[kind < TL_KIND_COUNT ? kind : TL_PRODUCTS];
}

int tui_kind_sort_count(TuiListKind kind)
{
    const ViewSpec *s = view_spec(tui_kind_info(kind)->list);
    return s ? (int)s->norders : 1; /* TL_ATP: by date */
}

/* The kind's default order: the backorders of one SKU are oldest first within it. */
static int default_order(const TuiQuery *q)
{
    const TuiKindInfo *k = tui_kind_info(q->kind);
    if (q->kind == TL_BACKORDERS && q->arg[0])
        return BACKORDER_OLDEST_OF_SKU;
    if (!view_spec(k->list) || !k->order)
        return 0;
    int o = view_spec_order(view_spec(k->list), k->order);
    return o < 0 ? 0 : o;
}

int tui_query_order(const TuiQuery *q)
{
    return q->sort >= 0 && q->sort < tui_kind_sort_count(q->kind) ? q->sort : default_order(q);
}

bool tui_query_desc(const TuiQuery *q)
{
    return q->sort >= 0 && q->sort < tui_kind_sort_count(q->kind) ? q->desc
                                                                    : tui_kind_info(q->kind)->desc;
}

bool tui_query_down(const TuiQuery *q)
{
    const ViewSpec *s = view_spec(tui_kind_info(q->kind)->list);
    bool first_desc = s && s->orders[tui_query_order(q)].nkeys &&
                      s->orders[tui_query_order(q)].keys[0].desc;
    return tui_query_desc(q) != first_desc;
}

int tui_query_sort_column(const TuiQuery *q)
{
    const TuiKindInfo *k = tui_kind_info(q->kind);
    if (!view_spec(k->list))
        return -1;
    const char *name = view_spec(k->list)->orders[tui_query_order(q)].name;
    for (size_t i = 0; i < k->ncolumns; i++)
        if (k->columns[i].order && strcmp(k->columns[i].order, name) == 0)
            return (int)i;
    return -1;
}

const char *tui_query_order_name(const TuiQuery *q, char *buf, size_t size)
{
    const TuiKindInfo *k = tui_kind_info(q->kind);
    int col = tui_query_sort_column(q);
    const char *name = col >= 0              ? k->columns[col].title
                       : view_spec(k->list) ? view_spec(k->list)->orders[tui_query_order(q)].name
                                            : "date"; /* TL_ATP */
    snprintf(buf, size, "%s%s", name, tui_query_down(q) ? "▼" : "▲");
    return buf;
}

TuiRow *tui_rows_push(TuiRowVec *v)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 32;
        v->items = xreallocarray(v->items, v->cap, sizeof *v->items);
    }
    TuiRow *r = &v->items[v->len++];
    memset(r, 0, sizeof *r);
    r->eta = ALLOT_NO_ETA;
    return r;
}

void tui_rows_clear(TuiRowVec *v) { v->len = 0; }

AllotStatus tui_source_each(TuiSource *src, const TuiQuery *q,
                            bool (*fn)(void *ctx, const TuiRow *row), void *ctx, ErrBuf *err)
{
    enum { PAGE = 256 };
    TuiRowVec rows = {0};
    char cur[TUI_CURSOR_MAX] = "";
    AllotStatus st = ALLOT_OK;
    bool go = true;
    for (bool first = true; go; first = false) {
        tui_rows_clear(&rows);
        st = src->ops->fetch(src, q, first ? TF_FIRST : TF_AFTER, first ? NULL : cur, PAGE, &rows,
                             err);
        if (st != ALLOT_OK || rows.len == 0)
            break;
        for (size_t i = 0; go && i < rows.len; i++)
            if (!(rows.items[i].flags & TUI_ROW_PENDING))
                go = fn(ctx, &rows.items[i]);
        const TuiRow *last = &rows.items[rows.len - 1];
        if (rows.len < PAGE && !(last->flags & TUI_ROW_PENDING))
            break;
        snprintf(cur, sizeof cur, "%s", last->cursor);
    }
    tui_rows_fini(&rows);
    return st;
}

void tui_rows_fini(TuiRowVec *v)
{
    free(v->items);
    memset(v, 0, sizeof *v);
}

void tui_feed_push(TuiFeedVec *v, const TuiFeedItem *it)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 32;
        v->items = xreallocarray(v->items, v->cap, sizeof *v->items);
    }
    v->items[v->len++] = *it;
}

void tui_feed_fini(TuiFeedVec *v)
{
    free(v->items);
    memset(v, 0, sizeof *v);
}

void tui_source_free(TuiSource *s)
{
    if (s)
        s->ops->destroy(s);
}

void tui_strings_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- row builders ---- */

/* Copies s into cell i, cut to the cell's size (at a UTF-8 character boundary). */
static void cell(TuiRow *r, int i, const char *s)
{
    size_t n = strlen(s), max = sizeof r->cells[i] - 1;
    if (n > max) { /* cut on a character boundary, marked with "…" (docs/tui.md) */
        n = max - 3;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        memcpy(r->cells[i], s, n);
        memcpy(r->cells[i] + n, "…", 4);
        return;
    }
    memcpy(r->cells[i], s, n);
    r->cells[i][n] = 0;
}

static void cell_num(TuiRow *r, int i, int64_t v)
{
    snprintf(r->cells[i], sizeof r->cells[i], "%lld", (long long)v);
}

void tui_row_product(TuiRow *r, TuiListKind kind, const ProductRow *p)
{
    char d[ALLOT_DATE_TEXT];
    snprintf(r->key, sizeof r->key, "%s", p->sku);
    snprintf(r->sku, sizeof r->sku, "%s", p->sku);
    r->qty = p->qty;
    r->available = p->available;
    if (p->backorder_lines > 0)
        r->flags |= TUI_ROW_SHORT;
    cell(r, 0, p->sku);
    if (kind == TL_SHORT) {
        cell_num(r, 1, p->backorder_lines);
        cell_num(r, 2, p->backorder_qty);
        cell_num(r, 3, p->available);
        cell(r, 4, "SHORT");
        return;
    }
    cell_num(r, 1, p->qty);
    cell_num(r, 2, p->allocated);
    cell_num(r, 3, p->available);
    cell_num(r, 4, p->backorder_qty);
    cell_num(r, 5, p->backorder_lines);
    cell_num(r, 6, p->nbatches);
    cell(r, 7, p->next_eta == ALLOT_NO_ETA ? "-" : date_format(p->next_eta, d));
    cell(r, 8, p->backorder_lines > 0 ? "SHORT" : "ok");
}

void tui_row_batch(TuiRow *r, TuiListKind kind, const char *ref, const char *sku, int64_t qty,
                   int64_t allocated, int32_t eta, int32_t today)
{
    char d[ALLOT_DATE_TEXT];
    snprintf(r->key, sizeof r->key, "%s", ref);
    snprintf(r->ref, sizeof r->ref, "%s", ref);
    snprintf(r->sku, sizeof r->sku, "%s", sku);
    r->qty = qty;
    r->available = qty - allocated;
    r->eta = eta;
    if (allocated > qty)
        r->flags |= TUI_ROW_OVER;
    else if (allocated == qty)
        r->flags |= TUI_ROW_FULL;
    cell(r, 0, ref);
    cell(r, 1, sku);
    cell_num(r, 2, qty);
    if (kind == TL_DUE || kind == TL_OVERDUE) {
        cell(r, 3, eta == ALLOT_NO_ETA ? "-" : date_format(eta, d) + 5); /* MM-DD */
        if (eta != ALLOT_NO_ETA && eta < today)
            snprintf(r->cells[4], sizeof r->cells[4], "%d day%s", (int)(today - eta),
                     today - eta == 1 ? "" : "s");
        else if (eta == ALLOT_NO_ETA)
            cell(r, 4, "in warehouse");
        else if (eta == today)
            cell(r, 4, "today");
        else
            snprintf(r->cells[4], sizeof r->cells[4], "%d day%s", (int)(eta - today),
                     eta - today == 1 ? "" : "s");
        return;
    }
    cell_num(r, 3, allocated);
    cell_num(r, 4, qty - allocated);
    cell(r, 5, eta == ALLOT_NO_ETA ? "warehouse" : date_format(eta, d));
    cell(r, 6, allocated > qty ? "OVER" : allocated == qty ? "FULL" : "");
}

const char *tui_late_text(int64_t late, bool at_risk, char *buf, size_t size)
{
    if (late > 0)
        snprintf(buf, size, "%lldd", (long long)late);
    else
        snprintf(buf, size, "%s", at_risk ? "at risk" : "");
    return buf;
}

static const char *date_or(int32_t d, const char *none, char *buf)
{
    return d == ALLOT_NO_DATE ? none : date_format(d, buf);
}

void tui_row_line(TuiRow *r, TuiListKind kind, const LineRow *l)
{
    char late[24], d1[ALLOT_DATE_TEXT], d2[ALLOT_DATE_TEXT];
    snprintf(r->key, sizeof r->key, "%s\x1f%s", l->orderid, l->sku);
    snprintf(r->orderid, sizeof r->orderid, "%s", l->orderid);
    snprintf(r->sku, sizeof r->sku, "%s", l->sku);
    snprintf(r->ref, sizeof r->ref, "%s", l->batchref);
    r->qty = l->qty;
    r->need = l->need;
    r->requested = l->key;
    bool back = !l->batchref[0];
    if (back)
        r->flags |= TUI_ROW_SHORT;
    if (l->late > 0 || l->at_risk)
        r->flags |= TUI_ROW_LATE;
    tui_late_text(l->late, l->at_risk, late, sizeof late);
    const char *need = date_or(l->need, "-", d1);
    switch (kind) {
    case TL_ORDER:
        cell(r, 0, l->sku);
        cell_num(r, 1, l->qty);
        cell(r, 2, back ? "-" : l->batchref);
        cell(r, 3, date_or(l->promised, "-", d2));
        cell(r, 4, need);
        cell(r, 5, late);
        cell(r, 6, back ? "BACKORDER" : "allocated");
        return;
    case TL_LATE:
        cell(r, 0, l->orderid);
        cell(r, 1, l->sku);
        cell(r, 2, late);
        cell(r, 3, l->need == ALLOT_NO_DATE ? "-" : need + 5); /* MM-DD */
        if (back)
            cell(r, 4, "waits");
        else
            cell(r, 4, date_format(l->promised, d2) + 5);
        return;
    default:
        break;
    }
    cell(r, 0, l->orderid);
    cell(r, 1, l->sku);
    cell_num(r, 2, l->qty);
    cell(r, 3, late);
    cell(r, 4, need);
    if (kind == TL_BACKORDERS)
        cell(r, 5, "BACKORDER");
    else
        cell(r, 5, back ? "BACKORDER" : l->batchref);
}

void tui_row_pending(TuiRow *r, TuiListKind kind, const char *cursor, const char *note)
{
    snprintf(r->key, sizeof r->key, "\x1epending");
    snprintf(r->cursor, sizeof r->cursor, "%s", cursor);
    r->flags |= TUI_ROW_PENDING;
    cell(r, (int)tui_kind_info(kind)->ncolumns - 1, note);
}

char *tui_thousands(int64_t n, char *buf, size_t size)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
    size_t len = strlen(digits), o = 0;
    char out[48];
    if (n < 0)
        out[o++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = 0;
    snprintf(buf, size, "%s", out);
    return buf;
}

char *tui_key_text(const char *key, char *buf, size_t size)
{
    snprintf(buf, size, "%s", key);
    for (char *p = buf; *p; p++)
        if (*p == '\x1f')
            *p = ' ';
    return buf;
}

void tui_row_event(TuiRow *r, const TuiFeedItem *it, int32_t today)
{
    char buf[256];
    snprintf(r->key, sizeof r->key, "%s%lld", it->whatif ? "w" : "", (long long)it->id);
    r->event_id = it->whatif ? 0 : it->id;
    snprintf(r->sku, sizeof r->sku, "%s", it->ev.sku);
    snprintf(r->orderid, sizeof r->orderid, "%s", it->ev.orderid);
    snprintf(r->ref, sizeof r->ref, "%s", it->ev.batchref);
    r->qty = it->ev.qty;
    if (it->ev.type == EV_OUT_OF_STOCK || it->ev.type == EV_DEALLOCATED)
        r->flags |= TUI_ROW_WARN_EVENT;
    if (it->whatif)
        r->flags |= TUI_ROW_WHATIF;
    cell(r, 0, r->key);
    if (it->at > 0) {
        int64_t s = it->at % 86400;
        int32_t day = date_from_unix(it->at);
        if (day == today) {
            snprintf(r->cells[1], sizeof r->cells[1], "%02d:%02d:%02d", (int)(s / 3600),
                     (int)(s / 60 % 60), (int)(s % 60));
        } else {
            int y, m, d;
            date_to_ymd(day, &y, &m, &d);
            snprintf(r->cells[1], sizeof r->cells[1], "%02d-%02d %02d:%02d", m, d,
                     (int)(s / 3600), (int)(s / 60 % 60));
        }
    } else {
        cell(r, 1, "--:--:--");
    }
    cell(r, 2, event_type_name(it->ev.type));
    event_describe(&it->ev, buf, sizeof buf);
    /* the description starts with the type name: keep only the details */
    const char *d = buf;
    size_t tl = strlen(event_type_name(it->ev.type));
    if (strncmp(d, event_type_name(it->ev.type), tl) == 0)
        d += tl + (d[tl] == ' ');
    char details[300];
    snprintf(details, sizeof details, "%s%s", it->whatif ? "what-if: " : "", d);
    cell(r, 3, details);
}

void tui_row_atp(TuiRow *r, const AtpRow *a, int32_t today)
{
    char d[ALLOT_DATE_TEXT], batches[ALLOT_ID_MAX + 48];
    snprintf(r->key, sizeof r->key, "%" PRId32, a->date);
    r->date = a->date;
    cell(r, 0, a->date == today ? "today" : date_format(a->date, d));
    cell_num(r, 1, a->arriving);
    cell_num(r, 2, a->allocated);
    cell_num(r, 3, a->free);
    cell_num(r, 4, a->projected);
    if (a->nbatches == 1)
        snprintf(batches, sizeof batches, "%s", a->first_ref);
    else
        snprintf(batches, sizeof batches, "%s and %zu more", a->first_ref, a->nbatches - 1);
    cell(r, 5, batches);
    if (a->projected <= 0)
        r->flags |= TUI_ROW_FULL;
}

void tui_row_history(TuiRow *r, const TuiFeedItem *it, int32_t today)
{
    tui_row_event(r, it, today); /* ID TIME TYPE DETAILS: moved behind CMD ACTOR */
    memcpy(r->cells[4], r->cells[2], sizeof r->cells[4]);
    memcpy(r->cells[5], r->cells[3], sizeof r->cells[5]);
    if (it->ev.command_id > 0)
        cell_num(r, 2, it->ev.command_id);
    else
        cell(r, 2, "-");
    char who[ALLOT_ID_MAX + 40];
    if (it->ev.undoes > 0)
        snprintf(who, sizeof who, "%s, undoing %lld", it->ev.actor[0] ? it->ev.actor : "-",
                 (long long)it->ev.undoes);
    else
        snprintf(who, sizeof who, "%s", it->ev.actor[0] ? it->ev.actor : "-");
    cell(r, 3, who);
}
