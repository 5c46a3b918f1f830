#include "net/redis_link.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 5000
#define CONNECT_TIMEOUT_MS 1000
/* A command (PUBLISH, SUBSCRIBE) that takes longer fails, and the link drops. */
#define COMMAND_TIMEOUT_MS 2000

int64_t redis_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void link_log(RedisLink *l, LogLevel lv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void link_log(RedisLink *l, LogLevel lv, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    netlog(l->log, lv, "redis: %s: %s", l->who, what);
}

bool address_split(const char *addr, char *host, size_t size, int *port, int min_port)
{
    const char *colon = strrchr(addr, ':');
    if (!colon || colon == addr)
        return false;
    const char *h = addr;
    size_t hl = (size_t)(colon - addr);
    if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (hl == 0 || hl >= size || *end || end == colon + 1 || p < min_port || p > 65535)
        return false;
    memcpy(host, h, hl);
    host[hl] = '\0';
    *port = (int)p;
    return true;
}

void redis_link_init(RedisLink *l, const char *host, int port, const char *who, const NetLog *log,
                     atomic_int *connected)
{
    memset(l, 0, sizeof *l);
    snprintf(l->host, sizeof l->host, "%s", host);
    l->port = port;
    l->who = who;
    l->log = log;
    l->connected = connected;
}

static struct timeval tv_ms(int ms) { return (struct timeval){ms / 1000, (ms % 1000) * 1000}; }

/* A connection counts once Redis answers on it: one that takes the connection
 * but refuses commands (no access for this user) is not up.  False with `why`
 * set to Redis's refusal, or "" for a broken connection (c->errstr says). */
static bool ping(redisContext *c, char *why, size_t size)
{
    redisReply *r = redisCommand(c, "PING");
    bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (r && !ok)
        snprintf(why, size, "PING refused: %s", r->str);
    freeReplyObject(r);
    return ok;
}

bool redis_link_up(RedisLink *l)
{
    if (l->c)
        return true;
    if (redis_now_ms() < l->next_try_ms)
        return false;
    redisContext *c = redisConnectWithTimeout(l->host, l->port, tv_ms(CONNECT_TIMEOUT_MS));
    char refused[256] = "";
    if (c && !c->err && redisSetTimeout(c, tv_ms(COMMAND_TIMEOUT_MS)) == REDIS_OK &&
        redisEnableKeepAlive(c) == REDIS_OK && ping(c, refused, sizeof refused)) {
        l->c = c;
        l->backoff_ms = 0;
        atomic_store(l->connected, 1);
        link_log(l, LOG_LEVEL_INFO, "connected to %s:%d", l->host, l->port);
        l->outage_logged = false;
        return true;
    }
    char why[512];
    snprintf(why, sizeof why, "cannot reach %.256s:%d: %.128s", l->host, l->port,
             refused[0] ? refused : c ? c->errstr : "out of memory");
    if (c)
        redisFree(c);
    redis_link_down(l, why);
    return false;
}

int redis_link_wait_ms(const RedisLink *l)
{
    int64_t d = l->next_try_ms - redis_now_ms();
    return d > 0 ? (int)d : 0;
}

void redis_link_down(RedisLink *l, const char *why_text)
{
    /* `why_text` may be the context's own errstr: copy it before freeing that. */
    char why[256];
    snprintf(why, sizeof why, "%s", why_text && why_text[0] ? why_text : "connection lost");
    if (l->c) {
        redisFree(l->c);
        l->c = NULL;
    }
    atomic_store(l->connected, 0);
    l->backoff_ms = l->backoff_ms ? l->backoff_ms * 2 : BACKOFF_FIRST_MS;
    if (l->backoff_ms > BACKOFF_MAX_MS)
        l->backoff_ms = BACKOFF_MAX_MS;
    int jitter = l->backoff_ms / 4;
    int wait = l->backoff_ms - jitter + (jitter ? rand() % (2 * jitter + 1) : 0);
    l->next_try_ms = redis_now_ms() + wait;
    if (!l->outage_logged) {
        link_log(l, LOG_LEVEL_WARN, "%s (retrying)", why);
        l->outage_logged = true;
    }
}

bool redis_link_check(RedisLink *l)
{
    if (!l->c)
        return false;
    struct pollfd pfd = {.fd = l->c->fd, .events = POLLIN};
    if (poll(&pfd, 1, 0) <= 0)
        return true; /* nothing came: still up */
    char byte;
    ssize_t n = recv(l->c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)))
        return true; /* bytes waiting: left for the next reply */
    redis_link_down(l, n == 0 ? "connection closed by Redis" : strerror(errno));
    return false;
}

void redis_link_fini(RedisLink *l)
{
    if (l->c)
        redisFree(l->c);
    l->c = NULL;
}
