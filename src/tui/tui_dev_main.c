/* tui_dev_main.c — runs the TUI on an in-memory sample store, for developing the
 * screens without a database.  Not installed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bootstrap.h"
#include "persistence/memory_uow.h"
#include "tui/source_memory.h"
#include "tui/term.h"

static void quiet(Logger *l, const char *line)
{
    (void)l;
    (void)line;
}

int main(int argc, char **argv)
{
    if (!tui_term_usable())
        return 2;
    int n = argc > 1 ? atoi(argv[1]) : 40;
    UnitOfWork *uow = memory_uow_new();
    Logger lg = {quiet};
    MessageBus *bus = bootstrap(uow, NULL, NULL, &lg);
    ErrBuf err;
    int32_t today = date_from_unix(clock_system()->now(clock_system()));
    const char *skus[] = {"LAMP", "TABLE", "CHAIR", "SOFA-ÉTÉ", "茶杯-CUP"};
    for (int s = 0; s < 5; s++) {
        char ref[64];
        snprintf(ref, sizeof ref, "W-%s", skus[s]);
        Command c = command_create_batch(ref, skus[s], 20, ALLOT_NO_ETA);
        bus_handle(bus, &c, NULL, &err);
        snprintf(ref, sizeof ref, "S-%s", skus[s]);
        c = command_create_batch(ref, skus[s], 30, today + 3 + s);
        bus_handle(bus, &c, NULL, &err);
    }
    for (int i = 0; i < n; i++) {
        char o[32];
        snprintf(o, sizeof o, "o%03d", i);
        Command c = command_allocate(o, skus[i % 5], 1 + i % 4);
        bus_handle(bus, &c, NULL, &err);
    }
    TuiSource *src = source_memory_new(uow);
    TuiAppConfig cfg = {.source = src, .bus = bus, .uow = uow, .db_label = "memory"};
    int rc = tui_term_loop(&cfg, NULL);
    tui_source_free(src);
    bus_free(bus);
    uow_free(uow);
    return rc;
}
