/* filter.h — what a planner types after `/` (SPEC.md §5 "`/` filters as you type, by
 * text or by column and state (`state:SHORT`, `eta<2027-01-10`, `late>3`)"): words
 * and terms, every one of which a row must meet.  Pure; no terminal.
 *
 *   word           the row has it in one of its ids (SKU, reference, order id; events
 *                  also their type), any case; several words are one text
 *                  ("Alice Mutton")
 *   NAME:TEXT      a text column starts with TEXT, any case (`sku:LAMP`,
 *                  `order:o12`, `type:realloc`); quotes keep spaces:
 *                  `sku:"Alice Mutton"`
 *   NAME=TEXT      a text column is exactly TEXT
 *   NAME OP N      a number or date column compared (`qty>=100`, `late>3`,
 *                  `eta<2027-01-10`, `eta<+7d`, `need<today`); OP is = : < <= > >=;
 *                  a date is YYYY-MM-DD, today, tomorrow, yesterday, +Nd, -Nd
 *                  (from today), or `-` for none (`eta=-`: in the warehouse)
 *   state:WORD     the list's states: SHORT, OK (products); WAREHOUSE, INCOMING, DUE,
 *                  OVERDUE (batches); BACKORDER, ALLOCATED, LATE (order lines)
 *
 * NAME is a column of the list's spec (view_specs.h: sku, ref, orderid, qty, eta,
 * need, late, type, ...) or a short name of one (order, batch, short, avail,
 * alloc, next).  Terms on what a store would have to compute row by row from other
 * tables (a batch's allocated quantity) are refused with the reason.
 */
#ifndef ALLOT_TUI_FILTER_H
#define ALLOT_TUI_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/view_specs.h"
#include "tui/source.h"

enum { TUI_FILTER_TERMS = 8 };

typedef struct TuiFilterTerm {
    uint8_t col; /* a column of the list's spec */
    ViewOp op;
    int64_t num;
    AllotId text;
} TuiFilterTerm;

typedef struct TuiFilter {
    char words[TUI_FILTER_MAX]; /* the words, one space apart; "" = none */
    TuiFilterTerm terms[TUI_FILTER_TERMS];
    size_t nterms;
} TuiFilter;

/* Reads `text` as a filter of list `kind` on day `today` (relative dates count from
 * it).  True with *out; false with the reason in `why` ("qty>=: a number after >=",
 * "state:SHRT: the states here are SHORT, OK").  "" is the empty filter. */
bool tui_filter_parse(TuiListKind kind, const char *text, int32_t today, TuiFilter *out,
                      char *why, size_t size);

/* True if the filter keeps only some rows (has a word or a term). */
bool tui_filter_active(const TuiFilter *f);

/* Adds f's terms to q as conditions (their text points into f, which must outlive
 * q) and sets q's substring filter to f's words.  False if q would have more than
 * VIEW_MAX_CONDS conditions. */
bool tui_filter_apply(const TuiFilter *f, ViewQuery *q);

#endif
