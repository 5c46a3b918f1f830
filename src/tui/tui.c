/* tui.c — tui_run(): opens the store and runs the terminal UI (tui.h). */
#include "tui/tui.h"

#include <stdio.h>
#include <string.h>

#include "app/bootstrap.h"
#include "persistence/sqlite_uow.h"
#include "tui/term.h"

/* Event handler failures (e.g. the OutOfStock hook) go to the status line, never
 * on the terminal under curses. */
typedef struct StatusLogger {
    Logger base;
    char line[ALLOT_ERR_MAX];
} StatusLogger;

static void status_log(Logger *self, const char *line)
{
    StatusLogger *l = (StatusLogger *)self;
    snprintf(l->line, sizeof l->line, "%s", line);
}

typedef struct Run {
    const TuiOptions *opts;
    UnitOfWork *uow;
    SqliteBusyWait wait;
} Run;

static AllotStatus load_demo(void *ctx, ErrBuf *err)
{
    const TuiOptions *o = ((Run *)ctx)->opts;
    return o->load_demo(o->db_path, err);
}

static void install_wait(void *ctx, bool (*wait)(void *wctx, int64_t waited_ms), void *wctx)
{
    Run *r = ctx;
    r->wait = (SqliteBusyWait){wait, wctx};
    sqlite_uow_set_busy_wait(r->uow, wait ? &r->wait : NULL);
}

static void tick(void *ctx)
{
    const TuiOptions *o = ((Run *)ctx)->opts;
    if (o->notify_poll)
        o->notify_poll(o->notify_ctx);
}

int tui_run(const TuiOptions *opts)
{
    if (!tui_term_usable())
        return 2;
    ErrBuf err = {{0}};
    UnitOfWork *uow = NULL;
    if (sqlite_uow_open(opts->db_path, NULL, &uow, &err) != ALLOT_OK) {
        fprintf(stderr, "allot: %s\n", err.msg);
        return 3;
    }
    Views *views = NULL;
    if (sqlite_views_open(opts->db_path, &views, &err) != ALLOT_OK) {
        fprintf(stderr, "allot: %s\n", err.msg);
        uow_free(uow);
        return 3;
    }
    StatusLogger logger = {.base = {status_log}, .line = ""};
    if (opts->notify_attach)
        opts->notify_attach(opts->notify_ctx, &logger.base);
    MessageBus *bus = bootstrap(uow, opts->notifier, NULL, &logger.base);
    const char *label = strrchr(opts->db_path, '/');
    Run run = {.opts = opts, .uow = uow};
    TuiAppConfig cfg = {
        .views = views,
        .uow = uow,
        .bus = bus,
        .db_label = label ? label + 1 : opts->db_path,
        .load_demo = opts->load_demo ? load_demo : NULL,
        .load_demo_ctx = &run,
        .notify_log = opts->notify_log,
    };
    TuiTermHooks hooks = {install_wait, tick, &run, logger.line};
    int rc = tui_term_loop(&cfg, &hooks);
    if (opts->notify_attach) /* the status line is gone */
        opts->notify_attach(opts->notify_ctx, NULL);
    bus_free(bus);
    views_free(views);
    uow_free(uow);
    return rc;
}
