/* event_json.h — the one JSON writer of an event (SPEC.md §4 "events --json"), built
 * with jansson (SPEC.md §2 "JSON is written and read with a JSON library").  Every
 * JSON event allot writes comes from here: `allot events --json`, the OutOfStock
 * hook's stdin (§2 "Notifications"), the HTTP API's event log and stream and the
 * Redis relay's `allot.events` (§7).
 *
 *   {"id":42,"at":"2026-11-29T18:00:00Z","type":"Reallocated","orderid":"o1",
 *    "sku":"LAMP","qty":3,"from":"B1","to":"B2"}
 *
 * Fields per type (SPEC.md §4): orderid sku qty batchref (Allocated, Deallocated,
 * OrderLineCancelled — batchref null for a cancelled backorder), orderid sku qty
 * (OutOfStock), orderid sku qty from to (Reallocated), ref sku qty eta
 * (BatchCreated), ref old new (BatchQuantityChanged, BatchEtaChanged).  Line events
 * add "need" (the line's need date, SPEC.md §1.4); every event ends with
 * "command_id" and "actor" (§1.6; null for events logged before provenance), and
 * the events of an undo "undoes" (the command undone).  BatchRemoved has the fields
 * of BatchCreated; LineRemoved and LineRestored those of Allocated.  Dates
 * are "YYYY-MM-DD", none is null; `at` is UTC ISO-8601 with a "Z".  Keys come in that
 * order (jansson keeps insertion order).  A new field of an event type goes into
 * event_json_object, and every writer above has it.
 */
#ifndef ALLOT_APP_EVENT_JSON_H
#define ALLOT_APP_EVENT_JSON_H

#include <jansson.h>
#include <stdint.h>

#include "domain/events.h"

/* The JSON object of `ev`.  `id` <= 0 writes "id":null (an event not yet read back
 * from the log, e.g. the hook's); `at` is seconds since 1970-01-01 UTC.  Text that
 * is not valid UTF-8 (which validation never lets in) is written with '?' for each
 * bad byte.  Returns a new reference: the caller json_decref's it.  Aborts only if
 * memory runs out (as xmalloc). */
json_t *event_json_object(const Event *ev, int64_t id, int64_t at);

/* event_json_object as one line of compact JSON (no newline).  Returns a heap
 * string the caller frees. */
char *event_json_text(const Event *ev, int64_t id, int64_t at);

/* `s` as a JSON string value; invalid UTF-8 bytes become '?' (see above).  A new
 * reference; "" for NULL. */
json_t *json_text(const char *s);

/* The compact text of `v` (a heap string the caller frees); aborts if memory runs
 * out.  Does not take the reference. */
char *json_compact(const json_t *v);

#endif
