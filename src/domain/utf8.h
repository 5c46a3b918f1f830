/* utf8.h — the project's one UTF-8 decoder (RFC 3629): identifiers are checked
 * with it (validate.h), values quoted in messages are cleaned with it
 * (err_value), the help renderer measures text with it (help_text.h).
 */
#ifndef ALLOT_DOMAIN_UTF8_H
#define ALLOT_DOMAIN_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The length (1..4 bytes) of the UTF-8 character at s[0..n), its code point in
 * *cp; or 0 (*cp untouched) when the bytes there are not one: n == 0, a
 * continuation or invalid lead byte, a truncated sequence, an overlong form, a
 * surrogate (U+D800..U+DFFF), a value past U+10FFFF. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Writes code point `cp` as UTF-8 to out[0..4) (not NUL-terminated) and returns
 * its length, 1..4; a value that is no character (past U+10FFFF, a surrogate) is
 * written as '?'. */
size_t utf8_encode(uint32_t cp, char out[4]);

/* Whether `cp` is of Unicode category Cf, a format character that shows nothing
 * (zero-width space and joiners, bidi controls, the BOM U+FEFF, tags, ...;
 * Unicode 15.1): identifiers refuse them (SPEC.md §1.3), messages show them as
 * "<U+FEFF>" (err_value). */
bool utf8_is_format(uint32_t cp);

/* Whether `cp` is a control character: C0 (U+0000..U+001F), DEL, C1
 * (U+0080..U+009F). */
bool utf8_is_control(uint32_t cp);

/* Whether `cp` is a space other than U+0020: Unicode categories Zs, Zl, Zp (the
 * no-break space U+00A0, U+2000..U+200A, U+3000, the line and paragraph
 * separators, ...; libunistring's tables).  Identifiers refuse them (SPEC.md
 * §1.3), messages show them as "<U+00A0>" (err_value). */
bool utf8_is_other_space(uint32_t cp);

/* Whether `cp` is a combining mark (Unicode categories Mn, Mc, Me), which draws
 * on the character before it: messages show one that begins a value as
 * "<U+0308>", so that it does not sit on the opening quote (err_value). */
bool utf8_is_mark(uint32_t cp);

#endif
