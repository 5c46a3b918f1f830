/* api_reply.c — replies and errors of the route handlers (api.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/event_json.h"
#include "domain/validate.h"
#include "domain/xalloc.h"
#include "net/routes.h"
#include "net/server.h"

void reply_json(ApiReply *rep, unsigned status, json_t *v)
{
    free(rep->body);
    rep->status = status;
    rep->content_type = "application/json";
    rep->body = json_compact(v);
    rep->len = strlen(rep->body);
    json_decref(v);
}

void reply_text(ApiReply *rep, unsigned status, const char *text)
{
    free(rep->body);
    rep->status = status;
    rep->content_type = "text/plain; charset=utf-8";
    rep->body = xstrdup(text);
    rep->len = strlen(text);
}

unsigned api_status_http(AllotStatus s)
{
    switch (s) {
    case ALLOT_OK:
        return 200;
    case ALLOT_EINVALID_SKU:
    case ALLOT_EUNKNOWN_BATCH:
    case ALLOT_EUNKNOWN_LINE:
    case ALLOT_EUNKNOWN_COMMAND:
        return 404;
    case ALLOT_EDUPLICATE_BATCH:
    case ALLOT_ELINE_QTY_MISMATCH:
    case ALLOT_ENO_ROOM:
    case ALLOT_ESKU_MISMATCH:
    case ALLOT_EUNDO_REFUSED:
    case ALLOT_ECONFLICT:
        return 409;
    case ALLOT_ESTORAGE:
    case ALLOT_EIO:
        return 503;
    case ALLOT_EINVALID:
    case ALLOT_EUSAGE:
    default:
        return 400;
    }
}

const char *api_status_error(AllotStatus s, char *buf, size_t size)
{
    const char *name = allot_status_name(s);
    if (name[0] == 'E')
        name++;
    size_t i = 0;
    for (; name[i] && i + 1 < size; i++)
        buf[i] = (char)tolower((unsigned char)name[i]);
    buf[i] = '\0';
    return buf;
}

void reply_error_named(const ApiRequest *rq, ApiReply *rep, unsigned http, const char *name,
                       const char *msg)
{
    json_t *o = json_object();
    if (!rq || !rq->route || !rq->route->book)
        json_object_set_new(o, "error", json_text(name));
    json_object_set_new(o, "message", json_text(msg));
    reply_json(rep, http, o);
}

void reply_error(const ApiRequest *rq, ApiReply *rep, unsigned http, AllotStatus s,
                 const char *msg)
{
    char name[48];
    reply_error_named(rq, rep, http ? http : api_status_http(s), api_status_error(s, name, sizeof name),
                      msg && msg[0] ? msg : allot_status_message(s));
}

void reply_storage_error(const ApiRequest *rq, ApiReply *rep, AllotStatus s, const char *msg)
{
    reply_error(rq, rep, 0, s, msg);
    if (s == ALLOT_ESTORAGE || s == ALLOT_EIO)
        worker_pool_discard(rq->server->workers);
}

Worker *api_worker(const ApiRequest *rq, ApiReply *rep)
{
    Worker *w;
    ErrBuf err = {{0}};
    AllotStatus s = worker_pool_get(rq->server->workers, &w, &err);
    if (s == ALLOT_OK)
        return w;
    reply_error(rq, rep, 503, s, err.msg);
    return NULL;
}

AllotStatus api_query_int(const ApiRequest *rq, const char *name, int64_t min, int64_t max,
                          int64_t def, int64_t *out, ErrBuf *err)
{
    const char *v = rq->query ? rq->query(rq, name) : NULL;
    if (!v) {
        *out = def;
        return ALLOT_OK;
    }
    return validate_int(v, name, min, max, out, err);
}

bool api_actor(const ApiRequest *rq, ApiReply *rep, Command *cmd)
{
    const char *v = rq->header ? rq->header(rq, "X-Allot-Actor") : NULL;
    if (!v)
        return true;
    ErrBuf err = {{0}};
    if (validate_id(v, "X-Allot-Actor", cmd->actor, &err) == ALLOT_OK)
        return true;
    reply_error(rq, rep, 400, ALLOT_EINVALID, err.msg);
    return false;
}
