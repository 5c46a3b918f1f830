/* bootstrap.h — wires explicit dependencies into the handlers (SPEC.md §2).
 * The one place that knows which handler serves which command and event. */
#ifndef ALLOT_APP_BOOTSTRAP_H
#define ALLOT_APP_BOOTSTRAP_H

#include "app/message_bus.h"

/* A bus over `uow` with every handler of handlers.h registered.  NULL notifier,
 * clock or logger get notifier_none(), clock_system(), logger_stderr().  None of
 * the pointers is owned: the caller frees the uow after bus_free. */
MessageBus *bootstrap(UnitOfWork *uow, Notifier *notifier, Clock *clock, Logger *logger);

#endif
