#include "app/event_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "domain/validate.h"

static void put(char *buf, size_t size, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
    if (*off >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *off, size - *off, fmt, ap);
    va_end(ap);
    if (w > 0)
        *off = *off + (size_t)w < size ? *off + (size_t)w : size - 1;
}

void json_put_string(char *buf, size_t size, size_t *off, const char *s)
{
    put(buf, size, off, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            put(buf, size, off, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7F)
            put(buf, size, off, "\\u%04x", *p);
        else
            put(buf, size, off, "%c", *p);
    }
    put(buf, size, off, "\"");
}

static void put_key_string(char *buf, size_t size, size_t *off, const char *key, const char *v)
{
    put(buf, size, off, ",\"%s\":", key);
    if (v && v[0])
        json_put_string(buf, size, off, v);
    else
        put(buf, size, off, "null");
}

static void put_key_date(char *buf, size_t size, size_t *off, const char *key, int32_t d)
{
    char t[ALLOT_DATE_TEXT];
    put(buf, size, off, ",\"%s\":", key);
    if (d == ALLOT_NO_ETA)
        put(buf, size, off, "null");
    else
        put(buf, size, off, "\"%s\"", date_format(d, t));
}

char *event_json(const Event *ev, int64_t id, int64_t at, char *buf, size_t size)
{
    size_t off = 0;
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (id > 0)
        put(buf, size, &off, "{\"id\":%lld", (long long)id);
    else
        put(buf, size, &off, "{\"id\":null");
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    put(buf, size, &off, ",\"at\":\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", tm.tm_year + 1900,
        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    put(buf, size, &off, ",\"type\":\"%s\"", event_type_name(ev->type));
    switch (ev->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
    case EV_ORDER_LINE_CANCELLED:
    case EV_OUT_OF_STOCK:
    case EV_REALLOCATED:
        put_key_string(buf, size, &off, "orderid", ev->orderid);
        put_key_string(buf, size, &off, "sku", ev->sku);
        put(buf, size, &off, ",\"qty\":%lld", (long long)ev->qty);
        if (ev->type == EV_REALLOCATED) {
            put_key_string(buf, size, &off, "from", ev->batchref);
            put_key_string(buf, size, &off, "to", ev->to);
        } else if (ev->type != EV_OUT_OF_STOCK) {
            put_key_string(buf, size, &off, "batchref", ev->batchref);
        }
        put_key_date(buf, size, &off, "need", ev->need);
        break;
    case EV_BATCH_CREATED:
        put_key_string(buf, size, &off, "ref", ev->batchref);
        put_key_string(buf, size, &off, "sku", ev->sku);
        put(buf, size, &off, ",\"qty\":%lld", (long long)ev->qty);
        put_key_date(buf, size, &off, "eta", ev->eta);
        break;
    case EV_BATCH_QTY_CHANGED:
        put_key_string(buf, size, &off, "ref", ev->batchref);
        put(buf, size, &off, ",\"old\":%lld,\"new\":%lld", (long long)ev->old_qty,
            (long long)ev->new_qty);
        break;
    case EV_BATCH_ETA_CHANGED:
        put_key_string(buf, size, &off, "ref", ev->batchref);
        put_key_date(buf, size, &off, "old", ev->old_eta);
        put_key_date(buf, size, &off, "new", ev->new_eta);
        break;
    default:
        break;
    }
    if (ev->command_id > 0)
        put(buf, size, &off, ",\"command_id\":%lld", (long long)ev->command_id);
    else
        put(buf, size, &off, ",\"command_id\":null");
    put_key_string(buf, size, &off, "actor", ev->actor);
    put(buf, size, &off, "}");
    return buf;
}
