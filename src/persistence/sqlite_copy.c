/* sqlite_copy.c — `allot copy` from and into a SQLite store (store_copy.h): the
 * tables read and written as they are, in one transaction each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/strmap.h"
#include "domain/xalloc.h"
#include "persistence/sqlite_schema.h"
#include "persistence/sqlite_uow.h"
#include "persistence/store_copy.h"

static void col_id(sqlite3_stmt *st, int i, AllotId out)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, sizeof(AllotId), "%s", t ? (const char *)t : "");
}

static int32_t col_date(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? ALLOT_NO_DATE : sqlite3_column_int(st, i);
}

/* ---------- out ---------- */

typedef enum { OUT_PRODUCTS, OUT_BATCHES, OUT_LINES, OUT_EVENTS, OUT_COUNT } OutStep;

static const char *const out_sql[OUT_COUNT] = {
    [OUT_PRODUCTS] = "SELECT sku, version, next_seq FROM products ORDER BY sku",
    [OUT_BATCHES] = "SELECT ref, sku, qty, eta, seq FROM batches ORDER BY sku, seq",
    [OUT_LINES] = "SELECT l.orderid, p.sku, l.qty, l.seq, l.req, l.need, b.ref FROM lines l"
                  " JOIN products p ON p.id = l.product_id LEFT JOIN batches b ON b.id = l.batch_id"
                  " ORDER BY p.sku, l.seq",
    [OUT_EVENTS] = "SELECT " COPY_EVENT_COLS " FROM events ORDER BY id",
};

static AllotStatus out_row(sqlite3_stmt *st, OutStep step, StoreSink *sink, ErrBuf *err)
{
    switch (step) {
    case OUT_PRODUCTS: {
        CopyProduct p;
        col_id(st, 0, p.sku);
        p.version = sqlite3_column_int64(st, 1);
        p.next_seq = sqlite3_column_int64(st, 2);
        return sink->ops->product(sink, &p, err);
    }
    case OUT_BATCHES: {
        CopyBatch b;
        col_id(st, 0, b.ref);
        col_id(st, 1, b.sku);
        b.qty = sqlite3_column_int64(st, 2);
        b.eta = sqlite3_column_int(st, 3);
        b.seq = sqlite3_column_int64(st, 4);
        return sink->ops->batch(sink, &b, err);
    }
    case OUT_LINES: {
        CopyLine l;
        col_id(st, 0, l.orderid);
        col_id(st, 1, l.sku);
        l.qty = sqlite3_column_int64(st, 2);
        l.seq = sqlite3_column_int64(st, 3);
        l.requested = sqlite3_column_int64(st, 4);
        l.need = col_date(st, 5);
        col_id(st, 6, l.batchref);
        return sink->ops->line(sink, &l, err);
    }
    case OUT_EVENTS: {
        CopyEvent e;
        for (int i = 0; i < COPY_EVENT_NCOLS; i++)
            e.v[i] = (const char *)sqlite3_column_text(st, i);
        return sink->ops->event(sink, &e, err);
    }
    default: return ALLOT_OK;
    }
}

AllotStatus sqlite_copy_out(const char *path, StoreSink *sink, CopyCounts *counts,
                            int64_t *next_command_id, ErrBuf *err)
{
    memset(counts, 0, sizeof *counts);
    *next_command_id = 1;
    sqlite3 *db;
    AllotStatus st = sqlite_connect_readonly(path, ALLOT_BUSY_TIMEOUT_MS, &db, err);
    if (st != ALLOT_OK)
        return st;
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL); /* one snapshot for all of it */
    if (rc != SQLITE_OK)
        st = sqlite_error(db, rc, path, "reading the store", err);
    long long *count[OUT_COUNT] = {&counts->products, &counts->batches, &counts->lines,
                                   &counts->events};
    for (int step = 0; st == ALLOT_OK && step < OUT_COUNT; step++) {
        sqlite3_stmt *q;
        rc = sqlite3_prepare_v2(db, out_sql[step], -1, &q, NULL);
        if (rc != SQLITE_OK) {
            st = sqlite_error(db, rc, path, "reading the store", err);
            break;
        }
        while (st == ALLOT_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
            st = out_row(q, (OutStep)step, sink, err);
            (*count[step])++;
        }
        if (st == ALLOT_OK && rc != SQLITE_DONE)
            st = sqlite_error(db, rc, path, "reading the store", err);
        sqlite3_finalize(q);
    }
    if (st == ALLOT_OK) {
        sqlite3_stmt *q;
        /* the next command id is past the counters row and every command logged */
        rc = sqlite3_prepare_v2(db, "SELECT MAX((SELECT value FROM counters WHERE name ="
                                " 'next_command_id'), (SELECT COALESCE(MAX(command_id), 0) + 1"
                                " FROM events))", -1, &q, NULL);
        if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
            *next_command_id = sqlite3_column_int64(q, 0);
        else
            st = sqlite_error(db, rc, path, "reading the command counter", err);
        sqlite3_finalize(q);
    }
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
    return st;
}

/* ---------- in ---------- */

enum {
    IN_PRODUCT,
    IN_BATCH,
    IN_LINE,
    IN_EVENT,
    IN_COUNT
};

static const char *const in_sql[IN_COUNT] = {
    [IN_PRODUCT] = "INSERT INTO products (id, sku, version, next_seq) VALUES (?1, ?2, ?3, ?4)",
    [IN_BATCH] = "INSERT INTO batches (id, product_id, sku, ref, qty, eta, seq)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [IN_LINE] = "INSERT INTO lines (orderid, product_id, qty, seq, batch_id, req, need)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [IN_EVENT] = "INSERT INTO events (" COPY_EVENT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                 " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
};

typedef struct SqliteSink {
    StoreSink base;
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[IN_COUNT];
    StrMap products; /* sku → its id */
    StrMap batches;  /* ref → its id */
    int64_t nproducts, nbatches;
} SqliteSink;

static SqliteSink *from_sink(StoreSink *s) { return (SqliteSink *)s; }

static AllotStatus step(SqliteSink *s, sqlite3_stmt *st, const char *doing, ErrBuf *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? ALLOT_OK : sqlite_error(s->db, rc, s->path, doing, err);
}

static AllotStatus product_id(SqliteSink *s, const char *sku, int64_t *id, ErrBuf *err)
{
    uint64_t v;
    if (!strmap_get(&s->products, sku, &v))
        return err_set(err, ALLOT_ESTORAGE, "copy: a row of sku %s that has no product", sku);
    *id = (int64_t)v;
    return ALLOT_OK;
}

static AllotStatus ss_product(StoreSink *base, const CopyProduct *p, ErrBuf *err)
{
    SqliteSink *s = from_sink(base);
    sqlite3_stmt *st = s->st[IN_PRODUCT];
    int64_t id = ++s->nproducts;
    strmap_put(&s->products, p->sku, (uint64_t)id);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, p->sku, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, p->version);
    sqlite3_bind_int64(st, 4, p->next_seq);
    return step(s, st, "writing a product", err);
}

static AllotStatus ss_batch(StoreSink *base, const CopyBatch *b, ErrBuf *err)
{
    SqliteSink *s = from_sink(base);
    int64_t pid = 0;
    AllotStatus r = product_id(s, b->sku, &pid, err);
    if (r != ALLOT_OK)
        return r;
    sqlite3_stmt *st = s->st[IN_BATCH];
    int64_t id = ++s->nbatches;
    strmap_put(&s->batches, b->ref, (uint64_t)id);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, pid);
    sqlite3_bind_text(st, 3, b->sku, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, b->ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, b->qty);
    sqlite3_bind_int(st, 6, b->eta);
    sqlite3_bind_int64(st, 7, b->seq);
    return step(s, st, "writing a batch", err);
}

static AllotStatus ss_line(StoreSink *base, const CopyLine *l, ErrBuf *err)
{
    SqliteSink *s = from_sink(base);
    int64_t pid = 0;
    AllotStatus r = product_id(s, l->sku, &pid, err);
    if (r != ALLOT_OK)
        return r;
    sqlite3_stmt *st = s->st[IN_LINE];
    sqlite3_bind_text(st, 1, l->orderid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, pid);
    sqlite3_bind_int64(st, 3, l->qty);
    sqlite3_bind_int64(st, 4, l->seq);
    if (l->batchref[0]) {
        uint64_t bid;
        if (!strmap_get(&s->batches, l->batchref, &bid))
            return err_set(err, ALLOT_ESTORAGE, "copy: line %s %s on an unknown batch %s",
                           l->orderid, l->sku, l->batchref);
        sqlite3_bind_int64(st, 5, (int64_t)bid);
    }
    sqlite3_bind_int64(st, 6, l->requested);
    if (l->need != ALLOT_NO_DATE)
        sqlite3_bind_int(st, 7, l->need);
    return step(s, st, "writing an order line", err);
}

static AllotStatus ss_event(StoreSink *base, const CopyEvent *e, ErrBuf *err)
{
    SqliteSink *s = from_sink(base);
    sqlite3_stmt *st = s->st[IN_EVENT];
    for (int i = 0; i < COPY_EVENT_NCOLS; i++)
        if (e->v[i])
            sqlite3_bind_text(st, i + 1, e->v[i], -1, SQLITE_STATIC);
    return step(s, st, "writing the event log", err);
}

static AllotStatus exec_sql(SqliteSink *s, const char *sql, const char *doing, ErrBuf *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ALLOT_OK : sqlite_error(s->db, rc, s->path, doing, err);
}

/* The per-product aggregates of the read model (schema 0002), from the rows. */
#define SQLITE_AGGREGATES                                                                       \
    "UPDATE products SET"                                                                       \
    " nbatches = (SELECT COUNT(*) FROM batches WHERE product_id = products.id),"                \
    " qty = (SELECT COALESCE(SUM(qty), 0) FROM batches WHERE product_id = products.id),"        \
    " allocated = (SELECT COALESCE(SUM(qty), 0) FROM lines"                                     \
    "              WHERE product_id = products.id AND batch_id IS NOT NULL),"                   \
    " bo_lines = (SELECT COUNT(*) FROM lines WHERE product_id = products.id AND batch_id IS NULL)," \
    " bo_qty = (SELECT COALESCE(SUM(qty), 0) FROM lines"                                        \
    "           WHERE product_id = products.id AND batch_id IS NULL),"                          \
    " next_eta = (SELECT MIN(eta) FROM batches"                                                 \
    "             WHERE product_id = products.id AND eta <> -2147483648)"

static AllotStatus ss_finish(StoreSink *base, int64_t next_command_id, bool commit, ErrBuf *err)
{
    SqliteSink *s = from_sink(base);
    if (!commit)
        return exec_sql(s, "ROLLBACK", "rolling back", err);
    AllotStatus r = exec_sql(s, SQLITE_AGGREGATES, "summing the products", err);
    if (r == ALLOT_OK) {
        char sql[160];
        snprintf(sql, sizeof sql,
                 "UPDATE counters SET value = MAX(value, %lld) WHERE name = 'next_command_id'",
                 (long long)next_command_id);
        r = exec_sql(s, sql, "writing the command counter", err);
    }
    if (r == ALLOT_OK)
        r = exec_sql(s, "COMMIT", "committing", err);
    if (r != ALLOT_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

static void ss_destroy(StoreSink *base)
{
    SqliteSink *s = from_sink(base);
    for (int i = 0; i < IN_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    if (s->db && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(s->db);
    strmap_fini(&s->products);
    strmap_fini(&s->batches);
    free(s->path);
    free(s);
}

static const StoreSinkOps sqlite_sink_ops = {ss_product, ss_batch, ss_line, ss_event, ss_finish,
                                             ss_destroy};

AllotStatus sqlite_copy_in(const char *path, StoreSink **out, ErrBuf *err)
{
    *out = NULL;
    SqliteSink *s = xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_sink_ops;
    s->path = xstrdup(path);
    strmap_init(&s->products);
    strmap_init(&s->batches);
    bool read_only = false;
    AllotStatus r = sqlite_connect(path, true, ALLOT_BUSY_TIMEOUT_MS, &s->db, &read_only, err);
    if (r == ALLOT_OK && read_only)
        r = err_set(err, ALLOT_ESTORAGE, "database %s: disk full (nothing was written)", path);
    if (r == ALLOT_OK)
        r = exec_sql(s, "BEGIN IMMEDIATE", "starting the copy", err);
    if (r == ALLOT_OK) {
        sqlite3_stmt *q;
        int rc = sqlite3_prepare_v2(s->db,
                                    "SELECT (SELECT COUNT(*) FROM products) + (SELECT COUNT(*) FROM"
                                    " events)", -1, &q, NULL);
        if (rc == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
            if (sqlite3_column_int64(q, 0) > 0)
                r = err_set(err, ALLOT_EINVALID,
                            "copy: the database %s already holds data; copy into an empty store",
                            path);
        } else {
            r = sqlite_error(s->db, rc, path, "reading the store", err);
        }
        sqlite3_finalize(q);
    }
    for (int i = 0; r == ALLOT_OK && i < IN_COUNT; i++) {
        int rc = sqlite3_prepare_v2(s->db, in_sql[i], -1, &s->st[i], NULL);
        if (rc != SQLITE_OK)
            r = sqlite_error(s->db, rc, path, "preparing the copy", err);
    }
    if (r != ALLOT_OK) {
        ss_destroy(&s->base);
        return r;
    }
    *out = &s->base;
    return ALLOT_OK;
}
