/* sql_views.h — the SQL of the read model, built once from the list specs
 * (app/view_specs.h) for every SQL store: sqlite_views.c and pg_views.c run what it
 * builds, each with its own driver.  Internal to persistence/.
 *
 * The text uses `?` for each parameter, in order (PostgreSQL's driver renumbers
 * them $1, $2, …) and unqualified table names (products, batches, lines, events:
 * the PostgreSQL connections set search_path to the schema allot).  The two stores
 * differ in one thing the SQL says: the substring filter is ASCII
 * case-insensitive, SQLite's LIKE and PostgreSQL's ILIKE (under the C collation of
 * every text column); and PostgreSQL refuses a text parameter that is not UTF-8.
 */
#ifndef ALLOT_PERSISTENCE_SQL_VIEWS_H
#define ALLOT_PERSISTENCE_SQL_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/view_specs.h"
#include "app/views.h"

typedef enum SqlDialect {
    SQL_SQLITE,
    SQL_POSTGRES,
} SqlDialect;

typedef enum { SQL_BIND_INT, SQL_BIND_TEXT } SqlBindKind;

typedef struct SqlBind {
    SqlBindKind kind;
    int64_t i;
    const char *t; /* not owned (the query's arguments, or SqlQuery.pattern) */
} SqlBind;

typedef struct SqlQuery {
    SqlDialect dialect;
    char sql[8192];
    size_t len;
    SqlBind binds[96];
    int nbinds;
    const char *pattern; /* the substring filter's LIKE pattern, one of patterns */
    char *patterns[VIEW_MAX_CONDS + 1]; /* owned LIKE patterns */
    int npatterns;
    char upper[ALLOT_ID_MAX * 4 + 1]; /* completion's upper bound */
    bool overflow;  /* the text or the binds did not fit */
} SqlQuery;

/* The list query of `vq` (checked by view_query_check) past `after` (a row of its
 * spec; NULL = from the start or the end): SELECT every column of the spec, in the
 * spec's order, FROM the row kind's tables WHERE its conditions, the substring
 * filter, the keyset ORDER BY the keys LIMIT the page.  The rows come in the
 * page's direction (reverse them for a backward page). */
void sql_list_query(SqlDialect d, const ViewQuery *vq, const void *after, SqlQuery *q);

/* How a store runs one statement of a list: up to `limit` rows of spec `s` into
 * `rows`, in the statement's order (sql_list turns a backward page around), *n
 * how many.  When `extra` is not NULL, the integer in the column after the spec's
 * columns of the last row read goes there (untouched when no row); with `s` NULL
 * the statement has that one column and `rows` is not used.  Errors: the store's
 * (ALLOT_ESTORAGE, ALLOT_EINVALID for a query too long). */
typedef struct SqlRunner {
    void *ctx;
    AllotStatus (*rows)(void *ctx, SqlQuery *q, const ViewSpec *s, void *rows, size_t limit,
                        size_t *n, int64_t *extra, ErrBuf *err);
} SqlRunner;

/* The views' list op for every SQL store: one page of vq (checked) past `after`
 * into `rows`, in list order, through `run`.  A line list read worst first is read
 * window by window with index seeks (the late-first plan, sql_views.c); every other
 * is the one statement of sql_list_query.  Errors: those of run->rows. */
AllotStatus sql_list(SqlDialect d, const ViewQuery *vq, const void *after, void *rows, size_t *n,
                     const SqlRunner *run, ErrBuf *err);

/* Completion (views_complete): the ids of `kind` starting with `prefix`, ascending,
 * at most `limit`, one column.  Errors: ALLOT_EINVALID for an unknown kind. */
AllotStatus sql_complete_query(SqlDialect d, CompleteKind kind, const char *prefix, size_t limit,
                               SqlQuery *q, ErrBuf *err);

/* views_complete_span: how many ids of `kind` start with `prefix`, counting at
 * most cap + 1 (one row, one column); and the first (or `last`) of them (at most
 * one row).  Errors: ALLOT_EINVALID for an unknown kind. */
AllotStatus sql_complete_count_query(SqlDialect d, CompleteKind kind, const char *prefix,
                                     int64_t cap, SqlQuery *q, ErrBuf *err);
AllotStatus sql_complete_end_query(SqlDialect d, CompleteKind kind, const char *prefix, bool last,
                                   SqlQuery *q, ErrBuf *err);

/* The newest event id, one row, one column. */
void sql_latest_event_query(SqlDialect d, SqlQuery *q);

/* How many rows of vq (checked; its conditions and filter, not its limit) lie past
 * `after` in its direction (NULL = all): one row, one column (views_count). */
void sql_count_query(SqlDialect d, const ViewQuery *vq, const void *after, SqlQuery *q);

/* views_count for every SQL store, through `run`.  Errors: those of run->rows. */
AllotStatus sql_count(SqlDialect d, const ViewQuery *vq, const void *after, int64_t *n,
                      const SqlRunner *run, ErrBuf *err);

/* The parts of the header counts (views_counts), each one row of one integer. */
typedef enum SqlCount {
    SQL_COUNT_BACKORDER_LINES,
    SQL_COUNT_BACKORDER_UNITS,
    SQL_COUNT_SKUS_SHORT,
    SQL_COUNT_OVERDUE_BATCHES,
    SQL_COUNT_LATE_PASSED, /* lines whose need date is before today */
    SQL_COUNT_LATE_AHEAD,  /* lines needed from today on, on a batch due after it */
} SqlCount;
void sql_count_of_query(SqlDialect d, SqlCount which, int32_t today, SqlQuery *q);

/* views_counts for every SQL store on `today` (days), through `run`.  Errors:
 * those of run->rows. */
AllotStatus sql_counts(SqlDialect d, int32_t today, ReadCounts *out, const SqlRunner *run,
                       ErrBuf *err);

/* Frees what the query owns (its patterns). */
void sql_query_fini(SqlQuery *q);

#endif
