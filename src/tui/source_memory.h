/* source_memory.h — a TuiSource over an in-memory unit of work (memory_uow.h).
 *
 * Builds every row of a list on each fetch (O(rows) per page): meant for tests and
 * for what-if sandboxes, not for a million lines.  Event times are unknown in
 * memory (`at` = 0); event ids are positions in the log, from 1.  "Oldest" among
 * backorders of different SKUs compares the per-product request order.
 */
#ifndef ALLOT_TUI_SOURCE_MEMORY_H
#define ALLOT_TUI_SOURCE_MEMORY_H

#include "app/unit_of_work.h"
#include "tui/source.h"

/* A source reading `uow`, which must be a memory_uow_new() store and outlive the
 * source (not owned).  Free with tui_source_free. */
TuiSource *source_memory_new(UnitOfWork *uow);

#endif
