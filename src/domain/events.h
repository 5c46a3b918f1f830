/* events.h — domain events as plain tagged structs (SPEC.md §1.2, §2).
 *
 * One flat struct serves every event type; `type` says which fields carry meaning:
 *
 *   type                    fields used
 *   EV_ALLOCATED            orderid sku qty batchref need
 *   EV_DEALLOCATED          orderid sku qty batchref need
 *   EV_REALLOCATED          orderid sku qty from(=batchref) to need
 *   EV_OUT_OF_STOCK         orderid sku qty need
 *   EV_ORDER_LINE_CANCELLED orderid sku qty batchref ("" = it was a backorder) need
 *   EV_BATCH_CREATED        batchref sku qty eta
 *   EV_BATCH_QTY_CHANGED    batchref sku old_qty new_qty
 *   EV_BATCH_ETA_CHANGED    batchref sku old_eta new_eta
 *   EV_BATCH_REMOVED        batchref sku qty eta seq   (undo of a BatchCreated)
 *   EV_LINE_REMOVED         orderid sku qty batchref need requested seq
 *                           (undo of the line's creation: it is gone)
 *   EV_LINE_RESTORED        orderid sku qty batchref need requested seq
 *                           (undo of a cancellation or of a LineRemoved: the line is
 *                           back where it was, "" = a backorder, with its moment)
 *
 * Every event also carries (SPEC.md §1.4, §1.6):
 *   need        line events: the line's need date (ALLOT_NO_DATE = none; also on
 *               batch events)
 *   requested, seq   line events: the line's moment of first request (product.h);
 *               batch events: seq = the batch's creation order
 *   new_line    EV_ALLOCATED / EV_OUT_OF_STOCK: the event created the line (rule 1,
 *               or a restore); false when a waiting backorder was filled
 *   command_id, actor   the command that raised it (0 and "" until the service
 *               layer stamps them: product_stamp_events)
 *   undoes      the events of an Undo: the id of the command undone (else 0)
 * Dates are days since 1970-01-01 (ALLOT_NO_ETA = none).  Events are values: they
 * own no pointers and copy with `=`.
 */
#ifndef ALLOT_DOMAIN_EVENTS_H
#define ALLOT_DOMAIN_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/validate.h"

#define ALLOT_EVENT_TYPE_MAP(X)                                \
    X(EV_ALLOCATED, "Allocated")                               \
    X(EV_DEALLOCATED, "Deallocated")                           \
    X(EV_REALLOCATED, "Reallocated")                           \
    X(EV_OUT_OF_STOCK, "OutOfStock")                           \
    X(EV_ORDER_LINE_CANCELLED, "OrderLineCancelled")           \
    X(EV_BATCH_CREATED, "BatchCreated")                        \
    X(EV_BATCH_QTY_CHANGED, "BatchQuantityChanged")            \
    X(EV_BATCH_ETA_CHANGED, "BatchEtaChanged")                 \
    X(EV_BATCH_REMOVED, "BatchRemoved")                        \
    X(EV_LINE_REMOVED, "LineRemoved")                          \
    X(EV_LINE_RESTORED, "LineRestored")

typedef enum EventType {
#define ALLOT_EVENT_ENUM(name, text) name,
    ALLOT_EVENT_TYPE_MAP(ALLOT_EVENT_ENUM)
#undef ALLOT_EVENT_ENUM
    EV_TYPE_COUNT
} EventType;

typedef struct Event {
    EventType type;
    AllotId orderid;
    AllotId sku;
    AllotId batchref; /* the batch; for EV_REALLOCATED the batch it left ("from") */
    AllotId to;       /* EV_REALLOCATED only: the batch it moved to */
    int64_t qty;
    int64_t old_qty, new_qty;
    int32_t eta, old_eta, new_eta;
    int32_t need; /* line events: the line's need date; else ALLOT_NO_DATE */
    int64_t requested;
    uint64_t seq;
    bool new_line;
    int64_t command_id; /* > 0 once stamped */
    int64_t undoes;     /* an Undo's events: the command undone; else 0 */
    AllotId actor;      /* "user@host", or an API client's name */
} Event;

/* The SPEC name of an event type ("OutOfStock"); never NULL. */
const char *event_type_name(EventType t);

/* The event type named `name` (exact SPEC spelling); -1 if none. */
int event_type_from_name(const char *name);

/* A growable array of events; owns its storage.  Zero-initialise, or event_vec_init. */
typedef struct EventVec {
    Event *items;
    size_t len, cap;
} EventVec;

void event_vec_init(EventVec *v);
void event_vec_fini(EventVec *v);
void event_vec_push(EventVec *v, const Event *e);
/* Appends all of `src` to `dst` and empties `src` (its storage is kept). */
void event_vec_append(EventVec *dst, EventVec *src);
void event_vec_clear(EventVec *v);
/* Removes item i, keeping the order of the rest. */
void event_vec_remove(EventVec *v, size_t i);

/* Writes a one-line human description ("Reallocated o1 LAMP ×3 B1 → B2") into buf;
 * returns buf.  For logs and the TUI feed. */
char *event_describe(const Event *e, char *buf, size_t size);

#endif
