/* Values quoted in error messages (domain/status.h err_value, err_set): control
 * characters never reach the terminal, invisible characters are shown by their
 * code point, long values are shortened. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/status.h"
#include "domain/validate.h"

static char buf[ERR_VALUE_SIZE];

Test(err_value, control_characters_are_shown_by_code_point_and_bad_bytes_as_question_marks)
{
    cr_assert_str_eq(err_value_str("foo\x1b]0;pwned\x07 x", buf, sizeof buf),
                     "foo<U+001B>]0;pwned<U+0007> x");
    cr_assert_str_eq(err_value_str("a\x7f" "b\xc2\x9b" "c\xff", buf, sizeof buf),
                     "a<U+007F>b<U+009B>c?", "DEL, C1 CSI (U+009B) and a stray byte");
    cr_assert_str_eq(err_value_str("\t", buf, sizeof buf), "<U+0009>");
    cr_assert_str_eq(err_value_str("lámpara☃", buf, sizeof buf), "lámpara☃", "UTF-8 is kept");
    cr_assert_str_eq(err_value_str(NULL, buf, sizeof buf), "");
}

Test(err_value, invisible_format_characters_are_shown_by_code_point)
{
    cr_assert_str_eq(err_value_str("\xef\xbb\xbfref,sku", buf, sizeof buf), "<U+FEFF>ref,sku",
                     "a byte order mark");
    cr_assert_str_eq(err_value_str("o\xe2\x80\x8b" "1\xe2\x80\x8f", buf, sizeof buf),
                     "o<U+200B>1<U+200F>", "zero-width space, right-to-left mark");
    cr_assert_str_eq(err_value_str("\xf3\xa0\x80\x81x", buf, sizeof buf), "<U+E0001>x",
                     "a tag character");
}

Test(err_value, spaces_other_than_u0020_and_a_leading_mark_are_shown_by_code_point)
{
    /* `qty "1 "` with a no-break space would look like an allowed trailing space */
    cr_assert_str_eq(err_value_str("1\xc2\xa0", buf, sizeof buf), "1<U+00A0>");
    cr_assert_str_eq(err_value_str("\xe3\x80\x80" "2027-01-01\xe2\x80\xa8", buf, sizeof buf),
                     "<U+3000>2027-01-01<U+2028>", "ideographic space, line separator");
    cr_assert_str_eq(err_value_str("a b\xe2\x80\x83", buf, sizeof buf), "a b<U+2003>",
                     "the plain space is kept");
    /* a mark that begins the value would sit on the opening quote; inside, it is kept */
    cr_assert_str_eq(err_value_str("\xcc\x88" "x", buf, sizeof buf), "<U+0308>x");
    cr_assert_str_eq(err_value_str("Ro\xcc\x88ssle", buf, sizeof buf), "Ro\xcc\x88ssle");
}

Test(err_value, forty_invisible_characters_fit_in_err_value_size_with_the_ellipsis)
{
    char in[200] = "";
    for (int i = 0; i < 41; i++)
        strcat(in, "\xf3\xa0\x80\x81"); /* U+E0001, shown in 9 bytes */
    err_value_str(in, buf, sizeof buf);
    cr_assert_eq(strlen(buf), 40 * 9 + 3);
    cr_assert_str_eq(buf + 40 * 9, "…");
    char big[120 * ERR_VALUE_CHAR_MAX + 4];
    err_value_max(in, strlen(in), 41, big, sizeof big);
    cr_assert_eq(strlen(big), 41 * 9, "err_value_max keeps as many as it is told");
}

Test(err_value, a_value_past_40_characters_is_cut_between_characters_with_an_ellipsis)
{
    char in[200] = "";
    for (int i = 0; i < 50; i++)
        strcat(in, "é");
    err_value_str(in, buf, sizeof buf);
    cr_assert_eq(strlen(buf), 40 * 2 + 3);
    cr_assert_eq(strncmp(buf, in, 80), 0);
    cr_assert_str_eq(buf + 80, "…");
    memset(in, 'x', 40);
    in[40] = '\0';
    cr_assert_str_eq(err_value_str(in, buf, sizeof buf), in, "exactly 40 are kept whole");
    char small[8];
    cr_assert_str_eq(err_value_str("abcdefghij", small, sizeof small), "abcdefg",
                     "a small buffer is never overrun");
}

Test(err_set, turns_control_characters_of_any_message_into_question_marks)
{
    ErrBuf e;
    err_set(&e, ALLOT_EINVALID, "path %s: x", "a\x1b[2J\xc2\x85z");
    cr_assert_str_eq(e.msg, "path a?[2J??z: x");
    err_set(&e, ALLOT_EINVALID, "two\nlines…");
    cr_assert_str_eq(e.msg, "two\nlines…", "newlines and UTF-8 are kept");
}

Test(err_value, validation_messages_quote_the_value_safely_and_shortened)
{
    ErrBuf e;
    int64_t n;
    cr_assert_eq(validate_line_qty("1\x1b[2J", &n, &e), ALLOT_EINVALID);
    cr_assert_str_eq(e.msg, "qty \"1<U+001B>[2J\" is not a whole number");
    char longv[100];
    memset(longv, '7', 60);
    strcpy(longv + 60, "x");
    cr_assert_eq(validate_batch_qty(longv, &n, &e), ALLOT_EINVALID);
    cr_assert(strstr(e.msg, "7777777777777777777777777777777777777777…\" is not") != NULL, "%s",
              e.msg);
}
