#include "domain/validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>

#include "domain/utf8.h"

static bool is_space(char c) { return c == ' ' || c == '\t'; }

static void trim_span(const char *text, const char **start, size_t *len)
{
    const char *s = text;
    while (is_space(*s))
        s++;
    const char *e = s + strlen(s);
    while (e > s && is_space(e[-1]))
        e--;
    *start = s;
    *len = (size_t)(e - s);
}

/* "FIELD "first 20 bytes…" is longer than 64 bytes", never cutting a UTF-8 sequence. */
static AllotStatus id_too_long(const char *s, const char *field, ErrBuf *err)
{
    char vb[ERR_VALUE_SIZE];
    int cut = 20;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return err_set(err, ALLOT_EINVALID, "%s \"%s…\" is longer than %d bytes", field,
                   err_value(s, (size_t)cut, vb, sizeof vb), ALLOT_ID_MAX);
}

AllotStatus validate_id(const char *text, const char *field, AllotId out, ErrBuf *err)
{
    const char *s;
    size_t len;
    trim_span(text ? text : "", &s, &len);
    if (len == 0)
        return err_set(err, ALLOT_EINVALID, "%s is empty", field);
    /* the limit holds for the normal form (below); longer text cannot reach it */
    if (len > 3 * ALLOT_ID_MAX)
        return id_too_long(s, field, err);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return err_set(err, ALLOT_EINVALID, "%s is not valid UTF-8 (byte %zu)", field, i + 1);
        if (utf8_is_control(cp))
            return err_set(err, ALLOT_EINVALID, "%s contains a control character U+%04X (byte %zu)",
                           field, (unsigned)cp, i + 1);
        if (utf8_is_format(cp))
            return err_set(err, ALLOT_EINVALID,
                           "%s contains an invisible format character U+%04X (byte %zu)", field,
                           (unsigned)cp, i + 1);
        /* a no-break or other wide space looks like the plain one (or like
         * nothing at the end) */
        if (i == 0 && utf8_is_mark(cp))
            return err_set(err, ALLOT_EINVALID,
                           "%s begins with the combining mark U+%04X, which has no letter to "
                           "sit on", field, (unsigned)cp);
        if (utf8_is_other_space(cp))
            return err_set(err, ALLOT_EINVALID,
                           "%s contains the space character U+%04X (byte %zu): only the plain "
                           "space U+0020 may be inside an id", field, (unsigned)cp, i + 1);
        i += n;
    }
    /* One spelling per id: "ö" typed as o + U+0308 is the same id as "ö" (NFC) */
    uint8_t buf[4 * ALLOT_ID_MAX];
    size_t nlen = sizeof buf;
    uint8_t *nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, buf, &nlen);
    if (!nfc)
        return err_set(err, ALLOT_EINVALID, "%s could not be put in Unicode normal form C: %s",
                       field, strerror(errno));
    AllotStatus r = ALLOT_OK;
    if (nlen > ALLOT_ID_MAX) {
        r = id_too_long(s, field, err);
    } else {
        memcpy(out, nfc, nlen);
        out[nlen] = '\0';
    }
    if (nfc != buf)
        free(nfc);
    return r;
}

AllotStatus validate_int(const char *text, const char *field, int64_t min, int64_t max,
                         int64_t *out, ErrBuf *err)
{
    const char *s;
    size_t len;
    char vb[ERR_VALUE_SIZE];
    trim_span(text ? text : "", &s, &len);
    if (len == 0)
        return err_set(err, ALLOT_EINVALID, "%s is empty", field);
    size_t i = 0;
    bool neg = false;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len)
        return err_set(err, ALLOT_EINVALID, "%s \"%s\" is not a whole number", field,
                       err_value(s, len, vb, sizeof vb));
    int64_t v = 0;
    bool overflow = false;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return err_set(err, ALLOT_EINVALID, "%s \"%s\" is not a whole number", field,
                           err_value(s, len, vb, sizeof vb));
        if (v > (INT64_MAX - (s[i] - '0')) / 10)
            overflow = true;
        else
            v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (overflow || v < min || v > max) {
        if (min == 0 || min == 1)
            return err_set(err, ALLOT_EINVALID, "%s \"%s\" must be between %lld and %lld",
                           field, err_value(s, len, vb, sizeof vb), (long long)min,
                           (long long)max);
        return err_set(err, ALLOT_EINVALID, "%s \"%s\" is out of range", field,
                       err_value(s, len, vb, sizeof vb));
    }
    *out = v;
    return ALLOT_OK;
}

AllotStatus validate_line_qty(const char *text, int64_t *out, ErrBuf *err)
{
    return validate_int(text, "qty", 1, ALLOT_QTY_MAX, out, err);
}

AllotStatus validate_batch_qty(const char *text, int64_t *out, ErrBuf *err)
{
    return validate_int(text, "qty", 0, ALLOT_QTY_MAX, out, err);
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Days from civil, after the well-known era-based algorithm (H. Hinnant). */
bool date_from_ymd(int y, int m, int d, int32_t *days)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return false;
    y -= m <= 2;
    const int era = y / 400; /* y >= 0 here */
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    *days = (int32_t)(era * 146097 + doe - 719468);
    return true;
}

void date_to_ymd(int32_t days, int *year, int *month, int *day)
{
    int64_t z = (int64_t)days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

char *date_format(int32_t days, char out[ALLOT_DATE_TEXT])
{
    if (days == ALLOT_NO_ETA) {
        out[0] = '-';
        out[1] = '\0';
        return out;
    }
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    /* y is 1..9999 for every date that validate_eta accepts; clamp the rest. */
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    m = m < 1 ? 1 : m > 12 ? 12 : m;
    d = d < 1 ? 1 : d > 31 ? 31 : d;
    snprintf(out, ALLOT_DATE_TEXT, "%04d-%02d-%02d", y, m, d);
    return out;
}

int32_t date_from_unix(int64_t seconds)
{
    int64_t d = seconds / 86400;
    if (seconds % 86400 < 0)
        d--;
    return (int32_t)d;
}

AllotStatus validate_date(const char *text, const char *field, int32_t *out, ErrBuf *err)
{
    const char *s;
    size_t len;
    char vb[ERR_VALUE_SIZE];
    trim_span(text ? text : "", &s, &len);
    if (len == 0 || (len == 1 && s[0] == '-')) {
        *out = ALLOT_NO_ETA;
        return ALLOT_OK;
    }
    bool shape = len == 10 && s[4] == '-' && s[7] == '-';
    for (size_t i = 0; shape && i < len; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            shape = false;
    if (!shape)
        return err_set(err, ALLOT_EINVALID, "%s \"%s\" is not a date (YYYY-MM-DD)", field,
                       err_value(s, len, vb, sizeof vb));
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (!date_from_ymd(y, m, d, out))
        return err_set(err, ALLOT_EINVALID, "%s \"%s\" is not a calendar date (YYYY-MM-DD)",
                       field, err_value(s, len, vb, sizeof vb));
    return ALLOT_OK;
}

AllotStatus validate_eta(const char *text, int32_t *out, ErrBuf *err)
{
    return validate_date(text, "eta", out, err);
}
