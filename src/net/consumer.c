#include "net/consumer.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_table.h"
#include "domain/xalloc.h"
#include "net/redis_link.h"
#include "net/request_json.h"

struct Consumer {
    Server *srv;
    RedisLink link;
    pthread_t thread;
    atomic_bool stop;
    atomic_int link_up; /* the link's own state; stats.consumer_connected waits for SUBSCRIBE */
    bool subscribed;
};

/* The subscription is taken (or lost): what GET / and the metrics call connected, so
 * that a publisher who waits for it loses no message. */
static void set_subscribed(Consumer *c, bool on)
{
    c->subscribed = on;
    atomic_store(&c->srv->stats.consumer_connected, on ? 1 : 0);
}

static const FieldAlias message_fields[] = {{"ref", "batchref"}, {NULL, NULL}};

bool consumer_handle(Server *srv, const char *payload, size_t len)
{
    int64_t started = log_clock_us();
    const CommandSpec *spec = command_lookup("change-qty");
    JsonCommand jc;
    ErrBuf err = {{0}};
    int64_t command_id = 0;
    AllotStatus st = json_command_decode(spec, payload, len, message_fields, &jc, &err);
    if (st == ALLOT_OK) {
        Worker *w;
        snprintf(jc.pc.cmd.actor, sizeof jc.pc.cmd.actor, "%s", CONSUMER_ACTOR);
        st = worker_pool_get(srv->workers, &w, &err);
        if (st == ALLOT_OK) {
            CommandResult res;
            command_result_init(&res);
            st = worker_handle(srv->workers, w, &jc.pc.cmd, &res, &err);
            command_id = res.command_id;
            command_result_fini(&res);
        }
        if (st == ALLOT_ESTORAGE || st == ALLOT_EIO)
            worker_pool_discard(srv->workers);
    }
    if (st == ALLOT_OK) {
        atomic_fetch_add(&srv->stats.redis_messages, 1);
        char ref[LOG_PATH_MAX];
        netlog(&srv->log, LOG_LEVEL_INFO,
               "redis: consumer: channel=%s ref=%s qty=%lld duration_ms=%.3f command=%lld",
               CONSUMER_CHANNEL, log_escape(jc.pc.cmd.ref, ref, sizeof ref),
               (long long)jc.pc.cmd.qty, (double)(log_clock_us() - started) / 1000.0,
               (long long)command_id);
        json_command_fini(&jc);
        return true;
    }
    json_command_fini(&jc);
    atomic_fetch_add(&srv->stats.redis_bad_messages, 1);
    char vb[ERR_VALUE_SIZE];
    netlog(&srv->log, st == ALLOT_ESTORAGE || st == ALLOT_EIO ? LOG_LEVEL_ERROR : LOG_LEVEL_WARN,
           "redis: %s: refused message %s: %s", CONSUMER_CHANNEL,
           err_value(payload, len, vb, sizeof vb), err_text(&err, st));
    return false;
}

/* One reply from the subscription: a message runs, anything else is ignored. */
static void on_reply(Consumer *c, redisReply *reply)
{
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
        reply->element[0]->type != REDIS_REPLY_STRING ||
        strcmp(reply->element[0]->str, "message") != 0 ||
        reply->element[2]->type != REDIS_REPLY_STRING)
        return;
    consumer_handle(c->srv, reply->element[2]->str, reply->element[2]->len);
}

static void *consumer_main(void *arg)
{
    Consumer *c = arg;
    while (!atomic_load(&c->stop)) {
        if (!redis_link_up(&c->link)) {
            int wait = redis_link_wait_ms(&c->link);
            poll(NULL, 0, wait < 250 ? wait : 250);
            set_subscribed(c, false);
            continue;
        }
        redisContext *rc = c->link.c;
        if (!c->subscribed) {
            redisReply *r = redisCommand(rc, "SUBSCRIBE %s", CONSUMER_CHANNEL);
            if (!r) {
                redis_link_down(&c->link, rc->errstr);
                continue;
            }
            bool ok = r->type == REDIS_REPLY_ARRAY;
            freeReplyObject(r);
            if (!ok) {
                redis_link_down(&c->link, "SUBSCRIBE refused");
                continue;
            }
            set_subscribed(c, true);
        }
        /* Replies already read, then wait for more (a quarter second at most, to see
         * consumer_stop). */
        void *reply = NULL;
        bool failed = false;
        while (!failed) {
            if (redisGetReplyFromReader(rc, &reply) != REDIS_OK) {
                failed = true;
                break;
            }
            if (!reply)
                break;
            on_reply(c, reply);
            freeReplyObject(reply);
        }
        if (!failed) {
            struct pollfd pfd = {.fd = rc->fd, .events = POLLIN};
            int n = poll(&pfd, 1, 250);
            if (n > 0 && redisBufferRead(rc) != REDIS_OK)
                failed = true;
        }
        if (failed) {
            redis_link_down(&c->link, rc->errstr[0] ? rc->errstr : "connection lost");
            set_subscribed(c, false);
        }
    }
    return NULL;
}

Consumer *consumer_start(Server *srv, const char *host, int port)
{
    Consumer *c = xcalloc(1, sizeof *c);
    c->srv = srv;
    atomic_init(&c->stop, false);
    atomic_init(&c->link_up, 0);
    redis_link_init(&c->link, host, port, "consumer", &srv->log, &c->link_up);
    if (pthread_create(&c->thread, NULL, consumer_main, c) != 0)
        abort();
    return c;
}

void consumer_stop(Consumer *c)
{
    if (!c)
        return;
    atomic_store(&c->stop, true);
    pthread_join(c->thread, NULL);
    redis_link_fini(&c->link);
    free(c);
}
