/* help_text.h — UTF-8 decoding for display and display width for the help renderer.
 *
 * The width table is our own (not wcwidth()), so that layout is the same under
 * every locale, in tests and on a terminal alike: East Asian Wide and Fullwidth
 * characters and most emoji count 2 columns, combining marks and zero-width
 * characters count 0, other printable characters 1.  Source: SPEC.md §5 "UTF-8 and
 * wide characters"; Unicode UAX #11 (wide ranges, simplified to whole blocks).
 */
#ifndef ALLOT_HELP_TEXT_H
#define ALLOT_HELP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one UTF-8 character from s[0..len) for display (domain/utf8.h
 * utf8_decode): stores the code point in *cp and returns the number of bytes it
 * took (1..4).  An invalid or truncated sequence yields *cp = U+FFFD and consumes
 * 1 byte.  len must be ≥ 1. */
size_t help_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Display columns of one code point: 0, 1 or 2 (C0/C1 controls count 0). */
int help_cp_width(uint32_t cp);

/* Display columns of the UTF-8 text s[0..len); invalid bytes count 1 each. */
int help_text_width(const char *s, size_t len);

#endif
