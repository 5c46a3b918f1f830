/* tui_main.c — `allot-tui [--db PATH]`: the terminal UI alone, until the allot
 * executable calls tui_run() itself.  Not installed. */
#include <stdio.h>
#include <string.h>

#include "persistence/sqlite_uow.h"
#include "tui/tui.h"

int main(int argc, char **argv)
{
    const char *cli = NULL;
    if (argc == 3 && strcmp(argv[1], "--db") == 0)
        cli = argv[2];
    else if (argc != 1) {
        fprintf(stderr, "usage: allot-tui [--db PATH]\n");
        return 2;
    }
    char path[4096];
    ErrBuf err = {{0}};
    if (sqlite_db_path(cli, path, sizeof path, &err) != ALLOT_OK) {
        fprintf(stderr, "allot: %s\n", err.msg);
        return 3;
    }
    TuiOptions o = {.db_path = path};
    return tui_run(&o);
}
