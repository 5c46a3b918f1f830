/* What-if sessions in the TUI app over the real store, without a terminal
 * (issue 6; tests/e2e/tui_whatif_e2e.sh does the same in tmux). */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "persistence/sqlite_uow.h"
#include "tui/app.h"
#include "tui/source_views.h"
#include "tui/whatif_tui.h"

static void quiet(Logger *l, const char *line) { (void)l, (void)line; }
static Logger lg = {quiet};
static char path[64];
static UnitOfWork *uow;
static MessageBus *bus;
static Views *views;
static TuiSource *src;
static TuiApp *app;
static TuiMemCanvas *cv;
static int32_t today;

static void run(Command c)
{
    ErrBuf err;
    cr_assert_eq(bus_handle(bus, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

static bool screen_has(const char *needle)
{
    tui_app_draw(app, tui_mem_canvas(cv));
    return tui_mem_canvas_find(cv, needle) >= 0;
}

/* W1's live ETA, read through the live read model. */
static int32_t live_eta(const char *ref)
{
    ViewPage page = {.limit = 8, .filter = ref};
    BatchRow rows[8];
    size_t n = 0;
    ErrBuf err;
    cr_assert_eq(views_batches(views, NULL, BATCH_ORDER_REF, &page, NULL, rows, &n, &err), ALLOT_OK);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].ref, ref) == 0)
            return rows[i].eta;
    cr_assert_fail("no batch %s", ref);
    return 0;
}

static void setup(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    today = date_from_unix(time(NULL));
    snprintf(path, sizeof path, "/tmp/allot-tui-whatif-%d.db", (int)getpid());
    unlink(path);
    ErrBuf err;
    cr_assert_eq(sqlite_uow_open(path, NULL, &uow, &err), ALLOT_OK, "%s", err.msg);
    bus = bootstrap(uow, NULL, NULL, &lg);
    run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    run(command_create_batch("S1", "LAMP", 20, today + 5));
    run(command_allocate("o1", "LAMP", 4));
    run(command_allocate("o2", "LAMP", 4));
    cr_assert_eq(sqlite_views_open(path, &views, &err), ALLOT_OK, "%s", err.msg);
    src = source_views_new(views);
    cv = tui_mem_canvas_new(24, 80);
    TuiAppConfig cfg = {.source = src, .views = views, .bus = bus, .uow = uow, .db_label = "test.db"};
    app = tui_app_new(&cfg, 24, 80);
}

static void teardown(void)
{
    tui_app_free(app);
    tui_mem_canvas_free(cv);
    tui_source_free(src);
    views_free(views);
    bus_free(bus);
    uow_free(uow);
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

TestSuite(tui_whatif, .init = setup, .fini = teardown);

/* w, then on the Batches screen (W1 first) delay W1 by 14 days and say yes. */
static void delay_w1_in_a_session(void)
{
    tui_app_type(app, "w");
    cr_assert(tui_app_in_whatif(app));
    cr_assert(screen_has("WHAT-IF SESSION"));
    tui_app_type(app, "B");
    tui_app_type(app, "14d");
    cr_assert(tui_app_confirming(app), "the lines on W1 and their slips are shown");
    cr_assert(screen_has("+5d"), "o1 and o2 move to S1: 5 days later than today");
    tui_app_type(app, "y");
    cr_assert(screen_has("1 change"));
}

Test(tui_whatif, a_delay_in_a_session_shows_in_the_screens_and_not_on_live)
{
    delay_w1_in_a_session();
    cr_assert(screen_has("Δ ETA+14d"), "W1 is marked with its ETA change");
    cr_assert(screen_has("Δ -0/+2"), "S1 received W1's two lines");
    cr_assert_eq(live_eta("W1"), ALLOT_NO_ETA, "live is untouched");
    tui_app_type(app, "D");
    cr_assert_not(tui_app_in_whatif(app));
    cr_assert_not(screen_has("WHAT-IF SESSION"));
    cr_assert_not(screen_has("Δ"), "no marks outside a session");
    cr_assert_eq(live_eta("W1"), ALLOT_NO_ETA);
}

Test(tui_whatif, apply_changes_live_and_says_it_went_as_predicted)
{
    delay_w1_in_a_session();
    tui_app_type(app, "A");
    cr_assert(tui_app_confirming(app));
    cr_assert(screen_has("to the LIVE data"));
    tui_app_type(app, "y");
    cr_assert_not(tui_app_in_whatif(app));
    cr_assert(strstr(tui_app_status(app), "as predicted"), "%s", tui_app_status(app));
    cr_assert_eq(live_eta("W1"), today + 14);
    cr_assert(screen_has("BatchEtaChanged"), "the applied events are in the feed");
}

Test(tui_whatif, quitting_with_a_session_open_asks_first)
{
    delay_w1_in_a_session();
    tui_app_type(app, "Q");
    cr_assert_not(tui_app_done(app));
    cr_assert(screen_has("Quit and discard it?"));
    tui_app_type(app, "n");
    cr_assert(tui_app_in_whatif(app));
    tui_app_type(app, "Q");
    tui_app_type(app, "y");
    cr_assert(tui_app_done(app));
    cr_assert_eq(live_eta("W1"), ALLOT_NO_ETA, "quitting discarded the session");
}

Test(tui_whatif, apply_and_discard_without_a_session_only_say_so)
{
    tui_app_type(app, "A");
    cr_assert(strstr(tui_app_status(app), "no what-if session"));
    tui_app_type(app, "D");
    cr_assert(strstr(tui_app_status(app), "no what-if session"));
    tui_app_type(app, "w");
    tui_app_type(app, "A");
    cr_assert(strstr(tui_app_status(app), "no changes to apply"));
    tui_app_type(app, "w");
    cr_assert(strstr(tui_app_status(app), "is open"));
}

/* Another process changes a batch the session read, in a way that moves no line:
 * the outcome differs in one batch only, and the report says which, never
 * "for 0 lines". */
Test(tui_whatif, apply_after_a_batch_changed_elsewhere_names_the_batch_not_zero_lines)
{
    TuiWhatIf *w;
    ErrBuf err = {{0}};
    cr_assert_eq(tui_whatif_start(uow, views, NULL, &w, &err), ALLOT_OK, "%s", err.msg);
    Command c = command_change_batch_eta("W1", today + 14);
    cr_assert_eq(whatif_run(tui_whatif_session(w), &c, NULL, &err), ALLOT_OK, "%s", err.msg);
    UnitOfWork *other;
    cr_assert_eq(sqlite_uow_open(path, NULL, &other, &err), ALLOT_OK, "%s", err.msg);
    MessageBus *obus = bootstrap(other, NULL, NULL, &lg);
    Command more = command_change_batch_qty("S1", 21); /* room to spare: no line moves */
    cr_assert_eq(bus_handle(obus, &more, NULL, &err), ALLOT_OK, "%s", err.msg);
    bus_free(obus);
    uow_free(other);
    bool as_predicted = true;
    char msg[512];
    TuiPreview mismatch;
    tui_preview_init(&mismatch);
    cr_assert_eq(tui_whatif_apply(w, bus, &as_predicted, msg, sizeof msg, &mismatch), ALLOT_OK);
    tui_preview_fini(&mismatch);
    cr_assert_not(as_predicted);
    cr_assert_null(strstr(msg, " 0 line"), "%s", msg);
    cr_assert(strstr(msg, "S1"), "the batch that differs is named: %s", msg);
    cr_assert_eq(live_eta("W1"), today + 14);
    tui_whatif_free(w);
}
