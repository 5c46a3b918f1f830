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
    EventFollower *follower; /* while leader: from `position` on */
    bool leader;
    EventCursor position;    /* the stored position */
    EventRow *pending;       /* read from the follower, not yet taken by Redis */
    size_t npending;
    EventCursor pending_end; /* the follower's cursor after them */
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

static void relay_log(Relay *r, LogLevel lv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void relay_log(Relay *r, LogLevel lv, const char *fmt, ...)
{
    char line[ALLOT_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    netlog(&r->srv->log, lv, "%s", line);
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

/* Not the publisher (any more): what was read and not published is left to the
 * next one, which starts from the stored position. */
static void lose_lead(Relay *r)
{
    r->leader = false;
    r->npending = 0;
    follower_free(r->follower);
    r->follower = NULL;
    atomic_store(&r->srv->stats.relay_leader, 0);
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
        relay_log(r, LOG_LEVEL_INFO,
                  "redis: relay: the lease holder %s is not running any more; taking over",
                  l.holder);
        s = relay_store_lease(r->store, RELAY_NAME, r->owner, RELAY_LEASE_MS, l.holder, &l, &err);
    }
    if (s != ALLOT_OK) {
        relay_log(r, LOG_LEVEL_ERROR, "redis: relay: %s", err.msg);
        lose_lead(r);
        return;
    }
    relay_log(r, LOG_LEVEL_DEBUG, "redis: relay: lease held=%d holder=%s expires_in_ms=%lld position=%lld",
              l.held, l.holder, (long long)l.expires_in_ms, (long long)l.position.id);
    if (!l.held) /* the stored position of the one that publishes: for the relay's lag */
        atomic_store(&r->srv->stats.relay_position, l.position.id);
    if (l.held && !r->leader) {
        r->position = l.position;
        atomic_store(&r->srv->stats.relay_position, r->position.id);
        relay_log(r, LOG_LEVEL_INFO, "redis: relay: publishing the events after %lld",
                  (long long)l.position.id);
        r->said_waiting = false;
    } else if (!l.held && (r->leader || !r->said_waiting)) {
        relay_log(r, LOG_LEVEL_INFO, "redis: relay: waiting: %s publishes (its lease ends in %lld ms)",
                  l.holder, (long long)l.expires_in_ms);
        r->said_waiting = true;
    }
    if (!l.held)
        lose_lead(r);
    r->leader = l.held;
    atomic_store(&r->srv->stats.relay_leader, l.held);
}

/* Publishes `n` events in one pipeline; *lines = how many line_allocated messages
 * went with them.  False (link dropped) on any error. */
static bool publish(Relay *r, const EventRow *rows, size_t n, size_t *lines)
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
    *lines = sent - n;
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

/* Reads the next batch from the follower into r->pending (opening the follower
 * at the stored position first).  False when there is nothing (or trouble, logged). */
static bool read_batch(Relay *r)
{
    ErrBuf err = {{0}};
    if (!r->follower) {
        FollowStart start = {.from = FOLLOW_AFTER_CURSOR, .cursor = r->position};
        ServeStores *st = r->srv->stores;
        if (st->ops->follow(st, &start, &r->follower, &err) != ALLOT_OK) {
            relay_log(r, LOG_LEVEL_ERROR, "redis: relay: %s", err.msg);
            r->follower = NULL;
            return false;
        }
    }
    size_t n = 0;
    if (follower_read(r->follower, r->pending, RELAY_BATCH, &n, &err) != ALLOT_OK) {
        relay_log(r, LOG_LEVEL_ERROR, "redis: relay: %s", err.msg); /* the follower reconnects */
        return false;
    }
    r->npending = n;
    r->pending_end = follower_position(r->follower);
    return n > 0;
}

static void *relay_main(void *arg)
{
    Relay *r = arg;
    Server *srv = r->srv;
    r->pending = xreallocarray(NULL, RELAY_BATCH, sizeof *r->pending);
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
        if (!r->store && srv->stores->ops->open_relay(srv->stores, &r->store, &err) != ALLOT_OK) {
            r->store = NULL;
            if (!said_store)
                relay_log(r, LOG_LEVEL_ERROR, "redis: relay: %s (retrying)", err.msg);
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
        if (r->npending == 0 && !read_batch(r)) {
            if (drain_until)
                break;
            /* Idle: the link's state still follows Redis (GET /, /metrics): it comes
             * back once Redis does, and drops once Redis closes it, within a wait. */
            if (redis_link_up(&r->link))
                redis_link_check(&r->link);
            if (r->follower)
                follower_wait(r->follower, 100, &err);
            else if (nap(r, 1000))
                break;
            continue;
        }
        if (!redis_link_up(&r->link)) {
            int wait = redis_link_wait_ms(&r->link);
            if (drain_until || nap(r, wait < 250 ? wait : 250))
                break;
            continue;
        }
        int64_t started = log_clock_us();
        size_t lines = 0;
        if (!publish(r, r->pending, r->npending, &lines))
            continue; /* the same batch again once the link is back */
        atomic_fetch_add(&srv->stats.relay_published, (long long)r->npending);
        atomic_fetch_add(&srv->stats.relay_batches, 1);
        size_t n = r->npending;
        r->npending = 0;
        r->position = r->pending_end;
        atomic_store(&srv->stats.relay_position, r->position.id);
        AllotStatus s = relay_store_advance(r->store, RELAY_NAME, r->owner, r->position, &err);
        relay_log(r, LOG_LEVEL_INFO,
                  "redis: relay: batch events=%zu first=%lld last=%lld line_allocated=%zu "
                  "duration_ms=%.3f position=%lld stored=%s",
                  n, (long long)r->pending[0].id, (long long)r->pending[n - 1].id, lines,
                  (double)(log_clock_us() - started) / 1000.0, (long long)r->position.id,
                  s == ALLOT_OK ? "yes" : "no");
        if (s == ALLOT_ECONFLICT) {
            relay_log(r, LOG_LEVEL_WARN, "redis: %s; stopping to publish", err.msg);
            lose_lead(r);
            r->renew_at = 0;
        } else if (s != ALLOT_OK) {
            /* Published but not stored: kept in memory, stored with the next batch;
             * a crash meanwhile publishes them again (at least once). */
            relay_log(r, LOG_LEVEL_ERROR, "redis: relay: %s", err.msg);
        }
    }
    if (r->store) {
        ErrBuf err = {{0}};
        if (r->leader) {
            if (relay_store_advance(r->store, RELAY_NAME, r->owner, r->position, &err) != ALLOT_OK)
                relay_log(r, LOG_LEVEL_ERROR, "redis: relay: %s", err.msg);
            else
                relay_log(r, LOG_LEVEL_INFO, "redis: relay: stopped at position %lld (stored)",
                          (long long)r->position.id);
        }
        relay_store_release(r->store, RELAY_NAME, r->owner, &err);
        relay_store_free(r->store);
        r->store = NULL;
    }
    follower_free(r->follower);
    r->follower = NULL;
    free(r->pending);
    return NULL;
}

Relay *relay_start(Server *srv, const char *host, int port)
{
    Relay *r = xcalloc(1, sizeof *r);
    r->srv = srv;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    redis_link_init(&r->link, host, port, "relay", &srv->log, &srv->stats.relay_connected);
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
