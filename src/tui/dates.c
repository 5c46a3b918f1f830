/* dates.c — typed dates, absolute and relative (dates.h). */
#include "tui/dates.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/validate.h"

enum { MAX_DAYS = 3650 };

bool tui_date_read(const char *text, int32_t today, bool none_ok, TuiDateKind *kind,
                   int32_t *days, char *why, size_t size)
{
    char t[64];
    while (*text == ' ' || *text == '\t')
        text++;
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        n--;
    if (n >= sizeof t) {
        snprintf(why, size, "date \"%.20s…\" is too long", text);
        return false;
    }
    memcpy(t, text, n);
    t[n] = 0;
    static const struct {
        const char *word;
        int offset;
    } words[] = {{"today", 0}, {"tomorrow", 1}, {"yesterday", -1}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp(t, words[i].word) == 0) {
            *kind = TUI_DATE_ABSOLUTE;
            *days = today + words[i].offset;
            return true;
        }
    if (strcmp(t, "-") == 0 && none_ok) {
        *kind = TUI_DATE_NONE;
        *days = ALLOT_NO_ETA;
        return true;
    }
    /* +N, -N, N, each with an optional d */
    const char *p = t;
    bool sign = *p == '+' || *p == '-';
    if (sign)
        p++;
    size_t digits = strspn(p, "0123456789");
    if (digits && digits <= 4 && (p[digits] == 0 || ((p[digits] == 'd' || p[digits] == 'D') &&
                                                     p[digits + 1] == 0))) {
        long v = strtol(p, NULL, 10);
        if (v > MAX_DAYS) {
            snprintf(why, size, "\"%s\": at most %d days", t, MAX_DAYS);
            return false;
        }
        *kind = TUI_DATE_RELATIVE;
        *days = (int32_t)(t[0] == '-' ? -v : v);
        return true;
    }
    int32_t d;
    ErrBuf err = {{0}};
    if (t[0] && isdigit((unsigned char)t[0]) && validate_eta(t, &d, &err) == ALLOT_OK &&
        d != ALLOT_NO_ETA) {
        *kind = TUI_DATE_ABSOLUTE;
        *days = d;
        return true;
    }
    snprintf(why, size, "\"%s\" is not a date: YYYY-MM-DD, today, tomorrow, +7d, -3d%s", t,
             none_ok ? ", - (in the warehouse)" : "");
    return false;
}

bool tui_date_resolve(const char *text, int32_t today, int32_t from, bool none_ok, int32_t *out,
                      char *why, size_t size)
{
    TuiDateKind kind;
    int32_t days;
    if (!tui_date_read(text, today, none_ok, &kind, &days, why, size))
        return false;
    if (kind == TUI_DATE_RELATIVE)
        days += from == ALLOT_NO_ETA ? today : from;
    if (kind != TUI_DATE_NONE) {
        int y, m, d;
        date_to_ymd(days, &y, &m, &d);
        if (y < 1 || y > 9999) {
            snprintf(why, size, "\"%s\" leaves the calendar", text);
            return false;
        }
    }
    *out = days;
    return true;
}
