#include "app/event_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/validate.h"
#include "domain/xalloc.h"

static json_t *must(json_t *v)
{
    if (!v) {
        fprintf(stderr, "allot: out of memory\n");
        abort();
    }
    return v;
}

json_t *json_text(const char *s)
{
    json_t *v = json_string(s ? s : "");
    if (v)
        return v;
    /* Not valid UTF-8: every byte outside ASCII becomes '?'. */
    char *copy = xstrdup(s);
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    v = must(json_string(copy));
    free(copy);
    return v;
}

char *json_compact(const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s) {
        fprintf(stderr, "allot: out of memory\n");
        abort();
    }
    return s;
}

static void put(json_t *o, const char *key, json_t *v) { json_object_set_new_nocheck(o, key, must(v)); }

/* An id: its text, or null when empty (a cancelled backorder's batchref). */
static void put_id(json_t *o, const char *key, const char *v)
{
    put(o, key, v && v[0] ? json_text(v) : json_null());
}

static void put_date(json_t *o, const char *key, int32_t d)
{
    char t[ALLOT_DATE_TEXT];
    put(o, key, d == ALLOT_NO_ETA ? json_null() : json_string(date_format(d, t)));
}

json_t *event_json_object(const Event *ev, int64_t id, int64_t at)
{
    json_t *o = must(json_object());
    put(o, "id", id > 0 ? json_integer(id) : json_null());
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    put(o, "at", json_string(when));
    put(o, "type", json_string(event_type_name(ev->type)));
    switch (ev->type) {
    case EV_ALLOCATED:
    case EV_DEALLOCATED:
    case EV_ORDER_LINE_CANCELLED:
    case EV_OUT_OF_STOCK:
    case EV_REALLOCATED:
    case EV_LINE_REMOVED:
    case EV_LINE_RESTORED:
        put_id(o, "orderid", ev->orderid);
        put_id(o, "sku", ev->sku);
        put(o, "qty", json_integer(ev->qty));
        if (ev->type == EV_REALLOCATED) {
            put_id(o, "from", ev->batchref);
            put_id(o, "to", ev->to);
        } else if (ev->type != EV_OUT_OF_STOCK) {
            put_id(o, "batchref", ev->batchref);
        }
        put_date(o, "need", ev->need);
        break;
    case EV_BATCH_CREATED:
    case EV_BATCH_REMOVED:
        put_id(o, "ref", ev->batchref);
        put_id(o, "sku", ev->sku);
        put(o, "qty", json_integer(ev->qty));
        put_date(o, "eta", ev->eta);
        break;
    case EV_BATCH_QTY_CHANGED:
        put_id(o, "ref", ev->batchref);
        put(o, "old", json_integer(ev->old_qty));
        put(o, "new", json_integer(ev->new_qty));
        break;
    case EV_BATCH_ETA_CHANGED:
        put_id(o, "ref", ev->batchref);
        put_date(o, "old", ev->old_eta);
        put_date(o, "new", ev->new_eta);
        break;
    default:
        break;
    }
    put(o, "command_id", ev->command_id > 0 ? json_integer(ev->command_id) : json_null());
    put_id(o, "actor", ev->actor);
    if (ev->undoes > 0)
        put(o, "undoes", json_integer(ev->undoes));
    return o;
}

char *event_json_text(const Event *ev, int64_t id, int64_t at)
{
    json_t *o = event_json_object(ev, id, at);
    char *s = json_compact(o);
    json_decref(o);
    return s;
}
