/* ports.h — the explicit dependencies handed to handlers by bootstrap
 * (SPEC.md §2 "Handlers receive their dependencies explicitly").
 *
 * Each is a tiny interface: a function pointer plus the implementation's own
 * state behind it (implementations embed the struct as their first member).
 */
#ifndef ALLOT_APP_PORTS_H
#define ALLOT_APP_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/events.h"
#include "domain/status.h"

/* Sends an event (OutOfStock) to whoever wants to know (SPEC.md §2
 * "Notifications").  Returns ALLOT_OK or an error with detail in `err`; an error is
 * logged by the bus and never undoes the change. */
typedef struct Notifier {
    AllotStatus (*send)(struct Notifier *self, const Event *ev, ErrBuf *err);
} Notifier;

/* The time now, in whole seconds since 1970-01-01 UTC. */
typedef struct Clock {
    int64_t (*now)(struct Clock *self);
} Clock;

/* Receives one line of diagnostic text (no trailing newline). */
typedef struct Logger {
    void (*log)(struct Logger *self, const char *line);
} Logger;

/* The actor of this process (SPEC.md §1.6): "USER@HOST" from $USER (else the
 * login name, else "uid<N>") and the host name, cut to fit `size` bytes
 * (ALLOT_ID_MAX + 1 holds what an event keeps).  Returns buf. */
char *actor_of_process(char *buf, size_t size);

/* Ready-made implementations with static storage and no state. */
Clock *clock_system(void);     /* time(NULL) */
Logger *logger_stderr(void);   /* "allot: LINE\n" on stderr */
Notifier *notifier_none(void); /* accepts and drops every event */

#endif
