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
    bool subscribed;
};

static void consumer_log(Server *srv, const char *msg)
{
    Logger *lg = srv->stores->logger;
    lg->log(lg, msg);
}

static const FieldAlias message_fields[] = {{"ref", "batchref"}, {NULL, NULL}};

bool consumer_handle(Server *srv, const char *payload, size_t len)
{
    const CommandSpec *spec = command_lookup("change-qty");
    JsonCommand jc;
    ErrBuf err = {{0}};
    AllotStatus st = json_command_decode(spec, payload, len, message_fields, &jc, &err);
    if (st == ALLOT_OK) {
        Worker *w;
        snprintf(jc.pc.cmd.actor, sizeof jc.pc.cmd.actor, "%s", CONSUMER_ACTOR);
        st = worker_pool_get(srv->workers, &w, &err);
        if (st == ALLOT_OK) {
            CommandResult res;
            command_result_init(&res);
            st = worker_handle(srv->workers, w, &jc.pc.cmd, &res, &err);
            command_result_fini(&res);
        }
        if (st == ALLOT_ESTORAGE || st == ALLOT_EIO)
            worker_pool_discard(srv->workers);
    }
    json_command_fini(&jc);
    if (st == ALLOT_OK) {
        atomic_fetch_add(&srv->stats.redis_messages, 1);
        return true;
    }
    atomic_fetch_add(&srv->stats.redis_bad_messages, 1);
    char vb[ERR_VALUE_SIZE], line[ALLOT_ERR_MAX + ERR_VALUE_SIZE + 64];
    snprintf(line, sizeof line, "redis: %s: refused message %s: %s", CONSUMER_CHANNEL,
             err_value(payload, len, vb, sizeof vb), err_text(&err, st));
    consumer_log(srv, line);
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
            c->subscribed = false;
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
            c->subscribed = true;
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
            c->subscribed = false;
        }
    }
    return NULL;
}

Consumer *consumer_start(Server *srv, const char *host, int port)
{
    Consumer *c = xcalloc(1, sizeof *c);
    c->srv = srv;
    atomic_init(&c->stop, false);
    redis_link_init(&c->link, host, port, "consumer", srv->stores->logger,
                    &srv->stats.consumer_connected);
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
