/* app_whatif.c — a what-if session's life in the app: start, apply, discard and
 * quit, each asking first (app_impl.h; the session itself is whatif_tui.h). */
#include <stdio.h>

#include "tui/app_impl.h"
#include "tui/screens/screens.h"

/* ---- what-if sessions (whatif_tui.h) ---- */

/* The summaries read the session: they go with it (the screens above stay). */
static void close_summaries(TuiApp *a)
{
    int k = 0;
    bool top_gone = tui_view_is_whatif_summary(app_top(a));
    for (int i = 0; i < a->depth; i++) {
        if (i > 0 && tui_view_is_whatif_summary(a->stack[i]))
            tui_view_free(a->stack[i]);
        else
            a->stack[k++] = a->stack[i];
    }
    a->depth = k;
    if (top_gone)
        tui_view_event(app_top(a), TV_SHOWN);
}

void app_whatif_toggle(TuiApp *a, bool start)
{
    if (start) {
        ErrBuf err = {{0}};
        if (a->whatif)
            app_say(a, false, "a what-if session is open: A applies it, D discards it");
        else if (!a->cfg.uow || !a->cfg.bus)
            app_say(a, true, "what-if sessions need the live database");
        else if (tui_whatif_start(a->cfg.uow, a->cfg.views, a->live, a->cfg.clock, &a->whatif,
                                  &err) != ALLOT_OK)
            app_say(a, true, "what-if: %s", err.msg);
        else {
            app_switch_source(a, tui_whatif_source(a->whatif));
            app_say(a, false, "what-if session: every change now runs in a sandbox (Δ marks "
                          "differences)");
        }
        return;
    }
    app_switch_source(a, a->live); /* no screen keeps the session's source */
    close_summaries(a);
    tui_whatif_free(a->whatif);
    a->whatif = NULL;
    tui_feed_drop_whatif(&a->feed);
}

/* A, D, Q: each asks first (never a session lost without a question). */
void app_whatif_ask(TuiApp *a, TuiAction act)
{
    char t[200];
    size_t n = a->whatif ? tui_whatif_count(a->whatif) : 0;
    snprintf(t, sizeof t, "A what-if session is open (%zu change%s). %s", n, n == 1 ? "" : "s",
             act == TA_QUIT ? "Quit and discard it?" : "Discard it?");
    if (act == TA_QUIT && !a->whatif) {
        a->done = true;
    } else if (!a->whatif) {
        app_say(a, false, "no what-if session is open (w starts one)");
    } else if (act != TA_WHATIF_APPLY) {
        app_ask(a, act == TA_QUIT ? ASK_QUIT : ASK_DISCARD, t,
            "Discarding it leaves the live data as it is.");
    } else if (n == 0) {
        app_say(a, false, "the what-if session has no changes to apply (D discards it)");
    } else {
        TuiQuestion q;
        tui_question_init(&q, ASK_APPLY);
        ErrBuf err = {{0}};
        if (tui_whatif_prepare_apply(a->whatif, &q, &err))
            app_open(a, tui_confirm_new(&q), OV_QUESTION);
        else
            app_say(a, true, "NOT applicable now: %s", err.msg);
        tui_question_fini(&q);
    }
}

void app_whatif_apply(TuiApp *a)
{
    TuiQuestion *q = app_question(a), notice;
    tui_question_init(&notice, ASK_NOTICE);
    char msg[ALLOT_ERR_MAX + 128];
    bool has_notice = false;
    TuiWhatIfApply r =
        tui_whatif_apply(a->whatif, a->cfg.bus, q, msg, sizeof msg, &notice, &has_notice);
    if (r == WHATIF_ASK_AGAIN) {
        tui_confirm_updated(app_overlay(a));
    } else {
        app_close(a);
        if (r == WHATIF_APPLIED)
            app_whatif_toggle(a, false);
        if (has_notice)
            app_open(a, tui_confirm_new(&notice), OV_QUESTION);
    }
    app_say(a, r != WHATIF_APPLIED || has_notice, "%s", msg);
    tui_question_fini(&notice);
    app_poll(a, true);
}

void app_whatif_summary(TuiApp *a)
{
    if (!a->whatif) {
        app_say(a, false, "no what-if session is open (w starts one, then W sums it up)");
        return;
    }
    if (tui_view_is_whatif_summary(app_top(a))) {
        tui_view_event(app_top(a), TV_DATA_CHANGED);
        app_say(a, false, "the summary, worked out again");
        return;
    }
    app_push(a, tui_view_whatif_summary(&a->env, a->whatif));
}

void app_whatif_drop(TuiApp *a, size_t step, bool with_refused)
{
    if (!a->whatif)
        return;
    TuiQuestion q;
    tui_question_init(&q, ASK_DROP);
    char msg[ALLOT_ERR_MAX * 3];
    TuiWhatIfDrop r = tui_whatif_drop(a->whatif, step, with_refused, &a->feed,
                                      a->cfg.clock->now(a->cfg.clock), &q, msg, sizeof msg);
    if (r == WHATIF_DROP_ASK)
        app_open(a, tui_confirm_new(&q), OV_QUESTION);
    else if (r == WHATIF_DROPPED)
        app_switch_source(a, tui_whatif_source(a->whatif)); /* the screens read the replay */
    app_say(a, r == WHATIF_DROP_FAILED, "%s", msg);
    tui_question_fini(&q);
}
