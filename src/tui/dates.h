/* dates.h — the dates a planner types (SPEC.md §5 "`e`/`d` take relative dates (`-3d`,
 * `+7d`) as well as absolute ones"): in the ETA and delay forms and in filter terms
 * (`eta<+7d`).  Pure; no terminal.
 *
 * Units: dates are days since 1970-01-01 UTC; ALLOT_NO_ETA = none (in the warehouse).
 */
#ifndef ALLOT_TUI_DATES_H
#define ALLOT_TUI_DATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a typed date was written. */
typedef enum TuiDateKind {
    TUI_DATE_ABSOLUTE, /* YYYY-MM-DD, today, tomorrow, yesterday: *days is the date */
    TUI_DATE_RELATIVE, /* +7d, -3d, 7 (a bare whole number: +7d): *days is the offset */
    TUI_DATE_NONE,     /* "-" (in the warehouse; only when none_ok) */
} TuiDateKind;

/* Reads `text` (spaces around it ignored; case-insensitive words): YYYY-MM-DD (a real
 * calendar date), `today`, `tomorrow`, `yesterday` (from `today`), `+Nd` / `-Nd` /
 * `+N` / `-N` / `N` (N whole days, at most 3650), or `-` when `none_ok`.  True with
 * *kind and *days; false with the reason in `why` (naming the text). */
bool tui_date_read(const char *text, int32_t today, bool none_ok, TuiDateKind *kind,
                   int32_t *days, char *why, size_t size);

/* The date `text` names, relative offsets counted from `from` (a date; ALLOT_NO_ETA
 * counts from `today`): true with *out (ALLOT_NO_ETA for "-" when none_ok); false
 * with the reason in `why` (also a date off the calendar). */
bool tui_date_resolve(const char *text, int32_t today, int32_t from, bool none_ok, int32_t *out,
                      char *why, size_t size);

#endif
