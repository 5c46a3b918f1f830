/* event_json.h — one event as one line of JSON (SPEC.md §4 "events --json", §2
 * "Notifications": the hook receives the same object).
 *
 *   {"id":42,"at":"2026-11-29T18:00:00Z","type":"Reallocated","orderid":"o1",
 *    "sku":"LAMP","qty":3,"from":"B1","to":"B2"}
 *
 * Fields per type (SPEC.md §4): orderid sku qty batchref (Allocated, Deallocated,
 * OrderLineCancelled — batchref null for a cancelled backorder), orderid sku qty
 * (OutOfStock), orderid sku qty from to (Reallocated), ref sku qty eta
 * (BatchCreated), ref old new (BatchQuantityChanged, BatchEtaChanged).  Line events
 * add "need" (the line's need date, SPEC.md §1.4); every event ends with
 * "command_id" and "actor" (§1.6; null for events logged before provenance).  Dates
 * are "YYYY-MM-DD", none is null; `at` is UTC ISO-8601 with a "Z".
 */
#ifndef ALLOT_APP_EVENT_JSON_H
#define ALLOT_APP_EVENT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "domain/events.h"

/* Largest line event_json writes, NUL included (ids are at most 64 bytes, each
 * escaped to at most 6 bytes per byte). */
#define EVENT_JSON_MAX 2048

/* Writes the JSON object of `ev` (no newline) into buf.  `id` <= 0 writes
 * "id":null (an event not yet read back from the log); `at` is seconds since
 * 1970-01-01 UTC.  Returns buf; cut if size < EVENT_JSON_MAX. */
char *event_json(const Event *ev, int64_t id, int64_t at, char *buf, size_t size);

/* Writes `s` as a JSON string (with its quotes) into buf at *off, advancing it. */
void json_put_string(char *buf, size_t size, size_t *off, const char *s);

#endif
