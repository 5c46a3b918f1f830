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

/* A LIKE pattern for `text` with the wildcards escaped: '%' before it when
 * `anywhere`, '%' after it; owned by q (sql_query_fini), "" when q holds too many. */
static const char *q_pattern(SqlQuery *q, const char *text, bool anywhere)
{
    if (q->npatterns == (int)(sizeof q->patterns / sizeof q->patterns[0])) {
        q->overflow = true;
        return "";
    }
    size_t n = strlen(text);
    char *p = xmalloc(2 * n + 3), *o = p;
    if (anywhere)
        *o++ = '%';
    for (const char *c = text; *c; c++) {
        if (*c == '%' || *c == '_' || *c == '\\')
            *o++ = '\\';
        *o++ = *c;
    }
    *o++ = '%';
    *o = '\0';
    q->patterns[q->npatterns++] = p;
    return p;
}

/* SQLite's LIKE folds ASCII letters only: a text with other characters is
 * compared folded on both sides (allot_fold, app/view_specs.h view_text_fold).
 * PostgreSQL's ILIKE folds by the server's LC_CTYPE. */
static bool q_folds(const SqlQuery *q, const char *text)
{
    return q->dialect == SQL_SQLITE && !view_text_is_ascii(text);
}

/* The LIKE pattern of `text` (q_pattern), of its folded form where q_folds. */
static const char *q_like_pattern(SqlQuery *q, const char *text, bool anywhere)
{
    if (!q_folds(q, text))
        return q_pattern(q, text, anywhere);
    size_t n = 4 * strlen(text) + 1;
    char *folded = xmalloc(n);
    view_text_fold(text, folded, n);
    const char *p = q_pattern(q, folded, anywhere);
    free(folded);
    return p;
}

/* " expr LIKE ? ESCAPE '\\'" (ILIKE on PostgreSQL; allot_fold(expr) where the
 * pattern's text folds) bound to `pattern`. */
static void q_like(SqlQuery *q, const char *expr, bool folded, const char *pattern)
{
    if (folded)
        q_add(q, "allot_fold(%s) LIKE ? ESCAPE '\\'", expr);
    else
        q_add(q, "%s %s ? ESCAPE '\\'", expr, q->dialect == SQL_POSTGRES ? "ILIKE" : "LIKE");
    q_text(q, pattern);
}

/* AND (c1 LIKE ?p OR c2 LIKE ?p ...) for a substring filter.  `cols` is a
 * NULL-terminated list. */
static void q_filter(SqlQuery *q, const char *filter, const char *const *cols)
{
    if (!has_text(filter))
        return;
    if (!q->pattern) /* one pattern for every part of the query that filters */
        q->pattern = q_like_pattern(q, filter, true);
    q_add(q, " AND (");
    for (int i = 0; cols[i]; i++) {
        q_add(q, "%s", i ? " OR " : "");
        q_like(q, cols[i], q_folds(q, filter), q->pattern);
    }
    q_add(q, ")");
}

/* ---------- the list specs in SQL ---------- */


/* How one column of a spec (view_specs.h) is spelt in SQL: its expression; for a
 * text column that the store keeps as NULL when "", the expression whose
 * NULL-ness means "" (so that VIEW_EMPTY can use a partial index); and for a
 * column the store keeps as NULL for none, the expression that orders and compares
 * it as the spec does (none = "" or ALLOT_NO_ETA, the smallest), which the keyset
 * and ORDER BY use (an index on that expression serves them). */
typedef struct SqlColumn {
    const char *expr;
    const char *null_expr;
    const char *sort_expr;
} SqlColumn;

static const char *sort_expr(const SqlColumn *c) { return c->sort_expr ? c->sort_expr : c->expr; }

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
    [PCOL_NEXT_ETA] = {"next_eta", NULL, "COALESCE(next_eta, -2147483648)"},
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
    [LCOL_BATCHREF] = {"b.ref", "l.batch_id", "COALESCE(b.ref, '')"},
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
    if (c->op == VIEW_PREFIX) {
        if (!has_text(c->text))
            return; /* every row, also one whose text the store keeps as NULL */
        q_add(q, " AND ");
        q_like(q, col->expr, q_folds(q, c->text), q_like_pattern(q, c->text, false));
        return;
    }
    if (is_text_col(s, c->col)) {
        q_add(q, " AND %s %s ?", col->expr, cmp_ops[c->op]);
        q_text(q, c->text ? c->text : "");
    } else if (c->constant) {
        q_add(q, " AND %s %s %" PRId64, sort_expr(col), cmp_ops[c->op], c->num);
    } else {
        q_add(q, " AND %s %s ?", sort_expr(col), cmp_ops[c->op]);
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
            q_add(q, "%s%s", i ? ", " : "", sort_expr(&src->cols[keys[i].col]));
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
    const char *e = sort_expr(&src->cols[k->col]);
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

/* The conditions of vq, its substring filter and the keyset past `after`, each as
 * " AND …". */
static void q_where_rest(SqlQuery *q, const SqlSource *src, const ViewQuery *vq,
                         const void *after)
{
    const ViewSpec *s = vq->spec;
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
}

static void q_select_cols(SqlQuery *q, const SqlSource *src, const ViewSpec *s)
{
    q_add(q, "SELECT ");
    for (size_t i = 0; i < s->ncols; i++)
        q_add(q, "%s%s", i ? ", " : "", src->cols[i].expr);
}

void sql_list_query(SqlDialect d, const ViewQuery *vq, const void *after, SqlQuery *q)
{
    const ViewSpec *s = vq->spec;
    TodaySource ts;
    const SqlSource *src = expand_today(&sql_sources[s->kind], vq->page.today, &ts);
    memset(q, 0, sizeof *q);
    q->dialect = d;
    q_select_cols(q, src, s);
    q_add(q, " FROM %s WHERE 1 = 1", src->from);
    q_where_rest(q, src, vq, after);
    ViewKey keys[VIEW_MAX_KEYS];
    size_t nk = view_query_keys(vq, keys);
    q_add(q, " ORDER BY ");
    for (size_t i = 0; i < nk; i++)
        q_add(q, "%s%s%s", i ? ", " : "", sort_expr(&src->cols[keys[i].col]),
              keys[i].desc != vq->page.backward ? " DESC" : "");
    if (!nk)
        q_add(q, "1");
    q_add(q, " LIMIT ?");
    q_int(q, (int64_t)vq->page.limit);
}

/* ---------- the late-first plan ----------
 *
 * A line list whose first key is its days late (the late lines, worst first) cannot
 * be read in order from an index: `late` is worked out for the query's day.  But the
 * lines of one batch are late by its promised date P (its ETA when after today, else
 * today) minus their need date, and the backorders by today minus theirs: within
 * one such group, the need date orders them.  So a page is found with index seeks
 * (lines_need_by_batch (batch_id, need) and backorders_by_need (need), schema 7),
 * not a scan of every line:
 *   1. the heads: for each batch, its line that is latest within the range still to
 *      read (one seek); for the backorders, the first k by need;
 *   2. the bound: the k-th latest head (the k-th earliest going the other way): at
 *      least k lines lie between the range's start and the bound;
 *   3. the rows: the lines of the batches whose head is within the bound, and the
 *      backorders, with a need date in the window [P - hi, P - lo] (an index range
 *      per batch), under every condition, filter and keyset of the query, in the
 *      query's order, LIMIT k.
 * One statement does the three (WITH … AS MATERIALIZED).  The conditions and the
 * filter are not in the heads, so a window can hold fewer than k rows: the plan then
 * reads the next window, past the bound; after two windows it reads the rest of the
 * range with the plain query.  Each window is a range of days late, disjoint from
 * the others and read in the page's direction, so that the rows come in order. */

enum { LATE_PLAN_WINDOWS = 2 };
#define LATE_INF (INT64_C(1) << 30) /* more days late than any line (dates are years
                                       1..9999), and an int4 for PostgreSQL */

typedef struct LatePlan {
    bool down;        /* reading towards fewer days late */
    int64_t lo, hi;   /* the range of days late still to read (inclusive) */
} LatePlan;

/* Whether vq can be read by the late-first plan, and its range of days late:
 * a line list whose first keyset key is `late`, with a condition that keeps only
 * late lines (late > N, N >= 0), and not narrowed to one product, order or batch
 * (those are read from their own indexes, in a few rows). */
static bool late_plan(const ViewQuery *vq, const void *after, LatePlan *p)
{
    const ViewSpec *s = vq->spec;
    ViewKey keys[VIEW_MAX_KEYS];
    if (s->kind != VIEW_ROW_LINE || view_query_keys(vq, keys) == 0 || keys[0].col != LCOL_LATE)
        return false;
    if (view_query_fixed(vq, LCOL_SKU) || view_query_fixed(vq, LCOL_ORDERID) ||
        view_query_fixed(vq, LCOL_BATCHREF) || vq->nconds + 2 > VIEW_MAX_CONDS)
        return false;
    p->lo = 0;
    p->hi = LATE_INF;
    for (size_t i = 0; i < vq->nconds; i++) {
        const ViewCond *c = &vq->conds[i];
        if (c->col != LCOL_LATE)
            continue;
        if (c->op == VIEW_GT && c->num + 1 > p->lo)
            p->lo = c->num + 1;
        else if (c->op == VIEW_GE && c->num > p->lo)
            p->lo = c->num;
        else if (c->op == VIEW_LT && c->num - 1 < p->hi)
            p->hi = c->num - 1;
        else if (c->op == VIEW_LE && c->num < p->hi)
            p->hi = c->num;
    }
    if (p->lo < 1)
        return false; /* lines on time (late 0) are every other line: no window */
    p->down = keys[0].desc != vq->page.backward;
    if (after) {
        int64_t la = view_row_num(s, LCOL_LATE, after);
        if (p->down && la < p->hi)
            p->hi = la;
        if (!p->down && la > p->lo)
            p->lo = la;
    }
    return true;
}

/* The statement of one window of plan p, of at most k rows: the spec's columns and
 * the bound as one more column.  `bound_only`: SELECT the bound alone (one row). */
static void late_window_query(SqlDialect d, const ViewQuery *vq, const void *after,
                              const LatePlan *p, size_t k, bool bound_only, SqlQuery *q)
{
    const ViewSpec *s = vq->spec;
    TodaySource ts;
    const SqlSource *src = expand_today(&sql_sources[s->kind], vq->page.today, &ts);
    memset(q, 0, sizeof *q);
    q->dialect = d;
    char pr[96];
    snprintf(pr, sizeof pr, "(CASE WHEN b.eta > %" PRId32 " THEN b.eta ELSE %" PRId32 " END)",
             vq->page.today, vq->page.today);
    int64_t t = vq->page.today;
    /* SQLite joins a CROSS JOIN in the order written: the heads drive the lines */
    const char *join = d == SQL_SQLITE ? "CROSS JOIN" : "JOIN";
    /* heads: each batch's latest line with late <= hi (down), or its least late with
       late >= lo (up); the bound: the k-th head in the page's direction, not past the
       range's start (lo down, hi up) */
    int64_t start = p->down ? p->lo : p->hi, end = p->down ? p->hi : p->lo;
    const char *on = p->down ? ">=" : "<=", *past = p->down ? "<" : ">";
    q_add(q, "WITH heads AS MATERIALIZED (SELECT b.id AS id, %s AS pr, %s - (SELECT %s(l.need)"
             " FROM lines l WHERE l.batch_id = b.id AND l.need %s %s - ?) AS h FROM batches b),",
          pr, pr, p->down ? "MIN" : "MAX", on, pr);
    q_int(q, end);
    q_add(q, " bo AS MATERIALIZED (SELECT %" PRId64 " - l.need AS h FROM lines l"
             " WHERE l.batch_id IS NULL AND l.need >= ? AND l.need <= ? ORDER BY l.need%s LIMIT ?),",
          t, p->down ? "" : " DESC");
    q_int(q, t - p->hi);
    q_int(q, t - p->lo);
    q_int(q, (int64_t)k);
    q_add(q, " bound AS MATERIALIZED (SELECT CASE WHEN x IS NULL OR x %s ? THEN ? ELSE x END AS v"
             " FROM (SELECT (SELECT h FROM (SELECT h FROM heads WHERE h %s ? UNION ALL"
             " SELECT h FROM bo) hb ORDER BY h %s LIMIT 1 OFFSET ?) AS x) bx)",
          past, on, p->down ? "DESC" : "ASC");
    q_int(q, start);
    q_int(q, start);
    q_int(q, start);
    q_int(q, (int64_t)k - 1);
    if (bound_only) {
        q_add(q, " SELECT v FROM bound");
        return;
    }
    /* the lines of the batches that have some in the window */
    q_select_cols(q, src, s);
    q_add(q, ", bound.v FROM bound CROSS JOIN heads hd %s lines l ON l.batch_id = hd.id", join);
    if (p->down) {
        q_add(q, " AND l.need >= hd.pr - ? AND l.need <= hd.pr - bound.v");
        q_int(q, p->hi);
    } else {
        q_add(q, " AND l.need >= hd.pr - bound.v AND l.need <= hd.pr - ?");
        q_int(q, p->lo);
    }
    q_add(q, " JOIN batches b ON b.id = hd.id JOIN products p ON p.id = l.product_id WHERE hd.h %s"
             " bound.v",
          p->down ? ">=" : "<=");
    q_where_rest(q, src, vq, after);
    /* the backorders in the window */
    q_add(q, " UNION ALL ");
    q_select_cols(q, src, s);
    q_add(q, ", bound.v FROM bound CROSS JOIN lines l JOIN products p ON p.id = l.product_id"
             " LEFT JOIN batches b ON b.id = l.batch_id WHERE l.batch_id IS NULL");
    if (p->down) {
        q_add(q, " AND l.need >= ? AND l.need <= %" PRId64 " - bound.v", t);
        q_int(q, t - p->hi);
    } else {
        q_add(q, " AND l.need >= %" PRId64 " - bound.v AND l.need <= ?", t);
        q_int(q, t - p->lo);
    }
    q_where_rest(q, src, vq, after);
    ViewKey keys[VIEW_MAX_KEYS];
    size_t nk = view_query_keys(vq, keys);
    q_add(q, " ORDER BY ");
    for (size_t i = 0; i < nk; i++)
        q_add(q, "%s%u%s", i ? ", " : "", (unsigned)keys[i].col + 1,
              keys[i].desc != vq->page.backward ? " DESC" : "");
    q_add(q, " LIMIT ?");
    q_int(q, (int64_t)k);
}

static void reverse_rows(void *rows, size_t n, size_t size)
{
    if (n < 2)
        return;
    char *tmp = xmalloc(size);
    for (size_t i = 0, j = n - 1; i < j; i++, j--) {
        memcpy(tmp, (char *)rows + i * size, size);
        memcpy((char *)rows + i * size, (char *)rows + j * size, size);
        memcpy((char *)rows + j * size, tmp, size);
    }
    free(tmp);
}

AllotStatus sql_list(SqlDialect d, const ViewQuery *vq, const void *after, void *rows, size_t *n,
                     const SqlRunner *run, ErrBuf *err)
{
    const ViewSpec *s = vq->spec;
    size_t limit = vq->page.limit, size = s->row_size;
    *n = 0;
    LatePlan p;
    SqlQuery q;
    AllotStatus st = ALLOT_OK;
    if (!late_plan(vq, after, &p)) {
        sql_list_query(d, vq, after, &q);
        st = run->rows(run->ctx, &q, s, rows, limit, n, NULL, err);
    } else {
        for (int w = 0; st == ALLOT_OK && *n < limit && p.lo <= p.hi; w++) {
            char *out = (char *)rows + *n * size;
            size_t k = limit - *n, m = 0;
            if (w == LATE_PLAN_WINDOWS) { /* the rest of the range, plainly */
                ViewQuery rest = *vq;
                rest.page.limit = k;
                view_query_where(&rest, (ViewCond){.col = LCOL_LATE, .op = VIEW_GE, .num = p.lo});
                view_query_where(&rest, (ViewCond){.col = LCOL_LATE, .op = VIEW_LE, .num = p.hi});
                sql_list_query(d, &rest, after, &q);
                st = run->rows(run->ctx, &q, s, out, k, &m, NULL, err);
                *n += m;
                break;
            }
            int64_t bound = p.down ? p.lo : p.hi;
            late_window_query(d, vq, after, &p, k, false, &q);
            st = run->rows(run->ctx, &q, s, out, k, &m, &bound, err);
            if (st == ALLOT_OK && m == 0) {
                late_window_query(d, vq, after, &p, k, true, &q);
                st = run->rows(run->ctx, &q, NULL, NULL, 1, &m, &bound, err);
                m = 0;
            }
            *n += m;
            if (p.down)
                p.hi = bound - 1;
            else
                p.lo = bound + 1;
        }
    }
    if (st != ALLOT_OK)
        *n = 0;
    else if (vq->page.backward)
        reverse_rows(rows, *n, size);
    return st;
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

void sql_count_query(SqlDialect d, const ViewQuery *vq, const void *after, SqlQuery *q)
{
    const ViewSpec *s = vq->spec;
    TodaySource ts;
    const SqlSource *src = expand_today(&sql_sources[s->kind], vq->page.today, &ts);
    memset(q, 0, sizeof *q);
    q->dialect = d;
    q_add(q, "SELECT count(*) FROM %s WHERE 1 = 1", src->from);
    q_where_rest(q, src, vq, after);
}

/* Each header count is one index range (schema 8, docs/tui.md "Counts"): the
 * products with backorders (products_backordered), the batches with an ETA before
 * today (batches_by_eta), and the late lines (SPEC.md §1.4) in two parts — a line
 * whose need date has passed is late wherever it is (its promise is today or
 * later), and a line needed from today on is late only on a batch arriving after
 * its need date (lines_by_need). */
void sql_count_of_query(SqlDialect d, SqlCount which, int32_t today, SqlQuery *q)
{
    memset(q, 0, sizeof *q);
    q->dialect = d;
    switch (which) {
    case SQL_COUNT_BACKORDER_LINES:
        q_add(q, "SELECT COALESCE(SUM(bo_lines), 0) FROM products WHERE bo_lines > 0");
        break;
    case SQL_COUNT_BACKORDER_UNITS:
        q_add(q, "SELECT COALESCE(SUM(bo_qty), 0) FROM products WHERE bo_lines > 0");
        break;
    case SQL_COUNT_SKUS_SHORT: q_add(q, "SELECT count(*) FROM products WHERE bo_lines > 0"); break;
    case SQL_COUNT_OVERDUE_BATCHES:
        q_add(q, "SELECT count(*) FROM batches WHERE eta > %s AND eta < ?", NO_DATE_SQL);
        q_int(q, today);
        break;
    case SQL_COUNT_LATE_PASSED:
        q_add(q, "SELECT count(*) FROM lines WHERE need IS NOT NULL AND need < ?");
        q_int(q, today);
        break;
    case SQL_COUNT_LATE_AHEAD:
        q_add(q, "SELECT count(*) FROM lines l JOIN batches b ON b.id = l.batch_id"
                 " WHERE l.need IS NOT NULL AND l.need >= ? AND b.eta > l.need");
        q_int(q, today);
        break;
    }
}

AllotStatus sql_count(SqlDialect d, const ViewQuery *vq, const void *after, int64_t *n,
                      const SqlRunner *run, ErrBuf *err)
{
    SqlQuery q;
    size_t got = 0;
    *n = 0;
    sql_count_query(d, vq, after, &q);
    return run->rows(run->ctx, &q, NULL, NULL, 1, &got, n, err);
}

AllotStatus sql_counts(SqlDialect d, int32_t today, ReadCounts *out, const SqlRunner *run,
                       ErrBuf *err)
{
    int64_t v[SQL_COUNT_LATE_AHEAD + 1] = {0};
    AllotStatus st = ALLOT_OK;
    for (int c = 0; st == ALLOT_OK && c <= SQL_COUNT_LATE_AHEAD; c++) {
        SqlQuery q;
        size_t got = 0;
        sql_count_of_query(d, (SqlCount)c, today, &q);
        st = run->rows(run->ctx, &q, NULL, NULL, 1, &got, &v[c], err);
    }
    *out = (ReadCounts){
        .backorder_lines = v[SQL_COUNT_BACKORDER_LINES],
        .backorder_units = v[SQL_COUNT_BACKORDER_UNITS],
        .skus_short = v[SQL_COUNT_SKUS_SHORT],
        .overdue_batches = v[SQL_COUNT_OVERDUE_BATCHES],
        .late_lines = v[SQL_COUNT_LATE_PASSED] + v[SQL_COUNT_LATE_AHEAD],
    };
    return st;
}

void sql_query_fini(SqlQuery *q)
{
    for (int i = 0; i < q->npatterns; i++)
        free(q->patterns[i]);
    q->npatterns = 0;
    q->pattern = NULL;
}
