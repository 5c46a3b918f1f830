/* message_bus.h — the in-process message bus (SPEC.md §2).
 *
 * bus_handle takes a command, begins a unit of work, runs the command's one
 * handler in it, stamps the events it raised with the command id and actor
 * (SPEC.md §1.6) and commits (or rolls back on the handler's error), then drains
 * the events that the unit of work collected from the products it saw, running
 * every handler registered for each event.  A command handler's error returns to
 * the caller; an event handler's error is logged and the other handlers still
 * run.  A command whose commit meets a concurrent update (ALLOT_ECONFLICT) is
 * retried a bounded number of times with a random back-off.
 *
 * bus_bulk runs many commands as one bulk unit of work (all or none).  The bus
 * keeps its unit of work to itself: callers that read the store are given it (or
 * its read model) on their own.
 */
#ifndef ALLOT_APP_MESSAGE_BUS_H
#define ALLOT_APP_MESSAGE_BUS_H

#include <stdbool.h>

#include "app/ports.h"
#include "app/unit_of_work.h"
#include "domain/commands.h"
#include "domain/events.h"

/* What handlers may use.  Not owned by the bus. */
typedef struct HandlerDeps {
    UnitOfWork *uow;
    Notifier *notifier;
    Clock *clock;
    Logger *logger;
    /* who this process is (SPEC.md §1.6): "user@host"; a command's own actor, when
     * it has one (an API client's), wins.  Not owned. */
    const char *actor;
} HandlerDeps;

/* What a command did.  Caller-owned: command_result_init before, _fini after. */
typedef struct CommandResult {
    AllotId batchref;  /* CMD_ALLOCATE: the batch, or "" when backordered */
    EventVec events;   /* every event the command raised, in order */
    int attempts;      /* how many times the handler ran (1 + conflict retries) */
    int64_t command_id; /* the id the store gave the command (0: it changed nothing) */
    int64_t undone;     /* CMD_UNDO: the command it undid */
} CommandResult;

void command_result_init(CommandResult *r);
void command_result_fini(CommandResult *r);

/* A command handler works inside the unit of work `uow` that the bus has begun
 * (deps->uow): it loads through uow_products(uow), may ask uow_command_id, and
 * applies its rule; it never begins, commits or rolls back.  The bus stamps and
 * commits when it returns ALLOT_OK and rolls back otherwise. */
typedef AllotStatus (*CommandHandlerFn)(const Command *cmd, UnitOfWork *uow,
                                        CommandResult *res, ErrBuf *err);
typedef AllotStatus (*EventHandlerFn)(const Event *ev, HandlerDeps *deps, ErrBuf *err);

typedef struct MessageBus MessageBus;

/* A bus with no handlers, using `deps` (copied; the pointers in it are not owned).
 * Caller frees with bus_free. */
MessageBus *bus_new(const HandlerDeps *deps);
void bus_free(MessageBus *bus);

/* Sets the one handler of a command type (replacing any). */
void bus_set_command_handler(MessageBus *bus, CommandType type, CommandHandlerFn fn);
/* Adds a handler for an event type; handlers run in the order added. */
void bus_add_event_handler(MessageBus *bus, EventType type, EventHandlerFn fn);

/* Conflict retries: at most `max_attempts` runs of a handler (>= 1), sleeping a
 * random 0..base_delay_us·2^k microseconds before retry k.  Default 8, 2000. */
void bus_set_retry(MessageBus *bus, int max_attempts, unsigned base_delay_us);

/* Runs `cmd` (see above).  `res` (may be NULL) receives the result.  Returns the
 * command handler's status: ALLOT_OK, a domain error (nothing changed), or
 * ALLOT_ECONFLICT after the last attempt (message names the SKU or batch) or
 * ALLOT_ESTORAGE.  Fails with ALLOT_EUSAGE if no handler is set for the type. */
AllotStatus bus_handle(MessageBus *bus, const Command *cmd, CommandResult *res, ErrBuf *err);

/* The actor of the commands this bus runs (SPEC.md §1.6; copied, cut to
 * ALLOT_ID_MAX bytes); NULL or "" = actor_of_process().  bus_new sets it from
 * deps->actor. */
void bus_set_actor(MessageBus *bus, const char *actor);

/* Total conflict retries seen by this bus since bus_new (for reports). */
long bus_conflict_retries(const MessageBus *bus);

/* The work of bus_bulk: sends its commands through bus_handle(bus, …) (each one a
 * step of the bulk unit of work) and returns ALLOT_OK to keep them all, or an
 * error (with its message in err) to keep none. */
typedef AllotStatus (*BulkBodyFn)(MessageBus *bus, void *ctx, ErrBuf *err);

/* Bulk work (SPEC.md §3: an import, the demo, a what-if Apply): begins one bulk
 * unit of work on the bus's store, runs body(bus, ctx, err), then ends the bulk
 * unit of work: commits every step together if the body returned ALLOT_OK, else
 * rolls all of them back.  Nothing of a bulk that fails is written.  The events of
 * each step are handled as bus_handle does, when the step runs.
 * Returns the body's error (the bulk rolled back), else the end's: ALLOT_ESTORAGE
 * (cannot begin — bulk work already open, locked, I/O; a step inside was refused
 * although the body returned ALLOT_OK: "bulk work was rolled back: a step
 * failed"), ALLOT_ECONFLICT. */
AllotStatus bus_bulk(MessageBus *bus, BulkBodyFn body, void *ctx, ErrBuf *err);

/* True if the bus was made (bus_new, bootstrap) over unit of work `uow`: a check
 * for callers given both, never a way to the store. */
bool bus_works_on(const MessageBus *bus, const UnitOfWork *uow);

#endif
