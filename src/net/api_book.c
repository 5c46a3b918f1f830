/* api_book.c — the reference service's routes (SPEC.md §7.1; the book's ch. 4
 * Flask API), answered exactly as the reference answers them. */
#include <stdio.h>
#include <string.h>

#include "app/command_table.h"
#include "app/event_json.h"
#include "net/api.h"
#include "net/api_views.h"
#include "net/request_json.h"
#include "net/server.h"
#include "version.h"

/* Runs the JSON body of the request as bus command `name`; `ok` is the status of
 * success (body "OK"). */
static void run_book_command(const ApiRequest *rq, ApiReply *rep, const char *name, unsigned ok)
{
    const CommandSpec *spec = command_lookup(name);
    JsonCommand jc;
    ErrBuf err = {{0}};
    AllotStatus st = json_command_decode(spec, rq->body, rq->body_len, NULL, &jc, &err);
    if (st != ALLOT_OK) {
        reply_error(rq, rep, 400, st, err.msg);
        json_command_fini(&jc);
        return;
    }
    Worker *w = api_actor(rq, rep, &jc.pc.cmd) ? api_worker(rq, rep) : NULL;
    if (!w) {
        json_command_fini(&jc);
        return;
    }
    CommandResult res;
    command_result_init(&res);
    st = worker_handle(rq->server->workers, w, &jc.pc.cmd, &res, &err);
    if (st == ALLOT_OK) {
        reply_text(rep, ok, "OK");
        rep->command_id = res.command_id;
    } else if (st == ALLOT_EINVALID_SKU) {
        /* The reference's words and status: {"message": "Invalid sku SKU"}, 400. */
        char msg[ALLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "Invalid sku %s", jc.pc.cmd.sku);
        reply_error(rq, rep, 400, st, msg);
    } else {
        reply_storage_error(rq, rep, st, err.msg);
    }
    command_result_fini(&res);
    json_command_fini(&jc);
}

void api_book_add_batch(const ApiRequest *rq, ApiReply *rep)
{
    run_book_command(rq, rep, "add-batch", 201);
}

void api_book_allocate(const ApiRequest *rq, ApiReply *rep)
{
    run_book_command(rq, rep, "allocate", 202);
}

/* [{"sku", "batchref"}] of the order's allocated lines (the reference's view);
 * "not found", 404, when it has none. */
void api_book_allocations(const ApiRequest *rq, ApiReply *rep)
{
    AllotId orderid;
    ErrBuf err = {{0}};
    AllotStatus st = validate_id(rq->params[0], "orderid", orderid, &err);
    if (st != ALLOT_OK) {
        reply_error(rq, rep, 400, st, err.msg);
        return;
    }
    Worker *w = api_worker(rq, rep);
    if (!w)
        return;
    json_t *lines;
    st = api_order_lines(w->views, orderid, &lines, &err);
    if (st != ALLOT_OK) {
        reply_storage_error(rq, rep, st, err.msg);
        return;
    }
    json_t *out = json_array();
    size_t i;
    json_t *line;
    json_array_foreach(lines, i, line) {
        json_t *batchref = json_object_get(line, "batchref");
        if (json_is_null(batchref))
            continue;
        json_t *o = json_object();
        json_object_set(o, "sku", json_object_get(line, "sku"));
        json_object_set(o, "batchref", batchref);
        json_array_append_new(out, o);
    }
    json_decref(lines);
    if (json_array_size(out) == 0) {
        json_decref(out);
        reply_text(rep, 404, "not found");
        return;
    }
    reply_json(rep, 200, out);
}

void api_status(const ApiRequest *rq, ApiReply *rep)
{
    json_t *o = json_object();
    json_object_set_new(o, "service", json_string("allot"));
    json_object_set_new(o, "version", json_string(ALLOT_VERSION));
    json_object_set_new(o, "store", json_text(rq->server->stores->kind));
    const Server *srv = rq->server;
    const NetStats *ns = &srv->stats;
    if (srv->relay || srv->consumer) {
        json_t *redis = json_pack(
            "{s:{s:b, s:I, s:I}, s:{s:b, s:b, s:I, s:I}}", "consumer", "connected",
            atomic_load(&ns->consumer_connected), "messages",
            (json_int_t)atomic_load(&ns->redis_messages), "refused",
            (json_int_t)atomic_load(&ns->redis_bad_messages), "relay", "connected",
            atomic_load(&ns->relay_connected), "leader", atomic_load(&ns->relay_leader),
            "position", (json_int_t)atomic_load(&ns->relay_position), "published",
            (json_int_t)atomic_load(&ns->relay_published));
        json_object_set_new(o, "redis", redis);
    }
    reply_json(rep, 200, o);
}
