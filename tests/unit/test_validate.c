/* Validation at the edge, SPEC.md §1.3: identifiers, quantities, dates. */
#include <criterion/criterion.h>
#include <string.h>

#include "domain/validate.h"

static ErrBuf err;
static AllotId id;

static AllotStatus check_id(const char *text) { return validate_id(text, "sku", id, &err); }

Test(validate, an_identifier_is_trimmed_of_surrounding_spaces_and_tabs)
{
    cr_assert_eq(check_id("  LAMP-01\t "), ALLOT_OK, "%s", err.msg);
    cr_assert_str_eq(id, "LAMP-01");
    cr_assert_eq(check_id("a b"), ALLOT_OK);
    cr_assert_str_eq(id, "a b", "inner spaces are kept");
    cr_assert_eq(check_id("lámpara☃"), ALLOT_OK, "UTF-8 is welcome");
    cr_assert_str_eq(id, "lámpara☃");
}

Test(validate, an_empty_or_blank_identifier_is_refused_naming_the_field)
{
    cr_assert_eq(validate_id("", "orderid", id, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "orderid is empty");
    cr_assert_eq(validate_id(" \t ", "ref", id, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "ref is empty");
    cr_assert_eq(validate_id(NULL, "ref", id, &err), ALLOT_EINVALID);
}

Test(validate, an_identifier_has_at_most_64_bytes)
{
    char text[200];
    memset(text, 'x', 64);
    text[64] = '\0';
    cr_assert_eq(check_id(text), ALLOT_OK);
    cr_assert_eq(strlen(id), 64);
    text[64] = 'x';
    text[65] = '\0';
    cr_assert_eq(check_id(text), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "64 bytes"), "%s", err.msg);
    /* bytes, not characters: 32 × "é" is 64 bytes, 33 is 66 */
    text[0] = '\0';
    for (int i = 0; i < 32; i++)
        strcat(text, "é");
    cr_assert_eq(check_id(text), ALLOT_OK);
    strcat(text, "é");
    cr_assert_eq(check_id(text), ALLOT_EINVALID);
    /* trimming happens before counting */
    memset(text, ' ', 10);
    memset(text + 10, 'y', 64);
    memset(text + 74, ' ', 10);
    text[84] = '\0';
    cr_assert_eq(check_id(text), ALLOT_OK);
}

Test(validate, the_message_for_a_long_identifier_quotes_whole_characters)
{
    char text[200] = "abcdefghijklmnopqrs"; /* 19 bytes, then 2-byte characters */
    for (int i = 0; i < 30; i++)
        strcat(text, "é");
    cr_assert_eq(check_id(text), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "sku \"abcdefghijklmnopqrs…\" is longer than 64 bytes");
    AllotId quoted;
    char *start = strchr(err.msg, '"') + 1;
    *strchr(start, '"') = '\0';
    cr_assert_eq(validate_id(start, "msg", quoted, NULL), ALLOT_OK, "the quote is valid UTF-8");
}

Test(validate, an_identifier_with_a_control_character_is_refused)
{
    const char *bad[] = {"a\x01" "b", "a\nb", "a\x7f", "a\xc2\x85" "b" /* U+0085 */, "\x1b[31m"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(check_id(bad[i]), ALLOT_EINVALID, "case %zu", i);
        cr_assert(strstr(err.msg, "control character"), "case %zu: %s", i, err.msg);
    }
}

Test(validate, an_identifier_with_a_space_other_than_the_plain_one_is_refused)
{
    static const struct { const char *text; const char *cp; } bad[] = {
        {"a\xc2\xa0" "b", "U+00A0"},          /* no-break space */
        {"LAMP\xc2\xa0", "U+00A0"},           /* at the end: not trimmed, so refused */
        {"a\xe2\x80\x8a" "b", "U+200A"},      /* hair space */
        {"Chai\xe2\x80\x83", "U+2003"},       /* em space */
        {"Chai\xe3\x80\x80", "U+3000"},       /* ideographic space */
        {"a\xe2\x80\xaf" "b", "U+202F"},      /* narrow no-break space */
        {"a\xe2\x80\xa8" "b", "U+2028"},      /* line separator */
        {"a\xe2\x80\xa9" "b", "U+2029"},      /* paragraph separator */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(check_id(bad[i].text), ALLOT_EINVALID, "case %zu", i);
        cr_assert(strstr(err.msg, "sku contains the space character"), "%s", err.msg);
        cr_assert(strstr(err.msg, bad[i].cp), "case %zu: %s", i, err.msg);
    }
    ErrBuf e;
    cr_assert_eq(validate_id("LAMP\xc2\xa0" "X", "sku", (char[ALLOT_ID_MAX + 1]){0}, &e),
                 ALLOT_EINVALID);
    cr_assert_str_eq(e.msg, "sku contains the space character U+00A0 (byte 5): only the plain "
                            "space U+0020 may be inside an id");
    AllotId out;
    cr_assert_eq(validate_id("  Chai  Tea ", "sku", out, &e), ALLOT_OK);
    cr_assert_str_eq(out, "Chai  Tea", "plain inner spaces are kept");
}

Test(validate, an_identifier_is_kept_in_unicode_normal_form_c)
{
    AllotId composed, decomposed, out;
    ErrBuf e;
    /* "Rössle": U+00F6 against o + U+0308 COMBINING DIAERESIS */
    cr_assert_eq(validate_id("R\xc3\xb6ssle", "sku", composed, &e), ALLOT_OK);
    cr_assert_eq(validate_id("Ro\xcc\x88ssle", "sku", decomposed, &e), ALLOT_OK, "%s", e.msg);
    cr_assert_str_eq(decomposed, composed, "both spellings are one id");
    cr_assert_str_eq(composed, "R\xc3\xb6ssle");
    /* Hangul jamo compose to one syllable; a mark with no composed form stays */
    cr_assert_eq(validate_id("\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", "sku", out, &e), ALLOT_OK);
    cr_assert_str_eq(out, "\xed\x95\x9c"); /* U+D55C */
    cr_assert_eq(validate_id("q\xcc\x88", "sku", out, &e), ALLOT_OK);
    cr_assert_str_eq(out, "q\xcc\x88");
    /* a mark with nothing before it */
    cr_assert_eq(validate_id("\xcc\x88", "sku", out, &e), ALLOT_EINVALID);
    cr_assert_str_eq(e.msg, "sku begins with the combining mark U+0308, which has no letter to "
                            "sit on");
    cr_assert_eq(validate_id("  \xcc\x88" "x", "ref", out, &e), ALLOT_EINVALID, "after trimming");
    /* the length is checked on the normal form: 66 bytes typed, 44 stored */
    char text[ALLOT_ID_MAX * 2];
    size_t o = 0;
    for (; o < 66; o += 3)
        memcpy(text + o, "o\xcc\x88", 3); /* 3 bytes, 2 in NFC */
    text[o] = '\0';
    cr_assert_eq(validate_id(text, "sku", out, &e), ALLOT_OK, "%s", e.msg);
    cr_assert_eq(strlen(out), 44);
    /* 33 of them are 66 bytes in NFC too: refused, quoting what was typed */
    for (o = 0; o < 99; o += 3)
        memcpy(text + o, "\xc3\xb6", 2), memcpy(text + o + 2, "x", 1);
    text[o] = '\0';
    cr_assert_eq(validate_id(text, "sku", out, &e), ALLOT_EINVALID);
    cr_assert(strstr(e.msg, "is longer than 64 bytes"), "%s", e.msg);
}

Test(validate, an_identifier_with_an_invisible_format_character_is_refused)
{
    static const struct { const char *text; const char *cp; } bad[] = {
        {"B\xe2\x80\x8b" "1", "U+200B"},     /* zero-width space */
        {"B1\xe2\x80\x8d", "U+200D"},        /* zero-width joiner */
        {"\xe2\x80\x8fLAMP", "U+200F"},      /* right-to-left mark */
        {"LA\xe2\x80\xaeMP", "U+202E"},      /* right-to-left override */
        {"LA\xe2\x81\xa6MP", "U+2066"},      /* left-to-right isolate */
        {"o\xe2\x81\xa0" "1", "U+2060"},     /* word joiner */
        {"o\xef\xbb\xbf" "1", "U+FEFF"},     /* zero-width no-break space (BOM) */
        {"o\xc2\xad" "1", "U+00AD"},          /* soft hyphen */
        {"o\xd8\x9c" "1", "U+061C"},          /* Arabic letter mark */
        {"o\xf3\xa0\x80\x81", "U+E0001"},    /* language tag */
        {"o\xf3\xa0\x81\xbf", "U+E007F"},    /* cancel tag */
        {"o\xf0\x93\x90\xbf", "U+1343F"},    /* Egyptian hieroglyph format (15.0) */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(check_id(bad[i].text), ALLOT_EINVALID, "case %zu", i);
        cr_assert(strstr(err.msg, "sku contains an invisible format character"), "%s", err.msg);
        cr_assert(strstr(err.msg, bad[i].cp), "case %zu: %s", i, err.msg);
    }
    /* visible neighbours of those ranges stay valid */
    const char *good[] = {"a\xe2\x80\x90" "b" /* U+2010 hyphen */,
                          "a\xe2\x81\xb0" /* U+2070 superscript zero */, "caf\xc3\xa9",
                          "\xef\xbb\xbe" /* U+FEFE */};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        cr_assert_eq(check_id(good[i]), ALLOT_OK, "case %zu: %s", i, err.msg);
    ErrBuf e;
    cr_assert_eq(validate_id("B\xe2\x80\x8b" "1", "ref", (char[ALLOT_ID_MAX + 1]){0}, &e),
                 ALLOT_EINVALID);
    cr_assert_str_eq(e.msg, "ref contains an invisible format character U+200B (byte 2)");
}

Test(validate, an_identifier_that_is_not_valid_utf8_is_refused)
{
    const char *bad[] = {
        "a\xc3(",          /* a lead byte without its continuation */
        "\x80",            /* a lone continuation byte */
        "\xc0\xaf",        /* an overlong '/' */
        "\xed\xa0\x80",    /* a UTF-16 surrogate */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "ab\xe2\x82",      /* cut short at the end */
        "\xff",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(check_id(bad[i]), ALLOT_EINVALID, "case %zu", i);
        cr_assert(strstr(err.msg, "sku is not valid UTF-8"), "case %zu: %s", i, err.msg);
    }
    cr_assert_eq(check_id("\xf0\x9f\x93\xa6"), ALLOT_OK, "a 4-byte character is valid");
}

/* ---- quantities ---- */

static int64_t q;

Test(validate, a_quantity_is_a_base_10_whole_number)
{
    cr_assert_eq(validate_line_qty("42", &q, &err), ALLOT_OK);
    cr_assert_eq(q, 42);
    cr_assert_eq(validate_line_qty(" 7 ", &q, &err), ALLOT_OK);
    cr_assert_eq(q, 7);
    cr_assert_eq(validate_line_qty("+5", &q, &err), ALLOT_OK);
    cr_assert_eq(q, 5);
    cr_assert_eq(validate_line_qty("010", &q, &err), ALLOT_OK);
    cr_assert_eq(q, 10, "leading zeros are decimal, not octal");
}

Test(validate, a_quantity_with_separators_decimals_or_letters_is_refused)
{
    const char *bad[] = {"1,000", "2.5", "12x", "0x10", "1e3", "", "+", "1 000"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        q = -99;
        cr_assert_eq(validate_batch_qty(bad[i], &q, &err), ALLOT_EINVALID, "%s", bad[i]);
        cr_assert_eq(q, -99, "nothing written on error");
    }
    cr_assert_eq(validate_line_qty("12x", &q, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "qty \"12x\" is not a whole number");
    cr_assert_eq(validate_line_qty("1,000", &q, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "qty \"1,000\" is not a whole number");
    cr_assert_eq(validate_line_qty("2.5", &q, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "qty \"2.5\" is not a whole number");
}

Test(validate, a_line_quantity_is_between_1_and_a_billion)
{
    cr_assert_eq(validate_line_qty("0", &q, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "qty \"0\" must be between 1 and 1000000000");
    cr_assert_eq(validate_line_qty("-3", &q, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "\"-3\""), "%s", err.msg);
    cr_assert_eq(validate_line_qty("1", &q, &err), ALLOT_OK);
    cr_assert_eq(validate_line_qty("1000000000", &q, &err), ALLOT_OK);
    cr_assert_eq(q, 1000000000);
    cr_assert_eq(validate_line_qty("1000000001", &q, &err), ALLOT_EINVALID);
}

Test(validate, a_batch_quantity_is_between_0_and_a_billion)
{
    cr_assert_eq(validate_batch_qty("0", &q, &err), ALLOT_OK);
    cr_assert_eq(q, 0);
    cr_assert_eq(validate_batch_qty("-3", &q, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "qty \"-3\" must be between 0 and 1000000000");
    cr_assert_eq(validate_batch_qty("1000000000", &q, &err), ALLOT_OK);
    cr_assert_eq(validate_batch_qty("1000000001", &q, &err), ALLOT_EINVALID);
}

Test(validate, a_quantity_that_overflows_is_refused_not_wrapped)
{
    const char *bad[] = {"9223372036854775807", "9223372036854775808",
                         "99999999999999999999999", "18446744073709551617"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(validate_batch_qty(bad[i], &q, &err), ALLOT_EINVALID, "%s", bad[i]);
        cr_assert(strstr(err.msg, "must be between"), "%s", err.msg);
    }
    cr_assert_eq(validate_int("-9223372036854775807", "n", INT64_MIN, INT64_MAX, &q, &err),
                 ALLOT_OK);
    cr_assert_eq(q, -INT64_MAX);
    cr_assert_eq(validate_int("-99999999999999999999", "n", INT64_MIN, 0, &q, &err),
                 ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "n \"-99999999999999999999\" is out of range");
}

/* ---- dates ---- */

static int32_t d;

Test(validate, an_eta_is_a_real_calendar_date)
{
    cr_assert_eq(validate_eta("2027-02-30", &d, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "eta \"2027-02-30\" is not a calendar date (YYYY-MM-DD)");
    cr_assert_eq(validate_eta("2024-02-29", &d, &err), ALLOT_OK, "2024 is a leap year");
    cr_assert_eq(validate_eta("2023-02-29", &d, &err), ALLOT_EINVALID);
    cr_assert_eq(validate_eta("2000-02-29", &d, &err), ALLOT_OK, "2000 is a leap year");
    cr_assert_eq(validate_eta("2100-02-29", &d, &err), ALLOT_EINVALID, "2100 is not");
    cr_assert_eq(validate_eta("2027-04-31", &d, &err), ALLOT_EINVALID);
    cr_assert_eq(validate_eta("2027-13-01", &d, &err), ALLOT_EINVALID);
    cr_assert_eq(validate_eta("2027-00-10", &d, &err), ALLOT_EINVALID);
    cr_assert_eq(validate_eta("2027-01-00", &d, &err), ALLOT_EINVALID);
    cr_assert_eq(validate_eta("0000-01-01", &d, &err), ALLOT_EINVALID);
    cr_assert_eq(validate_eta("2027-12-31", &d, &err), ALLOT_OK);
}

Test(validate, an_eta_in_another_shape_is_refused)
{
    const char *bad[] = {"03/04/2027", "2027-1-05", "27-01-05", "2027/01/05", "2027-01-05T00",
                         "tomorrow", "20270105", "2027-01-0x", "--"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(validate_eta(bad[i], &d, &err), ALLOT_EINVALID, "%s", bad[i]);
        cr_assert(strstr(err.msg, "(YYYY-MM-DD)"), "%s", err.msg);
    }
    cr_assert_eq(validate_eta("03/04/2027", &d, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "eta \"03/04/2027\" is not a date (YYYY-MM-DD)");
}

Test(validate, a_dash_or_an_empty_eta_means_in_the_warehouse)
{
    const char *none[] = {"-", "", "  ", " - ", NULL};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        d = 0;
        cr_assert_eq(validate_eta(none[i], &d, &err), ALLOT_OK, "case %zu", i);
        cr_assert_eq(d, ALLOT_NO_ETA, "case %zu", i);
    }
}

Test(validate, dates_count_days_since_1970)
{
    cr_assert_eq(validate_eta("1970-01-01", &d, &err), ALLOT_OK);
    cr_assert_eq(d, 0);
    cr_assert_eq(validate_eta(" 2026-11-29 ", &d, &err), ALLOT_OK);
    cr_assert_eq(d, 20786);
    cr_assert_eq(validate_eta("2024-02-29", &d, &err), ALLOT_OK);
    cr_assert_eq(d, 19782);
    cr_assert_eq(validate_eta("0001-01-01", &d, &err), ALLOT_OK);
    cr_assert_eq(d, -719162);
    cr_assert_eq(validate_eta("9999-12-31", &d, &err), ALLOT_OK);
    cr_assert_eq(d, 2932896);
}

Test(validate, every_date_from_year_1_to_9999_round_trips)
{
    char text[ALLOT_DATE_TEXT];
    int32_t prev = 0;
    bool first = true;
    for (int y = 1; y <= 9999; y++)
        for (int m = 1; m <= 12; m++)
            for (int dd = 1; dd <= 31; dd++) {
                int32_t days;
                if (!date_from_ymd(y, m, dd, &days))
                    continue;
                if (!first && days != prev + 1)
                    cr_assert_fail("%04d-%02d-%02d is day %d, after %d", y, m, dd, days, prev);
                first = false;
                prev = days;
                int yy, mm, d2;
                date_to_ymd(days, &yy, &mm, &d2);
                if (yy != y || mm != m || d2 != dd)
                    cr_assert_fail("%04d-%02d-%02d came back as %04d-%02d-%02d", y, m, dd, yy, mm, d2);
                date_format(days, text);
                int32_t again;
                if (validate_eta(text, &again, &err) != ALLOT_OK || again != days)
                    cr_assert_fail("%s does not parse back to %d", text, days);
            }
    cr_assert_eq(prev, 2932896);
}

Test(validate, date_format_writes_a_dash_for_no_eta)
{
    char text[ALLOT_DATE_TEXT];
    cr_assert_str_eq(date_format(ALLOT_NO_ETA, text), "-");
    cr_assert_str_eq(date_format(0, text), "1970-01-01");
    cr_assert_str_eq(date_format(-1, text), "1969-12-31");
}

Test(validate, a_unix_time_maps_to_its_utc_day)
{
    cr_assert_eq(date_from_unix(0), 0);
    cr_assert_eq(date_from_unix(86399), 0);
    cr_assert_eq(date_from_unix(86400), 1);
    cr_assert_eq(date_from_unix(-1), -1);
    cr_assert_eq(date_from_unix(-86400), -1);
    cr_assert_eq(date_from_unix(-86401), -2);
    cr_assert_eq(date_from_unix(INT64_C(1795910400)), 20786); /* 2026-11-29T00:00:00Z */
}
