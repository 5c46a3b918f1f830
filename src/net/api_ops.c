/* api_ops.c — the routes of operations (docs/operate.md): readiness for a load
 * balancer or systemd, and the metrics page for Prometheus. */
#include <stdio.h>
#include <stdlib.h>

#include "app/event_json.h"
#include "net/api.h"
#include "net/http.h"
#include "net/metrics.h"
#include "net/server.h"

/* 200 {"status": "ok", "store": KIND} when the store answers a fresh connection;
 * else 503 {"status": "unavailable", "store", "error": "storage", "message": WHY};
 * 503 {"status": "stopping", ...} once SIGTERM came. */
void api_healthz(const ApiRequest *rq, ApiReply *rep)
{
    Server *srv = rq->server;
    ServeStores *st = srv->stores;
    json_t *o = json_object();
    unsigned status = 200;
    if (atomic_load(&srv->stopping)) {
        status = 503;
        json_object_set_new(o, "status", json_string("stopping"));
        json_object_set_new(o, "store", json_text(st->kind));
        json_object_set_new(o, "error", json_string("stopping"));
        json_object_set_new(o, "message", json_string("allot serve is stopping"));
    } else {
        ErrBuf err = {{0}};
        AllotStatus s = st->ops->check(st, &err);
        json_object_set_new(o, "status", json_string(s == ALLOT_OK ? "ok" : "unavailable"));
        json_object_set_new(o, "store", json_text(st->kind));
        if (s != ALLOT_OK) {
            char name[48];
            status = 503;
            json_object_set_new(o, "error", json_text(api_status_error(s, name, sizeof name)));
            json_object_set_new(o, "message", json_text(err_text(&err, s)));
        }
    }
    reply_json(rep, status, o);
}

void api_metrics(const ApiRequest *rq, ApiReply *rep)
{
    Server *srv = rq->server;
    MetricsNow now = {0};
    http_load(srv->http, &now.in_flight, &now.streams);
    if (srv->relay) {
        /* The relay's lag needs the newest id of the log; a store that does not
         * answer leaves the lag out rather than failing the page. */
        Worker *w;
        ErrBuf err = {{0}};
        AllotStatus s = worker_pool_get(srv->workers, &w, &err);
        if (s == ALLOT_OK)
            s = views_latest_event_id(w->views, &now.latest_event_id, &err);
        now.latest_known = s == ALLOT_OK;
        if (s == ALLOT_ESTORAGE || s == ALLOT_EIO)
            worker_pool_discard(srv->workers);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        abort(); /* out of memory */
    metrics_write(out, srv, &now);
    if (fclose(out) != 0)
        abort();
    free(rep->body);
    rep->status = 200;
    rep->content_type = METRICS_CONTENT_TYPE;
    rep->body = text;
    rep->len = len;
}
