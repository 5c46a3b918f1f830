/* event_text.h — compact, deterministic text of events and products for test
 * assertions (tests only).  Formats:
 *
 *   Allocated o1 3 B1          Deallocated o1 3 B1       OutOfStock o1 3
 *   Reallocated o1 3 B1>B2     OrderLineCancelled o1 3 B1 (or "-" for a backorder)
 *   BatchCreated B1 10 2027-01-01 (or "-")
 *   BatchQuantityChanged B1 10>5      BatchEtaChanged B1 ->2027-01-01
 *
 * Lists are joined with "; ".  A product reads
 *   "LAMP v3 | B1 10/3 - , B2 5/0 2027-01-01 | o1 3 B1, o2 4 -"
 * with batches in creation order and lines sorted by order id ("-": backorder).
 */
#ifndef ALLOT_TESTS_EVENT_TEXT_H
#define ALLOT_TESTS_EVENT_TEXT_H

#include <stddef.h>

#include "domain/events.h"
#include "domain/product.h"

/* Writes the text of `e` into buf; returns buf. */
char *event_text(const Event *e, char *buf, size_t size);

/* Writes the texts of v->items[from..] joined with "; " into buf; returns buf. */
char *events_text(const EventVec *v, size_t from, char *buf, size_t size);

/* Writes the text of `p` (see above) into buf; returns buf. */
char *product_text(const Product *p, char *buf, size_t size);

/* Everything a product holds but its version and seq counter, for comparing states
 * (undo, SPEC.md §1.6): batches with their seq, lines sorted by order id with place,
 * need date, request moment and seq; "" for an empty product is not special. */
char *product_state_text(const Product *p, char *buf, size_t size);

#endif
