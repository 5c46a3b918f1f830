/* The TUI app over the real store, without a terminal: the SQLite unit of work for
 * commands, the read model on its own connection, and a second unit of work on the
 * same file playing "another process" (SPEC.md §2 "Other processes' events appear
 * in a running TUI within 1 s"; §5). */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "persistence/sqlite_uow.h"
#include "tui/app.h"
#include "tui/source_views.h"

static void quiet(Logger *l, const char *line) { (void)l, (void)line; }
static Logger lg = {quiet};
static char path[64];
static UnitOfWork *uow, *other;
static MessageBus *bus, *obus;
static Views *views;
static TuiSource *src;
static TuiApp *app;
static TuiMemCanvas *cv;

static void run(MessageBus *b, Command c)
{
    ErrBuf err;
    cr_assert_eq(bus_handle(b, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

static bool main_has(const char *needle)
{
    tui_app_draw(app, tui_mem_canvas(cv));
    char line[1024];
    for (int y = 2; y < 16; y++)
        if (strstr(tui_mem_canvas_line(cv, y, line, sizeof line), needle))
            return true;
    return false;
}

static bool screen_has(const char *needle)
{
    tui_app_draw(app, tui_mem_canvas(cv));
    return tui_mem_canvas_find(cv, needle) >= 0;
}

static void tick(void)
{
    TuiInput in = {.type = TI_TICK};
    tui_app_input(app, &in);
}

static void setup(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    snprintf(path, sizeof path, "/tmp/allot-tui-app-%d.db", (int)getpid());
    unlink(path);
    ErrBuf err;
    cr_assert_eq(sqlite_uow_open(path, NULL, &uow, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(sqlite_uow_open(path, NULL, &other, &err), ALLOT_OK, "%s", err.msg);
    bus = bootstrap(uow, NULL, NULL, &lg);
    obus = bootstrap(other, NULL, NULL, &lg);
    run(bus, command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    run(bus, command_create_batch("S1", "LAMP", 20, 20500));
    run(bus, command_create_batch("T1", "TABLE", 2, ALLOT_NO_ETA));
    run(bus, command_allocate("o1", "LAMP", 4));
    run(bus, command_allocate("o2", "LAMP", 4));
    run(bus, command_allocate("o3", "TABLE", 5));
    cr_assert_eq(sqlite_views_open(path, &views, &err), ALLOT_OK, "%s", err.msg);
    src = source_views_new(views);
    cv = tui_mem_canvas_new(24, 80);
    TuiAppConfig cfg = {.source = src, .bus = bus, .uow = uow, .db_label = "test.db"};
    app = tui_app_new(&cfg, 24, 80);
}

static void teardown(void)
{
    tui_app_free(app);
    tui_mem_canvas_free(cv);
    tui_source_free(src);
    views_free(views);
    bus_free(bus);
    bus_free(obus);
    uow_free(uow);
    uow_free(other);
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

TestSuite(tui_app_sqlite, .init = setup, .fini = teardown);

Test(tui_app_sqlite, another_connections_commit_shows_on_the_next_tick_with_the_selection_kept)
{
    tui_app_type(app, "\t\tj"); /* Batches, on S1 (after W1) */
    cr_assert(main_has("▶ S1"));
    run(obus, command_create_batch("A0", "AAA", 3, ALLOT_NO_ETA)); /* sorts first */
    cr_assert_not(main_has("A0"), "not before the tick");
    tick();
    cr_assert(main_has("A0"));
    cr_assert(main_has("▶ S1"), "the selection stayed on S1");
    cr_assert(screen_has("BatchCreated"), "the feed shows the other process's event");
}

Test(tui_app_sqlite, a_quantity_change_through_the_tui_is_stored_with_its_events)
{
    tui_app_type(app, "\t\t"); /* W1 selected */
    tui_app_type(app, "c2\n");
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("→ S1"), "o2 (newest) moves to S1");
    tui_app_type(app, "y");
    cr_assert(screen_has("Reallocated"));
    /* what another reader sees */
    TuiBatchInfo info;
    bool found;
    ErrBuf err;
    cr_assert_eq(src->ops->batch_info(src, "W1", &info, &found, &err), ALLOT_OK);
    cr_assert(found);
    cr_assert_eq(info.qty, 2);
    cr_assert_eq(info.allocated, 0);
}

Test(tui_app_sqlite, a_cancel_from_the_backorders_screen_frees_the_line)
{
    tui_app_type(app, "\t\t\t"); /* Backorders: o3 TABLE */
    cr_assert(main_has("o3"));
    tui_app_type(app, "xy");
    cr_assert(screen_has("OrderLineCancelled"));
    cr_assert_not(main_has("o3"));
}

/* The reported case: the question is open on W1 → 0 while another process cancels
 * o1 and allocates o4 on LAMP; the list follows, and `y` applies what is shown. */
Test(tui_app_sqlite, an_open_confirmation_follows_another_processs_commit)
{
    tui_app_type(app, "\t\t"); /* W1 selected */
    tui_app_type(app, "c0\n");
    cr_assert(tui_app_confirming(app));
    cr_assert(main_has("o1"));
    cr_assert_not(main_has("o4"));
    run(obus, command_cancel_line("o1", "LAMP"));
    run(obus, command_allocate("o4", "LAMP", 5)); /* W1's room: lands there */
    tick();
    cr_assert(tui_app_confirming(app), "still asking");
    cr_assert(main_has("UPDATED (data changed)"));
    cr_assert(main_has("o4"), "the other process's line is listed");
    cr_assert_not(main_has("o1 "), "the cancelled line is not");
    tui_app_type(app, "y");
    cr_assert_not(tui_app_confirming(app));
    TuiBatchInfo info;
    bool found;
    ErrBuf err;
    cr_assert_eq(src->ops->batch_info(src, "W1", &info, &found, &err), ALLOT_OK);
    cr_assert(found);
    cr_assert_eq(info.qty, 0);
}
