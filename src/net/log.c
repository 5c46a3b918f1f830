#include "net/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/status.h"

static const char *const level_names[] = {"error", "warn", "info", "debug"};

bool log_level_parse(const char *text, LogLevel *out)
{
    for (size_t i = 0; text && i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strcmp(text, level_names[i]) == 0) {
            *out = (LogLevel)i;
            return true;
        }
    }
    return false;
}

bool netlog_on(const NetLog *l, LogLevel lv) { return lv <= l->level; }

void netlog(const NetLog *l, LogLevel lv, const char *fmt, ...)
{
    if (!netlog_on(l, lv))
        return;
    char line[ALLOT_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    l->out->log(l->out, line);
}

int64_t log_clock_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const char *log_escape(const char *s, char *buf, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0, room = size - 4;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = c > ' ' && c < 0x7f && c != '"' && c != '\\';
        size_t need = plain ? 1 : 3;
        if (n + need > room) {
            memcpy(buf + n, "...", 4);
            return buf;
        }
        if (plain) {
            buf[n++] = (char)c;
        } else {
            buf[n++] = '%';
            buf[n++] = hex[c >> 4];
            buf[n++] = hex[c & 15];
        }
    }
    buf[n] = '\0';
    return buf;
}
