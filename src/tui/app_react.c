/* app_react.c — what the app does with a change, an answer, the prompt's text,
 * help and the notify log (app_impl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/undo_steps.h"
#include "domain/xalloc.h"
#include "tui/app_impl.h"
#include "tui/forms.h"
#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

/* ---- changes ---- */

static void app_run_as(TuiApp *a, const Command *cmd, bool redo, int64_t redoes)
{
    TuiChangeCtx ctx = app_change_ctx(a);
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    AllotStatus st = tui_change_run(&ctx, cmd, &res, &err);
    tui_change_report(cmd, redo, redoes, st, &res, &err, a->status, sizeof a->status);
    a->status_error = st != ALLOT_OK;
    if (st == ALLOT_OK && a->whatif)
        tui_whatif_ran(a->whatif, &res, &a->feed, a->cfg.clock->now(a->cfg.clock));
    command_result_fini(&res);
    app_poll(a, true);
}

void app_run(TuiApp *a, const Command *cmd)
{
    app_run_as(a, cmd, false, 0);
}

void app_run_redo(TuiApp *a, const Command *cmd, int64_t redoes)
{
    app_run_as(a, cmd, true, redoes);
}

void app_submit_change(TuiApp *a, const TuiReaction *r)
{
    TuiQuestion q;
    tui_question_init(&q, ASK_CHANGE);
    q.cmd = r->cmd;
    q.is_delay = r->request == REQ_DELAY;
    snprintf(q.delay_ref, sizeof q.delay_ref, "%s", r->batch.ref);
    q.delay_days = r->days;
    TuiChangeCtx ctx = app_change_ctx(a);
    ErrBuf err = {{0}};
    switch (tui_change_prepare(&ctx, &q, r->always_confirm, &r->batch, &err)) {
    case CHANGE_REFUSED: app_say(a, true, "%s", err.msg); break;
    case CHANGE_RUN: app_run(a, &q.cmd); break;
    case CHANGE_ASK: app_open(a, tui_confirm_new(&q), OV_QUESTION); break;
    }
    tui_question_fini(&q);
}

/* REQ_BULK: the commands on the marked rows, one combined preview (whatif.h
 * whatif_preview_many), always asked; y runs them in one transaction. */
void app_submit_bulk(TuiApp *a, const TuiReaction *r)
{
    TuiQuestion q;
    tui_question_init(&q, ASK_CHANGE);
    char why[ALLOT_ERR_MAX];
    ErrBuf err = {{0}};
    TuiChangeCtx ctx = app_change_ctx(a);
    if (!screen_bulk_question(&a->env, r, &q, why, sizeof why))
        app_say(a, true, "%s", why);
    else if (tui_change_prepare(&ctx, &q, true, NULL, &err) == CHANGE_REFUSED)
        app_say(a, true, "%s", err.msg);
    else {
        if (a->whatif) {
            char t[sizeof q.title];
            snprintf(t, sizeof t, "%s", q.title);
            snprintf(q.title, sizeof q.title, "[what-if] %.300s", t);
        }
        app_open(a, tui_confirm_new(&q), OV_QUESTION);
    }
    tui_question_fini(&q);
}

void app_run_bulk(TuiApp *a, const Command *cmds, size_t n)
{
    TuiChangeCtx ctx = app_change_ctx(a);
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    AllotStatus st = tui_change_run_bulk(&ctx, cmds, n, &res, &err);
    if (st != ALLOT_OK)
        app_say(a, true, "%s; nothing changed", err.msg);
    else
        app_say(a, false, "%zu command%s done in one transaction: %zu event%s", n,
                n == 1 ? "" : "s", res.events.len, res.events.len == 1 ? "" : "s");
    if (st == ALLOT_OK && a->whatif)
        tui_whatif_ran(a->whatif, &res, &a->feed, a->cfg.clock->now(a->cfg.clock));
    command_result_fini(&res);
    if (st == ALLOT_OK) {
        TuiList *l = app_top(a) && app_top(a)->ops->list ? app_top(a)->ops->list(app_top(a)) : NULL;
        if (l)
            tui_list_marks_clear(l);
    }
    app_poll(a, true);
}

/* u / U: the command to undo (app/undo_steps.h) in the log the screens show —
 * live, or the what-if session's (its own commands come last: docs/tui.md "Undo
 * and redo") — previewed like any change (whatif_preview of Undo, the lines that
 * move back with their slips) and asked about; y runs the Undo through the bus, or
 * in the session's sandbox. */
void app_undo(TuiApp *a, bool redo)
{
    Views *v = a->whatif ? whatif_views(tui_whatif_session(a->whatif)) : a->cfg.views;
    UndoStep step;
    ErrBuf err = {{0}};
    if (!a->cfg.uow || !a->cfg.bus) {
        app_say(a, true, "read-only: undo is not available here");
        return;
    }
    if (undo_step_find(v, redo, &step, &err) != ALLOT_OK) {
        app_say(a, true, "%s", err.msg);
        return;
    }
    if (!step.target) {
        app_say(a, false, "%s", step.why);
        return;
    }
    TuiQuestion q;
    tui_question_init(&q, ASK_CHANGE);
    q.cmd = command_undo(step.target);
    q.is_redo = step.redo;
    q.redoes = step.undoes;
    TuiChangeCtx ctx = app_change_ctx(a);
    switch (tui_change_prepare(&ctx, &q, true, NULL, &err)) {
    case CHANGE_REFUSED:
        app_say(a, true, "%s", err.msg);
        break;
    case CHANGE_RUN: /* never: an undo always asks */
    case CHANGE_ASK: {
        char what[140], when[32] = "", who[ALLOT_ID_MAX + 8] = "";
        const EventRow *f = &step.first;
        event_describe(&f->ev, what, sizeof what);
        if (f->at > 0) {
            int64_t s = f->at % 86400;
            int y, m, d;
            date_to_ymd(date_from_unix(f->at), &y, &m, &d);
            snprintf(when, sizeof when, " %02d-%02d %02d:%02d", m, d, (int)(s / 3600),
                     (int)(s / 60 % 60));
        }
        if (f->ev.actor[0])
            snprintf(who, sizeof who, " by %s", f->ev.actor);
        if (step.redo)
            snprintf(q.title, sizeof q.title, "%sRedo: undo command %lld, which undid command %lld",
                     a->whatif ? "[what-if] " : "", (long long)step.target,
                     (long long)step.undoes);
        else
            snprintf(q.title, sizeof q.title, "%sUndo command %lld (%lld event%s)",
                     a->whatif ? "[what-if] " : "", (long long)step.target,
                     (long long)step.nevents, step.nevents == 1 ? "" : "s");
        snprintf(q.note, sizeof q.note, "It %s: %s%s%s", step.redo ? "undid" : "did", what, who,
                 when);
        app_open(a, tui_confirm_new(&q), OV_QUESTION);
        break;
    }
    }
    tui_question_fini(&q);
}

/* ---- overlays' answers ---- */

void app_answer(TuiApp *a, bool yes)
{
    TuiQuestion *q = app_question(a);
    if (!yes) {
        app_close(a);
        a->exit_status = 0;
        app_say(a, false, "cancelled: nothing changed");
        return;
    }
    if (q->ask == ASK_APPLY) {
        app_whatif_apply(a);
        return;
    }
    if (q->ask == ASK_DROP) {
        size_t step = q->step;
        app_close(a);
        app_whatif_drop(a, step, true);
        return;
    }
    ErrBuf err = {{0}};
    AllotStatus st = ALLOT_OK;
    TuiChangeCtx ctx = app_change_ctx(a);
    if (q->ask == ASK_CHANGE && tui_change_recheck(&ctx, q, &st, &err)) {
        tui_confirm_updated(app_overlay(a)); /* not what was shown: show it and ask again */
        app_say(a, true, "the data changed: this is the outcome now; answer again");
        return;
    }
    TuiAsk kind = q->ask;
    Command cmd = q->cmd;
    bool redo = q->is_redo;
    int64_t redoes = q->redoes;
    Command *bulk = q->bulk; /* taken before the question goes */
    size_t nbulk = q->nbulk;
    q->bulk = NULL;
    q->nbulk = 0;
    app_close(a);
    if (st != ALLOT_OK)
        app_say(a, true, "%s", err.msg);
    else if (kind == ASK_CHANGE && nbulk)
        app_run_bulk(a, bulk, nbulk);
    else if (kind == ASK_CHANGE && redo)
        app_run_redo(a, &cmd, redoes);
    else if (kind == ASK_CHANGE)
        app_run(a, &cmd);
    else if (kind == ASK_QUIT || kind == ASK_DISCARD) {
        app_whatif_toggle(a, false);
        a->done = kind == ASK_QUIT;
        app_say(a, false, "what-if session discarded: the live data is unchanged");
    } else if (kind == ASK_DEMO && a->cfg.load_demo) {
        if (a->cfg.load_demo(a->cfg.load_demo_ctx, &err) != ALLOT_OK)
            app_say(a, true, "demo: %s", err.msg);
        else
            app_say(a, false, "demo dataset loaded");
        app_poll(a, true);
    }
    free(bulk);
}

void app_open_help(TuiApp *a, const char *topic)
{
    const TuiViewOps *o = app_top(a)->ops;
    if (!topic[0] && strcmp(o->name, "help") == 0)
        return; /* already the help of this screen */
    app_push(a, tui_view_help(&a->env, topic[0] ? topic : o->help_topic ? o->help_topic : o->name));
}

void app_show_log(TuiApp *a)
{
    if (!a->cfg.notify_log) {
        app_say(a, false, "no notify hook is configured (allot --notify CMD, or notify = CMD in "
                      "allot.conf)");
        return;
    }
    FILE *f = fopen(a->cfg.notify_log, "r");
    char *text = xcalloc(1, 65537);
    if (f) { /* the last 64 KiB */
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, size > 65536 ? size - 65536 : 0, SEEK_SET);
        size_t n = fread(text, 1, 65536, f);
        text[n] = 0;
        fclose(f);
    }
    char title[300];
    snprintf(title, sizeof title, "Notify hook log: %s", a->cfg.notify_log);
    app_push(a, tui_view_text(title, text[0] ? text : "(the hook has written nothing yet)"));
    free(text);
}

void app_prompt_done(TuiApp *a, TuiRequest req)
{
    TuiView *p = app_overlay(a);
    if (req == REQ_EDITED) { /* the filter as you type */
        char why[ALLOT_ERR_MAX] = "";
        bool ok = tui_form_live(tui_prompt_form(p), tui_prompt_line(p)->text, why, sizeof why);
        tui_prompt_say(p, !ok, ok ? "" : why);
        return;
    }
    if (req == REQ_COMPLETE) {
        char hint[ALLOT_ERR_MAX];
        tui_form_complete(tui_prompt_line(p), a->env.src, hint, sizeof hint);
        tui_prompt_say(p, false, hint);
        return;
    }
    TuiReaction r;
    char why[ALLOT_ERR_MAX] = "";
    if (!tui_form_submit(tui_prompt_form(p), tui_prompt_line(p)->text, &r, why, sizeof why)) {
        tui_prompt_say(p, true, why);
        return;
    }
    app_close(a);
    if (r.status[0])
        app_say(a, r.status_error, "%s", r.status);
    if (r.request == REQ_COMMAND || r.request == REQ_DELAY)
        app_submit_change(a, &r);
    else if (r.request == REQ_BULK)
        app_submit_bulk(a, &r);
    else if (r.request == REQ_HELP)
        app_open_help(a, r.topic);
    else if (r.request == REQ_JUMP)
        app_jump(a, &r);
    else if (r.request == REQ_EXPORT)
        app_export(a, r.arg);
    else if (r.request == REQ_DEMO && a->cfg.load_demo)
        app_ask(a, ASK_DEMO, "Load the demo dataset?", NULL);
}

void app_open_form(TuiApp *a, const TuiReaction *r)
{
    TuiForm form;
    char label[256], text[TUI_LINE_MAX];
    tui_form_open(r, &form, label, sizeof label, text, sizeof text);
    form.today = a->env.today;
    app_open(a, tui_prompt_new(&form, label, text), OV_PROMPT);
}
