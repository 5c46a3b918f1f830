/* term.c — the ncursesw shell: one input type, one redraw per loop, signals and
 * terminal restoration (term.h; SPEC.md §5 "restores the terminal on every exit
 * path"). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "tui/term.h"

#include <curses.h>
#include <term.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tui/curses_canvas.h"

/* How long the loop waits for a key before looking for new data (SPEC.md §2:
 * other processes' events appear within 1 s). */
#define POLL_MS 250
#define DRAW_MS 100 /* while keys keep coming, a frame at least this often */
#define PROGRESS_MS 200 /* a bulk preview says how far it is this often */
#define BLIND_MS 1000 /* a key whose work took this long: keys typed meanwhile are dropped */

/* Signal handlers can only reach static storage: the one place the TUI keeps
 * process-wide state, set while the terminal is in curses mode.  g_stop is the
 * signal that ends the loop at once (SIGTERM, SIGHUP, SIGQUIT); g_interrupt a
 * Ctrl-C for the app, which asks first while a what-if session is open. */
static volatile sig_atomic_t g_stop, g_interrupt;
/* Set while the app works on an input (not waiting for a key): a long piece of
 * work (a bulk preview, a write) would not see g_stop until it is done. */
static volatile sig_atomic_t g_in_app;
static struct termios g_saved_termios;
static volatile sig_atomic_t g_have_termios;
static char g_restore_seq[128]; /* rmcup + cnorm + sgr0 of the terminal */

bool tui_term_usable(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "allot: the terminal UI needs a terminal (standard input and output are "
                        "not one); use a subcommand, see allot --help\n");
        return false;
    }
    const char *term = getenv("TERM");
    if (!term || !*term) {
        fprintf(stderr, "allot: TERM is not set; the terminal UI needs to know the terminal "
                        "(e.g. TERM=xterm-256color); subcommands work without it\n");
        return false;
    }
    if (strcmp(term, "dumb") == 0) {
        fprintf(stderr, "allot: TERM=dumb cannot show the terminal UI; use a full terminal "
                        "(e.g. TERM=xterm-256color) or a subcommand, see allot --help\n");
        return false;
    }
    return true;
}

static void restore_terminal(void)
{
    if (g_have_termios) {
        ssize_t r = write(STDOUT_FILENO, g_restore_seq, strlen(g_restore_seq));
        (void)r;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
    }
}

/* SIGTERM, SIGHUP, SIGQUIT: end the loop at once — while the app is at work on
 * an input, by ending the process here (the terminal put back; a transaction not
 * committed is rolled back by the store, as after a crash: nothing half-written). */
static void on_stop(int sig)
{
    g_stop = sig;
    if (g_in_app) {
        restore_terminal();
        _exit(128 + sig);
    }
}

static void on_interrupt(int sig)
{
    (void)sig;
    g_interrupt = 1;
}

/* Fatal signals: put the terminal back as it was, then die of the same signal. */
static void on_fatal(int sig)
{
    restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_interrupt; /* no SA_RESTART: the wait for a key returns at once */
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGABRT, &sa, NULL);
}

static void release_signals(void)
{
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
}

/* After a key whose work took BLIND_MS or more: the keys typed meanwhile (`dropped`
 * of them already taken by show_progress) were typed blind, for a screen that has changed since (a question may have opened), so they
 * are dropped, and the status line says so; a resize among them is still taken. */
static void drop_typed_blind(TuiApp *app, TuiCursesCanvas *canvas, int dropped)
{
    wint_t ch;
    int r;
    wtimeout(stdscr, 0);
    while ((r = wget_wch(stdscr, &ch)) != ERR) {
        if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
            tui_curses_canvas_resize(canvas);
            tui_app_input(app, &(TuiInput){.type = TI_RESIZE, .rows = LINES, .cols = COLS});
            clearok(curscr, TRUE);
        } else {
            dropped++;
        }
    }
    if (dropped) {
        char text[600];
        snprintf(text, sizeof text, "%s — %d key%s typed while busy %s dropped",
                 tui_app_status(app), dropped, dropped == 1 ? "" : "s",
                 dropped == 1 ? "was" : "were");
        tui_app_set_status(app, false, text);
    }
}

static void add_cap(const char *name)
{
    char *s = tigetstr((char *)name);
    if (s && s != (char *)-1 && strlen(g_restore_seq) + strlen(s) + 1 < sizeof g_restore_seq)
        strcat(g_restore_seq, s);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int map_key(int r, wint_t ch)
{
    if (r == KEY_CODE_YES) {
        switch (ch) {
        case KEY_UP: return TK_UP;
        case KEY_DOWN: return TK_DOWN;
        case KEY_LEFT: return TK_LEFT;
        case KEY_RIGHT: return TK_RIGHT;
        case KEY_PPAGE: return TK_PGUP;
        case KEY_NPAGE: return TK_PGDN;
        case KEY_HOME: return TK_HOME;
        case KEY_END: return TK_END;
        case KEY_BTAB: return TK_BTAB;
        case KEY_BACKSPACE: return TK_BACKSPACE;
        case KEY_DC: return TK_DELETE;
        case KEY_ENTER: return TK_ENTER;
        default:
            if (ch >= KEY_F(1) && ch <= KEY_F(12))
                return TK_F1 + (int)(ch - KEY_F(1));
            return TK_NONE;
        }
    }
    if (ch == '\r' || ch == '\n')
        return TK_ENTER;
    if (ch == 127)
        return TK_BACKSPACE;
    return (int)ch;
}

static void draw(TuiApp *app, TuiCursesCanvas *canvas)
{
    tui_app_draw(app, &canvas->base);
    wnoutrefresh(stdscr);
    doupdate();
}

typedef struct Waiting {
    TuiApp *app;
    TuiCursesCanvas *canvas;
} Waiting;

/* A write waits for another process's lock: say so, keep the screen drawn, and
 * give up on Esc (or on a signal).  Other keys are dropped: the app is busy. */
static bool wait_for_lock(void *ctx, int64_t waited_ms)
{
    Waiting *w = ctx;
    tui_app_waiting(w->app, waited_ms);
    draw(w->app, w->canvas);
    bool go_on = !g_stop && !g_interrupt;
    wtimeout(stdscr, 0);
    wint_t ch;
    int r;
    while (go_on && (r = wget_wch(stdscr, &ch)) != ERR)
        go_on = !(r == OK && ch == 27);
    wtimeout(stdscr, POLL_MS);
    return go_on;
}

/* A bulk preview works through its commands: once it has taken BLIND_MS, every
 * PROGRESS_MS say how far it is on the status line and draw; Esc or Ctrl-C stops it (nothing changed), a signal
 * that ends allot too.  Other keys are dropped: the app is busy. */
typedef struct Working {
    TuiApp *app;
    TuiCursesCanvas *canvas;
    int64_t start, last; /* when the preview began, when it last said how far it is */
    int dropped;         /* keys typed meanwhile (drop_typed_blind says so) */
} Working;

static bool show_progress(void *ctx, size_t done, size_t n)
{
    Working *w = ctx;
    int64_t now = now_ms();
    if (done == 1) /* a new preview: quiet, and keys left waiting, for its first BLIND_MS */
        w->start = w->last = now;
    if (now - w->start < BLIND_MS || now - w->last < PROGRESS_MS)
        return true;
    w->last = now;
    char text[160];
    snprintf(text, sizeof text, "working out the preview: %zu of %zu marked rows… Esc stops", done,
             n);
    tui_app_set_status(w->app, false, text);
    draw(w->app, w->canvas);
    bool go_on = !g_stop && !g_interrupt;
    g_interrupt = 0;
    wtimeout(stdscr, 0);
    wint_t ch;
    int r;
    while (go_on && (r = wget_wch(stdscr, &ch)) != ERR) {
        go_on = !(r == OK && ch == 27);
        w->dropped += go_on && !(r == KEY_CODE_YES && ch == KEY_RESIZE);
    }
    wtimeout(stdscr, POLL_MS);
    return go_on;
}

int tui_term_loop(const TuiAppConfig *cfg, const TuiTermHooks *hooks)
{
    TuiTermHooks none = {0};
    if (!hooks)
        hooks = &none;
    setlocale(LC_ALL, "");
    tcgetattr(STDIN_FILENO, &g_saved_termios);
    g_stop = g_interrupt = 0;
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        fprintf(stderr, "allot: cannot use terminal type \"%s\" (no terminfo entry?)\n",
                getenv("TERM") ? getenv("TERM") : "");
        return 2;
    }
    g_restore_seq[0] = 0;
    add_cap("rmcup");
    add_cap("cnorm");
    add_cap("sgr0");
    g_have_termios = 1;
    catch_signals();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    wtimeout(stdscr, POLL_MS);

    const char *nc = getenv("NO_COLOR");
    TuiCursesCanvas canvas;
    tui_curses_canvas_init(&canvas, !(nc && nc[0]));
    TuiApp *app = tui_app_new(cfg, LINES, COLS);
    Waiting waiting = {app, &canvas};
    Working working = {app, &canvas, 0, 0, 0};
    tui_app_set_progress(app, show_progress, &working);
    if (hooks->install_wait)
        hooks->install_wait(hooks->ctx, wait_for_lock, &waiting);
    int64_t last_poll = now_ms(), last_draw = 0;
    while (!g_stop && !tui_app_done(app)) {
        if (hooks->logger_line && hooks->logger_line[0]) {
            tui_app_set_status(app, true, hooks->logger_line);
            hooks->logger_line[0] = 0;
        }
        wint_t ch = 0;
        int r = ERR;
        if (tui_app_dirty(app)) {
            /* keys already waiting (a paste, a held key) are taken before the frame
               they would change anyway, a frame at least every DRAW_MS */
            if (now_ms() - last_draw < DRAW_MS) {
                wtimeout(stdscr, 0);
                r = wget_wch(stdscr, &ch);
            }
            if (r == ERR) {
                draw(app, &canvas);
                last_draw = now_ms();
            }
        }
        bool busy = tui_app_busy(app); /* background work: do it while no key waits */
        if (r == ERR) {
            wtimeout(stdscr, busy ? 0 : POLL_MS);
            g_in_app = 0;
            r = wget_wch(stdscr, &ch);
            g_in_app = 1;
        }
        if (g_stop)
            break;
        TuiInput in = {.type = busy && r == ERR ? TI_IDLE : TI_TICK};
        if (g_interrupt) {
            g_interrupt = 0;
            in = (TuiInput){.type = TI_SIGNAL, .key = SIGINT};
        } else if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
            tui_curses_canvas_resize(&canvas);
            in = (TuiInput){.type = TI_RESIZE, .rows = LINES, .cols = COLS};
            clearok(curscr, TRUE);
        } else if (r != ERR) {
            in = (TuiInput){.type = TI_KEY, .key = map_key(r, ch)};
            if (in.key == TK_CTRL_L)
                clearok(curscr, TRUE);
        }
        if (in.type != TI_KEY || in.key != TK_NONE) {
            int64_t start = now_ms();
            tui_app_input(app, &in);
            if (in.type == TI_KEY && (working.dropped || now_ms() - start >= BLIND_MS))
                drop_typed_blind(app, &canvas, working.dropped);
            working.dropped = 0;
        }
        /* keep polling while keys keep coming */
        bool tick = in.type == TI_TICK || now_ms() - last_poll >= POLL_MS;
        if (in.type != TI_TICK && tick)
            tui_app_input(app, &(TuiInput){.type = TI_TICK});
        if (tick) {
            if (hooks->tick)
                hooks->tick(hooks->ctx);
            last_poll = now_ms();
        }
    }
    int rc = g_stop ? 128 + g_stop : tui_app_exit_status(app);
    if (hooks->install_wait)
        hooks->install_wait(hooks->ctx, NULL, NULL);
    tui_app_free(app);
    endwin();
    delscreen(scr);
    g_have_termios = 0;
    release_signals();
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
    return rc;
}
