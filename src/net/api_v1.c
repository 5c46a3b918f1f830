/* api_v1.c — allot's own API (SPEC.md §7.1 "Beyond it"): every bus command of the
 * command table, the read model, the event log.  Shapes in docs/api.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/atp_query.h"
#include "app/command_table.h"
#include "app/event_json.h"
#include "domain/xalloc.h"
#include "net/api.h"
#include "net/api_views.h"
#include "net/request_json.h"
#include "net/server.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000
#define EVENTS_DEFAULT 1000
#define EVENTS_MAX 10000

/* ---- commands ---- */

static void run_command(const ApiRequest *rq, ApiReply *rep, const CommandSpec *spec);

/* "add-batch, allocate, ..." : the bus commands of the table. */
static void bus_command_names(char *buf, size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < command_table_count(); i++) {
        const CommandSpec *s = command_table_at(i);
        if (command_is_bus(s) && off < size)
            off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? ", " : "", s->name);
    }
}

void api_v1_command(const ApiRequest *rq, ApiReply *rep)
{
    const CommandSpec *spec = command_lookup(rq->params[0]);
    if (!spec || !command_is_bus(spec)) {
        char names[256], vb[ERR_VALUE_SIZE], msg[ALLOT_ERR_MAX];
        bus_command_names(names, sizeof names);
        snprintf(msg, sizeof msg, "no command \"%s\" (commands: %s)",
                 err_value_str(rq->params[0], vb, sizeof vb), names);
        reply_error_named(rq, rep, 404, "unknown_command", msg);
        return;
    }
    run_command(rq, rep, spec);
}

/* The JSON body as the arguments of `spec`, run through the bus; answers what the
 * command did: {"command", "batchref" (allocate), "undone" (undo), "events"}. */
static void run_command(const ApiRequest *rq, ApiReply *rep, const CommandSpec *spec)
{
    JsonCommand jc;
    ErrBuf err = {{0}};
    AllotStatus st = json_command_decode(spec, rq->body, rq->body_len, NULL, &jc, &err);
    if (st != ALLOT_OK) {
        reply_error(rq, rep, 400, st, err.msg);
        json_command_fini(&jc);
        return;
    }
    if (spec->tool == TOOL_UNDO)
        jc.pc.cmd = command_undo(jc.pc.values[0] ? jc.pc.nums[0] : 0);
    Worker *w = api_actor(rq, rep, &jc.pc.cmd) ? api_worker(rq, rep) : NULL;
    if (!w) {
        json_command_fini(&jc);
        return;
    }
    CommandResult res;
    command_result_init(&res);
    st = worker_handle(rq->server->workers, w, &jc.pc.cmd, &res, &err);
    if (st == ALLOT_OK) {
        json_t *o = json_object();
        json_object_set_new(o, "command", json_string(spec->name));
        if (jc.pc.cmd.type == CMD_ALLOCATE)
            json_object_set_new(o, "batchref",
                                res.batchref[0] ? json_text(res.batchref) : json_null());
        if (jc.pc.cmd.type == CMD_UNDO)
            json_object_set_new(o, "undone", json_integer(res.undone));
        json_t *events = json_array();
        Clock *clock = rq->server->stores->clock;
        int64_t now = clock->now(clock);
        for (size_t i = 0; i < res.events.len; i++)
            json_array_append_new(events, event_json_object(&res.events.items[i], 0, now));
        json_object_set_new(o, "events", events);
        reply_json(rep, 200, o);
        rep->command_id = res.command_id;
    } else {
        reply_storage_error(rq, rep, st, err.msg);
    }
    command_result_fini(&res);
    json_command_fini(&jc);
}

void api_v1_undo(const ApiRequest *rq, ApiReply *rep)
{
    run_command(rq, rep, command_lookup("undo"));
}

/* ---- read model ---- */

/* The page size of `limit` (1..PAGE_MAX); false after answering 400. */
static bool page_limit(const ApiRequest *rq, ApiReply *rep, size_t *limit)
{
    int64_t v;
    ErrBuf err = {{0}};
    if (api_query_int(rq, "limit", 1, PAGE_MAX, PAGE_DEFAULT, &v, &err) != ALLOT_OK) {
        reply_error(rq, rep, 400, ALLOT_EINVALID, err.msg);
        return false;
    }
    *limit = (size_t)v;
    return true;
}

/* An identifier of the path or query (`field` names it); false after a 400. */
static bool id_arg(const ApiRequest *rq, ApiReply *rep, const char *text, const char *field,
                   AllotId out)
{
    ErrBuf err = {{0}};
    if (validate_id(text, field, out, &err) == ALLOT_OK)
        return true;
    reply_error(rq, rep, 400, ALLOT_EINVALID, err.msg);
    return false;
}

/* {"items": [...], "next": CURSOR or null} */
static json_t *page_json(json_t *items, json_t *next)
{
    json_t *o = json_object();
    json_object_set_new(o, "items", items);
    json_object_set_new(o, "next", next ? next : json_null());
    return o;
}

void api_v1_products(const ApiRequest *rq, ApiReply *rep)
{
    size_t limit;
    if (!page_limit(rq, rep, &limit))
        return;
    const char *after = rq->query(rq, "after"), *bo = rq->query(rq, "backordered");
    ProductRow anchor;
    memset(&anchor, 0, sizeof anchor);
    if (after && !id_arg(rq, rep, after, "after", anchor.sku))
        return;
    if (bo && strcmp(bo, "true") != 0 && strcmp(bo, "false") != 0) {
        reply_error(rq, rep, 400, ALLOT_EINVALID, "backordered must be true or false");
        return;
    }
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    ProductRow *rows = xreallocarray(NULL, limit, sizeof *rows);
    ViewPage page = {.limit = limit};
    size_t n = 0;
    ErrBuf err = {{0}};
    AllotStatus st = views_products(w->views, bo && strcmp(bo, "true") == 0, &page,
                                    after ? &anchor : NULL, rows, &n, &err);
    if (st == ALLOT_OK) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, api_product_json(&rows[i]));
        reply_json(rep, 200, page_json(items, n == limit ? json_text(rows[n - 1].sku) : NULL));
    } else {
        reply_storage_error(rq, rep, st, err.msg);
    }
    free(rows);
}

#define BATCH_PAGE 256

void api_v1_product_batches(const ApiRequest *rq, ApiReply *rep)
{
    AllotId sku;
    if (!id_arg(rq, rep, rq->params[0], "sku", sku))
        return;
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    BatchRow *rows = xreallocarray(NULL, BATCH_PAGE, sizeof *rows);
    ViewPage page = {.limit = BATCH_PAGE};
    json_t *items = json_array();
    BatchRow anchor;
    bool have = false;
    ErrBuf err = {{0}};
    AllotStatus st;
    for (;;) {
        size_t n = 0;
        st = views_batches(w->views, sku, BATCH_ORDER_PREFERENCE, &page, have ? &anchor : NULL,
                           rows, &n, &err);
        if (st != ALLOT_OK)
            break;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, api_batch_json(&rows[i]));
        if (n < BATCH_PAGE)
            break;
        anchor = rows[n - 1];
        have = true;
    }
    free(rows);
    if (st != ALLOT_OK) {
        json_decref(items);
        reply_storage_error(rq, rep, st, err.msg);
    } else if (json_array_size(items) == 0) {
        /* Every product has a batch: none means no such SKU (the CLI's words). */
        json_decref(items);
        char msg[ALLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "invalid sku %s", sku);
        reply_error(rq, rep, 404, ALLOT_EINVALID_SKU, msg);
    } else {
        json_t *o = json_object();
        json_object_set_new(o, "sku", json_text(sku));
        json_object_set_new(o, "batches", items);
        reply_json(rep, 200, o);
    }
}

/* ---- available to promise (SPEC.md §1.5) ---- */

typedef struct AtpCtx {
    const char *sku;
    int64_t qty;   /* promise */
    int32_t today;
    AtpTimeline timeline;
    Promise promise;
} AtpCtx;

static AllotStatus run_atp(Worker *writer, void *ctx, ErrBuf *err)
{
    AtpCtx *a = ctx;
    return query_atp(writer->uow, a->sku, a->today, &a->timeline, err);
}

static AllotStatus run_promise(Worker *writer, void *ctx, ErrBuf *err)
{
    AtpCtx *a = ctx;
    return query_promise(writer->uow, a->sku, a->qty, a->today, &a->promise, err);
}

static json_t *date_or_null(int32_t d)
{
    char t[ALLOT_DATE_TEXT];
    return d == ALLOT_NO_DATE ? json_null() : json_string(date_format(d, t));
}

static json_t *id_or_null(const char *s) { return s[0] ? json_text(s) : json_null(); }

static int32_t today_of(const ApiRequest *rq)
{
    Clock *c = rq->server->stores->clock;
    return date_from_unix(c->now(c));
}

void api_v1_atp(const ApiRequest *rq, ApiReply *rep)
{
    AllotId sku;
    if (!id_arg(rq, rep, rq->params[0], "sku", sku))
        return;
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    AtpCtx a = {.sku = sku, .today = today_of(rq)};
    ErrBuf err = {{0}};
    AllotStatus st = worker_run(rq->server->workers, w, run_atp, &a, &err);
    if (st != ALLOT_OK) {
        reply_storage_error(rq, rep, st, err.msg);
        return;
    }
    json_t *rows = json_array();
    for (size_t i = 0; i < a.timeline.nrows; i++) {
        const AtpRow *r = &a.timeline.rows[i];
        json_array_append_new(
            rows, json_pack("{s:o, s:I, s:o, s:I, s:I, s:I, s:I}", "date", date_or_null(r->date),
                            "batches", (json_int_t)r->nbatches, "first_ref", id_or_null(r->first_ref),
                            "arriving", (json_int_t)r->arriving, "allocated",
                            (json_int_t)r->allocated, "free", (json_int_t)r->free, "projected",
                            (json_int_t)r->projected));
    }
    json_t *o = json_pack("{s:o, s:o, s:o, s:I, s:I}", "sku", json_text(sku), "today",
                          date_or_null(a.today), "timeline", rows, "backorder_lines",
                          (json_int_t)a.timeline.backorder_lines, "backorder_qty",
                          (json_int_t)a.timeline.backorder_qty);
    atp_fini(&a.timeline);
    reply_json(rep, 200, o);
}

void api_v1_promise(const ApiRequest *rq, ApiReply *rep)
{
    AllotId sku;
    if (!id_arg(rq, rep, rq->params[0], "sku", sku))
        return;
    const char *qty = rq->query(rq, "qty");
    AtpCtx a = {.sku = sku, .today = today_of(rq)};
    ErrBuf err = {{0}};
    if (!qty) {
        reply_error(rq, rep, 400, ALLOT_EINVALID, "promise: missing qty (?qty=N)");
        return;
    }
    if (validate_line_qty(qty, &a.qty, &err) != ALLOT_OK) {
        char msg[ALLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "promise: %.480s", err.msg);
        reply_error(rq, rep, 400, ALLOT_EINVALID, msg);
        return;
    }
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    AllotStatus st = worker_run(rq->server->workers, w, run_promise, &a, &err);
    if (st != ALLOT_OK) {
        reply_storage_error(rq, rep, st, err.msg);
        return;
    }
    const Promise *p = &a.promise;
    reply_json(rep, 200,
               json_pack("{s:o, s:I, s:o, s:o, s:o, s:o, s:I}", "sku", json_text(sku), "qty",
                         (json_int_t)a.qty, "batchref", id_or_null(p->batchref), "promised",
                         date_or_null(p->promised), "could_ref", id_or_null(p->could_ref),
                         "could_date", date_or_null(p->could_date), "could_free",
                         (json_int_t)p->could_free));
}

/* A cursor of a line list (the row's seq or key, a whole number); false after 400. */
static bool cursor_arg(const ApiRequest *rq, ApiReply *rep, int64_t *out, bool *given)
{
    ErrBuf err = {{0}};
    const char *v = rq->query(rq, "after");
    *given = v != NULL;
    if (!v)
        return true;
    if (validate_int(v, "after", 0, INT64_MAX, out, &err) == ALLOT_OK)
        return true;
    reply_error(rq, rep, 400, ALLOT_EINVALID, err.msg);
    return false;
}

static json_t *cursor_json(int64_t v)
{
    char t[24];
    snprintf(t, sizeof t, "%lld", (long long)v);
    return json_string(t);
}

void api_v1_batch_lines(const ApiRequest *rq, ApiReply *rep)
{
    AllotId ref;
    size_t limit;
    int64_t after = 0;
    bool has_after;
    if (!id_arg(rq, rep, rq->params[0], "ref", ref) || !page_limit(rq, rep, &limit) ||
        !cursor_arg(rq, rep, &after, &has_after))
        return;
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    ErrBuf err = {{0}};
    AllotId found[1];
    size_t nfound = 0;
    AllotStatus st = views_complete(w->views, COMPLETE_REF, ref, 1, found, &nfound, &err);
    if (st != ALLOT_OK) {
        reply_storage_error(rq, rep, st, err.msg);
        return;
    }
    if (nfound == 0 || strcmp(found[0], ref) != 0) {
        char msg[ALLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "unknown batch reference %s", ref);
        reply_error(rq, rep, 404, ALLOT_EUNKNOWN_BATCH, msg);
        return;
    }
    LineRow *rows = xreallocarray(NULL, limit, sizeof *rows);
    ViewPage page = {.limit = limit};
    LineRow anchor = {.seq = (uint64_t)after};
    size_t n = 0;
    st = views_batch_lines(w->views, ref, &page, has_after ? &anchor : NULL, rows, &n, &err);
    if (st == ALLOT_OK) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, api_line_json(&rows[i]));
        json_t *o = page_json(items, n == limit ? cursor_json((int64_t)rows[n - 1].seq) : NULL);
        json_object_set_new(o, "ref", json_text(ref));
        reply_json(rep, 200, o);
    } else {
        reply_storage_error(rq, rep, st, err.msg);
    }
    free(rows);
}

void api_v1_order(const ApiRequest *rq, ApiReply *rep)
{
    AllotId orderid;
    if (!id_arg(rq, rep, rq->params[0], "orderid", orderid))
        return;
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    json_t *lines;
    ErrBuf err = {{0}};
    AllotStatus st = api_order_lines(w->views, orderid, &lines, &err);
    if (st != ALLOT_OK) {
        reply_storage_error(rq, rep, st, err.msg);
        return;
    }
    if (json_array_size(lines) == 0) {
        json_decref(lines);
        char msg[ALLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "unknown order %s", orderid);
        reply_error_named(rq, rep, 404, "unknown_order", msg);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "orderid", json_text(orderid));
    json_object_set_new(o, "lines", lines);
    reply_json(rep, 200, o);
}

#define HISTORY_PAGE 256

void api_v1_line_history(const ApiRequest *rq, ApiReply *rep)
{
    AllotId orderid, sku;
    if (!id_arg(rq, rep, rq->params[0], "orderid", orderid) ||
        !id_arg(rq, rep, rq->params[1], "sku", sku))
        return;
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    EventRow *rows = xreallocarray(NULL, HISTORY_PAGE, sizeof *rows);
    ViewPage page = {.limit = HISTORY_PAGE};
    json_t *list = json_array();
    int64_t after = 0;
    ErrBuf err = {{0}};
    AllotStatus st;
    for (;;) {
        size_t n = 0;
        st = views_line_history(w->views, orderid, sku, after, &page, rows, &n, &err);
        if (st != ALLOT_OK)
            break;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, event_json_object(&rows[i].ev, rows[i].id, rows[i].at));
        if (n < HISTORY_PAGE)
            break;
        after = rows[n - 1].id;
    }
    free(rows);
    if (st != ALLOT_OK) {
        json_decref(list);
        reply_storage_error(rq, rep, st, err.msg);
    } else if (json_array_size(list) == 0) {
        json_decref(list);
        char msg[ALLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "unknown order line %s %s", orderid, sku);
        reply_error(rq, rep, 404, ALLOT_EUNKNOWN_LINE, msg);
    } else {
        json_t *o = json_object();
        json_object_set_new(o, "orderid", json_text(orderid));
        json_object_set_new(o, "sku", json_text(sku));
        json_object_set_new(o, "events", list);
        reply_json(rep, 200, o);
    }
}

void api_v1_backorders(const ApiRequest *rq, ApiReply *rep)
{
    AllotId sku = "";
    size_t limit;
    int64_t after = 0;
    bool has_after;
    const char *sku_arg = rq->query(rq, "sku");
    if ((sku_arg && !id_arg(rq, rep, sku_arg, "sku", sku)) || !page_limit(rq, rep, &limit) ||
        !cursor_arg(rq, rep, &after, &has_after))
        return;
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    LineRow *rows = xreallocarray(NULL, limit, sizeof *rows);
    ViewPage page = {.limit = limit};
    /* views_backorders: of one SKU the anchor is seq, of all SKUs it is key. */
    LineRow anchor = {.seq = (uint64_t)after, .key = after};
    size_t n = 0;
    ErrBuf err = {{0}};
    AllotStatus st = views_backorders(w->views, sku, &page, has_after ? &anchor : NULL, rows, &n,
                                      &err);
    if (st == ALLOT_OK) {
        json_t *items = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(items, api_line_json(&rows[i]));
        json_t *next = NULL;
        if (n == limit)
            next = cursor_json(sku[0] ? (int64_t)rows[n - 1].seq : rows[n - 1].key);
        reply_json(rep, 200, page_json(items, next));
    } else {
        reply_storage_error(rq, rep, st, err.msg);
    }
    free(rows);
}

/* ---- the event log ---- */

/* `since` (an event id, 0 = from the first); false after a 400. */
static bool since_arg(const ApiRequest *rq, ApiReply *rep, int64_t *since)
{
    ErrBuf err = {{0}};
    if (api_query_int(rq, "since", 0, INT64_MAX, 0, since, &err) == ALLOT_OK)
        return true;
    reply_error(rq, rep, 400, ALLOT_EINVALID, err.msg);
    return false;
}

void api_v1_events(const ApiRequest *rq, ApiReply *rep)
{
    int64_t since, limit;
    ErrBuf err = {{0}};
    if (!since_arg(rq, rep, &since))
        return;
    if (api_query_int(rq, "limit", 1, EVENTS_MAX, EVENTS_DEFAULT, &limit, &err) != ALLOT_OK) {
        reply_error(rq, rep, 400, ALLOT_EINVALID, err.msg);
        return;
    }
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    EventRow *rows = xreallocarray(NULL, (size_t)limit, sizeof *rows);
    ViewPage page = {.limit = (size_t)limit};
    size_t n = 0;
    AllotStatus st = views_events(w->views, since, &page, rows, &n, &err);
    if (st == ALLOT_OK) {
        json_t *list = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(list, event_json_object(&rows[i].ev, rows[i].id, rows[i].at));
        reply_json(rep, 200, list);
    } else {
        reply_storage_error(rq, rep, st, err.msg);
    }
    free(rows);
}

void api_v1_event_stream(const ApiRequest *rq, ApiReply *rep)
{
    int64_t since;
    if (!since_arg(rq, rep, &since))
        return;
    /* A reconnecting EventSource sends the id of the last event it got. */
    const char *last = rq->header ? rq->header(rq, "Last-Event-ID") : NULL;
    if (last && !rq->query(rq, "since")) {
        ErrBuf err = {{0}};
        if (validate_int(last, "Last-Event-ID", 0, INT64_MAX, &since, &err) != ALLOT_OK) {
            reply_error(rq, rep, 400, ALLOT_EINVALID, err.msg);
            return;
        }
    }
    rep->status = 200;
    rep->stream = true;
    rep->stream_since = since;
}

void api_event_frames(const EventRow *rows, size_t n, char **buf, size_t *len, size_t *cap)
{
    for (size_t i = 0; i < n; i++) {
        char *json = event_json_text(&rows[i].ev, rows[i].id, rows[i].at);
        char head[96];
        int hl = snprintf(head, sizeof head, "id: %lld\nevent: %s\ndata: ", (long long)rows[i].id,
                          event_type_name(rows[i].ev.type));
        size_t jl = strlen(json), need = *len + (size_t)hl + jl + 3;
        if (need > *cap) {
            *cap = need * 2;
            *buf = xrealloc(*buf, *cap);
        }
        memcpy(*buf + *len, head, (size_t)hl);
        memcpy(*buf + *len + hl, json, jl);
        memcpy(*buf + *len + hl + jl, "\n\n", 2);
        *len += (size_t)hl + jl + 2;
        free(json);
    }
}
