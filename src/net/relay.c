#include "net/relay.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/event_json.h"
#include "domain/xalloc.h"
#include "net/redis_link.h"

struct Relay {
    Server *srv;
    RedisLink link;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    char owner[RELAY_OWNER_MAX];
    char hostname[64];
    RelayStore *store;
    bool leader;
    int64_t position;
    int64_t renew_at;
    bool said_waiting;
};

char *relay_line_allocated_json(const Event *ev)
{
    const char *batch;
    if (ev->type == EV_ALLOCATED)
        batch = ev->batchref;
    else if (ev->type == EV_REALLOCATED)
        batch = ev->to;
    else
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "orderid", json_text(ev->orderid));
    json_object_set_new(o, "sku", json_text(ev->sku));
    json_object_set_new(o, "qty", json_integer(ev->qty));
    json_object_set_new(o, "batchref", json_text(batch));
    char *s = json_compact(o);
    json_decref(o);
    return s;
}

static void relay_log(Relay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void relay_log(Relay *r, const char *fmt, ...)
{
    char line[ALLOT_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    Logger *lg = r->srv->stores->logger;
    lg->log(lg, line);
}

/* Sleeps `ms` or until relay_stop; returns true if stopping. */
static bool nap(Relay *r, int ms)
{
    pthread_mutex_lock(&r->lock);
    if (!r->stop && ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += ms / 1000;
        ts.tv_nsec += (long)(ms % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&r->wake, &r->lock, &ts);
    }
    bool stop = r->stop;
    pthread_mutex_unlock(&r->lock);
    return stop;
}

/* The holder "host:pid:start" if it is a process of this host that is gone. */
static bool holder_is_dead(Relay *r, const char *holder)
{
    char host[64];
    long pid;
    const char *colon = strchr(holder, ':');
    if (!colon || (size_t)(colon - holder) >= sizeof host)
        return false;
    memcpy(host, holder, (size_t)(colon - holder));
    host[colon - holder] = '\0';
    if (strcmp(host, r->hostname) != 0 || sscanf(colon + 1, "%ld:", &pid) != 1 || pid <= 0)
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Takes or renews the lease when due; keeps r->leader and r->position. */
static void keep_lease(Relay *r)
{
    int64_t now = redis_now_ms();
    if (now < r->renew_at)
        return;
    r->renew_at = now + RELAY_RENEW_MS;
    RelayLease l;
    ErrBuf err = {{0}};
    AllotStatus s = relay_store_lease(r->store, RELAY_NAME, r->owner, RELAY_LEASE_MS, NULL, &l, &err);
    if (s == ALLOT_OK && !l.held && holder_is_dead(r, l.holder)) {
        relay_log(r, "redis: relay: the lease holder %s is not running any more; taking over",
                  l.holder);
        s = relay_store_lease(r->store, RELAY_NAME, r->owner, RELAY_LEASE_MS, l.holder, &l, &err);
    }
    if (s != ALLOT_OK) {
        relay_log(r, "redis: relay: %s", err.msg);
        r->leader = false;
        return;
    }
    if (l.held && !r->leader) {
        r->position = l.position;
        relay_log(r, "redis: relay: publishing the events after %lld", (long long)l.position);
        r->said_waiting = false;
    } else if (!l.held && (r->leader || !r->said_waiting)) {
        relay_log(r, "redis: relay: waiting: %s publishes (its lease ends in %lld ms)", l.holder,
                  (long long)l.expires_in_ms);
        r->said_waiting = true;
    }
    r->leader = l.held;
    atomic_store(&r->srv->stats.relay_leader, l.held);
    if (l.held && l.position > r->position)
        r->position = l.position;
}

/* Publishes `n` events in one pipeline.  False (link dropped) on any error. */
static bool publish(Relay *r, const EventRow *rows, size_t n)
{
    redisContext *c = r->link.c;
    size_t sent = 0;
    for (size_t i = 0; i < n; i++) {
        char *json = event_json_text(&rows[i].ev, rows[i].id, rows[i].at);
        redisAppendCommand(c, "PUBLISH %s %b", "allot.events", json, strlen(json));
        free(json);
        sent++;
        char *line = relay_line_allocated_json(&rows[i].ev);
        if (line) {
            redisAppendCommand(c, "PUBLISH %s %b", "line_allocated", line, strlen(line));
            free(line);
            sent++;
        }
    }
    for (size_t i = 0; i < sent; i++) {
        redisReply *reply = NULL;
        if (redisGetReply(c, (void **)&reply) != REDIS_OK || !reply) {
            redis_link_down(&r->link, c->errstr[0] ? c->errstr : "connection lost");
            return false;
        }
        bool bad = reply->type == REDIS_REPLY_ERROR;
        char why[256];
        if (bad)
            snprintf(why, sizeof why, "PUBLISH refused: %s", reply->str);
        freeReplyObject(reply);
        if (bad) {
            redis_link_down(&r->link, why);
            return false;
        }
    }
    return true;
}

static void *relay_main(void *arg)
{
    Relay *r = arg;
    Server *srv = r->srv;
    EventRow *rows = xreallocarray(NULL, RELAY_BATCH, sizeof *rows);
    bool said_store = false;
    int64_t drain_until = 0;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        bool stop = r->stop;
        pthread_mutex_unlock(&r->lock);
        if (stop && !drain_until)
            drain_until = redis_now_ms() + RELAY_DRAIN_MS;
        if (drain_until && redis_now_ms() >= drain_until)
            break;
        ErrBuf err = {{0}};
        Worker *w = NULL;
        if (!r->store && srv->stores->ops->open_relay(srv->stores, &r->store, &err) != ALLOT_OK)
            r->store = NULL;
        if (r->store && worker_pool_get(srv->workers, &w, &err) != ALLOT_OK)
            w = NULL;
        if (!r->store || !w) {
            if (!said_store)
                relay_log(r, "redis: relay: %s (retrying)", err.msg);
            said_store = true;
            if (drain_until || nap(r, 1000))
                break;
            continue;
        }
        said_store = false;
        keep_lease(r);
        if (!r->leader) {
            if (drain_until || nap(r, 250))
                break;
            continue;
        }
        ViewPage page = {.limit = RELAY_BATCH};
        size_t n = 0;
        if (views_events(w->views, r->position, &page, rows, &n, &err) != ALLOT_OK) {
            relay_log(r, "redis: relay: %s", err.msg);
            worker_pool_discard(srv->workers);
            if (drain_until || nap(r, 1000))
                break;
            continue;
        }
        if (n == 0) {
            if (drain_until || nap(r, 50))
                break;
            continue;
        }
        if (!redis_link_up(&r->link)) {
            int wait = redis_link_wait_ms(&r->link);
            if (drain_until || nap(r, wait < 250 ? wait : 250))
                break;
            continue;
        }
        if (!publish(r, rows, n))
            continue;
        int64_t last = rows[n - 1].id;
        AllotStatus s = relay_store_advance(r->store, RELAY_NAME, r->owner, last, &err);
        atomic_fetch_add(&srv->stats.relay_published, (long long)n);
        r->position = last;
        atomic_store(&srv->stats.relay_position, last);
        if (s == ALLOT_ECONFLICT) {
            relay_log(r, "redis: %s; stopping to publish", err.msg);
            r->leader = false;
            r->renew_at = 0;
        } else if (s != ALLOT_OK) {
            /* Published but not stored: kept in memory, stored with the next batch;
             * a crash meanwhile publishes them again (at least once). */
            relay_log(r, "redis: relay: %s", err.msg);
        }
    }
    if (r->store) {
        ErrBuf err = {{0}};
        if (r->leader && relay_store_advance(r->store, RELAY_NAME, r->owner, r->position, &err) != ALLOT_OK)
            relay_log(r, "redis: relay: %s", err.msg);
        relay_store_release(r->store, RELAY_NAME, r->owner, &err);
        relay_store_free(r->store);
        r->store = NULL;
    }
    free(rows);
    return NULL;
}

Relay *relay_start(Server *srv, const char *host, int port)
{
    Relay *r = xcalloc(1, sizeof *r);
    r->srv = srv;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    redis_link_init(&r->link, host, port, "relay", srv->stores->logger, &srv->stats.relay_connected);
    if (gethostname(r->hostname, sizeof r->hostname) != 0)
        snprintf(r->hostname, sizeof r->hostname, "localhost");
    r->hostname[sizeof r->hostname - 1] = '\0';
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(r->owner, sizeof r->owner, "%s:%ld:%lld", r->hostname, (long)getpid(),
             (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    if (pthread_create(&r->thread, NULL, relay_main, r) != 0)
        abort();
    return r;
}

void relay_stop(Relay *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stop = true;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
    redis_link_fini(&r->link);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->wake);
    free(r);
}
