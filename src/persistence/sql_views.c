/* sql_views.c — the SQL of the read model from the list specs (sql_views.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "persistence/sql_views.h"

/* ---------- the query text and its parameters ---------- */

static void q_add(SqlQuery *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void q_add(SqlQuery *q, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(q->sql + q->len, sizeof q->sql - q->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof q->sql - q->len)
        q->overflow = true;
    else
        q->len += (size_t)n;
}

static void q_int(SqlQuery *q, int64_t v)
{
    if (q->nbinds < (int)(sizeof q->binds / sizeof q->binds[0]))
        q->binds[q->nbinds++] = (SqlBind){SQL_BIND_INT, v, NULL};
    else
        q->overflow = true;
}

static void q_text(SqlQuery *q, const char *t)
{
    if (q->nbinds < (int)(sizeof q->binds / sizeof q->binds[0]))
        q->binds[q->nbinds++] = (SqlBind){SQL_BIND_TEXT, 0, t};
    else
        q->overflow = true;
}

static bool has_text(const char *s) { return s && *s; }

/* AND (c1 LIKE ?p OR c2 LIKE ?p ...) for a substring filter.  `cols` is a
 * NULL-terminated list. */
static void q_filter(SqlQuery *q, const char *filter, const char *const *cols)
{
    if (!has_text(filter))
        return;
    size_t n = strlen(filter);
    q->pattern = xmalloc(2 * n + 3);
    char *o = q->pattern;
    *o++ = '%';
    for (const char *c = filter; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            *o++ = '\\';
        *o++ = *c;
    }
    *o++ = '%';
    *o = '\0';
    q_add(q, " AND (");
    for (int i = 0; cols[i]; i++) {
        q_add(q, "%s%s %s ? ESCAPE '\\'", i ? " OR " : "", cols[i],
              q->dialect == SQL_POSTGRES ? "ILIKE" : "LIKE");
        q_text(q, q->pattern);
    }
    q_add(q, ")");
}

/* ---------- the list specs in SQL ---------- */


/* How one column of a spec (view_specs.h) is spelt in SQL: its expression, and for
 * a text column that the store keeps as NULL when "", the expression whose
 * NULL-ness means "" (so that VIEW_EMPTY can use a partial index). */
typedef struct SqlColumn {
    const char *expr;
    const char *null_expr;
} SqlColumn;

typedef struct SqlSource {
    const char *from;
    const SqlColumn *cols; /* one per column of the row kind's specs */
    size_t ncols;
    bool row_values; /* keys of one direction as (k1, k2) > (?, ?): the index of one
                        table bounds its whole range; a join spells the keyset out */
} SqlSource;

static const SqlColumn product_sql[PCOL_COUNT] = {
    [PCOL_SKU] = {"sku", NULL},           [PCOL_NBATCHES] = {"nbatches", NULL},
    [PCOL_QTY] = {"qty", NULL},           [PCOL_ALLOCATED] = {"allocated", NULL},
    [PCOL_AVAILABLE] = {"qty - allocated", NULL},
    [PCOL_BO_LINES] = {"bo_lines", NULL}, [PCOL_BO_QTY] = {"bo_qty", NULL},
    [PCOL_NEXT_ETA] = {"next_eta", NULL},
};

/* A batch's allocated qty and line count come from the covering index
 * lines_by_batch (batch_id, seq, qty). */
#define BATCH_ALLOCATED "(SELECT COALESCE(SUM(l.qty), 0) FROM lines l WHERE l.batch_id = b.id)"
static const SqlColumn batch_sql[BCOL_COUNT] = {
    [BCOL_REF] = {"b.ref", NULL},
    [BCOL_SKU] = {"b.sku", NULL},
    [BCOL_QTY] = {"b.qty", NULL},
    [BCOL_ALLOCATED] = {BATCH_ALLOCATED, NULL},
    [BCOL_AVAILABLE] = {"b.qty - " BATCH_ALLOCATED, NULL},
    [BCOL_ETA] = {"b.eta", NULL},
    [BCOL_NLINES] = {"(SELECT COUNT(*) FROM lines l WHERE l.batch_id = b.id)", NULL},
    [BCOL_SEQ] = {"b.seq", NULL},
};

/* A date the store keeps as NULL for none reads as ALLOT_NO_DATE, the smallest
 * date, so that it sorts and compares as in every adapter (view_specs.h). */
#define NO_DATE_SQL "-2147483648"
/* The lateness columns (SPEC.md §1.4, domain/lateness.h) are worked out for the
 * query's day, which sql_list_query writes into the text where TODAY stands
 * (expand_today).  PROMISED_OR_TODAY is a line's promised date, or today for a
 * backorder: the batch's ETA when it is after today, else today (a batch in the
 * warehouse has ETA ALLOT_NO_ETA, the smallest integer; a backorder has no batch,
 * and a comparison with NULL is not true).  Written with CASE, which both SQL
 * dialects read alike. */
#define TODAY "@today"
#define PROMISED_OR_TODAY "(CASE WHEN b.eta > " TODAY " THEN b.eta ELSE " TODAY " END)"
static const SqlColumn line_sql[LCOL_COUNT] = {
    [LCOL_ORDERID] = {"l.orderid", NULL},
    [LCOL_SKU] = {"p.sku", NULL},
    [LCOL_QTY] = {"l.qty", NULL},
    [LCOL_BATCHREF] = {"b.ref", "l.batch_id"},
    [LCOL_ETA] = {"COALESCE(b.eta, " NO_DATE_SQL ")", NULL},
    [LCOL_SEQ] = {"l.seq", NULL},
    [LCOL_KEY] = {"l.req", NULL},
    [LCOL_NEED] = {"COALESCE(l.need, " NO_DATE_SQL ")", NULL},
    [LCOL_PROMISED] = {"(CASE WHEN l.batch_id IS NULL THEN " NO_DATE_SQL
                       " ELSE " PROMISED_OR_TODAY " END)",
                       NULL},
    [LCOL_LATE] = {"(CASE WHEN " PROMISED_OR_TODAY " > l.need THEN " PROMISED_OR_TODAY
                   " - l.need ELSE 0 END)",
                   NULL},
    [LCOL_AT_RISK] = {"(CASE WHEN l.batch_id IS NULL AND l.need >= " TODAY " THEN 1 ELSE 0 END)",
                      NULL},
};

static const SqlColumn event_sql[ECOL_COUNT] = {
    [ECOL_ID] = {"id", NULL},
    [ECOL_AT] = {"at", NULL},
    [ECOL_TYPE] = {"type", NULL},
    [ECOL_SKU] = {"sku", "sku"},
    [ECOL_ORDERID] = {"orderid", "orderid"},
    [ECOL_BATCHREF] = {"batchref", "batchref"},
    [ECOL_TO] = {"to_ref", "to_ref"},
    [ECOL_QTY] = {"qty", NULL},
    [ECOL_OLD_QTY] = {"old_qty", NULL},
    [ECOL_NEW_QTY] = {"new_qty", NULL},
    [ECOL_ETA] = {"eta", NULL},
    [ECOL_OLD_ETA] = {"old_eta", NULL},
    [ECOL_NEW_ETA] = {"new_eta", NULL},
    [ECOL_NEED] = {"need", NULL},
    [ECOL_REQUESTED] = {"requested", NULL},
    [ECOL_SEQ] = {"seq", NULL},
    [ECOL_COMMAND] = {"command_id", NULL},
    [ECOL_ACTOR] = {"actor", "NULLIF(actor, '')"},
    [ECOL_UNDOES] = {"undoes", NULL},
};

static const SqlSource sql_sources[] = {
    [VIEW_ROW_PRODUCT] = {"products", product_sql, PCOL_COUNT, true},
    [VIEW_ROW_BATCH] = {"batches b", batch_sql, BCOL_COUNT, true},
    [VIEW_ROW_LINE] = {"lines l JOIN products p ON p.id = l.product_id"
                       " LEFT JOIN batches b ON b.id = l.batch_id",
                       line_sql, LCOL_COUNT, false},
    [VIEW_ROW_EVENT] = {"events", event_sql, ECOL_COUNT, true},
};

/* A copy of `src` whose column expressions have `today` written where TODAY
 * stands: a whole number in the text, like the constant conditions (a store keeps
 * one prepared statement per day).  `out` holds the expanded expressions. */
typedef struct TodaySource {
    SqlSource src;
    SqlColumn cols[32];
    char buf[4096];
} TodaySource;

static const SqlSource *expand_today(const SqlSource *src, int32_t today, TodaySource *out)
{
    bool any = false;
    for (size_t i = 0; i < src->ncols; i++)
        any = any || strstr(src->cols[i].expr, TODAY);
    if (!any || src->ncols > sizeof out->cols / sizeof out->cols[0])
        return src;
    out->src = *src;
    out->src.cols = out->cols;
    char num[16];
    snprintf(num, sizeof num, "%" PRId32, today);
    size_t used = 0, ml = strlen(TODAY), nl = strlen(num);
    for (size_t i = 0; i < src->ncols; i++) {
        out->cols[i] = src->cols[i];
        const char *e = src->cols[i].expr;
        if (!strstr(e, TODAY))
            continue;
        char *o = out->buf + used;
        size_t len = 0;
        for (const char *p = e; *p;) {
            bool mark = strncmp(p, TODAY, ml) == 0;
            size_t n = mark ? nl : 1;
            if (used + len + n + 1 > sizeof out->buf)
                abort(); /* the expressions above always fit */
            memcpy(o + len, mark ? num : p, n);
            len += n;
            p += mark ? ml : 1;
        }
        o[len] = '\0';
        out->cols[i].expr = o;
        used += len + 1;
    }
    return &out->src;
}

static bool is_text_col(const ViewSpec *s, int col)
{
    return s->cols[col].type == VIEW_TEXT || s->cols[col].type == VIEW_EVENT_TYPE;
}

/* Binds the value of column `col` of `row`. */
static void q_value(SqlQuery *q, const ViewSpec *s, int col, const void *row)
{
    if (is_text_col(s, col))
        q_text(q, view_row_text(s, col, row));
    else
        q_int(q, view_row_num(s, col, row));
}

static const char *const cmp_ops[] = {
    [VIEW_EQ] = "=", [VIEW_LT] = "<", [VIEW_LE] = "<=", [VIEW_GT] = ">", [VIEW_GE] = ">=",
};

static void q_cond(SqlQuery *q, const SqlSource *src, const ViewSpec *s, const ViewCond *c)
{
    const SqlColumn *col = &src->cols[c->col];
    if (c->op == VIEW_EMPTY || c->op == VIEW_NOT_EMPTY) {
        const char *not = c->op == VIEW_EMPTY ? "" : " NOT";
        if (col->null_expr)
            q_add(q, " AND %s IS%s NULL", col->null_expr, not);
        else
            q_add(q, " AND%s (%s = '')", not, col->expr);
        return;
    }
    if (is_text_col(s, c->col)) {
        q_add(q, " AND %s %s ?", col->expr, cmp_ops[c->op]);
        q_text(q, c->text ? c->text : "");
    } else if (c->constant) {
        q_add(q, " AND %s %s %" PRId64, col->expr, cmp_ops[c->op], c->num);
    } else {
        q_add(q, " AND %s %s ?", col->expr, cmp_ops[c->op]);
        q_int(q, c->num);
    }
}

/* The keyset condition past `anchor` for keys[from..n), lexicographic with each
 * key's own direction, spelt so that the first key bounds an index range:
 *   k1 >= ? AND (k1 > ? OR (k2 >= ? AND (k2 > ? OR k3 > ?)))
 * or, on one table with every key in one direction, (k1, k2, k3) > (?, ?, ?). */
static void q_keyset(SqlQuery *q, const SqlSource *src, const ViewQuery *vq, const ViewKey *keys,
                     size_t from, size_t n, const void *anchor)
{
    bool one_way = true;
    for (size_t i = from + 1; i < n; i++)
        one_way = one_way && keys[i].desc == keys[from].desc;
    if (from == 0 && n > 1 && one_way && src->row_values) {
        q_add(q, "(");
        for (size_t i = 0; i < n; i++)
            q_add(q, "%s%s", i ? ", " : "", src->cols[keys[i].col].expr);
        q_add(q, ") %s (", keys[0].desc == vq->page.backward ? ">" : "<");
        for (size_t i = 0; i < n; i++) {
            q_add(q, "%s?", i ? ", " : "");
            q_value(q, vq->spec, keys[i].col, anchor);
        }
        q_add(q, ")");
        return;
    }
    const ViewKey *k = &keys[from];
    bool up = k->desc == vq->page.backward; /* this key grows in the page's direction */
    const char *e = src->cols[k->col].expr;
    if (from + 1 == n) {
        q_add(q, "%s %s ?", e, up ? ">" : "<");
        q_value(q, vq->spec, k->col, anchor);
        return;
    }
    q_add(q, "%s %s ? AND (%s %s ? OR (", e, up ? ">=" : "<=", e, up ? ">" : "<");
    q_value(q, vq->spec, k->col, anchor);
    q_value(q, vq->spec, k->col, anchor);
    q_keyset(q, src, vq, keys, from + 1, n, anchor);
    q_add(q, "))");
}

void sql_list_query(SqlDialect d, const ViewQuery *vq, const void *after, SqlQuery *q)
{
    const ViewSpec *s = vq->spec;
    TodaySource ts;
    const SqlSource *src = expand_today(&sql_sources[s->kind], vq->page.today, &ts);
    memset(q, 0, sizeof *q);
    q->dialect = d;
    q_add(q, "SELECT ");
    for (size_t i = 0; i < s->ncols; i++)
        q_add(q, "%s%s", i ? ", " : "", src->cols[i].expr);
    q_add(q, " FROM %s WHERE 1 = 1", src->from);
    for (size_t i = 0; i < vq->nconds; i++)
        q_cond(q, src, s, &vq->conds[i]);
    const char *fcols[33];
    size_t nf = 0;
    for (size_t i = 0; i < s->ncols && nf < 32; i++)
        if (s->filter_mask & (UINT32_C(1) << i))
            fcols[nf++] = src->cols[i].expr;
    fcols[nf] = NULL;
    q_filter(q, vq->page.filter, fcols);
    ViewKey keys[VIEW_MAX_KEYS];
    size_t nk = view_query_keys(vq, keys);
    if (after && nk) {
        q_add(q, " AND (");
        q_keyset(q, src, vq, keys, 0, nk, after);
        q_add(q, ")");
    }
    q_add(q, " ORDER BY ");
    for (size_t i = 0; i < nk; i++)
        q_add(q, "%s%s%s", i ? ", " : "", src->cols[keys[i].col].expr,
              keys[i].desc != vq->page.backward ? " DESC" : "");
    if (!nk)
        q_add(q, "1");
    q_add(q, " LIMIT ?");
    q_int(q, (int64_t)vq->page.limit);
}

/* Adds "SELECT k FROM … WHERE k >= prefix AND k < the first string after every
 * string with this prefix" for `kind`.  Returns false for an unknown kind. */
static bool complete_range(SqlQuery *q, CompleteKind kind, const char *prefix)
{
    const char *sel;
    switch (kind) {
    case COMPLETE_SKU: sel = "SELECT sku AS k FROM products WHERE sku >= ?"; break;
    case COMPLETE_REF: sel = "SELECT ref AS k FROM batches WHERE ref >= ?"; break;
    case COMPLETE_ORDERID: sel = "SELECT DISTINCT orderid AS k FROM lines WHERE orderid >= ?"; break;
    default: return false;
    }
    const char *col = kind == COMPLETE_SKU ? "sku" : kind == COMPLETE_REF ? "ref" : "orderid";
    /* The first string after every string with this prefix: the prefix with its
     * last byte below 0xff incremented.  PostgreSQL takes only UTF-8 text: there
     * the bound is used when that byte is ASCII, else starts_with() bounds the
     * rows instead. */
    size_t len = prefix ? strlen(prefix) : 0;
    if (len >= sizeof q->upper)
        len = sizeof q->upper - 1;
    memcpy(q->upper, prefix ? prefix : "", len);
    while (len > 0 && (unsigned char)q->upper[len - 1] == 0xff)
        len--;
    q->upper[len] = '\0';
    bool bound = len > 0 && (q->dialect == SQL_SQLITE || (unsigned char)q->upper[len - 1] < 0x7f);
    if (bound)
        q->upper[len - 1] = (char)((unsigned char)q->upper[len - 1] + 1);
    q_add(q, "%s", sel);
    q_text(q, prefix ? prefix : "");
    if (bound) {
        q_add(q, " AND %s < ?", col);
        q_text(q, q->upper);
    } else if (len > 0) {
        q_add(q, " AND starts_with(%s, ?)", col);
        q_text(q, prefix);
    }
    return true;
}

static AllotStatus unknown_kind(CompleteKind kind, ErrBuf *err)
{
    return err_set(err, ALLOT_EINVALID, "unknown completion kind %d", (int)kind);
}

AllotStatus sql_complete_query(SqlDialect d, CompleteKind kind, const char *prefix, size_t limit,
                               SqlQuery *q, ErrBuf *err)
{
    memset(q, 0, sizeof *q);
    q->dialect = d;
    if (!complete_range(q, kind, prefix))
        return unknown_kind(kind, err);
    q_add(q, " ORDER BY k LIMIT ?");
    q_int(q, (int64_t)limit);
    return ALLOT_OK;
}

AllotStatus sql_complete_count_query(SqlDialect d, CompleteKind kind, const char *prefix,
                                     int64_t cap, SqlQuery *q, ErrBuf *err)
{
    memset(q, 0, sizeof *q);
    q->dialect = d;
    q_add(q, "SELECT count(*) FROM (");
    if (!complete_range(q, kind, prefix))
        return unknown_kind(kind, err);
    q_add(q, " LIMIT ?) c");
    q_int(q, cap + 1);
    return ALLOT_OK;
}

AllotStatus sql_complete_end_query(SqlDialect d, CompleteKind kind, const char *prefix, bool last,
                                   SqlQuery *q, ErrBuf *err)
{
    memset(q, 0, sizeof *q);
    q->dialect = d;
    if (!complete_range(q, kind, prefix))
        return unknown_kind(kind, err);
    q_add(q, " ORDER BY k %s LIMIT 1", last ? "DESC" : "ASC");
    return ALLOT_OK;
}

void sql_latest_event_query(SqlDialect d, SqlQuery *q)
{
    memset(q, 0, sizeof *q);
    q->dialect = d;
    q_add(q, "SELECT COALESCE(MAX(id), 0) FROM events");
}

void sql_query_fini(SqlQuery *q)
{
    free(q->pattern);
    q->pattern = NULL;
}
