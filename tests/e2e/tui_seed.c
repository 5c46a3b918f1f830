/* tui_seed.c — test helper for the TUI end-to-end tests: builds a small database
 * through the message bus, or runs one command line on it (the CLI grammar).
 *
 *   tui_seed DB seed          batches and lines over a few SKUs (ETAs from today)
 *   tui_seed DB run LINE      one command, e.g. "change-qty B-LAMP-2 5"
 */
#include <stdio.h>
#include <string.h>

#include "app/bootstrap.h"
#include "app/command_parse.h"
#include "persistence/sqlite_uow.h"

static int run(MessageBus *bus, const char *line)
{
    TokenList t;
    token_list_init(&t);
    ParsedCommand pc;
    ErrBuf err = {{0}};
    AllotStatus st = command_parse_line(line, &t, &pc, &err);
    if (st == ALLOT_OK && pc.spec && command_is_bus(pc.spec))
        st = bus_handle(bus, &pc.cmd, NULL, &err);
    token_list_fini(&t);
    if (st != ALLOT_OK) {
        fprintf(stderr, "tui_seed: %s: %s\n", line, err.msg);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: tui_seed DB seed | tui_seed DB run LINE\n");
        return 2;
    }
    UnitOfWork *uow;
    ErrBuf err = {{0}};
    if (sqlite_uow_open(argv[1], NULL, &uow, &err) != ALLOT_OK) {
        fprintf(stderr, "tui_seed: %s\n", err.msg);
        return 3;
    }
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    int rc = 0;
    if (strcmp(argv[2], "run") == 0 && argc == 4) {
        rc = run(bus, argv[3]);
    } else if (strcmp(argv[2], "seed") == 0) {
        int32_t today = date_from_unix(clock_system()->now(clock_system()));
        const char *skus[] = {"LAMP", "TABLE", "CHAIR", "SOFA-ÉTÉ", "茶杯"};
        char line[256], d[ALLOT_DATE_TEXT];
        for (int s = 0; s < 5 && !rc; s++) {
            snprintf(line, sizeof line, "add-batch W-%d %s 20", s, skus[s]);
            rc |= run(bus, line);
            snprintf(line, sizeof line, "add-batch S-%d %s 30 %s", s, skus[s],
                     date_format(today + 3 + s, d));
            rc |= run(bus, line);
        }
        for (int i = 0; i < 60 && !rc; i++) {
            snprintf(line, sizeof line, "allocate o%03d %s %d", i, skus[i % 5], 1 + i % 3);
            rc |= run(bus, line);
        }
        /* a SKU short of stock: two backorders */
        rc |= run(bus, "add-batch W-9 GLUE 3");
        for (int i = 0; i < 3 && !rc; i++) {
            snprintf(line, sizeof line, "allocate g%d GLUE 2", i);
            rc |= run(bus, line);
        }
    } else {
        fprintf(stderr, "usage: tui_seed DB seed | tui_seed DB run LINE\n");
        rc = 2;
    }
    bus_free(bus);
    uow_free(uow);
    return rc;
}
