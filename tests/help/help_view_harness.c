/* help_view_harness.c — test program: opens the ncurses help viewer on a topic
 * (argv[1], or the index) and prints "closed N" after it returns.  Driven in
 * tmux by test_help_view.sh. */
#include <locale.h>
#include <stdio.h>

#include "tui/help_view.h"

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    initscr();
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    int rc = help_view_run(argc > 1 ? argv[1] : NULL);
    endwin();
    printf("closed %d\n", rc);
    fflush(stdout);
    return rc == 0 ? 0 : 1;
}
