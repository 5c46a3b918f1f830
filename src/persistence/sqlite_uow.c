/* The SQLite unit of work (sqlite_uow.h).
 *
 * Products live in `cache` (sku → CacheEntry) between units of work.  A CacheEntry knows
 * the row ids of its product and batches and the version stored, so that commit
 * can write deltas only:
 *   - step_commit (every commit, also the nested ones of bulk work) appends the
 *     product's pending events to the `events` table and marks what they touched:
 *     order lines by orderid, batches by index, the product itself;
 *   - flush writes the marked rows with the product's current state (a marked line
 *     that no longer exists is deleted) and the product row with its version check.
 * A unit of work flushes at its commit; bulk work flushes at bulk_end (or when the
 * identity map grows large), all inside one transaction.
 */
#include "persistence/sqlite_uow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/strmap.h"
#include "domain/xalloc.h"
#include "persistence/product_cache.h"
#include "persistence/sqlite_schema.h"

/* Beyond this many cached order lines the cache is emptied between units of work. */
#define CACHE_LINES_MAX 262144
/* SQLite's page cache during bulk work (KiB): the rows of a large import are
 * written at its end, and a cache that holds their b-trees' working set keeps
 * SQLite from spilling and re-reading pages.  Back to the default afterwards. */
#define BULK_CACHE_KIB 65536
#define DEFAULT_CACHE_KIB 2000

/* Bulk work writes its pending rows out beyond this many marked lines: when the
 * cache is emptied anyway (4 x CACHE_LINES_MAX), so that an import of up to a
 * million lines writes them all at its end, in key order, and can build
 * lines_by_batch after them. */
#define BULK_DIRTY_MAX (4 * CACHE_LINES_MAX)
/* The last write of bulk work builds lines_by_batch after the rows, rather than
 * row by row, when it writes at least this many lines and at least half as many
 * as the table holds: one sort instead of an insert at a random place per line. */
#define REBUILD_MIN_LINES 65536
/* Bulk work on a store of at most this many pages (16 MiB at 4 KiB: about 100,000
 * lines with their events) runs with foreign keys off and checks them all at once
 * before its commit (PRAGMA foreign_key_check), which refuses and rolls back the
 * whole work: the same guarantee as a check per row written (two look-ups of each
 * line), for about a third of its cost.  On a larger store a check of every row
 * could cost more than the rows the work writes, and the keys stay checked per row. */
#define FK_AT_END_MAX_PAGES 4096
#define LINES_BY_BATCH_SQL                                                              \
    "CREATE INDEX lines_by_batch ON lines (batch_id, seq, qty, req, need)"                  \
    " WHERE batch_id IS NOT NULL" /* as schema/0006 */

/* Bulk work appends its events this many at a time, with one statement of this
 * many parameters per event (ST_EVENT_INSERT). */
#define EVENT_BATCH 32
#define EVENT_PARAMS 19
/* The events of an order line that name one batch (Allocated, OutOfStock, ...:
 * line_event) fill fewer columns: ST_LINE_EVENT_INSERT leaves the others out
 * (NULL), with this many parameters per event. */
#define LINE_EVENT_PARAMS 13
/* A flush inserts new order lines this many at a time (ST_LINE_INSERT_MANY),
 * with this many parameters per line (ST_LINE_INSERT): one statement opens its
 * cursors on lines and each of its indexes once for all of them. */
#define LINE_BATCH 32
#define LINE_PARAMS 7

typedef struct PendingEvent {
    Event ev;
    int64_t at;
} PendingEvent;

enum {
    ST_BEGIN,
    ST_BEGIN_READ,
    ST_SNAPSHOT,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_PRODUCT_HEAD,
    ST_SKU_OF_REF,
    ST_LOAD_BATCHES,
    ST_LOAD_LINES,
    ST_LOAD_BACKORDERS,
    ST_PRODUCT_INSERT,
    ST_PRODUCT_UPDATE_ALLOC,
    ST_PRODUCT_UPDATE,
    ST_BATCH_INSERT,
    ST_BATCH_UPDATE,
    ST_LINE_UPSERT,
    ST_LINE_INSERT,
    ST_LINE_DELETE,
    ST_EVENT_INSERT,
    ST_COUNTER_GET,
    ST_COUNTER_SET,
    ST_BATCH_ID_OF_REF,
    ST_BATCH_REWRITE,
    ST_BATCH_DELETE,
    ST_COMMAND_EVENTS,
    ST_LATER_COMMAND,
    ST_LATEST_COMMAND,
    ST_EVENT_INSERT_MANY,
    ST_LINE_INSERT_MANY,
    ST_LINE_EVENT_INSERT,
    ST_LINE_EVENT_INSERT_MANY,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_BEGIN_READ] = "BEGIN DEFERRED",
    /* a deferred transaction reads its snapshot at its first read: this one */
    [ST_SNAPSHOT] = "SELECT 1 FROM products LIMIT 1",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_PRODUCT_HEAD] = "SELECT id, version, next_seq FROM products WHERE sku = ?1",
    [ST_SKU_OF_REF] = "SELECT sku FROM batches WHERE ref = ?1",
    [ST_LOAD_BATCHES] = "SELECT id, ref, qty, eta, seq FROM batches WHERE sku = ?1 ORDER BY seq",
    [ST_LOAD_LINES] = "SELECT l.orderid, l.qty, l.seq, l.batch_id, l.need, l.req FROM batches b"
                      " JOIN lines l ON l.batch_id = b.id WHERE b.sku = ?1",
    [ST_LOAD_BACKORDERS] = "SELECT orderid, qty, seq, need, req FROM lines"
                           " WHERE product_id = ?1 AND batch_id IS NULL",
    [ST_PRODUCT_INSERT] = "INSERT OR FAIL INTO products (sku, version, next_seq, nbatches, qty,"
                          " allocated, bo_lines, bo_qty, next_eta)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    /* the same when only the allocated sum moved (an Allocate, a move) */
    [ST_PRODUCT_UPDATE_ALLOC] = "UPDATE OR FAIL products SET version = ?2, next_seq = ?3, allocated = ?6"
                                " WHERE id = ?1 AND version = ?10",
    [ST_PRODUCT_UPDATE] = "UPDATE OR FAIL products SET version = ?2, next_seq = ?3, nbatches = ?4,"
                          " qty = ?5, allocated = ?6, bo_lines = ?7, bo_qty = ?8, next_eta = ?9"
                          " WHERE id = ?1 AND version = ?10",
    [ST_BATCH_INSERT] = "INSERT OR FAIL INTO batches (product_id, sku, ref, qty, eta, seq)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_BATCH_UPDATE] = "UPDATE OR FAIL batches SET qty = ?2, eta = ?3 WHERE id = ?1",
    [ST_LINE_UPSERT] = "INSERT OR FAIL INTO lines (product_id, orderid, qty, seq, batch_id, req, need)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (orderid, product_id)"
                       " DO UPDATE SET qty = excluded.qty, batch_id = excluded.batch_id,"
                       " seq = excluded.seq, req = excluded.req, need = excluded.need",
    [ST_LINE_INSERT] = "INSERT OR FAIL INTO lines (product_id, orderid, qty, seq, batch_id, req, need)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [ST_LINE_DELETE] = "DELETE FROM lines WHERE orderid = ?2 AND product_id = ?1",
    [ST_EVENT_INSERT] = "INSERT OR FAIL INTO events (at, type, sku, orderid, batchref, to_ref, qty,"
                        " old_qty, new_qty, eta, old_eta, new_eta, need, requested, seq, new_line,"
                        " command_id, actor, undoes)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                        " ?15, ?16, ?17, ?18, ?19)",
    /* the next command id: past the last one logged and past the counter, which
     * keeps what restored lines' requested moments raised it to.  Command ids never
     * go down along event ids (sqlite_command_event_range), so the last event holds
     * the newest: one row look-up, no index */
    [ST_COUNTER_GET] = "SELECT MAX((SELECT value FROM counters WHERE name = 'next_command_id'),"
                       " COALESCE((SELECT command_id FROM events ORDER BY id DESC LIMIT 1), 0)"
                       " + 1)",
    [ST_COUNTER_SET] = "UPDATE counters SET value = ?1 WHERE name = 'next_command_id'",
    [ST_BATCH_ID_OF_REF] = "SELECT id FROM batches WHERE ref = ?1",
    [ST_BATCH_REWRITE] = "UPDATE batches SET qty = ?2, eta = ?3, seq = ?4 WHERE id = ?1",
    [ST_BATCH_DELETE] = "DELETE FROM batches WHERE ref = ?1",
    /* the range of ids comes from sqlite_command_event_range */
    [ST_COMMAND_EVENTS] = "SELECT type, sku, orderid, batchref, to_ref, qty, old_qty, new_qty, eta,"
                          " old_eta, new_eta, need, requested, seq, new_line, command_id, actor,"
                          " undoes, id FROM events WHERE id >= ?2 AND id < ?3 AND command_id = ?1"
                          " ORDER BY id",
    [ST_LATER_COMMAND] = "SELECT command_id FROM events WHERE id > ?1 AND sku = ?2"
                         " AND command_id > ?3 ORDER BY id LIMIT 1",
    [ST_LATEST_COMMAND] = "SELECT command_id FROM events WHERE command_id > 0"
                          " ORDER BY id DESC LIMIT 1",
    [ST_EVENT_INSERT_MANY] = NULL, /* made by insert_many_sql */
    [ST_LINE_INSERT_MANY] = NULL,
    [ST_LINE_EVENT_INSERT] = "INSERT OR FAIL INTO events (at, type, sku, orderid, batchref, qty,"
                             " need, requested, seq, new_line, command_id, actor, undoes)"
                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    [ST_LINE_EVENT_INSERT_MANY] = NULL,
};

typedef struct SqliteUow {
    UnitOfWork base;
    Repository repo;
    sqlite3 *db;
    char *path;
    Clock *clock;
    Views *views;
    sqlite3_stmt *stmts[ST_COUNT];
    ProductCache cache; /* the products held between commands */
    uint64_t tx;       /* transactions begun so far; the current one if in_tx */
    /* The file's data version (SQLITE_FCNTL_DATA_VERSION) after our last commit
     * or check: unchanged at the next begin means nobody else wrote in between,
     * and a product checked in a transaction >= fresh_since is still current. */
    unsigned data_version;
    bool data_version_known;
    uint64_t fresh_since;
    bool in_tx, in_bulk, poisoned;
    bool read_tx; /* the open transaction only reads (begin_read, or disk_full) */
    const BulkWriteNotice *write_notice; /* sqlite_uow_set_write_notice, or NULL */
    /* opened read-only because the disk was full: reads work, writes are refused */
    bool disk_full;
    unsigned begins;
    /* cache bounds (sqlite_uow_set_cache_limits) */
    unsigned check_mask; /* check the bounds every check_mask + 1 begins */
    size_t cache_lines_max, bulk_dirty_max;
    size_t rebuild_min; /* REBUILD_MIN_LINES */
    int64_t fk_at_end_max_pages; /* FK_AT_END_MAX_PAGES */
    bool fk_at_end; /* the open bulk work runs with foreign keys off (checked at its end) */
    /* command ids (SPEC.md §1.6): the next one is past the last logged and past the
     * counters row (read when someone else may have written); each commit moves it
     * on; the row is written only when a restored line's requested raises it */
    int64_t next_cmd;   /* the next command id, if next_cmd_known */
    bool next_cmd_known;
    uint64_t next_cmd_tx; /* the transaction in which next_cmd was read or written */
    bool next_cmd_dirty;  /* the counter row (a floor: imported request moments) is to
                             be raised to next_cmd */
    int64_t current_cmd;  /* reserved by the current unit of work, or 0 */
    bool logged;          /* the last step_commit appended events */
    PendingEvent pending[EVENT_BATCH]; /* bulk work: events not yet in the log */
    size_t npending;
} SqliteUow;

static SqliteUow *from_uow(UnitOfWork *u) { return (SqliteUow *)u; }
static SqliteUow *from_repo(Repository *r)
{
    return (SqliteUow *)((char *)r - offsetof(SqliteUow, repo));
}

/* ---------- statements ---------- */

/* The INSERT `one` (whose parameters follow its " VALUES") for `rows` rows of
 * `params` parameters each, into buf: ST_EVENT_INSERT_MANY, ST_LINE_INSERT_MANY, ST_LINE_EVENT_INSERT_MANY. */
static const char *insert_many_sql(const char *one, int rows, int params, char *buf, size_t size)
{
    size_t n = (size_t)(strstr(one, " VALUES") - one);
    size_t o = (size_t)snprintf(buf, size, "%.*s VALUES ", (int)n, one);
    for (int i = 0; i < rows && o < size; i++) {
        o += (size_t)snprintf(buf + o, size - o, "%s(", i ? ", " : "");
        for (int k = 0; k < params && o < size; k++)
            o += (size_t)snprintf(buf + o, size - o, "%s?", k ? ", " : "");
        if (o < size)
            o += (size_t)snprintf(buf + o, size - o, ")");
    }
    return buf;
}

static AllotStatus stmt(SqliteUow *s, int which, sqlite3_stmt **out, ErrBuf *err)
{
    *out = NULL;
    if (!s->stmts[which]) {
        char many[EVENT_BATCH * (EVENT_PARAMS * 3 + 4) + 512];
        const char *sql = which == ST_EVENT_INSERT_MANY
                              ? insert_many_sql(stmt_sql[ST_EVENT_INSERT], EVENT_BATCH,
                                                EVENT_PARAMS, many, sizeof many)
                          : which == ST_LINE_INSERT_MANY
                              ? insert_many_sql(stmt_sql[ST_LINE_INSERT], LINE_BATCH, LINE_PARAMS,
                                                many, sizeof many)
                          : which == ST_LINE_EVENT_INSERT_MANY
                              ? insert_many_sql(stmt_sql[ST_LINE_EVENT_INSERT], EVENT_BATCH,
                                                LINE_EVENT_PARAMS, many, sizeof many)
                              : stmt_sql[which];
        int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    &s->stmts[which], NULL);
        if (rc != SQLITE_OK)
            return sqlite_error(s->db, rc, s->path, "preparing a statement", err);
    }
    *out = s->stmts[which];
    return ALLOT_OK;
}

static AllotStatus fail(SqliteUow *s, sqlite3_stmt *st, int rc, const char *doing, ErrBuf *err)
{
    AllotStatus r = sqlite_error(s->db, rc, s->path, doing, err);
    sqlite3_reset(st);
    return r;
}

/* Runs a statement that returns no rows. */
static AllotStatus run(SqliteUow *s, sqlite3_stmt *st, const char *doing, ErrBuf *err)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        return fail(s, st, rc, doing, err);
    sqlite3_reset(st);
    return ALLOT_OK;
}

static AllotStatus run_simple(SqliteUow *s, int which, const char *doing, ErrBuf *err)
{
    sqlite3_stmt *st;
    AllotStatus r = stmt(s, which, &st, err);
    return r == ALLOT_OK ? run(s, st, doing, err) : r;
}

static void bind_text(sqlite3_stmt *st, int i, const char *t)
{
    if (t && *t)
        sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_eta(sqlite3_stmt *st, int i, int32_t eta)
{
    if (eta == ALLOT_NO_ETA)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int(st, i, eta);
}

/* A date column: NULL is none. */
static int32_t column_date(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? ALLOT_NO_DATE : sqlite3_column_int(st, i);
}

static void copy_id(AllotId dst, const unsigned char *src)
{
    size_t n = src ? strnlen((const char *)src, ALLOT_ID_MAX) : 0;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ---------- entries ---------- */

/* Forgets every cached product (all of them are stale or about to be). */
static void forget_products(SqliteUow *s)
{
    product_cache_clear(&s->cache);
    repository_clear_seen(&s->repo);
}

/* ---------- loading ---------- */

typedef struct {
    int64_t id;
    size_t index;
} IdIndex;

static int cmp_id_index(const void *a, const void *b)
{
    int64_t x = ((const IdIndex *)a)->id, y = ((const IdIndex *)b)->id;
    return (x > y) - (x < y);
}

static AllotStatus load_product(SqliteUow *s, const char *sku, int64_t id, int64_t version,
                                int64_t next_seq, CacheEntry **out, ErrBuf *err)
{
    CacheEntry *e = cache_entry_new(sku, id, version, s->tx);
    sqlite3_stmt *st;
    AllotStatus r = stmt(s, ST_LOAD_BATCHES, &st, err);
    int rc = SQLITE_OK;
    if (r == ALLOT_OK) {
        sqlite3_bind_text(st, 1, sku, -1, SQLITE_STATIC);
        while (r == ALLOT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            cache_entry_push_id(e, sqlite3_column_int64(st, 0));
            r = product_load_batch(e->p, (const char *)sqlite3_column_text(st, 1),
                                   sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3),
                                   (uint64_t)sqlite3_column_int64(st, 4), err);
        }
        if (r == ALLOT_OK && rc != SQLITE_DONE)
            r = sqlite_error(s->db, rc, s->path, "loading batches", err);
        sqlite3_reset(st);
    }
    IdIndex *ix = NULL;
    if (r == ALLOT_OK && e->nstored) {
        ix = xreallocarray(NULL, e->nstored, sizeof *ix);
        for (size_t i = 0; i < e->nstored; i++)
            ix[i] = (IdIndex){e->batch_ids[i], i};
        qsort(ix, e->nstored, sizeof *ix, cmp_id_index);
        r = stmt(s, ST_LOAD_LINES, &st, err);
        if (r == ALLOT_OK) {
            sqlite3_bind_text(st, 1, sku, -1, SQLITE_STATIC);
            while (r == ALLOT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                IdIndex key = {sqlite3_column_int64(st, 3), 0};
                IdIndex *hit = bsearch(&key, ix, e->nstored, sizeof *ix, cmp_id_index);
                if (!hit) {
                    r = err_set(err, ALLOT_ESTORAGE, "database %s: line of sku %s on a foreign batch",
                                s->path, sku);
                    break;
                }
                r = product_load_line(e->p, (const char *)sqlite3_column_text(st, 0),
                                      sqlite3_column_int64(st, 1),
                                      (uint64_t)sqlite3_column_int64(st, 2), column_date(st, 4),
                                      sqlite3_column_int64(st, 5),
                                      product_batch(e->p, hit->index)->ref, err);
            }
            if (r == ALLOT_OK && rc != SQLITE_DONE)
                r = sqlite_error(s->db, rc, s->path, "loading order lines", err);
            sqlite3_reset(st);
        }
    }
    free(ix);
    if (r == ALLOT_OK)
        r = stmt(s, ST_LOAD_BACKORDERS, &st, err);
    if (r == ALLOT_OK) {
        sqlite3_bind_int64(st, 1, id);
        while (r == ALLOT_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
            r = product_load_line(e->p, (const char *)sqlite3_column_text(st, 0),
                                  sqlite3_column_int64(st, 1),
                                  (uint64_t)sqlite3_column_int64(st, 2), column_date(st, 3),
                                  sqlite3_column_int64(st, 4), NULL, err);
        if (r == ALLOT_OK && rc != SQLITE_DONE)
            r = sqlite_error(s->db, rc, s->path, "loading backorders", err);
        sqlite3_reset(st);
    }
    if (r != ALLOT_OK) {
        if (r != ALLOT_ESTORAGE) {
            ErrBuf inner = *err;
            r = err_set(err, ALLOT_ESTORAGE, "database %s holds an inconsistent product %s: %s",
                        s->path, sku, inner.msg);
        }
        cache_entry_free(e);
        return r;
    }
    if ((uint64_t)next_seq > product_next_seq(e->p))
        product_set_next_seq(e->p, (uint64_t)next_seq);
    product_set_version(e->p, version);
    e->stored_seq = product_next_seq(e->p);
    e->stored = product_aggregates(e->p);
    e->stored_known = true;
    *out = e;
    return ALLOT_OK;
}

/* The product `sku` checked against the store in this transaction, or NULL. */
static AllotStatus fetch(SqliteUow *s, const char *sku, CacheEntry **out, ErrBuf *err)
{
    *out = NULL;
    CacheEntry *e = strmap_get_ptr(&s->cache.products, sku);
    if (e && e->verified_tx == s->tx && s->in_tx)
        return *out = e, ALLOT_OK;
    /* stored, unchanged since, and nobody else has written the file since it
     * was last checked: current without asking */
    if (e && s->in_tx && e->id != 0 && e->verified_tx >= s->fresh_since &&
        e->db_version == product_version(e->p) && !e->dirty) {
        e->verified_tx = s->tx;
        return *out = e, ALLOT_OK;
    }
    sqlite3_stmt *st;
    AllotStatus r = stmt(s, ST_PRODUCT_HEAD, &st, err);
    if (r != ALLOT_OK)
        return r;
    sqlite3_bind_text(st, 1, sku, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        if (e && !e->dirty)
            product_cache_drop(&s->cache, sku);
        return ALLOT_OK;
    }
    if (rc != SQLITE_ROW)
        return fail(s, st, rc, "reading a product", err);
    int64_t id = sqlite3_column_int64(st, 0), version = sqlite3_column_int64(st, 1);
    int64_t next_seq = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    if (e && e->id == id && e->db_version == version && product_version(e->p) == version) {
        e->verified_tx = s->tx;
        return *out = e, ALLOT_OK;
    }
    if (e)
        product_cache_drop(&s->cache, sku);
    r = load_product(s, sku, id, version, next_seq, &e, err);
    if (r != ALLOT_OK)
        return r;
    strmap_put_ptr(&s->cache.products, product_sku(e->p), e);
    s->cache.lines_est += product_line_count(e->p);
    *out = e;
    return ALLOT_OK;
}

static AllotStatus repo_get(Repository *r, const char *sku, Product **out, ErrBuf *err)
{
    CacheEntry *e;
    AllotStatus st = fetch(from_repo(r), sku, &e, err);
    *out = st == ALLOT_OK && e ? e->p : NULL;
    return st;
}

static AllotStatus repo_get_by_batchref(Repository *r, const char *ref, Product **out,
                                        ErrBuf *err)
{
    SqliteUow *s = from_repo(r);
    *out = NULL;
    CacheEntry *e = strmap_get_ptr(&s->cache.pending_refs, ref);
    if (e)
        return *out = e->p, ALLOT_OK;
    sqlite3_stmt *st;
    AllotStatus res = stmt(s, ST_SKU_OF_REF, &st, err);
    if (res != ALLOT_OK)
        return res;
    sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return ALLOT_OK;
    }
    if (rc != SQLITE_ROW)
        return fail(s, st, rc, "finding a batch", err);
    AllotId sku;
    copy_id(sku, sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    res = fetch(s, sku, &e, err);
    if (res == ALLOT_OK && e && product_find_batch(e->p, ref))
        *out = e->p;
    return res;
}

static AllotStatus repo_add(Repository *r, Product *p, ErrBuf *err)
{
    (void)err;
    SqliteUow *s = from_repo(r);
    product_cache_drop(&s->cache, product_sku(p));
    CacheEntry *e = xcalloc(1, sizeof *e);
    e->p = p;
    e->verified_tx = s->tx;
    strmap_put_ptr(&s->cache.products, product_sku(p), e);
    return ALLOT_OK;
}

static const RepositoryOps sqlite_repo_ops = {repo_get, repo_get_by_batchref, repo_add};

/* ---------- writing ---------- */

/* Binds event `ev` logged at `at` to parameters o+1 .. o+EVENT_PARAMS of `st`
 * (ST_EVENT_INSERT's order), whose bindings are clear. */
static void bind_event(sqlite3_stmt *st, int o, const Event *ev, int64_t at)
{
    sqlite3_bind_int64(st, o + 1, at);
    sqlite3_bind_text(st, o + 2, event_type_name(ev->type), -1, SQLITE_STATIC);
    bind_text(st, o + 3, ev->sku);
    switch (ev->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
    case EV_OUT_OF_STOCK:
    case EV_ORDER_LINE_CANCELLED:
        bind_text(st, o + 4, ev->orderid);
        bind_text(st, o + 5, ev->batchref);
        sqlite3_bind_int64(st, o + 7, ev->qty);
        break;
    case EV_REALLOCATED:
        bind_text(st, o + 4, ev->orderid);
        bind_text(st, o + 5, ev->batchref);
        bind_text(st, o + 6, ev->to);
        sqlite3_bind_int64(st, o + 7, ev->qty);
        break;
    case EV_LINE_REMOVED:
    case EV_LINE_RESTORED:
        bind_text(st, o + 4, ev->orderid);
        bind_text(st, o + 5, ev->batchref);
        sqlite3_bind_int64(st, o + 7, ev->qty);
        break;
    case EV_BATCH_REMOVED:
    case EV_BATCH_CREATED:
        bind_text(st, o + 5, ev->batchref);
        sqlite3_bind_int64(st, o + 7, ev->qty);
        bind_eta(st, o + 10, ev->eta);
        break;
    case EV_BATCH_QTY_CHANGED:
        bind_text(st, o + 5, ev->batchref);
        sqlite3_bind_int64(st, o + 8, ev->old_qty);
        sqlite3_bind_int64(st, o + 9, ev->new_qty);
        break;
    case EV_BATCH_ETA_CHANGED:
        bind_text(st, o + 5, ev->batchref);
        bind_eta(st, o + 11, ev->old_eta);
        bind_eta(st, o + 12, ev->new_eta);
        break;
    default:
        break;
    }
    switch (ev->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
    case EV_OUT_OF_STOCK:
    case EV_ORDER_LINE_CANCELLED:
    case EV_REALLOCATED:
    case EV_LINE_REMOVED:
    case EV_LINE_RESTORED:
        bind_eta(st, o + 13, ev->need);
        sqlite3_bind_int64(st, o + 14, ev->requested);
        break;
    default:
        break;
    }
    sqlite3_bind_int64(st, o + 19, ev->undoes);
    sqlite3_bind_int64(st, o + 15, (int64_t)ev->seq);
    sqlite3_bind_int(st, o + 16, ev->new_line);
    sqlite3_bind_int64(st, o + 17, ev->command_id);
    sqlite3_bind_text(st, o + 18, ev->actor, -1, SQLITE_STATIC);
}

/* Whether `ev` is an event of an order line that names one batch, written by
 * ST_LINE_EVENT_INSERT (its other columns are NULL, as bind_event leaves them). */
static bool line_event(const Event *ev)
{
    switch (ev->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
    case EV_OUT_OF_STOCK:
    case EV_ORDER_LINE_CANCELLED:
    case EV_LINE_REMOVED:
    case EV_LINE_RESTORED:
        return true;
    default:
        return false;
    }
}

/* Binds the line event `ev` logged at `at` to parameters o+1 .. o+LINE_EVENT_PARAMS
 * of `st` (ST_LINE_EVENT_INSERT's order). */
static void bind_line_event(sqlite3_stmt *st, int o, const Event *ev, int64_t at)
{
    sqlite3_bind_int64(st, o + 1, at);
    sqlite3_bind_text(st, o + 2, event_type_name(ev->type), -1, SQLITE_STATIC);
    bind_text(st, o + 3, ev->sku);
    bind_text(st, o + 4, ev->orderid);
    bind_text(st, o + 5, ev->batchref);
    sqlite3_bind_int64(st, o + 6, ev->qty);
    bind_eta(st, o + 7, ev->need);
    sqlite3_bind_int64(st, o + 8, ev->requested);
    sqlite3_bind_int64(st, o + 9, (int64_t)ev->seq);
    sqlite3_bind_int(st, o + 10, ev->new_line);
    sqlite3_bind_int64(st, o + 11, ev->command_id);
    sqlite3_bind_text(st, o + 12, ev->actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, o + 13, ev->undoes);
}

static AllotStatus insert_event(SqliteUow *s, const Event *ev, int64_t at, ErrBuf *err)
{
    sqlite3_stmt *st;
    bool line = line_event(ev);
    AllotStatus r = stmt(s, line ? ST_LINE_EVENT_INSERT : ST_EVENT_INSERT, &st, err);
    if (r != ALLOT_OK)
        return r;
    if (line) {
        bind_line_event(st, 0, ev, at);
    } else {
        sqlite3_clear_bindings(st);
        bind_event(st, 0, ev, at);
    }
    return run(s, st, "appending to the event log", err);
}

/* Bulk work appends its events EVENT_BATCH at a time, with one statement (the
 * narrower one when all are line events): the log is not read inside bulk work
 * but through log_pending first. */
static AllotStatus log_pending(SqliteUow *s, ErrBuf *err)
{
    AllotStatus r = ALLOT_OK;
    size_t i = 0;
    if (s->npending == EVENT_BATCH) {
        bool lines = true;
        for (size_t k = 0; k < EVENT_BATCH && lines; k++)
            lines = line_event(&s->pending[k].ev);
        sqlite3_stmt *st;
        if ((r = stmt(s, lines ? ST_LINE_EVENT_INSERT_MANY : ST_EVENT_INSERT_MANY, &st, err)) ==
            ALLOT_OK) {
            if (!lines)
                sqlite3_clear_bindings(st);
            for (; i < EVENT_BATCH; i++) {
                if (lines)
                    bind_line_event(st, (int)i * LINE_EVENT_PARAMS, &s->pending[i].ev,
                                    s->pending[i].at);
                else
                    bind_event(st, (int)i * EVENT_PARAMS, &s->pending[i].ev, s->pending[i].at);
            }
            r = run(s, st, "appending to the event log", err);
        }
    }
    for (; r == ALLOT_OK && i < s->npending; i++)
        r = insert_event(s, &s->pending[i].ev, s->pending[i].at, err);
    s->npending = 0;
    return r;
}

/* Appends `ev` to the log: at once, or with the next EVENT_BATCH in bulk work. */
static AllotStatus log_event(SqliteUow *s, const Event *ev, int64_t at, ErrBuf *err)
{
    if (!s->in_bulk)
        return insert_event(s, ev, at, err);
    s->pending[s->npending].ev = *ev;
    s->pending[s->npending].at = at;
    return ++s->npending == EVENT_BATCH ? log_pending(s, err) : ALLOT_OK;
}

/* Appends the seen products' pending events to the log and marks what they
 * touched.  The events stay in the products for uow_collect_new_events. */
static AllotStatus step_commit(SqliteUow *s, ErrBuf *err)
{
    int64_t at = s->clock->now(s->clock);
    s->logged = false;
    for (size_t i = 0; i < s->repo.nseen; i++) {
        Product *p = s->repo.seen[i];
        CacheEntry *e = strmap_get_ptr(&s->cache.products, product_sku(p));
        if (!e || e->p != p)
            return err_set(err, ALLOT_ESTORAGE, "database %s: product %s is not tracked", s->path,
                           product_sku(p));
        const EventVec *evs = product_events(p);
        for (size_t k = 0; k < evs->len; k++) {
            const Event *ev = &evs->items[k];
            AllotStatus r = log_event(s, ev, at, err);
            if (r != ALLOT_OK)
                return r;
            s->logged = true;
            switch (ev->type) {
            case EV_REALLOCATED:
            case EV_ALLOCATED:
            case EV_DEALLOCATED:
            case EV_OUT_OF_STOCK:
            case EV_ORDER_LINE_CANCELLED:
            case EV_LINE_REMOVED:
            case EV_LINE_RESTORED:
                /* a line's batch is not rewritten when the line moves: the read
                 * model sums lines_by_batch */
                product_cache_mark_line(&s->cache, e, ev->orderid,
                                ev->type == EV_ORDER_LINE_CANCELLED || ev->type == EV_LINE_REMOVED);
                s->cache.lines_est++;
                break;
            case EV_BATCH_CREATED:
                strmap_put_ptr(&s->cache.pending_refs, ev->batchref, e);
                e->reshaped |= ev->undoes != 0; /* put back at its place by seq */
                break;
            case EV_BATCH_REMOVED:
                e->reshaped = true;
                e->removed = xreallocarray(e->removed, e->nremoved + 1, sizeof *e->removed);
                memcpy(e->removed[e->nremoved++], ev->batchref, sizeof(AllotId));
                break;
            case EV_BATCH_QTY_CHANGED:
            case EV_BATCH_ETA_CHANGED:
                cache_entry_mark_batch(e, ev->batchref);
                break;
            default:
                break;
            }
        }
        if (evs->len || e->id == 0 || product_version(p) != e->db_version)
            product_cache_mark_dirty(&s->cache, e);
    }
    return ALLOT_OK;
}

/* After an undo changed which batches the product has: every batch written by
 * ref (an existing row updated, a new one inserted) and batch_ids rebuilt in the
 * product's order.  The removed rows go after the lines (flush_removed). */
static AllotStatus rewrite_batches(SqliteUow *s, CacheEntry *e, ErrBuf *err)
{
    Product *p = e->p;
    size_t nb = product_batch_count(p);
    e->nstored = 0;
    AllotStatus r = ALLOT_OK;
    for (size_t i = 0; r == ALLOT_OK && i < nb; i++) {
        const Batch *b = product_batch(p, i);
        sqlite3_stmt *st;
        if ((r = stmt(s, ST_BATCH_ID_OF_REF, &st, err)) != ALLOT_OK)
            break;
        sqlite3_bind_text(st, 1, b->ref, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            r = fail(s, st, rc, "finding a batch", err);
            break;
        }
        sqlite3_reset(st);
        if (id) {
            if ((r = stmt(s, ST_BATCH_REWRITE, &st, err)) != ALLOT_OK)
                break;
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int64(st, 2, b->qty);
            sqlite3_bind_int(st, 3, b->eta);
            sqlite3_bind_int64(st, 4, (int64_t)b->seq);
            r = run(s, st, "writing a batch", err);
        } else {
            if ((r = stmt(s, ST_BATCH_INSERT, &st, err)) != ALLOT_OK)
                break;
            sqlite3_bind_int64(st, 1, e->id);
            sqlite3_bind_text(st, 2, product_sku(p), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, b->ref, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, b->qty);
            sqlite3_bind_int(st, 5, b->eta);
            sqlite3_bind_int64(st, 6, (int64_t)b->seq);
            r = run(s, st, "writing a batch", err);
            id = sqlite3_last_insert_rowid(s->db);
        }
        if (r == ALLOT_OK)
            cache_entry_push_id(e, id);
    }
    if (e->cap_bdirty)
        memset(e->bdirty, 0, e->cap_bdirty);
    return r;
}

/* Deletes the batch rows an undo removed (their lines have moved by now). */
static AllotStatus flush_removed(SqliteUow *s, CacheEntry *e, ErrBuf *err)
{
    AllotStatus r = ALLOT_OK;
    for (size_t i = 0; r == ALLOT_OK && i < e->nremoved; i++) {
        if (product_find_batch(e->p, e->removed[i]))
            continue; /* removed, then put back within the same flush */
        sqlite3_stmt *st;
        if ((r = stmt(s, ST_BATCH_DELETE, &st, err)) != ALLOT_OK)
            break;
        sqlite3_bind_text(st, 1, e->removed[i], -1, SQLITE_STATIC);
        r = run(s, st, "removing a batch", err);
    }
    e->nremoved = 0;
    e->reshaped = false;
    return r;
}

static AllotStatus flush_entry(SqliteUow *s, CacheEntry *e, ErrBuf *err)
{
    Product *p = e->p;
    size_t nb = product_batch_count(p);
    Aggregates ag = product_aggregates(p);
    int64_t bo_lines = ag.bo_lines, bo_qty = ag.bo_qty, qty = ag.qty, allocated = ag.allocated;
    int32_t next_eta = ag.next_eta;
    sqlite3_stmt *st;
    bool is_new = e->id == 0;
    /* only the version and the allocated sum changed: a narrower update, which
     * leaves the partial index on bo_lines alone */
    bool narrow = !is_new && e->stored_known && ag.nbatches == e->stored.nbatches &&
                  ag.qty == e->stored.qty && ag.bo_lines == e->stored.bo_lines &&
                  ag.bo_qty == e->stored.bo_qty && ag.next_eta == e->stored.next_eta;
    AllotStatus r = stmt(s, is_new ? ST_PRODUCT_INSERT : narrow ? ST_PRODUCT_UPDATE_ALLOC
                                                              : ST_PRODUCT_UPDATE, &st, err);
    if (r == ALLOT_OK) {
        if (is_new)
            sqlite3_bind_text(st, 1, product_sku(p), -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, 1, e->id);
        sqlite3_bind_int64(st, 2, product_version(p));
        sqlite3_bind_int64(st, 3, (int64_t)product_next_seq(p));
        sqlite3_bind_int64(st, 4, (int64_t)nb);
        sqlite3_bind_int64(st, 5, qty);
        sqlite3_bind_int64(st, 6, allocated);
        sqlite3_bind_int64(st, 7, bo_lines);
        sqlite3_bind_int64(st, 8, bo_qty);
        bind_eta(st, 9, next_eta);
        if (!is_new)
            sqlite3_bind_int64(st, 10, e->db_version);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            sqlite3_reset(st);
            if (is_new)
                e->id = sqlite3_last_insert_rowid(s->db);
            else if (sqlite3_changes(s->db) == 0)
                r = err_set(err, ALLOT_ECONFLICT,
                            "product %s was changed by another writer (expected version %lld)",
                            product_sku(p), (long long)e->db_version);
            if (r == ALLOT_OK) {
                e->stored = ag;
                e->stored_known = true;
            }
        } else if ((rc & 0xff) == SQLITE_CONSTRAINT && is_new) {
            sqlite3_reset(st);
            r = err_set(err, ALLOT_ECONFLICT, "product %s was created by another writer",
                        product_sku(p));
        } else {
            r = fail(s, st, rc, "writing a product", err);
        }
    }
    if (r == ALLOT_OK && e->reshaped)
        return rewrite_batches(s, e, err);
    /* batches: new ones inserted, changed ones updated */
    for (size_t i = 0; r == ALLOT_OK && i < nb; i++) {
        const Batch *b = product_batch(p, i);
        if (i >= e->nstored) {
            r = stmt(s, ST_BATCH_INSERT, &st, err);
            if (r != ALLOT_OK)
                break;
            sqlite3_bind_int64(st, 1, e->id);
            sqlite3_bind_text(st, 2, product_sku(p), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, b->ref, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, b->qty);
            sqlite3_bind_int(st, 5, b->eta);
            sqlite3_bind_int64(st, 6, (int64_t)b->seq);
            int rc = sqlite3_step(st);
            if (rc == SQLITE_DONE) {
                sqlite3_reset(st);
                cache_entry_push_id(e, sqlite3_last_insert_rowid(s->db));
            } else if ((rc & 0xff) == SQLITE_CONSTRAINT) {
                sqlite3_reset(st);
                r = err_set(err, ALLOT_ECONFLICT, "batch %s (sku %s) was created by another writer",
                            b->ref, product_sku(p));
            } else {
                r = fail(s, st, rc, "writing a batch", err);
            }
        } else if (i < e->cap_bdirty && e->bdirty[i]) {
            r = stmt(s, ST_BATCH_UPDATE, &st, err);
            if (r != ALLOT_OK)
                break;
            sqlite3_bind_int64(st, 1, e->batch_ids[i]);
            sqlite3_bind_int64(st, 2, b->qty);
            sqlite3_bind_int(st, 3, b->eta);
            r = run(s, st, "writing a batch", err);
        }
    }
    return r;
}

/* A touched line to write: in the order of the lines b-tree, (orderid,
 * product_id), and within one line in the order it was touched.  The first 16
 * bytes of the orderid, big-endian, settle most comparisons without reading the
 * string; the line's current state is found before the sort, entry by entry. */
typedef struct LineRef {
    uint64_t k0, k1;
    const CacheEntry *e;
    const DirtyLine *d;
    const OrderLine *l; /* NULL: the line is gone */
} LineRef;

static uint64_t key_bytes(const char *s, size_t from, size_t len)
{
    uint64_t k = 0;
    for (size_t i = from; i < from + 8; i++)
        k = k << 8 | (i < len ? (unsigned char)s[i] : 0);
    return k;
}

static int cmp_line_ref(const void *a, const void *b)
{
    const LineRef *x = a, *y = b;
    if (x->k0 != y->k0)
        return x->k0 < y->k0 ? -1 : 1;
    if (x->k1 != y->k1)
        return x->k1 < y->k1 ? -1 : 1;
    /* the same 16 first bytes: the rest, if any (a NUL among them ends both) */
    if ((x->k1 & 0xff) && (y->k1 & 0xff)) {
        int c = strcmp(x->d->orderid + 16, y->d->orderid + 16);
        if (c)
            return c;
    }
    if (x->e->id != y->e->id)
        return x->e->id < y->e->id ? -1 : 1;
    return x->d < y->d ? -1 : x->d > y->d; /* the same entry's array: touch order */
}

/* Binds line `l` of `e` (its orderid `orderid`) to parameters o+1 .. o+LINE_PARAMS
 * (ST_LINE_INSERT's order) and notes a restored request moment at or past the
 * next command id. */
static void bind_line(SqliteUow *s, sqlite3_stmt *st, int o, const CacheEntry *e,
                      const char *orderid, const OrderLine *l)
{
    sqlite3_bind_int64(st, o + 1, e->id);
    sqlite3_bind_text(st, o + 2, orderid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, o + 3, l->qty);
    sqlite3_bind_int64(st, o + 4, (int64_t)l->seq);
    if (l->batch >= 0)
        sqlite3_bind_int64(st, o + 5, e->batch_ids[l->batch]);
    else
        sqlite3_bind_null(st, o + 5);
    sqlite3_bind_int64(st, o + 6, l->requested);
    bind_eta(st, o + 7, l->need);
    if (l->requested >= s->next_cmd && s->next_cmd_known) {
        s->next_cmd = l->requested + 1;
        s->next_cmd_dirty = true;
    }
}

/* A line to write: its entry, orderid and current state (NULL: gone). */
typedef struct LineWrite {
    const CacheEntry *e;
    const char *orderid;
    const OrderLine *l;
} LineWrite;

/* Inserts the new lines w[0..n) (n <= LINE_BATCH): one statement for a full
 * batch, one per line for the rest. */
static AllotStatus insert_lines(SqliteUow *s, const LineWrite *w, size_t n, ErrBuf *err)
{
    sqlite3_stmt *st;
    AllotStatus r = ALLOT_OK;
    size_t i = 0;
    if (n == LINE_BATCH && (r = stmt(s, ST_LINE_INSERT_MANY, &st, err)) == ALLOT_OK) {
        for (; i < n; i++)
            bind_line(s, st, (int)i * LINE_PARAMS, w[i].e, w[i].orderid, w[i].l);
        r = run(s, st, "writing an order line", err);
    }
    for (; r == ALLOT_OK && i < n; i++) {
        if ((r = stmt(s, ST_LINE_INSERT, &st, err)) != ALLOT_OK)
            break;
        bind_line(s, st, 0, w[i].e, w[i].orderid, w[i].l);
        r = run(s, st, "writing an order line", err);
    }
    return r;
}

/* Writes one line's current state, one that may be stored: an upsert, or a
 * delete when it is gone. */
static AllotStatus rewrite_line(SqliteUow *s, const LineWrite *w, ErrBuf *err)
{
    sqlite3_stmt *st;
    AllotStatus r = stmt(s, w->l ? ST_LINE_UPSERT : ST_LINE_DELETE, &st, err);
    if (r != ALLOT_OK)
        return r;
    if (!w->l) {
        sqlite3_bind_int64(st, 1, w->e->id);
        sqlite3_bind_text(st, 2, w->orderid, -1, SQLITE_STATIC);
        return run(s, st, "deleting an order line", err);
    }
    bind_line(s, st, 0, w->e, w->orderid, w->l);
    return run(s, st, "writing an order line", err);
}

/* Writes the lines touched in the dirty entries: sorted in the b-tree's key order
 * (a large bulk unit of work appends instead of splitting pages at random), each
 * line once, with its current state.  Runs of new lines go LINE_BATCH to a
 * statement. */
static AllotStatus flush_lines(SqliteUow *s, ErrBuf *err)
{
    size_t n = 0;
    for (size_t i = 0; i < s->cache.ndirtyv; i++)
        n += s->cache.dirtyv[i]->ndirty;
    if (n == 0)
        return ALLOT_OK;
    LineRef one, *refs = n == 1 ? &one : xreallocarray(NULL, n, sizeof *refs);
    size_t k = 0;
    for (size_t i = 0; i < s->cache.ndirtyv; i++) {
        const CacheEntry *e = s->cache.dirtyv[i];
        for (size_t j = 0; j < e->ndirty; j++) {
            const DirtyLine *d = &e->dirty_lines[j];
            size_t len = strlen(d->orderid);
            refs[k++] = (LineRef){key_bytes(d->orderid, 0, len), key_bytes(d->orderid, 8, len), e,
                                  d, product_find_line(e->p, d->orderid)};
        }
    }
    if (n > 1)
        qsort(refs, n, sizeof *refs, cmp_line_ref);
    AllotStatus r = ALLOT_OK;
    LineWrite news[LINE_BATCH];
    size_t nnew = 0;
    for (size_t a = 0; r == ALLOT_OK && a < n;) {
        /* the group of touches of one line: written once, with its current state */
        bool cancelled = false;
        size_t b = a + 1;
        while (b < n && refs[b].e == refs[a].e && refs[b].k0 == refs[a].k0 &&
               refs[b].k1 == refs[a].k1 && strcmp(refs[b].d->orderid, refs[a].d->orderid) == 0)
            b++;
        for (size_t c = a; c < b; c++)
            cancelled |= refs[c].d->cancelled;
        LineWrite w = {refs[a].e, refs[a].d->orderid, refs[a].l};
        /* a line created since the product was last loaded or written, and not
         * cancelled meanwhile (an older incarnation may be stored), is new */
        if (w.l && !cancelled && w.l->seq >= w.e->stored_seq) {
            news[nnew++] = w;
            if (nnew == LINE_BATCH) {
                r = insert_lines(s, news, nnew, err);
                nnew = 0;
            }
        } else {
            /* the new lines before it first: the rows go in key order */
            r = insert_lines(s, news, nnew, err);
            nnew = 0;
            if (r == ALLOT_OK)
                r = rewrite_line(s, &w, err);
        }
        a = b;
    }
    if (r == ALLOT_OK)
        r = insert_lines(s, news, nnew, err);
    if (refs != &one)
        free(refs);
    return r;
}

/* Writes every dirty product (inside the open transaction): products and batches
 * first (new ones get their ids), then the touched lines in key order. */
/* Tells the write notice, if any, that bulk work writes `rows` rows (-1: commits). */
static void notice_writing(SqliteUow *s, long rows)
{
    if (s->write_notice && s->write_notice->writing)
        s->write_notice->writing(s->write_notice->ctx, rows);
}

static AllotStatus flush(SqliteUow *s, ErrBuf *err)
{
    AllotStatus pr = log_pending(s, err);
    if (pr != ALLOT_OK)
        return pr;
    for (size_t i = 0; i < s->cache.ndirtyv; i++) {
        AllotStatus r = flush_entry(s, s->cache.dirtyv[i], err);
        if (r != ALLOT_OK)
            return r;
    }
    AllotStatus r = flush_lines(s, err);
    for (size_t i = 0; r == ALLOT_OK && i < s->cache.ndirtyv; i++)
        if (s->cache.dirtyv[i]->reshaped)
            r = flush_removed(s, s->cache.dirtyv[i], err);
    if (r == ALLOT_OK && s->next_cmd_dirty) {
        sqlite3_stmt *st;
        r = stmt(s, ST_COUNTER_SET, &st, err);
        if (r == ALLOT_OK) {
            sqlite3_bind_int64(st, 1, s->next_cmd);
            r = run(s, st, "writing the command counter", err);
        }
        if (r == ALLOT_OK) {
            s->next_cmd_dirty = false;
            s->next_cmd_tx = s->tx;
        }
    }
    if (r != ALLOT_OK)
        return r;
    for (size_t i = 0; i < s->cache.ndirtyv; i++) {
        CacheEntry *e = s->cache.dirtyv[i];
        s->cache.dirty_keys -= e->ndirty;
        cache_entry_clean(e);
        e->db_version = product_version(e->p);
        e->stored_seq = product_next_seq(e->p);
    }
    s->cache.ndirtyv = 0;
    strmap_clear(&s->cache.pending_refs);
    return ALLOT_OK;
}

/* Ends the open transaction with ROLLBACK and forgets what it touched. */
static void abort_tx(SqliteUow *s, bool whole_cache)
{
    if (s->in_tx) {
        sqlite3_stmt *st;
        ErrBuf ignore;
        if (stmt(s, ST_ROLLBACK, &st, &ignore) == ALLOT_OK)
            run(s, st, "rolling back", &ignore);
        if (sqlite3_get_autocommit(s->db) == 0)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    s->in_tx = s->read_tx = false;
    s->data_version_known = false;
    s->npending = 0;
    s->next_cmd_known = s->next_cmd_dirty = false;
    s->current_cmd = 0;
    if (whole_cache) {
        forget_products(s);
        return;
    }
    /* Products seen or written in this transaction may differ from the store. */
    for (size_t i = 0; i < s->repo.nseen; i++)
        product_cache_drop(&s->cache, product_sku(s->repo.seen[i]));
    while (s->cache.ndirtyv)
        product_cache_drop(&s->cache, product_sku(s->cache.dirtyv[0]->p));
    strmap_clear(&s->cache.pending_refs);
    repository_clear_seen(&s->repo);
}

static bool read_data_version(SqliteUow *s, unsigned *v)
{
    return sqlite3_file_control(s->db, "main", SQLITE_FCNTL_DATA_VERSION, v) == SQLITE_OK;
}

/* Begins a transaction: BEGIN IMMEDIATE (the write lock), or with `read` (or on a
 * database opened read-only) a deferred one whose snapshot is read at once, which
 * takes no lock a writer holds. */
static AllotStatus begin_tx(SqliteUow *s, bool read, ErrBuf *err)
{
    s->tx++;
    read = read || s->disk_full;
    AllotStatus r;
    if (read) {
        r = run_simple(s, ST_BEGIN_READ, "starting a read transaction", err);
        sqlite3_stmt *st;
        if (r == ALLOT_OK && (r = stmt(s, ST_SNAPSHOT, &st, err)) == ALLOT_OK) {
            int rc = sqlite3_step(st);
            if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                r = fail(s, st, rc, "starting a read transaction", err);
            else
                sqlite3_reset(st);
        }
        if (r != ALLOT_OK && sqlite3_get_autocommit(s->db) == 0)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    } else {
        r = run_simple(s, ST_BEGIN, "starting a transaction", err);
    }
    if (r != ALLOT_OK)
        return r;
    s->in_tx = true;
    s->read_tx = read;
    unsigned v;
    bool known = read_data_version(s, &v);
    if (!known || !s->data_version_known || v != s->data_version)
        s->fresh_since = s->tx; /* someone may have written: check every product */
    s->data_version = v;
    s->data_version_known = known;
    return ALLOT_OK;
}

/* After our own COMMIT: the data version that includes it. */
static void note_commit(SqliteUow *s)
{
    s->in_tx = s->read_tx = false;
    s->data_version_known = read_data_version(s, &s->data_version);
}

/* ---------- the unit of work ---------- */

/* Forgets the previous unit of work's products' undelivered events. */
static void forget_seen(SqliteUow *s)
{
    for (size_t i = 0; i < s->repo.nseen; i++)
        product_drop_pending_events(s->repo.seen[i]);
    repository_clear_seen(&s->repo);
}

/* The store's next command id, reserved for the current unit of work: one past the
 * newest command in the log, and at least the counter row (SPEC.md §1.6: unique,
 * monotonic).  A commit leaves the counter row alone: the id is in its events. */
static AllotStatus sq_command_id(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    SqliteUow *s = from_uow(u);
    if (!s->in_tx)
        return err_set(err, ALLOT_ESTORAGE, "database %s: a command id outside a unit of work",
                       s->path);
    if (s->current_cmd == 0) {
        /* another writer may have used ids since we last read or wrote them */
        if (!s->next_cmd_known || (s->next_cmd_tx < s->fresh_since && !s->next_cmd_dirty)) {
            sqlite3_stmt *st;
            AllotStatus r = log_pending(s, err);
            if (r == ALLOT_OK)
                r = stmt(s, ST_COUNTER_GET, &st, err);
            if (r != ALLOT_OK)
                return r;
            int rc = sqlite3_step(st);
            if (rc != SQLITE_ROW) {
                if (rc != SQLITE_DONE)
                    return fail(s, st, rc, "reading the command counter", err);
                sqlite3_reset(st);
                return err_set(err, ALLOT_ESTORAGE, "database %s has no command counter",
                               s->path);
            }
            s->next_cmd = sqlite3_column_int64(st, 0);
            sqlite3_reset(st);
            s->next_cmd_known = true;
            s->next_cmd_tx = s->tx;
        }
        s->current_cmd = s->next_cmd;
    }
    *id = s->current_cmd;
    return ALLOT_OK;
}

/* One row of ST_COMMAND_EVENTS as an Event. */
static void read_logged_event(sqlite3_stmt *st, Event *e)
{
    memset(e, 0, sizeof *e);
    int t = event_type_from_name((const char *)sqlite3_column_text(st, 0));
    e->type = t < 0 ? EV_TYPE_COUNT : (EventType)t;
    copy_id(e->sku, sqlite3_column_text(st, 1));
    copy_id(e->orderid, sqlite3_column_text(st, 2));
    copy_id(e->batchref, sqlite3_column_text(st, 3));
    copy_id(e->to, sqlite3_column_text(st, 4));
    e->qty = sqlite3_column_int64(st, 5);
    e->old_qty = sqlite3_column_int64(st, 6);
    e->new_qty = sqlite3_column_int64(st, 7);
    e->eta = column_date(st, 8);
    e->old_eta = column_date(st, 9);
    e->new_eta = column_date(st, 10);
    e->need = column_date(st, 11);
    e->requested = sqlite3_column_int64(st, 12);
    e->seq = (uint64_t)sqlite3_column_int64(st, 13);
    e->new_line = sqlite3_column_int(st, 14) != 0;
    e->command_id = sqlite3_column_int64(st, 15);
    copy_id(e->actor, sqlite3_column_text(st, 16));
    e->undoes = sqlite3_column_int64(st, 17);
}

static AllotStatus sq_command_log(UnitOfWork *u, int64_t id, EventVec *out, int64_t *later,
                                  ErrBuf *err)
{
    SqliteUow *s = from_uow(u);
    sqlite3_stmt *st;
    int64_t lo, hi;
    AllotStatus r = log_pending(s, err);
    if (r == ALLOT_OK)
        r = sqlite_command_event_range(s->db, s->path, id, &lo, &hi, err);
    if (r == ALLOT_OK)
        r = stmt(s, ST_COMMAND_EVENTS, &st, err);
    if (r != ALLOT_OK)
        return r;
    size_t first = out->len;
    int64_t last_id = 0;
    int rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        Event e;
        read_logged_event(st, &e);
        event_vec_push(out, &e);
        last_id = sqlite3_column_int64(st, 18);
    }
    if (rc != SQLITE_DONE)
        return fail(s, st, rc, "reading a command's events", err);
    sqlite3_reset(st);
    for (size_t k = first; k < out->len; k++) {
        bool seen = false;
        for (size_t j = first; j < k && !seen; j++)
            seen = strcmp(out->items[j].sku, out->items[k].sku) == 0;
        if (seen)
            continue;
        if ((r = stmt(s, ST_LATER_COMMAND, &st, err)) != ALLOT_OK)
            return r;
        sqlite3_bind_int64(st, 1, last_id);
        sqlite3_bind_text(st, 2, out->items[k].sku, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, id);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            int64_t c = sqlite3_column_int64(st, 0);
            if (!*later || c < *later)
                *later = c;
        } else if (rc != SQLITE_DONE) {
            return fail(s, st, rc, "reading the event log", err);
        }
        sqlite3_reset(st);
    }
    return ALLOT_OK;
}

static AllotStatus sq_latest_command(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    SqliteUow *s = from_uow(u);
    sqlite3_stmt *st;
    AllotStatus r = log_pending(s, err);
    if (r == ALLOT_OK)
        r = stmt(s, ST_LATEST_COMMAND, &st, err);
    if (r != ALLOT_OK)
        return r;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        return fail(s, st, rc, "reading the event log", err);
    sqlite3_reset(st);
    return ALLOT_OK;
}

/* begin and begin_read: a unit of work, with `read` one that only reads. */
static AllotStatus begin_unit(SqliteUow *s, bool read, ErrBuf *err)
{
    forget_seen(s);
    s->current_cmd = 0;
    if (s->in_bulk) {
        /* Many touched lines: write them out (inside the transaction); the
         * products stay cached, as they are current.  Many cached lines: write
         * and forget them, to bound memory. */
        bool forget = s->cache.lines_est > 4 * s->cache_lines_max;
        if ((++s->begins & (s->check_mask * 4 + 3)) == 0 &&
            (s->cache.dirty_keys > s->bulk_dirty_max || forget)) {
            notice_writing(s, (long)s->cache.dirty_keys);
            AllotStatus r = flush(s, err);
            if (r != ALLOT_OK) {
                s->poisoned = true;
                return r;
            }
            if (forget)
                forget_products(s);
        }
        return ALLOT_OK;
    }
    if (s->in_tx)
        abort_tx(s, false);
    if ((++s->begins & s->check_mask) == 0 && s->cache.lines_est > s->cache_lines_max)
        forget_products(s);
    return begin_tx(s, read, err);
}

static AllotStatus sq_begin(UnitOfWork *u, ErrBuf *err) { return begin_unit(from_uow(u), false, err); }

static AllotStatus sq_begin_read(UnitOfWork *u, ErrBuf *err)
{
    return begin_unit(from_uow(u), true, err);
}


/* The refusal of a write on a database opened on a full disk. */
static AllotStatus disk_full_error(SqliteUow *s, ErrBuf *err)
{
    return err_set(err, ALLOT_ESTORAGE, "database %s: disk full (nothing was written; free some "
                   "space and open it again to write)", s->path);
}

static AllotStatus sq_commit(UnitOfWork *u, ErrBuf *err)
{
    SqliteUow *s = from_uow(u);
    if (!s->in_tx)
        return err_set(err, ALLOT_ESTORAGE, "database %s: commit without a unit of work", s->path);
    if (s->read_tx) {
        bool changed = s->cache.ndirtyv > 0;
        for (size_t i = 0; i < s->repo.nseen && !changed; i++)
            changed = product_events(s->repo.seen[i])->len > 0;
        if (changed) {
            abort_tx(s, false);
            if (s->disk_full)
                return disk_full_error(s, err);
            return err_set(err, ALLOT_ESTORAGE, "database %s: a unit of work begun to read "
                           "cannot write (nothing was written)", s->path);
        }
    }
    AllotStatus r = step_commit(s, err);
    if (r == ALLOT_OK && s->current_cmd) {
        /* used up when its events hold it (so the counter row needs no write); a
         * command that logged nothing leaves its id to the next one */
        if (s->logged && s->current_cmd >= s->next_cmd)
            s->next_cmd = s->current_cmd + 1;
        s->current_cmd = 0;
    }
    if (s->in_bulk) {
        if (r != ALLOT_OK)
            s->poisoned = true;
        return r;
    }
    if (r == ALLOT_OK)
        r = flush(s, err);
    if (r == ALLOT_OK)
        r = run_simple(s, ST_COMMIT, "committing", err);
    if (r != ALLOT_OK) {
        abort_tx(s, false);
        return r;
    }
    note_commit(s);
    return ALLOT_OK;
}

static void sq_rollback(UnitOfWork *u)
{
    SqliteUow *s = from_uow(u);
    if (s->in_bulk) {
        forget_seen(s);
        s->poisoned = true;
        return;
    }
    abort_tx(s, false);
}

static void set_cache_kib(SqliteUow *s, int kib)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", kib);
    sqlite3_exec(s->db, sql, NULL, NULL, NULL); /* a hint: failure changes nothing */
}

/* Whether the store holds at most fk_at_end_max_pages pages (FK_AT_END_MAX_PAGES). */
static bool small_store(SqliteUow *s)
{
    sqlite3_stmt *st;
    bool small = false;
    if (sqlite3_prepare_v2(s->db, "PRAGMA page_count", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        small = sqlite3_column_int64(st, 0) <= s->fk_at_end_max_pages;
    sqlite3_finalize(st);
    return small;
}

/* Foreign keys on again after bulk work that ran without them (outside any
 * transaction, where SQLite accepts the change). */
static void foreign_keys_on(SqliteUow *s)
{
    if (s->fk_at_end)
        sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    s->fk_at_end = false;
}

/* Bulk work without foreign keys: every reference of the store checked at once,
 * inside the transaction.  Errors: ALLOT_ESTORAGE naming the table of the first
 * row that refers to a missing row (the caller rolls everything back). */
static AllotStatus check_foreign_keys(SqliteUow *s, ErrBuf *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sqlite_error(s->db, rc, s->path, "checking foreign keys", err);
    AllotStatus r = ALLOT_OK;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        r = err_set(err, ALLOT_ESTORAGE, "database %s: a row of %s would refer to a missing row of "
                    "%s; nothing was written", s->path, (const char *)sqlite3_column_text(st, 0),
                    (const char *)sqlite3_column_text(st, 2));
    else if (rc != SQLITE_DONE)
        r = sqlite_error(s->db, rc, s->path, "checking foreign keys", err);
    sqlite3_finalize(st);
    return r;
}

static AllotStatus sq_bulk_begin(UnitOfWork *u, ErrBuf *err)
{
    SqliteUow *s = from_uow(u);
    if (s->in_bulk)
        return err_set(err, ALLOT_ESTORAGE, "bulk work is already open");
    if (s->disk_full)
        return disk_full_error(s, err);
    forget_seen(s);
    if (s->in_tx)
        abort_tx(s, false);
    s->fk_at_end = small_store(s) &&
                   sqlite3_exec(s->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) == SQLITE_OK;
    AllotStatus r = begin_tx(s, false, err);
    if (r != ALLOT_OK) {
        foreign_keys_on(s);
        return r;
    }
    s->in_bulk = true;
    s->poisoned = false;
    set_cache_kib(s, BULK_CACHE_KIB);
    return ALLOT_OK;
}

static AllotStatus exec_sql(SqliteUow *s, const char *sql, const char *doing, ErrBuf *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? ALLOT_OK : sqlite_error(s->db, rc, s->path, doing, err);
}

/* Whether the last write of bulk work should build lines_by_batch after the rows
 * (REBUILD_MIN_LINES).  The lines stored are counted only for a large write. */
static AllotStatus rebuild_lines_by_batch(SqliteUow *s, bool *rebuild, ErrBuf *err)
{
    *rebuild = false;
    if (s->cache.dirty_keys < s->rebuild_min)
        return ALLOT_OK;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "SELECT COUNT(*) FROM lines", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        *rebuild = (uint64_t)sqlite3_column_int64(st, 0) <= 2 * (uint64_t)s->cache.dirty_keys;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? ALLOT_OK : sqlite_error(s->db, rc, s->path, "counting order lines", err);
}

static AllotStatus sq_bulk_end(UnitOfWork *u, bool commit, ErrBuf *err)
{
    SqliteUow *s = from_uow(u);
    if (!s->in_bulk)
        return err_set(err, ALLOT_ESTORAGE, "no bulk work is open");
    s->in_bulk = false;
    forget_seen(s);
    if (!commit || s->poisoned) {
        set_cache_kib(s, DEFAULT_CACHE_KIB);
        abort_tx(s, true);
        foreign_keys_on(s);
        if (commit)
            return err_set(err, ALLOT_ESTORAGE, "bulk work was rolled back: a step failed");
        return ALLOT_OK;
    }
    bool rebuild;
    AllotStatus r = rebuild_lines_by_batch(s, &rebuild, err);
    if (r == ALLOT_OK && rebuild)
        r = exec_sql(s, "DROP INDEX lines_by_batch", "writing the order lines", err);
    if (r == ALLOT_OK) {
        notice_writing(s, (long)s->cache.dirty_keys);
        r = flush(s, err);
    }
    if (r == ALLOT_OK)
        notice_writing(s, -1);
    if (r == ALLOT_OK && rebuild)
        r = exec_sql(s, LINES_BY_BATCH_SQL, "indexing the order lines by batch", err);
    if (r == ALLOT_OK && s->fk_at_end)
        r = check_foreign_keys(s, err);
    if (r == ALLOT_OK)
        r = run_simple(s, ST_COMMIT, "committing", err);
    set_cache_kib(s, DEFAULT_CACHE_KIB);
    if (r != ALLOT_OK) {
        abort_tx(s, true);
        foreign_keys_on(s);
        return r;
    }
    foreign_keys_on(s);
    note_commit(s);
    return ALLOT_OK;
}

static void sq_destroy(UnitOfWork *u)
{
    SqliteUow *s = from_uow(u);
    if (s->in_tx)
        abort_tx(s, true);
    product_cache_fini(&s->cache);
    repository_fini(&s->repo);
    views_free(s->views);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

static const UnitOfWorkOps sqlite_uow_ops = {
    sq_begin,   sq_commit,     sq_rollback,    sq_bulk_begin,     sq_bulk_end,
    sq_destroy, sq_command_id, sq_command_log, sq_latest_command, sq_begin_read,
};

static AllotStatus uow_open(const char *path, bool create, Clock *clock, UnitOfWork **out,
                            ErrBuf *err)
{
    *out = NULL;
    sqlite3 *db;
    bool disk_full;
    AllotStatus r = sqlite_connect(path, create, ALLOT_BUSY_TIMEOUT_MS, &db, &disk_full, err);
    if (r != ALLOT_OK)
        return r;
    SqliteUow *s = xcalloc(1, sizeof *s);
    s->disk_full = disk_full;
    s->base.ops = &sqlite_uow_ops;
    s->base.products = &s->repo;
    s->repo.ops = &sqlite_repo_ops;
    s->db = db;
    s->path = xstrdup(path);
    s->clock = clock ? clock : clock_system();
    s->views = sqlite_views_on(db, s->path, false);
    product_cache_init(&s->cache);
    s->check_mask = 255;
    s->cache_lines_max = CACHE_LINES_MAX;
    s->bulk_dirty_max = BULK_DIRTY_MAX;
    s->rebuild_min = REBUILD_MIN_LINES;
    s->fk_at_end_max_pages = FK_AT_END_MAX_PAGES;
    *out = &s->base;
    return ALLOT_OK;
}

AllotStatus sqlite_uow_open(const char *path, Clock *clock, UnitOfWork **out, ErrBuf *err)
{
    return uow_open(path, true, clock, out, err);
}

AllotStatus sqlite_uow_open_existing(const char *path, Clock *clock, UnitOfWork **out,
                                     ErrBuf *err)
{
    return uow_open(path, false, clock, out, err);
}

AllotStatus sqlite_db_path(const char *cli_path, char *out, size_t size, ErrBuf *err)
{
    const char *env = getenv("ALLOT_DB");
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;
    if (cli_path && *cli_path)
        n = snprintf(out, size, "%s", cli_path);
    else if (env && *env)
        n = snprintf(out, size, "%s", env);
    else if (xdg && xdg[0] == '/') /* XDG: a relative value is to be ignored */
        n = snprintf(out, size, "%s/allot/allot.db", xdg);
    else if (home && *home)
        n = snprintf(out, size, "%s/.local/share/allot/allot.db", home);
    else
        return err_set(err, ALLOT_ESTORAGE,
                       "no database path: give --db PATH or set ALLOT_DB (HOME is not set)");
    if (n < 0 || (size_t)n >= size)
        return err_set(err, ALLOT_ESTORAGE, "database path is too long");
    return ALLOT_OK;
}

Views *sqlite_uow_views(UnitOfWork *uow) { return from_uow(uow)->views; }

const char *sqlite_uow_path(UnitOfWork *uow) { return from_uow(uow)->path; }

void sqlite_uow_set_busy_timeout(UnitOfWork *uow, int ms)
{
    sqlite3_busy_timeout(from_uow(uow)->db, ms < 0 ? 0 : ms);
}

static int busy_wait(void *arg, int count)
{
    const SqliteBusyWait *w = arg;
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    return w->wait(w->ctx, (int64_t)(count + 1) * 100) ? 1 : 0;
}

void sqlite_uow_set_write_notice(UnitOfWork *uow, const BulkWriteNotice *n)
{
    from_uow(uow)->write_notice = n;
}

void sqlite_uow_set_busy_wait(UnitOfWork *uow, const SqliteBusyWait *w)
{
    if (w)
        sqlite3_busy_handler(from_uow(uow)->db, busy_wait, (void *)w);
    else
        sqlite3_busy_timeout(from_uow(uow)->db, ALLOT_BUSY_TIMEOUT_MS);
}

sqlite3 *sqlite_uow_connection(UnitOfWork *uow) { return from_uow(uow)->db; }

void sqlite_uow_set_cache_limits(UnitOfWork *uow, unsigned check_every, size_t cache_lines_max,
                                 size_t bulk_dirty_max)
{
    SqliteUow *s = from_uow(uow);
    unsigned mask = 1;
    while (mask < check_every)
        mask <<= 1;
    s->check_mask = mask - 1;
    s->cache_lines_max = cache_lines_max;
    s->bulk_dirty_max = bulk_dirty_max;
}

void sqlite_uow_set_bulk_rebuild(UnitOfWork *uow, size_t min_lines)
{
    from_uow(uow)->rebuild_min = min_lines;
}

void sqlite_uow_set_bulk_fk_check(UnitOfWork *uow, int64_t max_pages)
{
    from_uow(uow)->fk_at_end_max_pages = max_pages;
}
