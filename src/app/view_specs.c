/* The list specs of the read model and the row functions that read them
 * (view_specs.h).  Each list's contract is written here once. */
#include "app/view_specs.h"

#include <ctype.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <wctype.h>

#include "domain/events.h"
#include "domain/lateness.h"
#include "domain/utf8.h"

/* ---------- the columns of each row kind ---------- */

#define COL(T, field, nm, ty) {nm, ty, offsetof(T, field)}

static const ViewColumn product_cols[PCOL_COUNT] = {
    [PCOL_SKU] = COL(ProductRow, sku, "sku", VIEW_TEXT),
    [PCOL_NBATCHES] = COL(ProductRow, nbatches, "batches", VIEW_INT),
    [PCOL_QTY] = COL(ProductRow, qty, "qty", VIEW_INT),
    [PCOL_ALLOCATED] = COL(ProductRow, allocated, "allocated", VIEW_INT),
    [PCOL_AVAILABLE] = COL(ProductRow, available, "available", VIEW_INT),
    [PCOL_BO_LINES] = COL(ProductRow, backorder_lines, "backorders", VIEW_INT),
    [PCOL_BO_QTY] = COL(ProductRow, backorder_qty, "backorder_qty", VIEW_INT),
    [PCOL_NEXT_ETA] = COL(ProductRow, next_eta, "next_eta", VIEW_DATE),
};

static const ViewColumn batch_cols[BCOL_COUNT] = {
    [BCOL_REF] = COL(BatchRow, ref, "ref", VIEW_TEXT),
    [BCOL_SKU] = COL(BatchRow, sku, "sku", VIEW_TEXT),
    [BCOL_QTY] = COL(BatchRow, qty, "qty", VIEW_INT),
    [BCOL_ALLOCATED] = COL(BatchRow, allocated, "allocated", VIEW_INT),
    [BCOL_AVAILABLE] = COL(BatchRow, available, "available", VIEW_INT),
    [BCOL_ETA] = COL(BatchRow, eta, "eta", VIEW_DATE),
    [BCOL_NLINES] = COL(BatchRow, nlines, "lines", VIEW_INT),
    [BCOL_SEQ] = COL(BatchRow, seq, "seq", VIEW_SEQ),
};

static const ViewColumn line_cols[LCOL_COUNT] = {
    [LCOL_ORDERID] = COL(LineRow, orderid, "orderid", VIEW_TEXT),
    [LCOL_SKU] = COL(LineRow, sku, "sku", VIEW_TEXT),
    [LCOL_QTY] = COL(LineRow, qty, "qty", VIEW_INT),
    [LCOL_BATCHREF] = COL(LineRow, batchref, "batch", VIEW_TEXT),
    [LCOL_ETA] = COL(LineRow, eta, "eta", VIEW_DATE),
    [LCOL_SEQ] = COL(LineRow, seq, "seq", VIEW_SEQ),
    [LCOL_KEY] = COL(LineRow, key, "key", VIEW_INT),
    [LCOL_NEED] = COL(LineRow, need, "need", VIEW_DATE),
    [LCOL_PROMISED] = COL(LineRow, promised, "promised", VIEW_DATE),
    [LCOL_LATE] = COL(LineRow, late, "late", VIEW_INT),
    [LCOL_AT_RISK] = COL(LineRow, at_risk, "at_risk", VIEW_INT),
};

static const ViewColumn event_cols[ECOL_COUNT] = {
    [ECOL_ID] = COL(EventRow, id, "id", VIEW_INT),
    [ECOL_AT] = COL(EventRow, at, "at", VIEW_INT),
    [ECOL_TYPE] = COL(EventRow, ev.type, "type", VIEW_EVENT_TYPE),
    [ECOL_SKU] = COL(EventRow, ev.sku, "sku", VIEW_TEXT),
    [ECOL_ORDERID] = COL(EventRow, ev.orderid, "orderid", VIEW_TEXT),
    [ECOL_BATCHREF] = COL(EventRow, ev.batchref, "batch", VIEW_TEXT),
    [ECOL_TO] = COL(EventRow, ev.to, "to", VIEW_TEXT),
    [ECOL_QTY] = COL(EventRow, ev.qty, "qty", VIEW_INT),
    [ECOL_OLD_QTY] = COL(EventRow, ev.old_qty, "old_qty", VIEW_INT),
    [ECOL_NEW_QTY] = COL(EventRow, ev.new_qty, "new_qty", VIEW_INT),
    [ECOL_ETA] = COL(EventRow, ev.eta, "eta", VIEW_DATE),
    [ECOL_OLD_ETA] = COL(EventRow, ev.old_eta, "old_eta", VIEW_DATE),
    [ECOL_NEW_ETA] = COL(EventRow, ev.new_eta, "new_eta", VIEW_DATE),
    [ECOL_NEED] = COL(EventRow, ev.need, "need", VIEW_DATE),
    [ECOL_REQUESTED] = COL(EventRow, ev.requested, "requested", VIEW_INT),
    [ECOL_SEQ] = COL(EventRow, ev.seq, "seq", VIEW_SEQ),
    [ECOL_COMMAND] = COL(EventRow, ev.command_id, "command", VIEW_INT),
    [ECOL_ACTOR] = COL(EventRow, ev.actor, "actor", VIEW_TEXT),
    [ECOL_UNDOES] = COL(EventRow, ev.undoes, "undoes", VIEW_INT),
};

/* ---------- the orders ---------- */

#define K(c) {(uint8_t)(c), false}
#define KDESC(c) {(uint8_t)(c), true}
#define NKEYS(...) {__VA_ARGS__}, sizeof((ViewKey[]){__VA_ARGS__}) / sizeof(ViewKey)

/* Each ascending; the tie-breaks (the identity, or the list's natural order) make it
 * total.  docs/tui.md "Sorting" says which index serves which. */
static const ViewOrder product_orders[] = {
    [PRODUCT_BY_SKU] = {"sku", NKEYS(K(PCOL_SKU))},
    [PRODUCT_BY_BATCHES] = {"batches", NKEYS(K(PCOL_NBATCHES), K(PCOL_SKU))},
    [PRODUCT_BY_QTY] = {"qty", NKEYS(K(PCOL_QTY), K(PCOL_SKU))},
    [PRODUCT_BY_ALLOCATED] = {"allocated", NKEYS(K(PCOL_ALLOCATED), K(PCOL_SKU))},
    [PRODUCT_BY_AVAILABLE] = {"available", NKEYS(K(PCOL_AVAILABLE), K(PCOL_SKU))},
    [PRODUCT_BY_BACKORDERS] = {"backorders", NKEYS(K(PCOL_BO_LINES), K(PCOL_SKU))},
    [PRODUCT_BY_BACKORDER_QTY] = {"backorder_qty", NKEYS(K(PCOL_BO_QTY), K(PCOL_SKU))},
    [PRODUCT_BY_NEXT_ETA] = {"next_eta", NKEYS(K(PCOL_NEXT_ETA), K(PCOL_SKU))},
};

/* SPEC.md §1.1 preference within each SKU: in the warehouse first, then ETA, then
 * creation order. */
static const ViewOrder batch_orders[] = {
    [BATCH_BY_PREFERENCE] = {"preference", NKEYS(K(BCOL_SKU), K(BCOL_ETA), K(BCOL_SEQ))},
    [BATCH_BY_REF] = {"ref", NKEYS(K(BCOL_REF))},
    [BATCH_BY_ETA] = {"eta", NKEYS(K(BCOL_ETA), K(BCOL_REF))},
    [BATCH_BY_QTY] = {"qty", NKEYS(K(BCOL_QTY), K(BCOL_REF))},
};

static const ViewOrder due_orders[] = {
    [DUE_BY_ETA] = {"eta", NKEYS(K(BCOL_ETA), K(BCOL_REF))},
    [DUE_BY_REF] = {"ref", NKEYS(K(BCOL_REF))},
    [DUE_BY_SKU] = {"preference", NKEYS(K(BCOL_SKU), K(BCOL_ETA), K(BCOL_SEQ))},
    [DUE_BY_QTY] = {"qty", NKEYS(K(BCOL_QTY), K(BCOL_REF))},
};

/* Oldest first (SPEC.md §1.2 "oldest"): the moment of first request.  The list is
 * always of one batch, so of one SKU, where seq names a line. */
static const ViewOrder batch_line_orders[] = {
    [BATCH_LINES_OLDEST] = {"oldest", NKEYS(K(LCOL_SEQ))},
    [BATCH_LINES_BY_ORDERID] = {"orderid", NKEYS(K(LCOL_ORDERID), K(LCOL_SKU))},
    [BATCH_LINES_BY_QTY] = {"qty", NKEYS(K(LCOL_QTY), K(LCOL_ORDERID), K(LCOL_SKU))},
};
static const ViewOrder order_line_orders[] = {
    [ORDER_LINES_BY_SKU] = {"sku", NKEYS(K(LCOL_ORDERID), K(LCOL_SKU))},
    [ORDER_LINES_BY_QTY] = {"qty", NKEYS(K(LCOL_QTY), K(LCOL_ORDERID), K(LCOL_SKU))},
    [ORDER_LINES_BY_BATCH] = {"batch", NKEYS(K(LCOL_BATCHREF), K(LCOL_ORDERID), K(LCOL_SKU))},
};
static const ViewOrder backorder_orders[] = {
    [BACKORDER_OLDEST] = {"oldest", NKEYS(K(LCOL_KEY))},
    [BACKORDER_OLDEST_OF_SKU] = {"oldest_of_sku", NKEYS(K(LCOL_SKU), K(LCOL_SEQ))},
    [BACKORDER_BY_ORDERID] = {"orderid", NKEYS(K(LCOL_ORDERID), K(LCOL_SKU))},
    [BACKORDER_BY_QTY] = {"qty", NKEYS(K(LCOL_QTY), K(LCOL_ORDERID), K(LCOL_SKU))},
};
/* The order of the allocations and backorders exports (SPEC.md §4). */
static const ViewOrder line_orders[] = {{"orderid", NKEYS(K(LCOL_ORDERID), K(LCOL_SKU))}};
static const ViewOrder event_orders[] = {{"id", NKEYS(K(ECOL_ID))}};
/* Worst first (SPEC.md §5 "late lines by days late"): the most days late, then the
 * earliest need date, then the line's identity. */
static const ViewOrder late_orders[] = {
    [LATE_WORST] = {"worst", NKEYS(KDESC(LCOL_LATE), K(LCOL_NEED), K(LCOL_ORDERID), K(LCOL_SKU))},
};

#define BIT(c) (UINT32_C(1) << (c))
#define ORDERS(a) a, sizeof a / sizeof a[0]

static const ViewSpec specs[VIEW_LIST_COUNT] = {
    [VIEW_PRODUCTS] = {VIEW_PRODUCTS, "products", VIEW_ROW_PRODUCT, sizeof(ProductRow),
                       product_cols, PCOL_COUNT, BIT(PCOL_SKU), ORDERS(product_orders),
                       {PCOL_SKU}, 1, PCOL_SKU, -1},
    [VIEW_BATCHES] = {VIEW_BATCHES, "batches", VIEW_ROW_BATCH, sizeof(BatchRow), batch_cols,
                      BCOL_COUNT, BIT(BCOL_REF) | BIT(BCOL_SKU), ORDERS(batch_orders),
                      {BCOL_REF}, 1, BCOL_SKU, BCOL_REF},
    [VIEW_SHIPMENTS_DUE] = {VIEW_SHIPMENTS_DUE, "shipments_due", VIEW_ROW_BATCH,
                            sizeof(BatchRow), batch_cols, BCOL_COUNT,
                            BIT(BCOL_REF) | BIT(BCOL_SKU), ORDERS(due_orders), {BCOL_REF}, 1,
                            BCOL_SKU, BCOL_REF},
    [VIEW_BATCH_LINES] = {VIEW_BATCH_LINES, "batch_lines", VIEW_ROW_LINE, sizeof(LineRow),
                          line_cols, LCOL_COUNT, BIT(LCOL_ORDERID), ORDERS(batch_line_orders),
                          {LCOL_ORDERID, LCOL_SKU}, 2, LCOL_SKU, LCOL_BATCHREF},
    [VIEW_ORDER_LINES] = {VIEW_ORDER_LINES, "order_lines", VIEW_ROW_LINE, sizeof(LineRow),
                          line_cols, LCOL_COUNT, BIT(LCOL_SKU) | BIT(LCOL_BATCHREF),
                          ORDERS(order_line_orders), {LCOL_ORDERID, LCOL_SKU}, 2, LCOL_SKU,
                          LCOL_BATCHREF},
    [VIEW_BACKORDERS] = {VIEW_BACKORDERS, "backorders", VIEW_ROW_LINE, sizeof(LineRow),
                         line_cols, LCOL_COUNT, BIT(LCOL_ORDERID) | BIT(LCOL_SKU),
                         ORDERS(backorder_orders), {LCOL_ORDERID, LCOL_SKU}, 2, LCOL_SKU,
                         LCOL_BATCHREF},
    [VIEW_LINES] = {VIEW_LINES, "lines", VIEW_ROW_LINE, sizeof(LineRow), line_cols, LCOL_COUNT,
                    BIT(LCOL_ORDERID) | BIT(LCOL_SKU), ORDERS(line_orders),
                    {LCOL_ORDERID, LCOL_SKU}, 2, LCOL_SKU, LCOL_BATCHREF},
    [VIEW_EVENTS] = {VIEW_EVENTS, "events", VIEW_ROW_EVENT, sizeof(EventRow), event_cols,
                     ECOL_COUNT,
                     BIT(ECOL_TYPE) | BIT(ECOL_SKU) | BIT(ECOL_ORDERID) | BIT(ECOL_BATCHREF) |
                         BIT(ECOL_TO),
                     ORDERS(event_orders), {ECOL_ID}, 1, -1, -1},
    [VIEW_LATE_LINES] = {VIEW_LATE_LINES, "late_lines", VIEW_ROW_LINE, sizeof(LineRow),
                         line_cols, LCOL_COUNT, BIT(LCOL_ORDERID) | BIT(LCOL_SKU),
                         ORDERS(late_orders), {LCOL_ORDERID, LCOL_SKU}, 2, LCOL_SKU,
                         LCOL_BATCHREF},
};

const ViewSpec *view_spec(ViewList list)
{
    return (unsigned)list < VIEW_LIST_COUNT ? &specs[list] : NULL;
}

int view_spec_column(const ViewSpec *spec, const char *name)
{
    for (size_t i = 0; name && i < spec->ncols; i++)
        if (strcmp(spec->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

int view_spec_order(const ViewSpec *spec, const char *name)
{
    for (size_t i = 0; name && i < spec->norders; i++)
        if (strcmp(spec->orders[i].name, name) == 0)
            return (int)i;
    return -1;
}

ViewOrder view_order_reverse(const ViewOrder *order)
{
    ViewOrder r = *order;
    for (size_t i = 0; i < r.nkeys && i < VIEW_MAX_KEYS; i++)
        r.keys[i].desc = !r.keys[i].desc;
    return r;
}

/* ---------- queries ---------- */

ViewQuery view_query(ViewList list, int order, const ViewPage *page)
{
    ViewQuery q = {0};
    q.spec = view_spec(list);
    if (q.spec && order >= 0 && (size_t)order < q.spec->norders)
        q.order = &q.spec->orders[order];
    if (page)
        q.page = *page;
    return q;
}

bool view_query_where(ViewQuery *q, ViewCond c)
{
    if (q->nconds >= VIEW_MAX_CONDS)
        return false;
    q->conds[q->nconds++] = c;
    return true;
}

const ViewCond *view_query_fixed(const ViewQuery *q, int col)
{
    for (size_t i = 0; i < q->nconds; i++)
        if (q->conds[i].col == col && q->conds[i].op == VIEW_EQ)
            return &q->conds[i];
    return NULL;
}

size_t view_query_keys(const ViewQuery *q, ViewKey *out)
{
    size_t n = 0;
    for (size_t i = 0; q->order && i < q->order->nkeys && i < VIEW_MAX_KEYS; i++)
        if (!view_query_fixed(q, q->order->keys[i].col))
            out[n++] = q->order->keys[i];
    return n;
}

bool view_query_sorts_on(const ViewQuery *q, int col)
{
    ViewKey keys[VIEW_MAX_KEYS];
    size_t n = view_query_keys(q, keys);
    for (size_t i = 0; i < n; i++)
        if (keys[i].col == col)
            return true;
    return false;
}

static bool is_text(ViewColType t) { return t == VIEW_TEXT || t == VIEW_EVENT_TYPE; }

AllotStatus view_query_check(const ViewQuery *q, ErrBuf *err)
{
    if (!q || !q->spec)
        return err_set(err, ALLOT_EINVALID, "read model query without a list");
    const ViewSpec *s = q->spec;
    if (!q->order || q->order->nkeys == 0 || q->order->nkeys > VIEW_MAX_KEYS)
        return err_set(err, ALLOT_EINVALID, "read model query on %s without an order", s->name);
    for (size_t i = 0; i < q->order->nkeys; i++)
        if (q->order->keys[i].col >= s->ncols)
            return err_set(err, ALLOT_EINVALID, "%s: sort key %u is not a column", s->name,
                           (unsigned)q->order->keys[i].col);
    if (q->nconds > VIEW_MAX_CONDS)
        return err_set(err, ALLOT_EINVALID, "%s: too many conditions", s->name);
    for (size_t i = 0; i < q->nconds; i++) {
        const ViewCond *c = &q->conds[i];
        if (c->col >= s->ncols)
            return err_set(err, ALLOT_EINVALID, "%s: condition on column %u, which it has not",
                           s->name, (unsigned)c->col);
        bool text = is_text(s->cols[c->col].type);
        bool ok = c->op == VIEW_EQ || (text ? c->op == VIEW_EMPTY || c->op == VIEW_NOT_EMPTY ||
                                                  c->op == VIEW_PREFIX
                                            : c->op >= VIEW_LT && c->op <= VIEW_GE);
        if (!ok)
            return err_set(err, ALLOT_EINVALID, "%s: operator %d does not fit column %s",
                           s->name, (int)c->op, s->cols[c->col].name);
    }
    return ALLOT_OK;
}

/* ---------- rows ---------- */

static const void *field(const ViewSpec *spec, int col, const void *row)
{
    return (const char *)row + spec->cols[col].offset;
}

const char *view_row_text(const ViewSpec *spec, int col, const void *row)
{
    switch (spec->cols[col].type) {
    case VIEW_TEXT: return field(spec, col, row);
    case VIEW_EVENT_TYPE: return event_type_name(*(const EventType *)field(spec, col, row));
    default: return NULL;
    }
}

int64_t view_row_num(const ViewSpec *spec, int col, const void *row)
{
    const void *f = field(spec, col, row);
    switch (spec->cols[col].type) {
    case VIEW_INT: return *(const int64_t *)f;
    case VIEW_DATE: return *(const int32_t *)f;
    case VIEW_SEQ: return (int64_t) * (const uint64_t *)f;
    default: return 0;
    }
}

static int cmp_col(const ViewSpec *spec, int col, const void *a, const void *b)
{
    if (is_text(spec->cols[col].type)) {
        int c = strcmp(view_row_text(spec, col, a), view_row_text(spec, col, b));
        return (c > 0) - (c < 0);
    }
    int64_t x = view_row_num(spec, col, a), y = view_row_num(spec, col, b);
    return (x > y) - (x < y);
}

int view_row_cmp(const ViewQuery *q, const void *a, const void *b)
{
    ViewKey keys[VIEW_MAX_KEYS];
    size_t n = view_query_keys(q, keys);
    for (size_t i = 0; i < n; i++) {
        int c = cmp_col(q->spec, keys[i].col, a, b);
        if (c)
            return keys[i].desc ? -c : c;
    }
    return 0;
}

bool view_text_is_ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static locale_t g_utf8;
static once_flag g_utf8_once = ONCE_FLAG_INIT;
static void utf8_locale_open(void) { g_utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0); }

size_t view_text_fold(const char *s, char *buf, size_t size)
{
    call_once(&g_utf8_once, utf8_locale_open);
    size_t o = 0, n = strlen(s);
    if (!size)
        return 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        char out[4];
        size_t olen = 1;
        if (!len) { /* not UTF-8: the byte as it is */
            out[0] = s[i];
            len = 1;
        } else if (cp < 0x80) {
            out[0] = (char)tolower((int)cp);
        } else {
            uint32_t lo = g_utf8 ? (uint32_t)towlower_l((wint_t)cp, g_utf8) : cp;
            olen = utf8_encode(lo, out);
        }
        if (o + olen >= size)
            break;
        memcpy(buf + o, out, olen);
        o += olen;
        i += len;
    }
    buf[o] = 0;
    return o;
}

/* Both texts folded (view_text_fold) into buffers of their own; false if out of
 * memory (then the ASCII comparison is used). */
static bool fold_pair(const char *a, const char *b, char **fa, char **fb)
{
    size_t na = 4 * strlen(a) + 1, nb = 4 * strlen(b) + 1;
    *fa = malloc(na);
    *fb = malloc(nb);
    if (!*fa || !*fb) {
        free(*fa);
        free(*fb);
        return false;
    }
    view_text_fold(a, *fa, na);
    view_text_fold(b, *fb, nb);
    return true;
}

bool view_text_contains(const char *hay, const char *needle)
{
    if (!needle || !*needle)
        return true;
    char *fh, *fn;
    if (!(view_text_is_ascii(hay) && view_text_is_ascii(needle)) &&
        fold_pair(hay, needle, &fh, &fn)) {
        bool found = strstr(fh, fn) != NULL;
        free(fh);
        free(fn);
        return found;
    }
    size_t n = strlen(needle);
    for (const char *h = hay; *h; h++) {
        size_t i = 0;
        while (i < n && h[i] && tolower((unsigned char)h[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

bool view_text_starts(const char *hay, const char *prefix)
{
    char *fh, *fp;
    if (prefix && !(view_text_is_ascii(hay) && view_text_is_ascii(prefix)) &&
        fold_pair(hay, prefix, &fh, &fp)) {
        bool starts = strncmp(fh, fp, strlen(fp)) == 0;
        free(fh);
        free(fp);
        return starts;
    }
    for (size_t i = 0; prefix && prefix[i]; i++)
        if (tolower((unsigned char)hay[i]) != tolower((unsigned char)prefix[i]))
            return false; /* hay ending first: its NUL differs from prefix[i] */
    return true;
}

static bool cond_holds(const ViewSpec *spec, const ViewCond *c, const void *row)
{
    if (is_text(spec->cols[c->col].type)) {
        const char *t = view_row_text(spec, c->col, row);
        switch (c->op) {
        case VIEW_EQ: return strcmp(t, c->text ? c->text : "") == 0;
        case VIEW_EMPTY: return !*t;
        case VIEW_NOT_EMPTY: return *t;
        case VIEW_PREFIX: return view_text_starts(t, c->text);
        default: return false;
        }
    }
    int64_t x = view_row_num(spec, c->col, row);
    switch (c->op) {
    case VIEW_EQ: return x == c->num;
    case VIEW_LT: return x < c->num;
    case VIEW_LE: return x <= c->num;
    case VIEW_GT: return x > c->num;
    case VIEW_GE: return x >= c->num;
    default: return false;
    }
}

bool view_row_matches(const ViewQuery *q, const void *row)
{
    const ViewSpec *s = q->spec;
    for (size_t i = 0; i < q->nconds; i++)
        if (!cond_holds(s, &q->conds[i], row))
            return false;
    const char *f = q->page.filter;
    if (!f || !*f)
        return true;
    for (size_t i = 0; i < s->ncols; i++)
        if ((s->filter_mask & BIT(i)) && view_text_contains(view_row_text(s, (int)i, row), f))
            return true;
    return false;
}

bool view_row_past(const ViewQuery *q, const void *row, const void *anchor)
{
    if (!anchor)
        return true;
    int c = view_row_cmp(q, row, anchor);
    return q->page.backward ? c < 0 : c > 0;
}

/* ---------- cursors ---------- */

/* Field `col` of `row`, after a separator unless it is the first (`first`: an
 * empty first field, a backorder's batch, still takes its place). */
static void put_field(const ViewSpec *spec, int col, const void *row, bool first, char *out,
                      size_t size, size_t *len)
{
    const char *t = view_row_text(spec, col, row);
    int n = t ? snprintf(out + *len, size - *len, "%s%s", first ? "" : "\x1f", t)
              : snprintf(out + *len, size - *len, "%s%" PRId64, first ? "" : "\x1f",
                         view_row_num(spec, col, row));
    if (n > 0)
        *len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}

void view_key_text(const ViewQuery *q, const void *row, char *out, size_t size)
{
    ViewKey keys[VIEW_MAX_KEYS];
    size_t n = view_query_keys(q, keys), len = 0;
    if (size)
        out[0] = '\0';
    for (size_t i = 0; i < n && size; i++)
        put_field(q->spec, keys[i].col, row, i == 0, out, size, &len);
}

void view_identity_text(const ViewSpec *spec, const void *row, char *out, size_t size)
{
    size_t len = 0;
    if (size)
        out[0] = '\0';
    for (size_t i = 0; i < spec->nidentity && size; i++)
        put_field(spec, spec->identity[i], row, i == 0, out, size, &len);
}

void view_key_parse(const ViewQuery *q, const char *text, void *row)
{
    const ViewSpec *s = q->spec;
    memset(row, 0, s->row_size);
    ViewKey keys[VIEW_MAX_KEYS];
    size_t n = view_query_keys(q, keys);
    const char *p = text ? text : "";
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(p, '\x1f');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const ViewColumn *c = &s->cols[keys[i].col];
        char *f = (char *)row + c->offset;
        char num[32];
        size_t nl = len < sizeof num - 1 ? len : sizeof num - 1;
        memcpy(num, p, nl);
        num[nl] = '\0';
        switch (c->type) {
        case VIEW_TEXT: {
            size_t m = len < ALLOT_ID_MAX ? len : ALLOT_ID_MAX;
            memcpy(f, p, m);
            f[m] = '\0';
            break;
        }
        case VIEW_EVENT_TYPE: {
            int t = event_type_from_name(num);
            *(EventType *)f = t < 0 ? EV_TYPE_COUNT : (EventType)t;
            break;
        }
        case VIEW_INT: *(int64_t *)f = strtoll(num, NULL, 10); break;
        case VIEW_DATE: *(int32_t *)f = (int32_t)strtol(num, NULL, 10); break;
        case VIEW_SEQ: *(uint64_t *)f = (uint64_t)strtoll(num, NULL, 10); break;
        }
        p = end ? end + 1 : p + len;
    }
}
