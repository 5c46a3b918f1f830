/* line_moves.h — where order lines went while commands ran: for each line that
 * moved, the place before its first move and after its last (its net outcome), so
 * that a line that went B1 → B2 → B3 counts once, as B1 → B3, and one that came
 * back to where it was counts not at all.  For the moved-lines output of the stock
 * commands (SPEC.md §4 "Commands that change stock print what moved") and the
 * import summaries.
 *
 * Moves are read from events: Reallocated (from → to), Deallocated (batch →
 * backorder), Allocated (backorder → batch: a backorder that found room).  An
 * Allocated of a line created by the command (Allocate, an import's orders row) is
 * not a move; callers leave those out.  Zero-initialise or line_moves_init;
 * line_moves_fini frees everything.
 */
#ifndef ALLOT_CLI_LINE_MOVES_H
#define ALLOT_CLI_LINE_MOVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/strmap.h"
#include "domain/events.h"

typedef struct LineMoveItem {
    char *key;         /* "orderid\x1fsku" (owned) */
    int64_t qty;
    uint32_t from, to; /* numbers of `refs` (from 1); 0 = a backorder */
} LineMoveItem;

typedef struct LineMoves {
    StrMap lines;      /* line key → index in items */
    StrMap refs;       /* batch ref → its number */
    char **ref_names;  /* ref_names[n - 1]: the ref numbered n (owned) */
    LineMoveItem *items; /* in the order of their first move */
    size_t n, cap, nrefs;
} LineMoves;

void line_moves_init(LineMoves *m);
void line_moves_fini(LineMoves *m);

/* Notes the move an event makes, if any (other events are ignored). */
void line_moves_note(LineMoves *m, const Event *ev);

/* One line's net outcome: from/to are batch refs, or NULL for a backorder
 * (borrowed from `m`, valid until it changes). */
typedef struct LineMove {
    char orderid[ALLOT_ID_MAX + 1], sku[ALLOT_ID_MAX + 1];
    int64_t qty;
    const char *from, *to;
} LineMove;

/* The lines noted, in the order of their first move; *out filled for line i and
 * false returned if it ended where it started.  i < m->n. */
bool line_moves_at(const LineMoves *m, size_t i, LineMove *out);

#endif
