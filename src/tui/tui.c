/* tui.c — tui_run(): opens the store and runs the terminal UI (tui.h). */
#include "tui/tui.h"

#include <stdio.h>
#include <string.h>

#include "app/bootstrap.h"
#include "persistence/sqlite_uow.h"
#include "persistence/store.h"
#include "tui/csv_file.h"
#include "tui/feed.h"
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
    bool sqlite;
    SqliteBusyWait wait;
} Run;

static AllotStatus load_demo(void *ctx, ErrBuf *err)
{
    const TuiOptions *o = ((Run *)ctx)->opts;
    return o->load_demo(o->db_path, err);
}

/* A write waiting for SQLite's lock keeps the screen alive (term.h).  (PostgreSQL
 * waits on row locks inside its transaction; nothing is installed there.) */
static void install_wait(void *ctx, bool (*wait)(void *wctx, int64_t waited_ms), void *wctx)
{
    Run *r = ctx;
    r->wait = (SqliteBusyWait){wait, wctx};
    if (r->sqlite)
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
    StoreTarget store;
    UnitOfWork *uow = NULL;
    if (store_target(opts->db_path, &store, &err) != ALLOT_OK ||
        store_open(&store, NULL, &uow, NULL, &err) != ALLOT_OK) {
        fprintf(stderr, "allot: %s\n", err.msg);
        return 3;
    }
    Views *views = NULL;
    if (store_open_views(&store, STORE_READ_WRITE, &views, &err) != ALLOT_OK) {
        fprintf(stderr, "allot: %s\n", err.msg);
        uow_free(uow);
        return 3;
    }
    /* the live feed follows the log from the last events it groups on
     * (app/follower.h, feed.h TUI_FEED_BACK) */
    int64_t latest = 0;
    views_latest_event_id(views, &latest, &err);
    FollowStart start = {.from = FOLLOW_AFTER_ID, .id = tui_feed_follow_after(latest)};
    EventFollower *follower = NULL;
    if (store_follow(&store, &start, &follower, &err) != ALLOT_OK) {
        fprintf(stderr, "allot: %s\n", err.msg);
        views_free(views);
        uow_free(uow);
        return 3;
    }
    StatusLogger logger = {.base = {status_log}, .line = ""};
    if (opts->notify_attach)
        opts->notify_attach(opts->notify_ctx, &logger.base);
    MessageBus *bus = bootstrap(uow, opts->notifier, NULL, &logger.base);
    const char *label = store.kind == STORE_SQLITE ? strrchr(store.label, '/') : NULL;
    Run run = {.opts = opts, .uow = uow, .sqlite = store.kind == STORE_SQLITE};
    TuiCsvWriter csv = tui_csv_file(store.kind == STORE_SQLITE ? store.where : NULL);
    TuiAppConfig cfg = {
        .views = views,
        .uow = uow,
        .bus = bus,
        .db_label = label ? label + 1 : store.label,
        .load_demo = opts->load_demo ? load_demo : NULL,
        .load_demo_ctx = &run,
        .notify_log = opts->notify_log,
        .follower = follower,
        .csv = &csv,
    };
    TuiTermHooks hooks = {install_wait, tick, &run, logger.line};
    int rc = tui_term_loop(&cfg, &hooks);
    if (opts->notify_attach) /* the status line is gone */
        opts->notify_attach(opts->notify_ctx, NULL);
    follower_free(follower);
    bus_free(bus);
    views_free(views);
    uow_free(uow);
    return rc;
}
