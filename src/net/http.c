/* http.c — libmicrohttpd under the route table (http.h). */
#include "net/http.h"

#include <errno.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "app/event_json.h"
#include "domain/xalloc.h"
#include "net/routes.h"

/* One TCP connection: its socket and the time by which its current request must
 * have arrived (0 = none: it is being answered). */
typedef struct Conn {
    int fd;
    int64_t deadline_ms;
    struct Conn *prev, *next;
} Conn;

/* A query value decoded for a handler, freed with the request. */
typedef struct Scrap {
    struct Scrap *next;
    char text[];
} Scrap;

/* One request. */
typedef struct Req {
    Http *http;
    struct MHD_Connection *mc;
    ApiRequest api;
    char parambuf[1024];
    char *body;
    size_t len, cap;
    bool too_large;
    bool answered; /* a response is queued */
    bool stream;   /* ... and it is an event stream */
    unsigned status;
    int64_t started_us;
    int64_t answered_us;
    int64_t command_id;
    char method[16];            /* for the log line */
    char path[LOG_PATH_MAX];    /* ... escaped (log_escape) */
    Scrap *scraps;
} Req;

/* One event stream (text/event-stream), with a follower of its own. */
#define STREAM_BATCH 100
typedef struct Stream {
    Http *http;
    struct MHD_Connection *mc;
    EventFollower *follower;
    EventRow *rows;
    char *buf;
    size_t len, off, cap;
    int64_t next_beat_ms;
    struct Stream *next; /* in Http.suspended */
} Stream;

struct Http {
    Server *srv;
    struct MHD_Daemon *d;
    int listen_fd;
    int port;
    pthread_mutex_t lock; /* conns, suspended, nstreams */
    Conn *conns;
    Stream *suspended;
    int nstreams;
    int in_flight;
    bool stopping;
    bool ticker_stop;
    pthread_cond_t changed; /* in_flight or nstreams went down */
    pthread_cond_t tick;    /* ticker_stop set */
    pthread_t ticker;
    bool ticker_started;
    char last_log[256];
};

static int64_t mono_ms(void) { return log_clock_us() / 1000; }

/* libmicrohttpd's own messages: kept (the last one explains a failed start) and
 * logged once serving. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    Http *h = cls;
    char line[256];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == ' '))
        line[--n] = '\0';
    snprintf(h->last_log, sizeof h->last_log, "%s", line);
    if (h->d)
        netlog(&h->srv->log, LOG_LEVEL_WARN, "http: %s", line);
}

/* Paths reach the route table as sent: each {name} segment is decoded on its own
 * (routes.c), so "%2F" inside an order id cannot split a path. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    return strlen(s);
}

/* ---- connections and their deadlines ---- */

static Conn *conn_of(struct MHD_Connection *mc)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void set_deadline(Http *h, struct MHD_Connection *mc, int64_t deadline)
{
    pthread_mutex_lock(&h->lock);
    Conn *k = conn_of(mc);
    if (k)
        k->deadline_ms = deadline;
    pthread_mutex_unlock(&h->lock);
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    Http *h = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        Conn *k = xcalloc(1, sizeof *k);
        k->fd = ci ? ci->connect_fd : -1;
        k->deadline_ms = mono_ms() + HTTP_REQUEST_TIMEOUT_S * 1000;
        pthread_mutex_lock(&h->lock);
        k->next = h->conns;
        if (h->conns)
            h->conns->prev = k;
        h->conns = k;
        pthread_mutex_unlock(&h->lock);
        *socket_context = k;
        return;
    }
    /* Closed: libmicrohttpd closes the socket only after this returns, so the
     * ticker (which shuts sockets down under the lock) never touches a reused fd. */
    Conn *k = *socket_context;
    if (!k)
        return;
    pthread_mutex_lock(&h->lock);
    if (k->prev)
        k->prev->next = k->next;
    else
        h->conns = k->next;
    if (k->next)
        k->next->prev = k->prev;
    pthread_mutex_unlock(&h->lock);
    free(k);
    *socket_context = NULL;
}

/* ---- requests ---- */

static const char *req_query(const ApiRequest *rq, const char *name)
{
    Req *r = rq->transport;
    const char *raw = MHD_lookup_connection_value(r->mc, MHD_GET_ARGUMENT_KIND, name);
    if (!raw)
        return NULL;
    size_t n = strlen(raw);
    Scrap *s = xmalloc(sizeof *s + n + 1);
    memcpy(s->text, raw, n + 1);
    s->next = r->scraps;
    r->scraps = s;
    /* check_query has refused a value that does not decode to text. */
    route_unescape(s->text, NULL);
    return s->text;
}

static const char *req_header(const ApiRequest *rq, const char *name)
{
    Req *r = rq->transport;
    return MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, name);
}

static void req_free(Req *r)
{
    for (Scrap *s = r->scraps, *n; s; s = n) {
        n = s->next;
        free(s);
    }
    free(r->body);
    free(r);
}

/* ---- event streams ---- */

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    Stream *s = cls;
    Http *h = s->http;
    if (s->off == s->len) {
        s->off = s->len = 0;
        pthread_mutex_lock(&h->lock);
        bool stopping = h->stopping;
        pthread_mutex_unlock(&h->lock);
        if (stopping)
            return MHD_CONTENT_READER_END_OF_STREAM;
        ErrBuf err = {{0}};
        size_t n = 0;
        if (follower_read(s->follower, s->rows, STREAM_BATCH, &n, &err) != ALLOT_OK) {
            netlog(&h->srv->log, LOG_LEVEL_WARN, "http: event stream: %s", err.msg);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        api_event_frames(s->rows, n, &s->buf, &s->len, &s->cap);
        int64_t now = mono_ms();
        if (s->len == 0 && now >= s->next_beat_ms) {
            static const char beat[] = ": keep-alive\n\n";
            if (s->cap < sizeof beat) {
                s->cap = 256;
                s->buf = xrealloc(s->buf, s->cap);
            }
            memcpy(s->buf, beat, sizeof beat - 1);
            s->len = sizeof beat - 1;
        }
        if (s->len == 0) {
            /* Nothing to send: wait, suspended, until the ticker wakes it (a quarter
             * second later) to look again.  Suspend first, then let the ticker see
             * it, so that it never resumes a connection not yet suspended. */
            MHD_suspend_connection(s->mc);
            pthread_mutex_lock(&h->lock);
            s->next = h->suspended;
            h->suspended = s;
            pthread_mutex_unlock(&h->lock);
            return 0;
        }
        s->next_beat_ms = now + HTTP_STREAM_HEARTBEAT_MS;
    }
    size_t n = s->len - s->off < max ? s->len - s->off : max;
    memcpy(buf, s->buf + s->off, n);
    s->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    Stream *s = cls;
    Http *h = s->http;
    pthread_mutex_lock(&h->lock);
    h->nstreams--;
    pthread_cond_broadcast(&h->changed);
    pthread_mutex_unlock(&h->lock);
    follower_free(s->follower);
    free(s->rows);
    free(s->buf);
    free(s);
}

/* ---- answers ---- */

/* Queues the answer and counts it (stats.h): a client that has its answer finds it
 * counted by GET /metrics.  Once the server is stopping, the answer closes its
 * connection, so that keep-alive clients go elsewhere and the drain ends. */
static enum MHD_Result queue(Req *r, struct MHD_Response *resp, unsigned status)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (atomic_load(&r->http->srv->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(r->mc, status, resp);
    MHD_destroy_response(resp);
    r->answered = true;
    r->status = status;
    r->answered_us = log_clock_us();
    stats_answer(&r->http->srv->stats, route_index(r->api.route), status,
                 r->answered_us - r->started_us);
    return ret;
}

/* The event stream of `rep`, or NULL (after turning rep into a 503) when there
 * are too many or the server is stopping. */
static struct MHD_Response *stream_open(Req *r, ApiReply *rep)
{
    Http *h = r->http;
    pthread_mutex_lock(&h->lock);
    bool full = h->nstreams >= HTTP_STREAMS || h->stopping;
    if (!full)
        h->nstreams++;
    pthread_mutex_unlock(&h->lock);
    if (full) {
        reply_error_named(&r->api, rep, 503, "busy", "too many event streams open; try again later");
        return NULL;
    }
    FollowStart start = {.from = FOLLOW_AFTER_ID, .id = rep->stream_since};
    EventFollower *f;
    ErrBuf err = {{0}};
    ServeStores *st = h->srv->stores;
    AllotStatus fs = st->ops->follow(st, &start, &f, &err);
    if (fs != ALLOT_OK) {
        pthread_mutex_lock(&h->lock);
        h->nstreams--;
        pthread_mutex_unlock(&h->lock);
        reply_error(&r->api, rep, 503, fs, err.msg);
        return NULL;
    }
    Stream *s = xcalloc(1, sizeof *s);
    s->http = h;
    s->mc = r->mc;
    s->follower = f;
    s->rows = xreallocarray(NULL, STREAM_BATCH, sizeof *s->rows);
    s->next_beat_ms = mono_ms() + HTTP_STREAM_HEARTBEAT_MS;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, s, stream_free);
    MHD_add_response_header(resp, "Content-Type", "text/event-stream");
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    /* The stream is quiet between events and heartbeats: not the usual idle
     * timeout, but a client that takes nothing for a minute is dropped. */
    MHD_set_connection_option(r->mc, MHD_CONNECTION_OPTION_TIMEOUT, 60u);
    return resp;
}

static enum MHD_Result send_reply(Req *r, ApiReply *rep)
{
    r->command_id = rep->command_id;
    if (rep->stream) {
        struct MHD_Response *resp = stream_open(r, rep);
        if (resp) {
            r->stream = true;
            return queue(r, resp, 200);
        }
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(rep->len, rep->body, MHD_RESPMEM_MUST_FREE);
    rep->body = NULL;
    if (rep->content_type)
        MHD_add_response_header(resp, "Content-Type", rep->content_type);
    if (rep->allow[0])
        MHD_add_response_header(resp, "Allow", rep->allow);
    if (rep->status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"allot\"");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return queue(r, resp, rep->status);
}

/* The first problem of the query parameters, for check_query. */
typedef struct QueryCheck {
    const RouteSpec *route;
    struct MHD_Connection *mc;
    char msg[ALLOT_ERR_MAX];
} QueryCheck;

static enum MHD_Result check_one_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    (void)kind;
    QueryCheck *q = cls;
    char kb[ERR_VALUE_SIZE], vb[ERR_VALUE_SIZE];
    err_value_str(key, kb, sizeof kb);
    if (!route_takes_query(q->route, key)) {
        const char *takes = q->route->query;
        snprintf(q->msg, sizeof q->msg, "unknown query parameter \"%s\" (%s%s)", kb,
                 takes ? "this route takes: " : "this route takes none", takes ? takes : "");
        return MHD_NO;
    }
    if (!value) {
        /* the key is named twice: quoted shorter, so that both fit */
        char short_key[20 * ERR_VALUE_CHAR_MAX + 4];
        err_value_max(key, strlen(key), 20, short_key, sizeof short_key);
        snprintf(q->msg, sizeof q->msg, "query parameter \"%s\" has no value (%s=...)", short_key,
                 short_key);
        return MHD_NO;
    }
    /* The first of a name is the one a handler reads: a second is refused, as a
     * duplicated key of a body is. */
    if (MHD_lookup_connection_value(q->mc, MHD_GET_ARGUMENT_KIND, key) != value) {
        snprintf(q->msg, sizeof q->msg, "query parameter \"%s\" is given twice", kb);
        return MHD_NO;
    }
    size_t n = strlen(value);
    char *copy = xmalloc(n + 1);
    memcpy(copy, value, n + 1);
    const char *why;
    bool ok = route_unescape(copy, &why);
    free(copy);
    if (!ok) {
        snprintf(q->msg, sizeof q->msg, "query parameter \"%s\" (\"%s\") has %s", kb,
                 err_value_str(value, vb, sizeof vb), why);
        return MHD_NO;
    }
    return MHD_YES;
}

/* docs/api.md: "Query parameters the same" as path parts, and only those the route
 * takes.  False with `msg` set for a 400. */
static bool check_query(Req *r, char *msg, size_t size)
{
    QueryCheck q = {.route = r->api.route, .mc = r->mc};
    MHD_get_connection_values(r->mc, MHD_GET_ARGUMENT_KIND, check_one_param, &q);
    snprintf(msg, size, "%s", q.msg);
    return q.msg[0] == '\0';
}

/* "application/json", with or without parameters (charset=utf-8). */
static bool is_json_type(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    static const char want[] = "application/json";
    if (strncasecmp(ct, want, sizeof want - 1) != 0)
        return false;
    const char *rest = ct + sizeof want - 1;
    while (*rest == ' ')
        rest++;
    return *rest == '\0' || *rest == ';';
}

/* The first call of a request (its headers are in): everything that can be
 * answered before reading a body.  Returns true with `rep` filled to answer now. */
static bool check_headers(Req *r, const char *url, const char *method, ApiReply *rep)
{
    Http *h = r->http;
    ErrBuf err = {{0}};
    if (!auth_check(h->srv->auth,
                    MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, "Authorization"))) {
        reply_error_named(&r->api, rep, 401, "unauthorized",
                          "this server needs the bearer token (Authorization: Bearer TOKEN)");
        return true;
    }
    switch (route_match(method, url, &r->api.route, r->api.params, r->parambuf,
                        sizeof r->parambuf, rep->allow, sizeof rep->allow, &err)) {
    case ROUTE_FOUND:
        break;
    case ROUTE_NO_METHOD:
        reply_error_named(&r->api, rep, 405, "method_not_allowed",
                          "this path does not take that method");
        return true;
    case ROUTE_BAD_PATH:
        reply_error_named(&r->api, rep, 400, "invalid", err.msg);
        return true;
    case ROUTE_NO_PATH: {
        char vb[ERR_VALUE_SIZE], vm[ERR_VALUE_SIZE], msg[ALLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "no route %s %s (see docs/api.md)",
                 err_value_str(method, vm, sizeof vm), err_value_str(url, vb, sizeof vb));
        reply_error_named(&r->api, rep, 404, "not_found", msg);
        return true;
    }
    }
    char qmsg[ALLOT_ERR_MAX];
    if (!check_query(r, qmsg, sizeof qmsg)) {
        reply_error_named(&r->api, rep, 400, "invalid", qmsg);
        return true;
    }
    const char *cl = MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX) {
        reply_error_named(&r->api, rep, 413, "too_large",
                          "the request body is larger than 64 KiB (65536 bytes)");
        return true;
    }
    if (r->api.route->json_body &&
        !is_json_type(MHD_lookup_connection_value(r->mc, MHD_HEADER_KIND, "Content-Type"))) {
        reply_error_named(&r->api, rep, 415, "unsupported_media_type",
                          "the request body must be JSON (Content-Type: application/json)");
        return true;
    }
    return false;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *mc, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    (void)version;
    Http *h = cls;
    Req *r = *con_cls;
    if (!r) {
        r = xcalloc(1, sizeof *r);
        r->http = h;
        r->mc = mc;
        r->started_us = log_clock_us();
        r->api.query = req_query;
        r->api.header = req_header;
        r->api.transport = r;
        r->api.server = h->srv;
        snprintf(r->method, sizeof r->method, "%s", method);
        log_escape(url, r->path, sizeof r->path);
        *con_cls = r;
        pthread_mutex_lock(&h->lock);
        h->in_flight++;
        pthread_mutex_unlock(&h->lock);
        ApiReply rep = {0};
        if (check_headers(r, url, method, &rep)) {
            /* Answer now; the body, if any, is not read (the connection then closes). */
            set_deadline(h, mc, 0);
            return send_reply(r, &rep);
        }
        return MHD_YES;
    }
    if (r->answered) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_large || r->len + n > HTTP_BODY_MAX) {
            /* A body without Content-Length that grew too large: drop what came and
             * answer 413 once it ends (the request deadline bounds the wait). */
            r->too_large = true;
            free(r->body);
            r->body = NULL;
            r->len = r->cap = 0;
            return MHD_YES;
        }
        if (r->len + n + 1 > r->cap) {
            r->cap = (r->len + n + 1) * 2 < HTTP_BODY_MAX + 1 ? (r->len + n + 1) * 2 : HTTP_BODY_MAX + 1;
            r->body = xrealloc(r->body, r->cap);
        }
        memcpy(r->body + r->len, upload, n);
        r->len += n;
        r->body[r->len] = '\0';
        return MHD_YES;
    }
    /* The whole request is in: no deadline while it is answered. */
    set_deadline(h, mc, 0);
    ApiReply rep = {0};
    if (r->too_large) {
        reply_error_named(&r->api, &rep, 413, "too_large",
                          "the request body is larger than 64 KiB (65536 bytes)");
    } else {
        r->api.body = r->body;
        r->api.body_len = r->len;
        r->api.route->handler(&r->api, &rep);
    }
    return send_reply(r, &rep);
}

/* How a request ended, for its log line ("" = its answer was sent whole). */
static const char *ending(enum MHD_RequestTerminationCode toe)
{
    switch (toe) {
    case MHD_REQUEST_TERMINATED_COMPLETED_OK:
        return "";
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
        return "timeout";
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
        return "shutdown";
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
        return "client_gone";
    default:
        return "error";
    }
}

/* The peer's address, "" if unknown. */
static void peer_text(struct MHD_Connection *mc, char *buf, size_t size)
{
    buf[0] = '\0';
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)size);
}

/* The request's log line (net/log.h): info, warn for a 5xx or a request cut
 * before its answer. */
static void log_request(Http *h, Req *r, enum MHD_RequestTerminationCode toe)
{
    LogLevel lv = (!r->answered || r->status >= 500) ? LOG_LEVEL_WARN : LOG_LEVEL_INFO;
    if (!netlog_on(&h->srv->log, lv))
        return;
    char peer[INET6_ADDRSTRLEN], status[16], command[32] = "", stream[48] = "", end[32] = "";
    peer_text(r->mc, peer, sizeof peer);
    int64_t now = log_clock_us();
    int64_t until = r->answered ? r->answered_us : now;
    if (r->answered)
        snprintf(status, sizeof status, "%u", r->status);
    else
        snprintf(status, sizeof status, "none");
    if (r->command_id)
        snprintf(command, sizeof command, " command=%lld", (long long)r->command_id);
    if (r->stream)
        snprintf(stream, sizeof stream, " stream_s=%.3f", (double)(now - r->answered_us) / 1e6);
    const char *e = ending(toe);
    if (e[0] && !(r->stream && toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT))
        snprintf(end, sizeof end, " ended=%s", e);
    netlog(&h->srv->log, lv, "http: method=%s path=%s status=%s duration_ms=%.3f%s%s%s peer=%s",
           r->method, r->path, status, (double)(until - r->started_us) / 1000.0, command, stream,
           end, peer[0] ? peer : "-");
}

/* The end of a request (libmicrohttpd's completion callback): its log line, then
 * the next request on the connection gets its own time to arrive. */
static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    Http *h = cls;
    Req *r = *con_cls;
    if (!r)
        return;
    *con_cls = NULL;
    log_request(h, r, toe);
    /* The next request on this connection has its own time to arrive. */
    set_deadline(h, mc, mono_ms() + HTTP_REQUEST_TIMEOUT_S * 1000);
    req_free(r);
    pthread_mutex_lock(&h->lock);
    h->in_flight--;
    pthread_cond_broadcast(&h->changed);
    pthread_mutex_unlock(&h->lock);
}

/* ---- the ticker: wakes event streams, cuts slow requests ---- */

static void *ticker_main(void *arg)
{
    Http *h = arg;
    for (;;) {
        pthread_mutex_lock(&h->lock);
        if (!h->ticker_stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += HTTP_STREAM_POLL_MS * 1000 * 1000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&h->tick, &h->lock, &ts);
        }
        bool stop = h->ticker_stop;
        if (stop) {
            pthread_mutex_unlock(&h->lock);
            break;
        }
        /* Each stream looks for new events in its own thread, through its follower,
         * at every tick. */
        int64_t now = mono_ms();
        while (h->suspended) {
            Stream *s = h->suspended;
            h->suspended = s->next;
            MHD_resume_connection(s->mc);
        }
        for (Conn *k = h->conns; k; k = k->next) {
            if (k->deadline_ms && now > k->deadline_ms && k->fd >= 0) {
                shutdown(k->fd, SHUT_RDWR);
                k->deadline_ms = 0;
                atomic_fetch_add(&h->srv->stats.timed_out, 1);
            }
        }
        pthread_mutex_unlock(&h->lock);
    }
    return NULL;
}

/* ---- life ---- */

AllotStatus http_start(Server *srv, int listen_fd, int family, const char *shown, Http **out,
                       ErrBuf *err)
{
    *out = NULL;
    Http *h = xcalloc(1, sizeof *h);
    h->srv = srv;
    h->listen_fd = -1;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->changed, NULL);
    pthread_cond_init(&h->tick, NULL);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    h->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_access, h, MHD_OPTION_LISTEN_SOCKET, listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HTTP_THREADS, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)HTTP_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_REQUEST_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_HEADER_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, h, MHD_OPTION_UNESCAPE_CALLBACK,
        no_unescape, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h, MHD_OPTION_END);
    if (!h->d) {
        AllotStatus s = err_set(err, ALLOT_EIO, "cannot listen on %s: %s", shown,
                                h->last_log[0] ? h->last_log : strerror(errno));
        pthread_mutex_destroy(&h->lock);
        pthread_cond_destroy(&h->changed);
        pthread_cond_destroy(&h->tick);
        free(h);
        return s;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(listen_fd, (struct sockaddr *)&ss, &sl) == 0)
        h->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)&ss)->sin_port);
    if (pthread_create(&h->ticker, NULL, ticker_main, h) != 0)
        abort();
    h->ticker_started = true;
    *out = h;
    return ALLOT_OK;
}

int http_port(const Http *h) { return h->port; }

void http_load(Http *h, int *in_flight, int *streams)
{
    pthread_mutex_lock(&h->lock);
    *in_flight = h->in_flight;
    *streams = h->nstreams;
    pthread_mutex_unlock(&h->lock);
}

void http_stop(Http *h, int drain_ms)
{
    if (!h)
        return;
    h->listen_fd = MHD_quiesce_daemon(h->d);
    pthread_mutex_lock(&h->lock);
    h->stopping = true;
    pthread_cond_broadcast(&h->changed);
    /* The ticker resumes every stream, which then ends; requests finish. */
    int64_t until = mono_ms() + drain_ms;
    while ((h->in_flight > 0 || h->nstreams > 0) && mono_ms() < until) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&h->changed, &h->lock, &ts);
        for (Stream *s = h->suspended; s; s = h->suspended) {
            h->suspended = s->next;
            MHD_resume_connection(s->mc);
        }
    }
    if (h->in_flight > 0)
        netlog(&h->srv->log, LOG_LEVEL_WARN,
               "http: %d request(s) still in flight after %d ms; stopping anyway", h->in_flight,
               drain_ms);
    h->ticker_stop = true;
    pthread_cond_broadcast(&h->tick);
    pthread_mutex_unlock(&h->lock);
    if (h->ticker_started)
        pthread_join(h->ticker, NULL);
    /* No connection may stay suspended when the daemon stops. */
    pthread_mutex_lock(&h->lock);
    for (Stream *s = h->suspended; s; s = h->suspended) {
        h->suspended = s->next;
        MHD_resume_connection(s->mc);
    }
    pthread_mutex_unlock(&h->lock);
    MHD_stop_daemon(h->d);
    if (h->listen_fd >= 0)
        close(h->listen_fd);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->changed);
    pthread_cond_destroy(&h->tick);
    free(h);
}
