/* The one UTF-8 decoder (domain/utf8.h) and the two policies built on it: an
 * identifier refuses what it refuses, the help renderer shows U+FFFD for it. */
#include <criterion/criterion.h>

#include "domain/utf8.h"
#include "domain/validate.h"
#include "help/help_text.h"

static size_t dec(const char *s, size_t n, uint32_t *cp)
{
    *cp = 0xDEAD;
    return utf8_decode(s, n, cp);
}

Test(utf8, decodes_one_to_four_byte_characters)
{
    uint32_t cp;
    cr_assert_eq(dec("A", 1, &cp), 1);
    cr_assert_eq(cp, 'A');
    cr_assert_eq(dec("\xc3\xa9", 2, &cp), 2); /* é */
    cr_assert_eq(cp, 0xE9);
    cr_assert_eq(dec("\xe8\x8c\xb6x", 4, &cp), 3); /* 茶, then more text */
    cr_assert_eq(cp, 0x8336);
    cr_assert_eq(dec("\xf0\x9f\x93\xa6", 4, &cp), 4); /* 📦 */
    cr_assert_eq(cp, 0x1F4E6);
    cr_assert_eq(dec("\xf4\x8f\xbf\xbf", 4, &cp), 4, "U+10FFFF is the last");
    cr_assert_eq(cp, 0x10FFFF);
}

Test(utf8, refuses_what_is_not_one_character_and_leaves_the_code_point)
{
    static const struct {
        const char *s;
        size_t n;
        const char *why;
    } bad[] = {
        {"", 0, "nothing"},
        {"\x80", 1, "a continuation byte"},
        {"\xc3", 1, "cut short"},
        {"\xe8\x8c", 2, "cut short"},
        {"\xc3(", 2, "no continuation"},
        {"\xc0\xaf", 2, "overlong /"},
        {"\xe0\x80\xaf", 3, "overlong /"},
        {"\xed\xa0\x80", 3, "a surrogate"},
        {"\xf4\x90\x80\x80", 4, "past U+10FFFF"},
        {"\xf8\x88\x80\x80\x80", 5, "five bytes"},
        {"\xff", 1, "never in UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        uint32_t cp;
        cr_assert_eq(dec(bad[i].s, bad[i].n, &cp), 0, "%s", bad[i].why);
        cr_assert_eq(cp, 0xDEAD, "%s", bad[i].why);
    }
}

Test(utf8, an_identifier_and_the_help_renderer_agree_on_what_is_valid)
{
    AllotId id;
    ErrBuf e;
    cr_assert_eq(validate_id("茶杯-CUP", "sku", id, &e), ALLOT_OK);
    cr_assert_eq(validate_id("ab\xed\xa0\x80", "sku", id, &e), ALLOT_EINVALID);
    cr_assert_str_eq(e.msg, "sku is not valid UTF-8 (byte 3)");
    uint32_t cp;
    cr_assert_eq(help_utf8_decode("\xed\xa0\x80", 3, &cp), 1, "one byte at a time");
    cr_assert_eq(cp, 0xFFFD);
    cr_assert_eq(help_utf8_decode("\xe8\x8c\xb6", 3, &cp), 3);
    cr_assert_eq(cp, 0x8336);
}
