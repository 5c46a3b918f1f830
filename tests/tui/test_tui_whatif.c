/* What-if sessions in the TUI app over the real store, without a terminal
 * (issue 6; tests/e2e/tui_whatif_e2e.sh does the same in tmux). */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "fixture.h"
#include "tui/source_views.h"
#include "tui/whatif_tui.h"

#define app fx.app
#define screen_has fixture_screen_has

static int32_t today;

/* W1's live ETA, read through the live read model. */
static int32_t live_eta(const char *ref)
{
    BatchRow b;
    cr_assert(fixture_batch(ref, &b), "no batch %s", ref);
    return b.eta;
}

static void setup(void)
{
    fixture_open(NULL);
    today = date_from_unix(time(NULL));
    fixture_run(command_create_batch("W1", "LAMP", 10, ALLOT_NO_ETA));
    fixture_run(command_create_batch("S1", "LAMP", 20, today + 5));
    fixture_run(command_allocate("o1", "LAMP", 4));
    fixture_run(command_allocate("o2", "LAMP", 4));
    fixture_start();
}

TestSuite(tui_whatif, .init = setup, .fini = fixture_close);

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
    cr_assert(tui_app_in_whatif(app), "D asks first");
    tui_app_type(app, "y");
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
    /* the feed names the command applied and groups its events under it */
    cr_assert(screen_has("set-eta W1 ") && screen_has(": 3 events"),
              "the applied command is in the feed, with its events");
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
 * Apply is worked out on live as it is, so the outcome is the one shown — and the
 * report never says "for 0 lines". */
Test(tui_whatif, apply_after_a_batch_changed_elsewhere_reports_what_was_shown_not_zero_lines)
{
    TuiWhatIf *w;
    ErrBuf err = {{0}};
    TuiSource *live = source_views_new(fx.views);
    cr_assert_eq(tui_whatif_start(fx.uow, fx.views, live, NULL, &w, &err), ALLOT_OK, "%s",
                 err.msg);
    Command c = command_change_batch_eta("W1", today + 14);
    cr_assert_eq(whatif_run(tui_whatif_session(w), &c, NULL, &err), ALLOT_OK, "%s", err.msg);
    fixture_run_other(command_change_batch_qty("S1", 21)); /* room to spare: no line moves */
    TuiQuestion q, notice;
    tui_question_init(&q, ASK_APPLY);
    tui_question_init(&notice, ASK_NOTICE);
    cr_assert(tui_whatif_prepare_apply(w, &q, &err), "%s", err.msg);
    char msg[512];
    bool has_notice = true;
    cr_assert_eq(tui_whatif_apply(w, fx.bus, &q, msg, sizeof msg, &notice, &has_notice),
                 WHATIF_APPLIED, "%s", msg);
    cr_assert_not(has_notice);
    cr_assert_null(strstr(msg, " 0 line"), "%s", msg);
    cr_assert(strstr(msg, "as predicted"), "%s", msg);
    cr_assert_eq(live_eta("W1"), today + 14);
    tui_question_fini(&q);
    tui_question_fini(&notice);
    tui_whatif_free(w);
    tui_source_free(live);
}
