/* validate.h — validation at the edge (SPEC.md §1.3), as pure functions.
 *
 * Dates in allot are whole days since 1970-01-01 (UTC), held in an int32_t; the
 * value ALLOT_NO_ETA means "no ETA: the batch is in the warehouse".  Text dates are
 * `YYYY-MM-DD`.  Quantities are whole units in an int64_t.
 *
 * Every parser writes a message that names the field and the bad value
 * (`qty "12x" is not a whole number`); callers prefix the place (`batches.csv:17: `).
 */
#ifndef ALLOT_DOMAIN_VALIDATE_H
#define ALLOT_DOMAIN_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/status.h"

/* Identifiers (SKU, batch reference, order id) are at most this many bytes. */
#define ALLOT_ID_MAX 64
/* A buffer that holds any valid identifier and its NUL. */
typedef char AllotId[ALLOT_ID_MAX + 1];

#define ALLOT_NO_ETA INT32_MIN
/* The same value for any date that may be absent (an order line's need date,
 * a backorder's promised date): "none". */
#define ALLOT_NO_DATE ALLOT_NO_ETA
#define ALLOT_QTY_MAX INT64_C(1000000000)

/* Date text "YYYY-MM-DD" plus NUL. */
#define ALLOT_DATE_TEXT 11

/* Checks an identifier and copies it, trimmed of surrounding spaces and tabs, into
 * `out`.  Valid: valid UTF-8, 1–64 bytes after trimming, no control characters
 * (U+0000–U+001F, U+007F, U+0080–U+009F) and no invisible format characters
 * (Unicode category Cf, 15.1: zero-width space and joiners U+200B–U+200F, U+2060–
 * U+2064, bidi controls U+202A–U+202E and U+2066–U+2069, U+FEFF, soft hyphen, tags
 * ...) and no space but U+0020 (categories Zs, Zl, Zp: `sku contains the space
 * character U+00A0 (byte 5): …`); `out` holds the id in Unicode normal form C (o +
 * U+0308 is stored as U+00F6), whose length is what must be 1–64 bytes.  So two ids
 * that look alike are one id.  `field` names it in the message ("sku", "ref",
 * "orderid": `ref contains an invisible format character U+200B (byte 3)`).
 * Returns ALLOT_OK or ALLOT_EINVALID.  SPEC.md §1.3. */
AllotStatus validate_id(const char *text, const char *field, AllotId out, ErrBuf *err);

/* Parses a base-10 whole number in [min, max] (leading/trailing spaces allowed, a
 * leading '+' allowed; no '-' unless min < 0, no separators, no decimals).
 * Returns ALLOT_OK or ALLOT_EINVALID naming `field`.  SPEC.md §1.3. */
AllotStatus validate_int(const char *text, const char *field, int64_t min, int64_t max,
                         int64_t *out, ErrBuf *err);

/* An order line quantity: 1..1,000,000,000.  SPEC.md §1.3. */
AllotStatus validate_line_qty(const char *text, int64_t *out, ErrBuf *err);

/* A batch quantity: 0..1,000,000,000.  SPEC.md §1.3. */
AllotStatus validate_batch_qty(const char *text, int64_t *out, ErrBuf *err);

/* Parses an ETA: "YYYY-MM-DD" that is a real calendar date (years 1..9999), or
 * "-" or "" (after trimming) for none (*out = ALLOT_NO_ETA).  Returns ALLOT_OK or
 * ALLOT_EINVALID (`eta "2027-02-30" is not a calendar date (YYYY-MM-DD)`).
 * SPEC.md §1.3. */
AllotStatus validate_eta(const char *text, int32_t *out, ErrBuf *err);

/* Parses a date like validate_eta, naming the field `field` in the message
 * (`need "2027-02-30" is not a calendar date (YYYY-MM-DD)`); "-" or "" is none
 * (ALLOT_NO_DATE).  SPEC.md §1.3, §1.4 (the need date of an order line). */
AllotStatus validate_date(const char *text, const char *field, int32_t *out, ErrBuf *err);

/* Days since 1970-01-01 of a proleptic Gregorian date; false if it is not a real
 * date or the year is outside 1..9999. */
bool date_from_ymd(int year, int month, int day, int32_t *days);

/* Year, month, day of a day number. */
void date_to_ymd(int32_t days, int *year, int *month, int *day);

/* Writes "YYYY-MM-DD" (or "-" for ALLOT_NO_ETA) into `out`; returns `out`. */
char *date_format(int32_t days, char out[ALLOT_DATE_TEXT]);

/* The day number of a UTC time in seconds since the epoch. */
int32_t date_from_unix(int64_t seconds);

#endif
