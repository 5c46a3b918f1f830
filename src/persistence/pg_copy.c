/* pg_copy.c — `allot copy` from and into a PostgreSQL store (store_copy.h): the
 * tables of the schema allot read in one REPEATABLE READ, READ ONLY transaction (a
 * row at a time), and written in one transaction with COPY, a table after another
 * as the rows come. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/strmap.h"
#include "domain/xalloc.h"
#include "persistence/pg_conn.h"
#include "persistence/pg_store.h"
#include "persistence/store_copy.h"

/* ---------- out ---------- */

typedef enum { OUT_PRODUCTS, OUT_BATCHES, OUT_LINES, OUT_EVENTS, OUT_COUNT } OutStep;

static const char *const out_sql[OUT_COUNT] = {
    [OUT_PRODUCTS] = "SELECT sku, version, next_seq FROM allot.products ORDER BY sku",
    [OUT_BATCHES] = "SELECT ref, sku, qty, eta, seq FROM allot.batches ORDER BY sku, seq",
    [OUT_LINES] = "SELECT l.orderid, p.sku, l.qty, l.seq, l.req, l.need, b.ref FROM allot.lines l"
                  " JOIN allot.products p ON p.id = l.product_id"
                  " LEFT JOIN allot.batches b ON b.id = l.batch_id ORDER BY p.sku, l.seq",
    [OUT_EVENTS] = "SELECT id, at, type, sku, orderid, batchref, to_ref, qty, old_qty, new_qty,"
                   " eta, old_eta, new_eta, need, requested, seq, new_line::int, command_id, actor,"
                   " undoes FROM allot.events ORDER BY id",
};

static int64_t num(const PGresult *r, int c) { return strtoll(PQgetvalue(r, 0, c), NULL, 10); }

static void text_id(const PGresult *r, int c, AllotId out)
{
    snprintf(out, sizeof(AllotId), "%s", PQgetisnull(r, 0, c) ? "" : PQgetvalue(r, 0, c));
}

/* One row (row 0 of a single-row result) to the sink. */
static AllotStatus out_row(const PGresult *r, OutStep step, StoreSink *sink, ErrBuf *err)
{
    switch (step) {
    case OUT_PRODUCTS: {
        CopyProduct p;
        text_id(r, 0, p.sku);
        p.version = num(r, 1);
        p.next_seq = num(r, 2);
        return sink->ops->product(sink, &p, err);
    }
    case OUT_BATCHES: {
        CopyBatch b;
        text_id(r, 0, b.ref);
        text_id(r, 1, b.sku);
        b.qty = num(r, 2);
        b.eta = (int32_t)num(r, 3);
        b.seq = num(r, 4);
        return sink->ops->batch(sink, &b, err);
    }
    case OUT_LINES: {
        CopyLine l;
        text_id(r, 0, l.orderid);
        text_id(r, 1, l.sku);
        l.qty = num(r, 2);
        l.seq = num(r, 3);
        l.requested = num(r, 4);
        l.need = PQgetisnull(r, 0, 5) ? ALLOT_NO_DATE : (int32_t)num(r, 5);
        text_id(r, 6, l.batchref);
        return sink->ops->line(sink, &l, err);
    }
    case OUT_EVENTS: {
        CopyEvent e;
        for (int i = 0; i < COPY_EVENT_NCOLS; i++)
            e.v[i] = PQgetisnull(r, 0, i) ? NULL : PQgetvalue(r, 0, i);
        return sink->ops->event(sink, &e, err);
    }
    default: return ALLOT_OK;
    }
}

/* Runs `sql` a row at a time into the sink. */
static AllotStatus stream(PGconn *c, const char *where, const char *sql, OutStep step,
                          StoreSink *sink, long long *count, ErrBuf *err)
{
    if (!PQsendQuery(c, sql) || !PQsetSingleRowMode(c))
        return pg_error(c, NULL, where, "reading the store", false, err);
    AllotStatus st = ALLOT_OK;
    PGresult *r;
    while ((r = PQgetResult(c)) != NULL) {
        ExecStatusType s = PQresultStatus(r);
        if (st == ALLOT_OK && s == PGRES_SINGLE_TUPLE) {
            st = out_row(r, step, sink, err);
            (*count)++;
        } else if (st == ALLOT_OK && s != PGRES_TUPLES_OK) {
            st = pg_error(c, r, where, "reading the store", false, err);
        }
        PQclear(r);
    }
    return st;
}

AllotStatus pg_copy_out(const char *uri, StoreSink *sink, CopyCounts *counts,
                        int64_t *next_command_id, ErrBuf *err)
{
    memset(counts, 0, sizeof *counts);
    *next_command_id = 1;
    PGconn *c;
    char where[PG_WHERE_MAX];
    AllotStatus st = pg_connect(uri, &c, where, err);
    if (st != ALLOT_OK)
        return st;
    st = pg_check_schema(c, where, err);
    if (st == ALLOT_OK)
        st = pg_exec(c, where, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "reading the store",
                     err);
    long long *count[OUT_COUNT] = {&counts->products, &counts->batches, &counts->lines,
                                   &counts->events};
    for (int step = 0; st == ALLOT_OK && step < OUT_COUNT; step++)
        st = stream(c, where, out_sql[step], (OutStep)step, sink, count[step], err);
    if (st == ALLOT_OK) {
        PGresult *r = PQexec(c, "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END"
                                " FROM allot.command_ids");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            *next_command_id = num(r, 0);
        else
            st = pg_error(c, r, where, "reading the command ids", false, err);
        PQclear(r);
    }
    PQfinish(c);
    return st;
}

/* ---------- in ---------- */

typedef enum { IN_NONE, IN_PRODUCTS, IN_BATCHES, IN_LINES, IN_EVENTS } InTable;

static const char *const in_copy[] = {
    [IN_PRODUCTS] = "COPY allot.products (id, sku, version, next_seq) FROM STDIN",
    [IN_BATCHES] = "COPY allot.batches (id, product_id, sku, ref, qty, eta, seq) FROM STDIN",
    [IN_LINES] = "COPY allot.lines (orderid, product_id, qty, seq, batch_id, req, need) FROM STDIN",
    [IN_EVENTS] = "COPY allot.events (" COPY_EVENT_COLS ") FROM STDIN",
};

typedef struct PgSink {
    StoreSink base;
    PGconn *c;
    char where[PG_WHERE_MAX];
    InTable open; /* the table whose COPY is open */
    char *buf;    /* the row being made */
    size_t len, cap;
    StrMap products, batches; /* sku / ref → id */
    int64_t nproducts, nbatches;
} PgSink;

static PgSink *from_sink(StoreSink *s) { return (PgSink *)s; }

static void put(PgSink *s, const char *t, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        while (s->cap < s->len + n + 1)
            s->cap *= 2;
        s->buf = xrealloc(s->buf, s->cap);
    }
    memcpy(s->buf + s->len, t, n);
    s->len += n;
}

/* A COPY text field: \N for NULL, backslashes escaped (ids hold no control
 * characters: SPEC.md §1.3). */
static void field(PgSink *s, const char *v)
{
    if (s->len)
        put(s, "\t", 1);
    if (!v) {
        put(s, "\\N", 2);
        return;
    }
    for (const char *c = v; *c; c++)
        put(s, *c == '\\' ? "\\\\" : c, *c == '\\' ? 2 : 1);
}

static void field_int(PgSink *s, int64_t x)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", (long long)x);
    field(s, b);
}

static AllotStatus end_copy(PgSink *s, ErrBuf *err)
{
    if (s->open == IN_NONE)
        return ALLOT_OK;
    s->open = IN_NONE;
    AllotStatus st = PQputCopyEnd(s->c, NULL) == 1
                         ? ALLOT_OK
                         : pg_error(s->c, NULL, s->where, "writing the copy", false, err);
    PGresult *r;
    while ((r = PQgetResult(s->c)) != NULL) {
        if (st == ALLOT_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
            st = pg_error(s->c, r, s->where, "writing the copy", false, err);
        PQclear(r);
    }
    return st;
}

/* Sends the row made in buf into the COPY of `table`, opening it (and ending the
 * previous one) when needed. */
static AllotStatus send_row(PgSink *s, InTable table, ErrBuf *err)
{
    put(s, "\n", 1);
    AllotStatus st = ALLOT_OK;
    if (s->open != table) {
        st = end_copy(s, err);
        if (st == ALLOT_OK) {
            PGresult *r = PQexec(s->c, in_copy[table]);
            if (PQresultStatus(r) != PGRES_COPY_IN)
                st = pg_error(s->c, r, s->where, "writing the copy", false, err);
            else
                s->open = table;
            PQclear(r);
        }
    }
    if (st == ALLOT_OK && PQputCopyData(s->c, s->buf, (int)s->len) != 1)
        st = pg_error(s->c, NULL, s->where, "writing the copy", false, err);
    s->len = 0;
    return st;
}

static AllotStatus id_of(const StrMap *m, const char *key, const char *what, int64_t *id,
                         ErrBuf *err)
{
    uint64_t v;
    if (!strmap_get(m, key, &v))
        return err_set(err, ALLOT_ESTORAGE, "copy: no %s %s for a row that names it", what, key);
    *id = (int64_t)v;
    return ALLOT_OK;
}

static AllotStatus ps_product(StoreSink *base, const CopyProduct *p, ErrBuf *err)
{
    PgSink *s = from_sink(base);
    int64_t id = ++s->nproducts;
    strmap_put(&s->products, p->sku, (uint64_t)id);
    s->len = 0;
    field_int(s, id);
    field(s, p->sku);
    field_int(s, p->version);
    field_int(s, p->next_seq);
    return send_row(s, IN_PRODUCTS, err);
}

static AllotStatus ps_batch(StoreSink *base, const CopyBatch *b, ErrBuf *err)
{
    PgSink *s = from_sink(base);
    int64_t pid = 0;
    AllotStatus st = id_of(&s->products, b->sku, "product", &pid, err);
    if (st != ALLOT_OK)
        return st;
    int64_t id = ++s->nbatches;
    strmap_put(&s->batches, b->ref, (uint64_t)id);
    s->len = 0;
    field_int(s, id);
    field_int(s, pid);
    field(s, b->sku);
    field(s, b->ref);
    field_int(s, b->qty);
    field_int(s, b->eta);
    field_int(s, b->seq);
    return send_row(s, IN_BATCHES, err);
}

static AllotStatus ps_line(StoreSink *base, const CopyLine *l, ErrBuf *err)
{
    PgSink *s = from_sink(base);
    int64_t pid = 0, bid = 0;
    AllotStatus st = id_of(&s->products, l->sku, "product", &pid, err);
    if (st == ALLOT_OK && l->batchref[0])
        st = id_of(&s->batches, l->batchref, "batch", &bid, err);
    if (st != ALLOT_OK)
        return st;
    s->len = 0;
    field(s, l->orderid);
    field_int(s, pid);
    field_int(s, l->qty);
    field_int(s, l->seq);
    if (bid)
        field_int(s, bid);
    else
        field(s, NULL);
    field_int(s, l->requested);
    if (l->need != ALLOT_NO_DATE)
        field_int(s, l->need);
    else
        field(s, NULL);
    return send_row(s, IN_LINES, err);
}

static AllotStatus ps_event(StoreSink *base, const CopyEvent *e, ErrBuf *err)
{
    PgSink *s = from_sink(base);
    s->len = 0;
    for (int i = 0; i < COPY_EVENT_NCOLS; i++)
        field(s, e->v[i]);
    return send_row(s, IN_EVENTS, err);
}

static AllotStatus ps_finish(StoreSink *base, int64_t next_command_id, bool commit, ErrBuf *err)
{
    PgSink *s = from_sink(base);
    AllotStatus st = end_copy(s, err);
    if (!commit || st != ALLOT_OK) {
        PQclear(PQexec(s->c, "ROLLBACK"));
        return st;
    }
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT setval(pg_get_serial_sequence('allot.products', 'id'),"
             "  (SELECT coalesce(max(id), 0) + 1 FROM allot.products), false),"
             " setval(pg_get_serial_sequence('allot.batches', 'id'),"
             "  (SELECT coalesce(max(id), 0) + 1 FROM allot.batches), false),"
             " setval(pg_get_serial_sequence('allot.events', 'id'),"
             "  (SELECT coalesce(max(id), 0) + 1 FROM allot.events), false),"
             " setval('allot.command_ids', greatest(%lld,"
             "  (SELECT coalesce(max(req), 0) + 1 FROM allot.lines),"
             "  (SELECT coalesce(max(command_id), 0) + 1 FROM allot.events)), false)",
             (long long)next_command_id);
    const char *steps[] = {
        /* the per-product aggregates of the read model (schema/pg/0002), from the rows */
        "UPDATE allot.products p SET"
        " nbatches = (SELECT count(*) FROM allot.batches WHERE product_id = p.id),"
        " qty = (SELECT coalesce(sum(qty), 0) FROM allot.batches WHERE product_id = p.id),"
        " allocated = (SELECT coalesce(sum(qty), 0) FROM allot.lines"
        "              WHERE product_id = p.id AND batch_id IS NOT NULL),"
        " bo_lines = (SELECT count(*) FROM allot.lines WHERE product_id = p.id AND batch_id IS NULL),"
        " bo_qty = (SELECT coalesce(sum(qty), 0) FROM allot.lines"
        "           WHERE product_id = p.id AND batch_id IS NULL),"
        " next_eta = (SELECT min(eta) FROM allot.batches"
        "             WHERE product_id = p.id AND eta <> -2147483648)",
        sql,
        "NOTIFY " PG_EVENTS_CHANNEL,
        "COMMIT",
    };
    for (size_t i = 0; st == ALLOT_OK && i < sizeof steps / sizeof *steps; i++)
        st = pg_exec(s->c, s->where, steps[i], "finishing the copy", err);
    if (st != ALLOT_OK && PQstatus(s->c) == CONNECTION_OK)
        PQclear(PQexec(s->c, "ROLLBACK"));
    return st;
}

static void ps_destroy(StoreSink *base)
{
    PgSink *s = from_sink(base);
    PQfinish(s->c);
    strmap_fini(&s->products);
    strmap_fini(&s->batches);
    free(s->buf);
    free(s);
}

static const StoreSinkOps pg_sink_ops = {ps_product, ps_batch, ps_line, ps_event, ps_finish,
                                         ps_destroy};

AllotStatus pg_copy_in(const char *uri, StoreSink **out, ErrBuf *err)
{
    *out = NULL;
    PgSink *s = xcalloc(1, sizeof *s);
    s->base.ops = &pg_sink_ops;
    strmap_init(&s->products);
    strmap_init(&s->batches);
    AllotStatus st = pg_connect(uri, &s->c, s->where, err);
    if (st == ALLOT_OK)
        st = pg_migrate(s->c, s->where, err);
    if (st == ALLOT_OK)
        st = pg_exec(s->c, s->where, "BEGIN", "starting the copy", err);
    /* nobody else writes while the store is filled */
    if (st == ALLOT_OK)
        st = pg_exec(s->c, s->where,
                     "LOCK TABLE allot.products, allot.batches, allot.lines, allot.events"
                     " IN EXCLUSIVE MODE", "starting the copy", err);
    if (st == ALLOT_OK) {
        PGresult *r = PQexec(s->c, "SELECT (SELECT count(*) FROM allot.products)"
                                   " + (SELECT count(*) FROM allot.events)");
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            st = pg_error(s->c, r, s->where, "reading the store", false, err);
        else if (strtoll(PQgetvalue(r, 0, 0), NULL, 10) > 0)
            st = err_set(err, ALLOT_EINVALID,
                         "copy: PostgreSQL %s already holds data; copy into an empty store",
                         s->where);
        PQclear(r);
    }
    if (st != ALLOT_OK) {
        ps_destroy(&s->base);
        return st;
    }
    *out = &s->base;
    return ALLOT_OK;
}
