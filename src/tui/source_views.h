/* source_views.h — the TuiSource over the application's read model (app/views.h):
 * the SQLite store in the running program.  Keyset paging maps straight onto the
 * views' anchors, so a page costs the same anywhere in a million lines. */
#ifndef ALLOT_TUI_SOURCE_VIEWS_H
#define ALLOT_TUI_SOURCE_VIEWS_H

#include "app/unit_of_work.h"
#include "app/views.h"
#include "tui/source.h"

/* A source reading `views` (not owned; must outlive the source).  Free with
 * tui_source_free. */
TuiSource *source_views_new(Views *views);

/* How a filter reads the event log (source_views.c): `slice` ids per query, at most
 * `budget` ids per fetch before a page ends in a pending row, `count_slice` ids per
 * count under a filter.  The defaults suit a million events (bench_tui); tests
 * make them small. */
void source_views_set_scan(TuiSource *s, int64_t slice, int64_t budget, int64_t count_slice);
/* Gives the source the unit of work whose products the availability timeline
 * (TL_ATP) and promise read (app/atp_query.h, rolled back: nothing changes); not
 * owned.  Without one, they say they are not available. */
void source_views_set_uow(TuiSource *src, UnitOfWork *uow);

#endif
