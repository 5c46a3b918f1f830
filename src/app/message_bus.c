#include "app/message_bus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/xalloc.h"

typedef struct {
    EventHandlerFn *fns;
    size_t len, cap;
} HandlerList;

struct MessageBus {
    HandlerDeps deps;
    CommandHandlerFn commands[CMD_TYPE_COUNT];
    HandlerList events[EV_TYPE_COUNT];
    int max_attempts;
    unsigned base_delay_us;
    unsigned rng;
    long conflict_retries;
    /* reused between commands, so that handling one allocates nothing */
    EventVec queue;
    CommandResult scratch; /* the result when the caller wants none */
    AllotId actor;         /* deps.actor points here */
};

void command_result_init(CommandResult *r)
{
    memset(r, 0, sizeof *r);
    event_vec_init(&r->events);
}

void command_result_fini(CommandResult *r) { event_vec_fini(&r->events); }

MessageBus *bus_new(const HandlerDeps *deps)
{
    MessageBus *bus = xcalloc(1, sizeof *bus);
    bus->deps = *deps;
    bus_set_actor(bus, deps->actor);
    bus->max_attempts = 8;
    bus->base_delay_us = 2000;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    bus->rng = (unsigned)ts.tv_nsec ^ (unsigned)ts.tv_sec;
    event_vec_init(&bus->queue);
    command_result_init(&bus->scratch);
    return bus;
}

void bus_free(MessageBus *bus)
{
    if (!bus)
        return;
    for (int i = 0; i < EV_TYPE_COUNT; i++)
        free(bus->events[i].fns);
    event_vec_fini(&bus->queue);
    command_result_fini(&bus->scratch);
    free(bus);
}

void bus_set_command_handler(MessageBus *bus, CommandType type, CommandHandlerFn fn)
{
    bus->commands[type] = fn;
}

void bus_add_event_handler(MessageBus *bus, EventType type, EventHandlerFn fn)
{
    HandlerList *l = &bus->events[type];
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->fns = xreallocarray(l->fns, l->cap, sizeof *l->fns);
    }
    l->fns[l->len++] = fn;
}

void bus_set_retry(MessageBus *bus, int max_attempts, unsigned base_delay_us)
{
    bus->max_attempts = max_attempts < 1 ? 1 : max_attempts;
    bus->base_delay_us = base_delay_us;
}

long bus_conflict_retries(const MessageBus *bus) { return bus->conflict_retries; }

void bus_set_actor(MessageBus *bus, const char *actor)
{
    if (actor && *actor)
        snprintf(bus->actor, sizeof bus->actor, "%s", actor);
    else
        actor_of_process(bus->actor, sizeof bus->actor);
    bus->deps.actor = bus->actor;
}

bool bus_works_on(const MessageBus *bus, const UnitOfWork *uow) { return bus->deps.uow == uow; }

static void backoff(MessageBus *bus, int attempt)
{
    unsigned cap = bus->base_delay_us << (attempt < 10 ? attempt : 10);
    if (cap == 0)
        return;
    unsigned us = (unsigned)rand_r(&bus->rng) % cap;
    struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

/* Runs every handler of every queued event; handlers may raise more events
 * (through the unit of work), which join the end of the queue. */
static void drain_events(MessageBus *bus, EventVec *queue, CommandResult *res)
{
    for (size_t i = 0; i < queue->len; i++) {
        Event ev = queue->items[i];
        if (res)
            event_vec_push(&res->events, &ev);
        HandlerList *l = &bus->events[ev.type];
        for (size_t h = 0; h < l->len; h++) {
            ErrBuf err = {{0}};
            AllotStatus st = l->fns[h](&ev, &bus->deps, &err);
            if (st != ALLOT_OK && bus->deps.logger) {
                char line[ALLOT_ERR_MAX + 64];
                snprintf(line, sizeof line, "handler for %s failed: %s", event_type_name(ev.type),
                         err_text(&err, st));
                bus->deps.logger->log(bus->deps.logger, line);
            }
            uow_collect_new_events(bus->deps.uow, queue);
        }
    }
}

/* The actor of cmd: its own (an API client's), else the bus's. */
static const char *actor_of(const MessageBus *bus, const Command *cmd)
{
    return cmd->actor[0] ? cmd->actor : bus->actor;
}

/* Stamps the events of every product the unit of work saw with the command id
 * and actor (SPEC.md §1.6), when there are any; r->command_id gets the id. */
static AllotStatus stamp_events(MessageBus *bus, const Command *cmd, CommandResult *r,
                                ErrBuf *err)
{
    UnitOfWork *uow = bus->deps.uow;
    Repository *repo = uow_products(uow);
    bool changed = false;
    for (size_t i = 0; i < repo->nseen && !changed; i++)
        changed = product_events(repo->seen[i])->len > 0;
    if (!changed)
        return ALLOT_OK;
    int64_t id;
    AllotStatus st = uow_command_id(uow, &id, err);
    if (st != ALLOT_OK)
        return st;
    for (size_t i = 0; i < repo->nseen; i++)
        product_stamp_events(repo->seen[i], id, actor_of(bus, cmd));
    r->command_id = id;
    return ALLOT_OK;
}

/* One attempt: begin, the handler, stamp and commit, or roll back. */
static AllotStatus run_in_uow(MessageBus *bus, const Command *cmd, CommandResult *r, ErrBuf *err)
{
    UnitOfWork *uow = bus->deps.uow;
    AllotStatus st = uow_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    st = bus->commands[cmd->type](cmd, uow, r, err);
    if (st == ALLOT_OK)
        st = stamp_events(bus, cmd, r, err);
    if (st != ALLOT_OK) {
        uow_rollback(uow);
        return st;
    }
    return uow_commit(uow, err);
}

AllotStatus bus_handle(MessageBus *bus, const Command *cmd, CommandResult *res, ErrBuf *err)
{
    if ((unsigned)cmd->type >= CMD_TYPE_COUNT || !bus->commands[cmd->type])
        return err_set(err, ALLOT_EUSAGE, "no handler for command %s", command_type_name(cmd->type));
    CommandResult *r = res;
    if (!r) {
        r = &bus->scratch;
        event_vec_clear(&r->events);
    }
    AllotStatus st = ALLOT_OK;
    for (int attempt = 0; attempt < bus->max_attempts; attempt++) {
        if (attempt > 0) {
            bus->conflict_retries++;
            backoff(bus, attempt - 1);
        }
        r->attempts = attempt + 1;
        r->batchref[0] = '\0';
        r->command_id = 0;
        r->undone = 0;
        st = run_in_uow(bus, cmd, r, err);
        if (st != ALLOT_ECONFLICT)
            break;
    }
    if (st == ALLOT_ECONFLICT) {
        char detail[ALLOT_ERR_MAX];
        snprintf(detail, sizeof detail, "%s", err ? err->msg : "");
        err_set(err, st, "%s (gave up after %d attempts)",
                detail[0] ? detail : "concurrent update", r->attempts);
    }
    if (st == ALLOT_OK) {
        /* a handler may call bus_handle again (not done today): then it gets a
         * queue of its own */
        EventVec own, *queue = bus->queue.len ? &own : &bus->queue;
        if (queue == &own)
            event_vec_init(&own);
        uow_collect_new_events(bus->deps.uow, queue);
        drain_events(bus, queue, res);
        if (queue == &own)
            event_vec_fini(&own);
        else
            event_vec_clear(queue);
    }
    return st;
}

AllotStatus bus_bulk(MessageBus *bus, BulkBodyFn body, void *ctx, ErrBuf *err)
{
    UnitOfWork *uow = bus->deps.uow;
    AllotStatus st = uow_bulk_begin(uow, err);
    if (st != ALLOT_OK)
        return st;
    st = body(bus, ctx, err);
    ErrBuf e = {{0}};
    AllotStatus end = uow_bulk_end(uow, st == ALLOT_OK, &e);
    if (st == ALLOT_OK && end != ALLOT_OK)
        st = err_set(err, end, "%s", e.msg);
    return st;
}
