#include "app/bootstrap.h"

#include "app/handlers.h"

MessageBus *bootstrap(UnitOfWork *uow, Notifier *notifier, Clock *clock, Logger *logger)
{
    HandlerDeps deps = {
        .uow = uow,
        .notifier = notifier ? notifier : notifier_none(),
        .clock = clock ? clock : clock_system(),
        .logger = logger ? logger : logger_stderr(),
    };
    MessageBus *bus = bus_new(&deps);
    bus_set_command_handler(bus, CMD_ALLOCATE, handle_allocate);
    bus_set_command_handler(bus, CMD_CREATE_BATCH, handle_create_batch);
    bus_set_command_handler(bus, CMD_CHANGE_BATCH_QTY, handle_change_batch_qty);
    bus_set_command_handler(bus, CMD_CHANGE_BATCH_ETA, handle_change_batch_eta);
    bus_set_command_handler(bus, CMD_CANCEL_LINE, handle_cancel_line);
    bus_set_command_handler(bus, CMD_ALLOCATE_TO, handle_allocate_to);
    bus_set_command_handler(bus, CMD_RETRY_BACKORDERS, handle_retry_backorders);
    bus_set_command_handler(bus, CMD_UNDO, handle_undo);
    bus_add_event_handler(bus, EV_OUT_OF_STOCK, handle_notify_out_of_stock);
    return bus;
}
