/* main.c — the allot executable.  For now: --version and --help. */
#include <stdio.h>
#include <string.h>

#include "help/help_print.h"
#include "version.h"

int main(int argc, char **argv)
{
    const char *db = NULL;
    if (argc > 2 && strcmp(argv[1], "--db") == 0) {
        db = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("allot %s\n", ALLOT_VERSION);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "help") == 0) { /* issue 7: allot help [TOPIC] */
        ErrBuf err = {{0}};
        AllotStatus s = help_print(argc > 2 ? argv[2] : NULL, stdout, help_output_width(stdout), &err);
        if (s != ALLOT_OK) {
            fprintf(stderr, "allot: %s\n", err.msg[0] ? err.msg : allot_status_message(s));
            return allot_status_exit_code(s);
        }
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--help") != 0) {
        fprintf(stderr, "allot: unknown command '%s' (try allot --help)\n", argv[1]);
        return 2;
    }
    printf("allot %s — allocation of order lines to stock batches\n"
           "usage: allot [--db PATH] --version | --help | help [TOPIC]\n",
           ALLOT_VERSION);
    if (db)
        printf("database: %s (storage arrives with the SQLite unit of work)\n", db);
    return 0;
}
