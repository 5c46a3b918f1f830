/* The PostgreSQL unit of work and repository (pg_store.h; SPEC.md §2, §3.1).
 *
 * Concurrency.  A unit of work is one READ COMMITTED transaction.  Loading a
 * product reads its version first; commit writes each product row with
 * `UPDATE … WHERE id = ? AND version = ?`, in SKU order, so that two writers lock
 * product rows in one order: 0 rows means someone committed the product since it
 * was read (a row locked by a writer still at work is waited for, then checked)
 * and the unit of work fails with ALLOT_ECONFLICT, everything rolled back; the bus
 * retries the command with jitter.  SQLSTATE 40001, 40P01 (deadlock) and a unique
 * key another writer took (a new SKU, a batch reference) are conflicts too.
 * While it works on a product a unit of work holds the product's advisory lock
 * (pg_conn.h PG_LOCK_CLASS) shared; after a conflict on a product, the next
 * HOT_UNITS units of work of this process take it exclusive, in a statement of
 * their own before reading the product: the writers of a hot product then queue
 * on the lock (fairly, in order) instead of conflicting again and again.  Bulk
 * work is one REPEATABLE READ transaction (one snapshot for all it reads; a
 * product committed by someone else after it fails with 40001) and takes no
 * advisory lock (it may load tens of thousands of products; the version check
 * alone keeps it right).
 *
 * Delivery order of the events (pg_follower.c): a transaction's first write, which
 * gives it its transaction id, comes after it has read every product it writes, so
 * of two transactions that write one product the one that commits second has the
 * higher id (it read the product after the first committed, or its version check
 * failed).  Bulk work may write before it reads more, but under its one snapshot
 * the same holds.
 *
 * Products live in `cache` (sku → CacheEntry) between units of work and are reused when
 * their stored version has not moved (one small query per product and unit of
 * work).  Commit writes deltas only, as the SQLite store does (sqlite_uow.c):
 *   - step_commit (every commit, also the nested ones of bulk work) gives the seen
 *     products' pending events their ids (reserved from the events' sequence),
 *     queues them for the log, and marks what they touched: lines by orderid,
 *     batches by index, the product;
 *   - flush writes, in SKU order (so that two writers lock products in one order),
 *     every marked product row with its version check, new and changed batches,
 *     the queued events (COPY), the marked lines (COPY into a temporary table, then
 *     one upsert and one delete), and `NOTIFY allot_events`, inside the transaction.
 * A unit of work flushes at its commit; bulk work at bulk_end, or when what it holds
 * grows large, all inside its one transaction: all or nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "persistence/pg_conn.h"
#include "persistence/pg_store.h"
#include "persistence/pg_views.h"
#include "persistence/product_cache.h"
#include "app/strmap.h"

/* Beyond this many cached order lines the cache is emptied between units of work. */
#define CACHE_LINES_MAX 262144
/* Bulk work writes what it holds beyond this many marked lines or queued bytes. */
#define BULK_DIRTY_MAX 262144
#define BULK_COPY_BYTES (8u << 20)
/* Event ids reserved at a time in bulk work: 16, doubling up to 4096, so that a
 * small import leaves a small gap in the ids (what is reserved and not used is
 * not given back: ids have gaps, never repeats). */
#define BULK_ID_BLOCK_MIN 16
#define BULK_ID_BLOCK_MAX 4096

/* Ids reserved from a sequence and not handed out yet (what is reserved and not
 * used is not given back: ids have gaps, never repeats). */
typedef struct IdPool {
    int64_t *ids;
    size_t n, cap, pos;
    size_t block; /* the next reservation in bulk work */
} IdPool;

/* A buffer of COPY text. */
typedef struct Text {
    char *s;
    size_t len, cap;
} Text;

enum {
    ST_PRODUCT_HEAD,
    ST_PRODUCT_OF_REF,
    ST_LOAD_BATCHES,
    ST_LOAD_LINES,
    ST_PRODUCT_INSERT,
    ST_PRODUCT_UPDATE,
    ST_BATCH_INSERT,
    ST_BATCH_UPDATE,
    ST_RESERVE_IDS,
    ST_RESERVE_COMMANDS,
    ST_RAISE_COMMANDS,
    ST_BATCH_ID_OF_REF,
    ST_BATCH_REWRITE,
    ST_BATCH_DELETE,
    ST_COMMAND_EVENTS,
    ST_LATER_COMMAND,
    ST_LATEST_COMMAND,
    ST_LINES_MERGE,
    ST_LINES_DELETE,
    ST_LOCK_HOT,
    ST_PRODUCT_HEAD_BULK,
    ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    /* the product's shared advisory lock first (one row always: the lock is taken
     * for a SKU that does not exist yet too), then its row */
    [ST_PRODUCT_HEAD] = "SELECT p.id, p.version, p.next_seq FROM (SELECT"
                        " pg_advisory_xact_lock_shared(" PG_LOCK_CLASS ", hashtext($1))) l"
                        " LEFT JOIN allot.products p ON p.sku = $1",
    [ST_PRODUCT_OF_REF] = "SELECT p.sku FROM allot.batches b JOIN allot.products p"
                          " ON p.id = b.product_id WHERE b.ref = $1",
    [ST_LOAD_BATCHES] = "SELECT id, ref, qty, eta, seq FROM allot.batches WHERE product_id = $1"
                        " ORDER BY seq",
    [ST_LOAD_LINES] = "SELECT orderid, qty, seq, batch_id, need, req FROM allot.lines"
                      " WHERE product_id = $1",
    [ST_PRODUCT_INSERT] = "INSERT INTO allot.products (sku, version, next_seq, nbatches, qty,"
                          " allocated, bo_lines, bo_qty, next_eta)"
                          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    [ST_PRODUCT_UPDATE] = "UPDATE allot.products SET version = $2, next_seq = $3, nbatches = $4,"
                          " qty = $5, allocated = $6, bo_lines = $7, bo_qty = $8, next_eta = $9"
                          " WHERE id = $1 AND version = $10",
    [ST_BATCH_INSERT] = "INSERT INTO allot.batches (product_id, sku, ref, qty, eta, seq)"
                        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    [ST_BATCH_UPDATE] = "UPDATE allot.batches SET qty = $2, eta = $3 WHERE id = $1",
    [ST_RESERVE_IDS] = "SELECT nextval(pg_get_serial_sequence('allot.events', 'id'))"
                       " FROM generate_series(1, $1)",
    [ST_BATCH_ID_OF_REF] = "SELECT id FROM allot.batches WHERE ref = $1",
    [ST_BATCH_REWRITE] = "UPDATE allot.batches SET qty = $2, eta = $3, seq = $4 WHERE id = $1",
    [ST_BATCH_DELETE] = "DELETE FROM allot.batches WHERE ref = $1",
    /* a command's events in the order logged (one transaction: id order), and the
     * transaction that wrote them */
    [ST_COMMAND_EVENTS] = "SELECT " PG_EVENT_COLS " FROM allot.events"
                          " WHERE command_id = $1 AND command_id > 0 ORDER BY tx, id",
    /* the first command after transaction $1 that changed sku $2: a later
     * transaction on one product has a higher tx (see "Delivery order" above) */
    [ST_LATER_COMMAND] = "SELECT command_id FROM allot.events WHERE sku = $2 AND tx > $1::xid8"
                         " AND command_id > 0 AND command_id <> $3 ORDER BY tx, id LIMIT 1",
    [ST_LATEST_COMMAND] = "SELECT command_id FROM allot.events WHERE command_id > 0"
                          " ORDER BY tx DESC, id DESC LIMIT 1",
    [ST_RESERVE_COMMANDS] = "SELECT nextval('allot.command_ids') FROM generate_series(1, $1)",
    /* keeps the next command id above $1 (a restored `requested`) */
    [ST_RAISE_COMMANDS] = "SELECT CASE WHEN nv < $1 THEN setval('allot.command_ids', $1) ELSE nv END"
                          " FROM (SELECT nextval('allot.command_ids') AS nv) x",
    /* A line requested anew (another seq) takes the new request's moment. */
    [ST_LINES_MERGE] = "INSERT INTO allot.lines (orderid, product_id, qty, seq, batch_id, req, need)"
                       " SELECT orderid, product_id, qty, seq, batch_id, req, need"
                       " FROM pg_temp.allot_lines_in WHERE NOT gone"
                       " ON CONFLICT (orderid, product_id) DO UPDATE"
                       " SET qty = excluded.qty, batch_id = excluded.batch_id, seq = excluded.seq,"
                       " req = excluded.req, need = excluded.need",
    [ST_LINES_DELETE] = "DELETE FROM allot.lines l USING pg_temp.allot_lines_in i"
                        " WHERE i.gone AND l.orderid = i.orderid AND l.product_id = i.product_id",
    /* the lock exclusive (a hot product), in a statement of its own: the next one
     * reads the product as the writer it waited for left it */
    /* bulk work takes no advisory lock: it may load tens of thousands of products
     * in its one transaction (the server's lock table is bounded) */
    [ST_PRODUCT_HEAD_BULK] = "SELECT id, version, next_seq FROM allot.products WHERE sku = $1",
    [ST_LOCK_HOT] = "SELECT pg_advisory_xact_lock(" PG_LOCK_CLASS ", hashtext($1))",
};

/* A product that met a conflict lately: its lock is taken exclusive for the next
 * HOT_UNITS units of work that load it, so that its writers queue instead of
 * conflicting (and retrying) again and again. */
#define HOT_MAX 8
#define HOT_UNITS 64
typedef struct HotProduct {
    AllotId sku;
    int left; /* units of work to go; 0 = free slot */
} HotProduct;

typedef struct PgUow {
    UnitOfWork base;
    Repository repo;
    PGconn *conn;
    char *uri;
    char where[PG_WHERE_MAX];
    Clock *clock;
    Views *views;
    bool prepared[ST_COUNT];
    ProductCache cache; /* the products held between commands */
    IdPool event_ids;   /* allot.events' sequence */
    IdPool command_ids; /* allot.command_ids (SPEC.md §1.6) */
    int64_t current_cmd;   /* the command id of the current unit of work, or 0 */
    int64_t cmd_high;      /* the highest command id this process was given */
    int64_t max_requested; /* the highest `requested` written by this transaction */
    Text events; /* queued COPY rows of allot.events */
    AllotId contended; /* the product being written (the one a conflict was on) */
    HotProduct hot[HOT_MAX];
    uint64_t tx;
    bool in_tx, in_bulk, poisoned;
    unsigned begins;
} PgUow;

static PgUow *from_uow(UnitOfWork *u) { return (PgUow *)u; }
static PgUow *from_repo(Repository *r) { return (PgUow *)((char *)r - offsetof(PgUow, repo)); }

/* ---------- statements ---------- */

typedef struct Params {
    const char *v[12];
    char buf[12][24];
    int n;
} Params;

static void p_text(Params *p, const char *t) { p->v[p->n++] = t; }

static void p_int(Params *p, int64_t x)
{
    snprintf(p->buf[p->n], sizeof p->buf[0], "%lld", (long long)x);
    p->v[p->n] = p->buf[p->n];
    p->n++;
}

static void p_eta_or_null(Params *p, int32_t eta)
{
    if (eta == ALLOT_NO_ETA)
        p->v[p->n++] = NULL;
    else
        p_int(p, eta);
}

/* Runs prepared statement `which`; *out is its result (PQclear it) when the status
 * is `want`.  Errors: as pg_error (`unique` turns 23505 into a conflict). */
static AllotStatus run(PgUow *s, int which, const Params *p, ExecStatusType want, bool unique,
                       const char *doing, PGresult **out, ErrBuf *err)
{
    *out = NULL;
    char name[16];
    snprintf(name, sizeof name, "allot_%d", which);
    if (!s->prepared[which]) {
        PGresult *r = PQprepare(s->conn, name, stmt_sql[which], 0, NULL);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            AllotStatus st = pg_error(s->conn, r, s->where, "preparing a statement", false, err);
            PQclear(r);
            return st;
        }
        PQclear(r);
        s->prepared[which] = true;
    }
    PGresult *r = PQexecPrepared(s->conn, name, p ? p->n : 0, p ? p->v : NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != want) {
        AllotStatus st = pg_error(s->conn, r, s->where, doing, unique, err);
        PQclear(r);
        return st;
    }
    *out = r;
    return ALLOT_OK;
}

static int64_t col_int(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* ---------- COPY text ---------- */

static void text_grow(Text *t, size_t more)
{
    if (t->len + more + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + more + 1)
            cap *= 2;
        t->s = xrealloc(t->s, cap);
        t->cap = cap;
    }
}

static void text_raw(Text *t, const char *s, size_t n)
{
    text_grow(t, n);
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

/* A field of COPY text format: \N for NULL / "", backslash escaped (identifiers
 * hold no control characters: SPEC.md §1.3). */
static void text_field(Text *t, const char *v, bool first)
{
    if (!first)
        text_raw(t, "\t", 1);
    if (!v || !*v) {
        text_raw(t, "\\N", 2);
        return;
    }
    for (const char *c = v; *c; c++) {
        if (*c == '\\')
            text_raw(t, "\\\\", 2);
        else
            text_raw(t, c, 1);
    }
}

static void text_int(Text *t, int64_t x, bool first)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", (long long)x);
    text_field(t, b, first);
}

static void text_eta(Text *t, int32_t eta)
{
    if (eta == ALLOT_NO_ETA)
        text_field(t, NULL, false);
    else
        text_int(t, eta, false);
}

/* COPY table (cols) FROM STDIN with the rows of `t`.  Errors: as pg_error. */
static AllotStatus copy_in(PgUow *s, const char *sql, const Text *t, const char *doing,
                           ErrBuf *err)
{
    PGresult *r = PQexec(s->conn, sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        AllotStatus st = pg_error(s->conn, r, s->where, doing, false, err);
        PQclear(r);
        return st;
    }
    PQclear(r);
    int ok = t->len ? PQputCopyData(s->conn, t->s, (int)t->len) : 1;
    if (ok == 1)
        ok = PQputCopyEnd(s->conn, NULL);
    AllotStatus st = ALLOT_OK;
    while ((r = PQgetResult(s->conn)) != NULL) {
        if (st == ALLOT_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
            st = pg_error(s->conn, r, s->where, doing, false, err);
        PQclear(r);
    }
    if (st == ALLOT_OK && ok != 1)
        st = pg_error(s->conn, NULL, s->where, doing, false, err);
    return st;
}

/* ---------- entries ---------- */

/* Forgets every cached product (all of them are stale or about to be). */
static void forget_products(PgUow *s)
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

static AllotStatus load_product(PgUow *s, const char *sku, int64_t id, int64_t version,
                                int64_t next_seq, CacheEntry **out, ErrBuf *err)
{
    CacheEntry *e = cache_entry_new(sku, id, version, s->tx);
    Params p = {0};
    p_int(&p, id);
    PGresult *r;
    AllotStatus st = run(s, ST_LOAD_BATCHES, &p, PGRES_TUPLES_OK, false, "loading batches", &r, err);
    for (int i = 0; st == ALLOT_OK && i < PQntuples(r); i++) {
        cache_entry_push_id(e, col_int(r, i, 0));
        st = product_load_batch(e->p, PQgetvalue(r, i, 1), col_int(r, i, 2),
                                (int32_t)col_int(r, i, 3), (uint64_t)col_int(r, i, 4), err);
    }
    PQclear(r);
    r = NULL;
    IdIndex *ix = NULL;
    if (st == ALLOT_OK) {
        ix = xreallocarray(NULL, e->nstored ? e->nstored : 1, sizeof *ix);
        for (size_t i = 0; i < e->nstored; i++)
            ix[i] = (IdIndex){e->batch_ids[i], i};
        qsort(ix, e->nstored, sizeof *ix, cmp_id_index);
        st = run(s, ST_LOAD_LINES, &p, PGRES_TUPLES_OK, false, "loading order lines", &r, err);
    }
    for (int i = 0; st == ALLOT_OK && i < PQntuples(r); i++) {
        const char *ref = NULL;
        if (!PQgetisnull(r, i, 3)) {
            IdIndex key = {col_int(r, i, 3), 0};
            IdIndex *hit = e->nstored ? bsearch(&key, ix, e->nstored, sizeof *ix, cmp_id_index) : NULL;
            if (!hit) {
                st = err_set(err, ALLOT_ESTORAGE, "PostgreSQL %s: a line of sku %s is on a foreign batch",
                             s->where, sku);
                break;
            }
            ref = product_batch(e->p, hit->index)->ref;
        }
        int32_t need = PQgetisnull(r, i, 4) ? ALLOT_NO_DATE : (int32_t)col_int(r, i, 4);
        st = product_load_line(e->p, PQgetvalue(r, i, 0), col_int(r, i, 1),
                               (uint64_t)col_int(r, i, 2), need, col_int(r, i, 5), ref, err);
    }
    PQclear(r);
    free(ix);
    if (st != ALLOT_OK) {
        if (st != ALLOT_ESTORAGE && st != ALLOT_ECONFLICT) {
            ErrBuf inner = *err;
            st = err_set(err, ALLOT_ESTORAGE, "PostgreSQL %s holds an inconsistent product %s: %s",
                         s->where, sku, inner.msg);
        }
        cache_entry_free(e);
        return st;
    }
    if ((uint64_t)next_seq > product_next_seq(e->p))
        product_set_next_seq(e->p, (uint64_t)next_seq);
    product_set_version(e->p, version);
    *out = e;
    return ALLOT_OK;
}

static void mark_hot(PgUow *s, const char *sku)
{
    if (!sku[0])
        return;
    HotProduct *slot = &s->hot[0];
    for (int i = 0; i < HOT_MAX; i++) {
        if (strcmp(s->hot[i].sku, sku) == 0 || s->hot[i].left < slot->left) {
            slot = &s->hot[i];
            if (strcmp(s->hot[i].sku, sku) == 0)
                break;
        }
    }
    snprintf(slot->sku, sizeof slot->sku, "%s", sku);
    slot->left = HOT_UNITS;
}

/* True (and one unit of work less to go) if `sku` is hot. */
static bool take_hot(PgUow *s, const char *sku)
{
    for (int i = 0; i < HOT_MAX; i++)
        if (s->hot[i].left > 0 && strcmp(s->hot[i].sku, sku) == 0)
            return s->hot[i].left--, true;
    return false;
}

/* The product `sku` as the store has it now, its lock held (shared, or exclusive
 * when it is hot) until the transaction ends; or *out = NULL. */
static AllotStatus fetch(PgUow *s, const char *sku, CacheEntry **out, ErrBuf *err)
{
    *out = NULL;
    CacheEntry *e = strmap_get_ptr(&s->cache.products, sku);
    if (e && e->verified_tx == s->tx && s->in_tx)
        return *out = e, ALLOT_OK;
    Params p = {0};
    p_text(&p, sku);
    PGresult *r;
    AllotStatus st = ALLOT_OK;
    if (!s->in_bulk && take_hot(s, sku)) {
        st = run(s, ST_LOCK_HOT, &p, PGRES_TUPLES_OK, false, "waiting for another writer", &r, err);
        PQclear(r);
    }
    if (st == ALLOT_OK)
        st = run(s, s->in_bulk ? ST_PRODUCT_HEAD_BULK : ST_PRODUCT_HEAD, &p, PGRES_TUPLES_OK, false,
                 "reading a product", &r, err);
    if (st != ALLOT_OK)
        return st;
    if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0)) {
        PQclear(r);
        if (e && !e->dirty)
            product_cache_drop(&s->cache, sku);
        return ALLOT_OK;
    }
    int64_t id = col_int(r, 0, 0), version = col_int(r, 0, 1), next_seq = col_int(r, 0, 2);
    PQclear(r);
    if (e && e->id == id && e->db_version == version && product_version(e->p) == version) {
        e->verified_tx = s->tx;
        return *out = e, ALLOT_OK;
    }
    if (e)
        product_cache_drop(&s->cache, sku);
    st = load_product(s, sku, id, version, next_seq, &e, err);
    if (st != ALLOT_OK)
        return st;
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
    PgUow *s = from_repo(r);
    *out = NULL;
    CacheEntry *e = strmap_get_ptr(&s->cache.pending_refs, ref);
    if (e)
        return *out = e->p, ALLOT_OK;
    Params p = {0};
    p_text(&p, ref);
    PGresult *res;
    AllotStatus st = run(s, ST_PRODUCT_OF_REF, &p, PGRES_TUPLES_OK, false, "finding a batch", &res, err);
    if (st != ALLOT_OK)
        return st;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return ALLOT_OK;
    }
    AllotId sku;
    snprintf(sku, sizeof sku, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    st = fetch(s, sku, &e, err);
    if (st == ALLOT_OK && e && product_find_batch(e->p, ref))
        *out = e->p;
    return st;
}

static AllotStatus repo_add(Repository *r, Product *p, ErrBuf *err)
{
    (void)err;
    PgUow *s = from_repo(r);
    product_cache_drop(&s->cache, product_sku(p));
    CacheEntry *e = xcalloc(1, sizeof *e);
    e->p = p;
    e->verified_tx = s->tx;
    strmap_put_ptr(&s->cache.products, product_sku(p), e);
    return ALLOT_OK;
}

static const RepositoryOps pg_repo_ops = {repo_get, repo_get_by_batchref, repo_add};

/* ---------- writing ---------- */

/* The next id of `pool`, reserving `want` more (at least 1) from the sequence that
 * statement `which` reads when none is left. */
static AllotStatus next_id(PgUow *s, IdPool *pool, int which, size_t want, int64_t *id,
                           ErrBuf *err)
{
    if (pool->pos == pool->n) {
        Params p = {0};
        p_int(&p, (int64_t)(want ? want : 1));
        PGresult *r;
        AllotStatus st = run(s, which, &p, PGRES_TUPLES_OK, false, "numbering", &r, err);
        if (st != ALLOT_OK)
            return st;
        size_t n = (size_t)PQntuples(r);
        if (n > pool->cap) {
            pool->cap = n;
            pool->ids = xreallocarray(pool->ids, n, sizeof *pool->ids);
        }
        for (size_t i = 0; i < n; i++)
            pool->ids[i] = col_int(r, (int)i, 0);
        PQclear(r);
        pool->n = n;
        pool->pos = 0;
        if (n == 0)
            return err_set(err, ALLOT_ESTORAGE, "PostgreSQL %s: no ids", s->where);
    }
    *id = pool->ids[pool->pos++];
    return ALLOT_OK;
}

/* How many ids bulk work reserves next (at least `need`): 16, doubling to 4096. */
static size_t bulk_want(IdPool *pool, size_t need)
{
    size_t want = need > pool->block ? need : pool->block;
    if (pool->pos == pool->n && pool->block < BULK_ID_BLOCK_MAX)
        pool->block *= 2;
    return want;
}

static void queue_event(PgUow *s, const Event *ev, int64_t id, int64_t at)
{
    Text *t = &s->events;
    text_int(t, id, true);
    text_int(t, at, false);
    text_field(t, event_type_name(ev->type), false);
    text_field(t, ev->sku, false);
    const char *orderid = NULL, *to = NULL;
    bool qty = false, qtys = false;
    int32_t eta = ALLOT_NO_ETA, old_eta = ALLOT_NO_ETA, new_eta = ALLOT_NO_ETA;
    switch (ev->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
    case EV_OUT_OF_STOCK:
    case EV_ORDER_LINE_CANCELLED: orderid = ev->orderid, qty = true; break;
    case EV_REALLOCATED: orderid = ev->orderid, to = ev->to, qty = true; break;
    case EV_LINE_REMOVED:
    case EV_LINE_RESTORED: orderid = ev->orderid, qty = true; break;
    case EV_BATCH_REMOVED:
    case EV_BATCH_CREATED: qty = true, eta = ev->eta; break;
    case EV_BATCH_QTY_CHANGED: qtys = true; break;
    case EV_BATCH_ETA_CHANGED: old_eta = ev->old_eta, new_eta = ev->new_eta; break;
    default: break;
    }
    text_field(t, orderid, false);
    text_field(t, ev->batchref, false);
    text_field(t, to, false);
    if (qty)
        text_int(t, ev->qty, false);
    else
        text_field(t, NULL, false);
    if (qtys) {
        text_int(t, ev->old_qty, false);
        text_int(t, ev->new_qty, false);
    } else {
        text_field(t, NULL, false);
        text_field(t, NULL, false);
    }
    text_eta(t, eta);
    text_eta(t, old_eta);
    text_eta(t, new_eta);
    if (orderid) { /* line events: the line's need date and moment of first request */
        text_eta(t, ev->need);
        text_int(t, ev->requested, false);
    } else {
        text_field(t, NULL, false);
        text_field(t, NULL, false);
    }
    text_int(t, (int64_t)ev->seq, false);
    text_field(t, ev->new_line ? "t" : "f", false);
    text_int(t, ev->command_id, false);
    /* actor is NOT NULL: an empty one is written as "" (not \N) */
    if (ev->actor[0])
        text_field(t, ev->actor, false);
    else
        text_raw(t, "\t", 1);
    text_int(t, ev->undoes, false);
    text_raw(t, "\n", 1);
}

/* Gives the seen products' pending events their ids, queues them for the log and
 * marks what they touched.  The events stay in the products for
 * uow_collect_new_events. */
static AllotStatus step_commit(PgUow *s, ErrBuf *err)
{
    int64_t at = s->clock->now(s->clock);
    size_t total = 0;
    for (size_t i = 0; i < s->repo.nseen; i++)
        total += product_events(s->repo.seen[i])->len;
    if (!s->in_bulk && total && s->event_ids.n - s->event_ids.pos < total)
        s->event_ids.n = s->event_ids.pos = 0; /* reserve exactly what this commit needs */
    for (size_t i = 0; i < s->repo.nseen; i++) {
        Product *p = s->repo.seen[i];
        CacheEntry *e = strmap_get_ptr(&s->cache.products, product_sku(p));
        if (!e || e->p != p)
            return err_set(err, ALLOT_ESTORAGE, "PostgreSQL %s: product %s is not tracked",
                           s->where, product_sku(p));
        const EventVec *evs = product_events(p);
        for (size_t k = 0; k < evs->len; k++) {
            const Event *ev = &evs->items[k];
            int64_t id;
            size_t want = s->in_bulk ? bulk_want(&s->event_ids, total) : total;
            AllotStatus st = next_id(s, &s->event_ids, ST_RESERVE_IDS, want, &id, err);
            if (st != ALLOT_OK)
                return st;
            total--;
            queue_event(s, ev, id, at);
            switch (ev->type) {
            case EV_REALLOCATED:
            case EV_ALLOCATED:
            case EV_DEALLOCATED:
            case EV_OUT_OF_STOCK:
            case EV_ORDER_LINE_CANCELLED:
            case EV_LINE_REMOVED:
            case EV_LINE_RESTORED:
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
            case EV_BATCH_ETA_CHANGED: cache_entry_mark_batch(e, ev->batchref); break;
            default: break;
            }
        }
        if (evs->len || e->id == 0 || product_version(p) != e->db_version)
            product_cache_mark_dirty(&s->cache, e);
    }
    return ALLOT_OK;
}

static int cmp_entry_sku(const void *a, const void *b)
{
    return strcmp(product_sku((*(CacheEntry *const *)a)->p), product_sku((*(CacheEntry *const *)b)->p));
}

static AllotStatus flush_product(PgUow *s, CacheEntry *e, ErrBuf *err)
{
    snprintf(s->contended, sizeof s->contended, "%s", product_sku(e->p));
    Product *p = e->p;
    Aggregates ag = product_aggregates(p);
    Params q = {0};
    bool is_new = e->id == 0;
    if (is_new)
        p_text(&q, product_sku(p));
    else
        p_int(&q, e->id);
    p_int(&q, product_version(p));
    p_int(&q, (int64_t)product_next_seq(p));
    p_int(&q, ag.nbatches);
    p_int(&q, ag.qty);
    p_int(&q, ag.allocated);
    p_int(&q, ag.bo_lines);
    p_int(&q, ag.bo_qty);
    p_eta_or_null(&q, ag.next_eta);
    PGresult *r;
    AllotStatus st;
    if (is_new) {
        st = run(s, ST_PRODUCT_INSERT, &q, PGRES_TUPLES_OK, true, "writing a product", &r, err);
        if (st == ALLOT_ECONFLICT)
            return err_set(err, ALLOT_ECONFLICT, "product %s was created by another writer",
                           product_sku(p));
        if (st != ALLOT_OK)
            return st;
        e->id = col_int(r, 0, 0);
        PQclear(r);
        return ALLOT_OK;
    }
    p_int(&q, e->db_version);
    st = run(s, ST_PRODUCT_UPDATE, &q, PGRES_COMMAND_OK, false, "writing a product", &r, err);
    if (st == ALLOT_ECONFLICT)
        return err_set(err, ALLOT_ECONFLICT,
                       "product %s was changed by another writer (expected version %lld)",
                       product_sku(p), (long long)e->db_version);
    if (st != ALLOT_OK)
        return st;
    bool hit = strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    if (!hit)
        return err_set(err, ALLOT_ECONFLICT,
                       "product %s was changed by another writer (expected version %lld)",
                       product_sku(p), (long long)e->db_version);
    return ALLOT_OK;
}

/* After an undo changed which batches the product has: every batch written by
 * ref (an existing row updated, a new one inserted) and batch_ids rebuilt in the
 * product's order.  The removed rows go after the lines (flush_removed). */
static AllotStatus rewrite_batches(PgUow *s, CacheEntry *e, ErrBuf *err)
{
    Product *p = e->p;
    size_t nb = product_batch_count(p);
    e->nstored = 0;
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; st == ALLOT_OK && i < nb; i++) {
        const Batch *b = product_batch(p, i);
        Params q = {0};
        p_text(&q, b->ref);
        PGresult *r;
        st = run(s, ST_BATCH_ID_OF_REF, &q, PGRES_TUPLES_OK, false, "finding a batch", &r, err);
        if (st != ALLOT_OK)
            break;
        int64_t id = PQntuples(r) ? col_int(r, 0, 0) : 0;
        PQclear(r);
        Params w = {0};
        if (id) {
            p_int(&w, id);
            p_int(&w, b->qty);
            p_int(&w, b->eta);
            p_int(&w, (int64_t)b->seq);
            st = run(s, ST_BATCH_REWRITE, &w, PGRES_COMMAND_OK, false, "writing a batch", &r, err);
        } else {
            p_int(&w, e->id);
            p_text(&w, product_sku(p));
            p_text(&w, b->ref);
            p_int(&w, b->qty);
            p_int(&w, b->eta);
            p_int(&w, (int64_t)b->seq);
            st = run(s, ST_BATCH_INSERT, &w, PGRES_TUPLES_OK, true, "writing a batch", &r, err);
            if (st == ALLOT_OK)
                id = col_int(r, 0, 0);
        }
        if (st == ALLOT_OK) {
            PQclear(r);
            cache_entry_push_id(e, id);
        }
    }
    if (e->cap_bdirty)
        memset(e->bdirty, 0, e->cap_bdirty);
    return st;
}

/* Deletes the batch rows an undo removed (their lines have moved by now). */
static AllotStatus flush_removed(PgUow *s, CacheEntry *e, ErrBuf *err)
{
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; st == ALLOT_OK && i < e->nremoved; i++) {
        if (product_find_batch(e->p, e->removed[i]))
            continue; /* removed, then put back within the same flush */
        Params q = {0};
        p_text(&q, e->removed[i]);
        PGresult *r;
        st = run(s, ST_BATCH_DELETE, &q, PGRES_COMMAND_OK, false, "removing a batch", &r, err);
        PQclear(r);
    }
    e->nremoved = 0;
    e->reshaped = false;
    return st;
}

static AllotStatus flush_batches(PgUow *s, CacheEntry *e, ErrBuf *err)
{
    if (e->reshaped)
        return rewrite_batches(s, e, err);
    Product *p = e->p;
    size_t nb = product_batch_count(p);
    for (size_t i = 0; i < nb; i++) {
        const Batch *b = product_batch(p, i);
        Params q = {0};
        PGresult *r;
        AllotStatus st;
        if (i >= e->nstored) {
            p_int(&q, e->id);
            p_text(&q, product_sku(p));
            p_text(&q, b->ref);
            p_int(&q, b->qty);
            p_int(&q, b->eta);
            p_int(&q, (int64_t)b->seq);
            st = run(s, ST_BATCH_INSERT, &q, PGRES_TUPLES_OK, true, "writing a batch", &r, err);
            if (st == ALLOT_ECONFLICT)
                return err_set(err, ALLOT_ECONFLICT,
                               "batch %s (sku %s) was created by another writer", b->ref,
                               product_sku(p));
            if (st != ALLOT_OK)
                return st;
            cache_entry_push_id(e, col_int(r, 0, 0));
            PQclear(r);
        } else if (i < e->cap_bdirty && e->bdirty[i]) {
            p_int(&q, e->batch_ids[i]);
            p_int(&q, b->qty);
            p_int(&q, b->eta);
            st = run(s, ST_BATCH_UPDATE, &q, PGRES_COMMAND_OK, false, "writing a batch", &r, err);
            if (st != ALLOT_OK)
                return st;
            PQclear(r);
        }
    }
    return ALLOT_OK;
}

/* The touched lines, each once with its current state (or gone), into the session's
 * temporary table; then one upsert and one delete. */
static AllotStatus flush_lines(PgUow *s, ErrBuf *err)
{
    if (s->cache.dirty_keys == 0)
        return ALLOT_OK;
    AllotStatus st;
    Text t = {0};
    StrMap first; /* orderid → one of its touches: each line is written once */
    strmap_init(&first);
    bool any_gone = false, any_live = false;
    for (size_t i = 0; i < s->cache.ndirtyv; i++) {
        CacheEntry *e = s->cache.dirtyv[i];
        strmap_clear(&first);
        for (size_t j = 0; j < e->ndirty; j++)
            if (!strmap_get_ptr(&first, e->dirty_lines[j].orderid))
                strmap_put_ptr(&first, e->dirty_lines[j].orderid, &e->dirty_lines[j]);
        void *ptr;
        for (size_t k = 0; strmap_next(&first, &k, NULL, NULL, &ptr);) {
            const DirtyLine *d = ptr;
            const OrderLine *l = product_find_line(e->p, d->orderid);
            text_field(&t, d->orderid, true);
            text_int(&t, e->id, false);
            if (!l) {
                any_gone = true;
                text_raw(&t, "\t\\N\t\\N\t\\N\t\\N\t\\N\tt\n", 18);
                continue;
            }
            any_live = true;
            text_int(&t, l->qty, false);
            text_int(&t, (int64_t)l->seq, false);
            if (l->batch >= 0)
                text_int(&t, e->batch_ids[l->batch], false);
            else
                text_field(&t, NULL, false);
            text_int(&t, l->requested, false);
            text_eta(&t, l->need);
            text_raw(&t, "\tf\n", 3);
            if (l->requested > s->max_requested)
                s->max_requested = l->requested;
        }
    }
    strmap_fini(&first);
    st = copy_in(s, "COPY pg_temp.allot_lines_in FROM STDIN", &t, "writing order lines", err);
    free(t.s);
    PGresult *r;
    if (st == ALLOT_OK && any_gone) {
        st = run(s, ST_LINES_DELETE, NULL, PGRES_COMMAND_OK, false, "deleting order lines", &r, err);
        PQclear(r);
    }
    if (st == ALLOT_OK && any_live) {
        st = run(s, ST_LINES_MERGE, NULL, PGRES_COMMAND_OK, false, "writing order lines", &r, err);
        PQclear(r);
    }
    if (st == ALLOT_OK)
        st = pg_exec(s->conn, s->where, "TRUNCATE pg_temp.allot_lines_in", "writing order lines", err);
    return st;
}

/* Writes everything marked and queued, inside the open transaction. */
static AllotStatus flush(PgUow *s, ErrBuf *err)
{
    if (s->cache.ndirtyv > 1)
        qsort(s->cache.dirtyv, s->cache.ndirtyv, sizeof *s->cache.dirtyv, cmp_entry_sku);
    AllotStatus st = ALLOT_OK;
    for (size_t i = 0; st == ALLOT_OK && i < s->cache.ndirtyv; i++)
        st = flush_product(s, s->cache.dirtyv[i], err);
    for (size_t i = 0; st == ALLOT_OK && i < s->cache.ndirtyv; i++)
        st = flush_batches(s, s->cache.dirtyv[i], err);
    if (st == ALLOT_OK && s->events.len) {
        st = copy_in(s, "COPY allot.events (id, at, type, sku, orderid, batchref, to_ref, qty,"
                        " old_qty, new_qty, eta, old_eta, new_eta, need, requested, seq, new_line,"
                        " command_id, actor, undoes) FROM STDIN",
                     &s->events, "appending to the event log", err);
        if (st == ALLOT_OK)
            st = pg_exec(s->conn, s->where, "NOTIFY " PG_EVENTS_CHANNEL, "notifying followers", err);
        s->events.len = 0;
    }
    if (st == ALLOT_OK)
        st = flush_lines(s, err);
    for (size_t i = 0; st == ALLOT_OK && i < s->cache.ndirtyv; i++)
        if (s->cache.dirtyv[i]->reshaped)
            st = flush_removed(s, s->cache.dirtyv[i], err);
    /* a line restored with a `requested` at or above the command ids handed out so
     * far: later commands get larger ids (a restored line is never newer) */
    if (st == ALLOT_OK && s->max_requested > s->cmd_high) {
        Params p = {0};
        p_int(&p, s->max_requested);
        PGresult *r;
        st = run(s, ST_RAISE_COMMANDS, &p, PGRES_TUPLES_OK, false, "raising the command ids", &r, err);
        if (st == ALLOT_OK) {
            s->cmd_high = s->max_requested;
            PQclear(r);
        }
    }
    s->max_requested = 0;
    if (st != ALLOT_OK)
        return st;
    for (size_t i = 0; i < s->cache.ndirtyv; i++) {
        CacheEntry *e = s->cache.dirtyv[i];
        s->cache.dirty_keys -= e->ndirty;
        cache_entry_clean(e);
        e->db_version = product_version(e->p);
    }
    s->cache.ndirtyv = 0;
    strmap_clear(&s->cache.pending_refs);
    return ALLOT_OK;
}

/* Ends the open transaction with ROLLBACK and forgets what it touched. */
static void abort_tx(PgUow *s, bool whole_cache)
{
    if (s->in_tx && PQstatus(s->conn) == CONNECTION_OK &&
        PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        PQclear(PQexec(s->conn, "ROLLBACK"));
    s->in_tx = false;
    s->events.len = 0;
    s->event_ids.n = s->event_ids.pos = 0;
    s->command_ids.n = s->command_ids.pos = 0;
    s->current_cmd = 0;
    s->max_requested = 0;
    if (whole_cache) {
        forget_products(s);
        return;
    }
    for (size_t i = 0; i < s->repo.nseen; i++)
        product_cache_drop(&s->cache, product_sku(s->repo.seen[i]));
    while (s->cache.ndirtyv)
        product_cache_drop(&s->cache, product_sku(s->cache.dirtyv[0]->p));
    strmap_clear(&s->cache.pending_refs);
    repository_clear_seen(&s->repo);
}

/* The session's temporary table for writing order lines (outside any transaction,
 * so that a rollback does not take it away). */
static AllotStatus prepare_session(PgUow *s, ErrBuf *err)
{
    memset(s->prepared, 0, sizeof s->prepared);
    AllotStatus st = pg_exec(s->conn, s->where, PG_SEARCH_PATH, "preparing the session", err);
    if (st != ALLOT_OK)
        return st;
    return pg_exec(s->conn, s->where,
                   "CREATE TEMPORARY TABLE IF NOT EXISTS allot_lines_in (orderid text COLLATE \"C\","
                   " product_id bigint, qty bigint, seq bigint, batch_id bigint, req bigint,"
                   " need integer, gone boolean) ON COMMIT DELETE ROWS",
                   "preparing the session", err);
}

/* A connection that went away (a server restart) is opened again at the next
 * unit of work; the cache and the session's statements start afresh. */
static AllotStatus ensure_connected(PgUow *s, ErrBuf *err)
{
    if (PQstatus(s->conn) == CONNECTION_OK)
        return ALLOT_OK;
    PQreset(s->conn);
    forget_products(s);
    if (PQstatus(s->conn) != CONNECTION_OK)
        return pg_error(s->conn, NULL, s->where, "reconnecting", false, err);
    return prepare_session(s, err);
}

static AllotStatus begin_tx(PgUow *s, ErrBuf *err)
{
    s->tx++;
    AllotStatus st = ensure_connected(s, err);
    /* one unit of work: READ COMMITTED (a product's version is read first, and the
     * version check fails if anyone committed it since); bulk work: REPEATABLE
     * READ, one snapshot for all it reads */
    const char *sql = s->in_bulk ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                                 : "BEGIN ISOLATION LEVEL READ COMMITTED";
    if (st == ALLOT_OK)
        st = pg_exec(s->conn, s->where, sql, "starting a transaction", err);
    /* the server went away since the last unit of work (nothing was in flight):
     * once more on a new connection */
    if (st == ALLOT_ESTORAGE && PQstatus(s->conn) != CONNECTION_OK) {
        st = ensure_connected(s, err);
        if (st == ALLOT_OK)
            st = pg_exec(s->conn, s->where, sql, "starting a transaction", err);
    }
    if (st == ALLOT_OK)
        s->in_tx = true;
    return st;
}

static AllotStatus commit_tx(PgUow *s, ErrBuf *err)
{
    AllotStatus st = pg_exec(s->conn, s->where, "COMMIT", "committing", err);
    if (st == ALLOT_OK)
        s->in_tx = false;
    return st;
}

/* ---------- the unit of work ---------- */

static void forget_seen(PgUow *s)
{
    for (size_t i = 0; i < s->repo.nseen; i++)
        product_drop_pending_events(s->repo.seen[i]);
    repository_clear_seen(&s->repo);
}

/* The id of the current unit of work's command: one from allot.command_ids (in
 * bulk work reserved in blocks), kept until the next begin. */
static AllotStatus pu_command_id(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    PgUow *s = from_uow(u);
    if (!s->in_tx)
        return err_set(err, ALLOT_ESTORAGE, "PostgreSQL %s: a command id outside a unit of work",
                       s->where);
    if (s->current_cmd == 0) {
        size_t want = s->in_bulk ? bulk_want(&s->command_ids, 1) : 1;
        AllotStatus st = next_id(s, &s->command_ids, ST_RESERVE_COMMANDS, want, &s->current_cmd, err);
        if (st != ALLOT_OK)
            return st;
        if (s->command_ids.ids[s->command_ids.n - 1] > s->cmd_high)
            s->cmd_high = s->command_ids.ids[s->command_ids.n - 1];
    }
    *id = s->current_cmd;
    return ALLOT_OK;
}

/* SPEC.md §1.6: the events of command `id` as logged, and the first later command
 * that changed one of their products (by transaction order, as followers see it). */
static AllotStatus pu_command_log(UnitOfWork *u, int64_t id, EventVec *out, int64_t *later,
                                  ErrBuf *err)
{
    PgUow *s = from_uow(u);
    Params q = {0};
    p_int(&q, id);
    PGresult *r;
    AllotStatus st = run(s, ST_COMMAND_EVENTS, &q, PGRES_TUPLES_OK, false,
                         "reading a command's events", &r, err);
    if (st != ALLOT_OK)
        return st;
    size_t first = out->len;
    char tx[24] = "0";
    for (int i = 0; i < PQntuples(r); i++) {
        EventRow row;
        pg_read_event(r, i, &row);
        event_vec_push(out, &row.ev);
        snprintf(tx, sizeof tx, "%llu", (unsigned long long)row.tx);
    }
    PQclear(r);
    for (size_t k = first; st == ALLOT_OK && k < out->len; k++) {
        bool seen = false;
        for (size_t j = first; j < k && !seen; j++)
            seen = strcmp(out->items[j].sku, out->items[k].sku) == 0;
        if (seen)
            continue;
        Params l = {0};
        p_text(&l, tx);
        p_text(&l, out->items[k].sku);
        p_int(&l, id);
        st = run(s, ST_LATER_COMMAND, &l, PGRES_TUPLES_OK, false, "reading the event log", &r, err);
        if (st == ALLOT_OK) {
            if (PQntuples(r)) {
                int64_t c = col_int(r, 0, 0);
                if (!*later || c < *later)
                    *later = c;
            }
            PQclear(r);
        }
    }
    return st;
}

static AllotStatus pu_latest_command(UnitOfWork *u, int64_t *id, ErrBuf *err)
{
    PgUow *s = from_uow(u);
    PGresult *r;
    AllotStatus st = run(s, ST_LATEST_COMMAND, NULL, PGRES_TUPLES_OK, false,
                         "reading the event log", &r, err);
    if (st == ALLOT_OK) {
        if (PQntuples(r))
            *id = col_int(r, 0, 0);
        PQclear(r);
    }
    return st;
}

static AllotStatus pu_begin(UnitOfWork *u, ErrBuf *err)
{
    PgUow *s = from_uow(u);
    forget_seen(s);
    s->current_cmd = 0;
    if (s->in_bulk) {
        if ((++s->begins & 1023) == 0 &&
            (s->cache.dirty_keys > BULK_DIRTY_MAX || s->events.len > BULK_COPY_BYTES)) {
            AllotStatus st = flush(s, err);
            if (st != ALLOT_OK) {
                s->poisoned = true;
                return st;
            }
        }
        return ALLOT_OK;
    }
    if (s->in_tx)
        abort_tx(s, false);
    if ((++s->begins & 255) == 0 && s->cache.lines_est > CACHE_LINES_MAX)
        forget_products(s);
    return begin_tx(s, err);
}

static AllotStatus pu_commit(UnitOfWork *u, ErrBuf *err)
{
    PgUow *s = from_uow(u);
    if (!s->in_tx)
        return err_set(err, ALLOT_ESTORAGE, "PostgreSQL %s: commit without a unit of work", s->where);
    AllotStatus st = step_commit(s, err);
    if (s->in_bulk) {
        if (st != ALLOT_OK)
            s->poisoned = true;
        return st;
    }
    if (st == ALLOT_OK)
        st = flush(s, err);
    if (st == ALLOT_OK)
        st = commit_tx(s, err);
    if (st != ALLOT_OK)
        abort_tx(s, st != ALLOT_ECONFLICT);
    if (st == ALLOT_ECONFLICT)
        mark_hot(s, s->contended);
    return st;
}

static void pu_rollback(UnitOfWork *u)
{
    PgUow *s = from_uow(u);
    if (s->in_bulk) {
        forget_seen(s);
        s->poisoned = true;
        return;
    }
    abort_tx(s, false);
}

static AllotStatus pu_bulk_begin(UnitOfWork *u, ErrBuf *err)
{
    PgUow *s = from_uow(u);
    if (s->in_bulk)
        return err_set(err, ALLOT_ESTORAGE, "bulk work is already open");
    forget_seen(s);
    if (s->in_tx)
        abort_tx(s, false);
    s->in_bulk = true;
    AllotStatus st = begin_tx(s, err);
    if (st != ALLOT_OK) {
        s->in_bulk = false;
        return st;
    }
    s->poisoned = false;
    s->event_ids.block = s->command_ids.block = BULK_ID_BLOCK_MIN;
    return ALLOT_OK;
}

static AllotStatus pu_bulk_end(UnitOfWork *u, bool commit, ErrBuf *err)
{
    PgUow *s = from_uow(u);
    if (!s->in_bulk)
        return err_set(err, ALLOT_ESTORAGE, "no bulk work is open");
    s->in_bulk = false;
    forget_seen(s);
    if (!commit || s->poisoned) {
        abort_tx(s, true);
        if (commit)
            return err_set(err, ALLOT_ESTORAGE, "bulk work was rolled back: a step failed");
        return ALLOT_OK;
    }
    AllotStatus st = flush(s, err);
    if (st == ALLOT_OK)
        st = commit_tx(s, err);
    if (st != ALLOT_OK)
        abort_tx(s, true);
    return st;
}

static void pu_destroy(UnitOfWork *u)
{
    PgUow *s = from_uow(u);
    if (s->in_tx)
        abort_tx(s, true);
    product_cache_fini(&s->cache);
    free(s->event_ids.ids);
    free(s->command_ids.ids);
    free(s->events.s);
    repository_fini(&s->repo);
    views_free(s->views);
    PQfinish(s->conn);
    free(s->uri);
    free(s);
}

static const UnitOfWorkOps pg_uow_ops = {
    pu_begin,   pu_commit,     pu_rollback,    pu_bulk_begin,     pu_bulk_end,
    pu_destroy, pu_command_id, pu_command_log, pu_latest_command,
    NULL, /* begin_read: begin */
};

AllotStatus pg_uow_open(const char *uri, Clock *clock, UnitOfWork **out, ErrBuf *err)
{
    *out = NULL;
    PGconn *c;
    char where[PG_WHERE_MAX];
    AllotStatus st = pg_connect(uri, &c, where, err);
    if (st == ALLOT_OK)
        st = pg_migrate(c, where, err);
    if (st != ALLOT_OK) {
        PQfinish(c);
        return st;
    }
    PgUow *s = xcalloc(1, sizeof *s);
    s->base.ops = &pg_uow_ops;
    s->base.products = &s->repo;
    s->repo.ops = &pg_repo_ops;
    s->conn = c;
    s->uri = xstrdup(uri);
    memcpy(s->where, where, sizeof s->where);
    s->clock = clock ? clock : clock_system();
    s->views = pg_views_on(c, s->where, false);
    product_cache_init(&s->cache);
    st = prepare_session(s, err);
    if (st != ALLOT_OK) {
        pu_destroy(&s->base);
        return st;
    }
    *out = &s->base;
    return ALLOT_OK;
}

Views *pg_uow_views(UnitOfWork *uow) { return from_uow(uow)->views; }
