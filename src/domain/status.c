#include "domain/status.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain/utf8.h"

static const char *const status_names[] = {
#define ALLOT_STATUS_NAME(name, msg) #name,
    ALLOT_STATUS_MAP(ALLOT_STATUS_NAME)
#undef ALLOT_STATUS_NAME
};

static const char *const status_messages[] = {
#define ALLOT_STATUS_MSG(name, msg) msg,
    ALLOT_STATUS_MAP(ALLOT_STATUS_MSG)
#undef ALLOT_STATUS_MSG
};

const char *allot_status_name(AllotStatus s)
{
    if ((unsigned)s >= ALLOT_STATUS_COUNT)
        return "EUNKNOWN";
    return status_names[s];
}

const char *allot_status_message(AllotStatus s)
{
    if ((unsigned)s >= ALLOT_STATUS_COUNT)
        return "unknown error";
    return status_messages[s];
}

AllotStatus err_set(ErrBuf *err, AllotStatus s, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        unsigned char *m = (unsigned char *)err->msg;
        for (size_t i = 0; m[i]; i++) {
            if ((m[i] < 0x20 && m[i] != '\n') || m[i] == 0x7F)
                m[i] = '?';
            else if (m[i] == 0xC2 && m[i + 1] >= 0x80 && m[i + 1] <= 0x9F)
                m[i] = '?', m[i + 1] = '?';
        }
    }
    return s;
}

const char *err_value(const char *s, size_t len, char *buf, size_t size)
{
    return err_value_max(s, len, ERR_VALUE_CHARS, buf, size);
}

const char *err_value_max(const char *s, size_t len, int chars_max, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    if (!s)
        len = 0;
    size_t o = 0, i = 0;
    int chars = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_decode((const char *)u + i, len - i, &cp);
        char shown[ERR_VALUE_CHAR_MAX + 1];
        const char *w = (const char *)u + i;
        size_t wn = n;
        if (n == 0) {
            w = "?";
            wn = 1;
        } else if (utf8_is_control(cp) || utf8_is_format(cp) || utf8_is_other_space(cp) ||
                   (i == 0 && utf8_is_mark(cp))) {
            wn = (size_t)snprintf(shown, sizeof shown, "<U+%04X>", (unsigned)cp);
            w = shown;
        }
        if (chars == chars_max) {
            if (o + 4 > size)
                break;
            memcpy(buf + o, "\xe2\x80\xa6", 3); /* … */
            o += 3;
            break;
        }
        if (o + wn + 1 > size)
            break;
        memcpy(buf + o, w, wn);
        o += wn;
        i += n ? n : 1;
        chars++;
    }
    buf[o] = '\0';
    return buf;
}

const char *err_value_str(const char *s, char *buf, size_t size)
{
    return err_value(s, s ? strlen(s) : 0, buf, size);
}

int allot_status_exit_code(AllotStatus s)
{
    switch (s) {
    case ALLOT_OK:
        return 0;
    case ALLOT_EUSAGE:
        return 2;
    case ALLOT_ESTORAGE:
    case ALLOT_EIO:
    case ALLOT_ECONFLICT:
        return 3;
    default:
        return 1;
    }
}

const char *err_text(const ErrBuf *err, AllotStatus s)
{
    return err && err->msg[0] ? err->msg : allot_status_message(s);
}
