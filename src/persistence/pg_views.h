/* pg_views.h — the read model over PostgreSQL (views.h), for pg_uow.c and
 * pg_store's opening functions.  Internal to persistence/. */
#ifndef ALLOT_PERSISTENCE_PG_VIEWS_H
#define ALLOT_PERSISTENCE_PG_VIEWS_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "app/views.h"

/* A read model on connection `c` (`where` names it in messages: copied).  If
 * `owns`, views_free closes the connection.  A connection found lost is opened
 * again (PQreset) before the next query. */
Views *pg_views_on(PGconn *c, const char *where, bool owns);

/* Reads the EventRow of the PG_EVENT_COLS (columns 0..PG_EVENT_NCOLS-1) of row
 * `i`.  Shared with pg_follower.c. */
void pg_read_event(const PGresult *r, int i, EventRow *out);

/* The columns pg_read_event reads, for a SELECT list. */
#define PG_EVENT_COLS                                                                     \
    "id, tx::text, at, type, sku, orderid, batchref, to_ref, qty, old_qty, new_qty, eta," \
    " old_eta, new_eta, need, requested, seq, new_line, command_id, actor, undoes"
#define PG_EVENT_NCOLS 21

#endif
