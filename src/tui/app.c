/* app.c — the TUI state machine (app.h): the screen stack, the overlays, the data,
 * the dispatch of keys through the key tables, and the layout.  What reactions do
 * is in app_react.c, the what-if session's life in app_whatif.c. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/utf8.h"
#include "domain/xalloc.h"
#include "tui/app_impl.h"
#include "tui/forms.h"
#include "tui/frame.h"
#include "tui/screens/screens.h"
#include "tui/source_views.h"

/* The top-level screens, in Tab order, and their keys (bindings.c "global"). */
static const TuiAction top_screens[] = {TA_SCREEN_TRIAGE, TA_SCREEN_PRODUCTS, TA_SCREEN_BATCHES,
                                        TA_SCREEN_BACKORDERS, TA_SCREEN_EVENTS};
static const char *const top_names[] = {"Triage", "Products", "Batches", "Backorders", "Events"};
#define NTOP 5

static bool too_small(const TuiApp *a) { return a->rows < TUI_MIN_ROWS || a->cols < TUI_MIN_COLS; }
static int main_h(const TuiApp *a) { return a->rows - APP_TOP_ROWS - APP_FEED_H - 2; }
TuiView *app_top(const TuiApp *a) { return a->stack[a->depth - 1]; }
TuiView *app_overlay(const TuiApp *a) { return a->nover ? a->over[a->nover - 1] : NULL; }

void app_say(TuiApp *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->status, sizeof a->status, fmt, ap);
    va_end(ap);
    a->status_error = error;
    a->dirty = true;
}

TuiChangeCtx app_change_ctx(const TuiApp *a)
{
    return (TuiChangeCtx){a->cfg.uow, a->cfg.bus, a->cfg.clock,
                          a->whatif ? tui_whatif_session(a->whatif) : NULL, a->progress,
                          a->progress_ctx};
}

/* ---- the screen stack and the overlays ---- */

static void size_view(TuiApp *a, TuiView *v)
{
    int h = v->area == AREA_BOTTOM ? 2 : main_h(a) + (v->area == AREA_FULL ? APP_FEED_H : 0);
    tui_view_resize(v, h < 1 ? 1 : h, a->cols);
}

void app_push(TuiApp *a, TuiView *v)
{
    if (a->depth == APP_STACK_MAX) { /* drop the oldest drill-down above the root */
        tui_view_free(a->stack[1]);
        memmove(a->stack + 1, a->stack + 2, (size_t)(APP_STACK_MAX - 2) * sizeof *a->stack);
        a->depth--;
    }
    a->stack[a->depth++] = v;
    size_view(a, v);
}

static void pop(TuiApp *a)
{
    if (a->depth <= 1) {
        app_say(a, false, "Q quits allot");
        return;
    }
    tui_view_free(a->stack[--a->depth]);
    size_view(a, app_top(a));
    tui_view_event(app_top(a), TV_SHOWN);
}

static void go_top(TuiApp *a, int i)
{
    while (a->depth)
        tui_view_free(a->stack[--a->depth]);
    a->top_level = (i % NTOP + NTOP) % NTOP;
    const TuiEnv *e = &a->env;
    TuiView *v = a->top_level == 1   ? tui_view_products(e)
                 : a->top_level == 2 ? tui_view_batches(e, "")
                 : a->top_level == 3 ? tui_view_backorders(e, "")
                 : a->top_level == 4 ? tui_view_events(e)
                                     : tui_view_triage(e);
    app_push(a, v);
}

void app_open(TuiApp *a, TuiView *v, OverKind kind)
{
    if (a->nover == APP_OVER_MAX) {
        tui_view_free(v);
        return;
    }
    a->over[a->nover] = v;
    a->over_kind[a->nover++] = kind;
    size_view(a, v);
}

void app_close(TuiApp *a)
{
    if (a->nover)
        tui_view_free(a->over[--a->nover]);
}

TuiQuestion *app_question(const TuiApp *a)
{
    return a->nover && a->over_kind[a->nover - 1] == OV_QUESTION ? tui_confirm_question(app_overlay(a))
                                                                 : NULL;
}

void app_ask(TuiApp *a, TuiAsk kind, const char *title, const char *note)
{
    TuiQuestion q;
    tui_question_init(&q, kind);
    snprintf(q.title, sizeof q.title, "%s", title);
    snprintf(q.note, sizeof q.note, "%s", note ? note : "");
    app_open(a, tui_confirm_new(&q), OV_QUESTION);
}

/* ---- the data: the feed, the screens, an open question ---- */

/* The open question (a change, or Apply), worked out again on the data now. */
static void recheck(TuiApp *a)
{
    TuiQuestion *q = app_question(a);
    ErrBuf err = {{0}};
    AllotStatus st = ALLOT_OK;
    if (!q || (q->ask != ASK_CHANGE && q->ask != ASK_APPLY))
        return;
    TuiChangeCtx ctx = app_change_ctx(a);
    bool differs = q->ask == ASK_APPLY ? tui_whatif_recheck(a->whatif, q, &err)
                                       : tui_change_recheck(&ctx, q, &st, &err);
    if (st != ALLOT_OK && st != ALLOT_ESTORAGE) {
        app_close(a);
        app_say(a, true, "the data changed; the change is no longer possible: %s", err.msg);
    } else if (st == ALLOT_ESTORAGE) {
        app_say(a, true, "could not work the change out again: %s", err.msg);
    } else if (differs) {
        tui_confirm_updated(app_overlay(a));
        app_say(a, true, "the data changed meanwhile: the list above was worked out again");
    }
}

/* The header's counts of the data shown now (live, or the session's sandbox). */
static void count_header(TuiApp *a)
{
    ErrBuf err = {{0}};
    TuiSource *src = a->env.src;
    a->have_counts = src->ops->counts &&
                     src->ops->counts(src, a->env.today, &a->counts, &err) == ALLOT_OK;
}

/* Whether the user looks at the feed: the full feed is on top (feed.h "Looked"). */
static bool looking(const TuiApp *a) { return app_top(a)->area == AREA_FULL; }

/* Reads new events and refreshes the screens if the data changed (or `force`). */
void app_poll(TuiApp *a, bool force)
{
    ErrBuf err = {{0}};
    uint64_t v;
    if (a->live->ops->version(a->live, &v, &err) != ALLOT_OK) {
        app_say(a, true, "%s", err.msg);
        return;
    }
    bool changed = !a->have_version || v != a->version;
    a->version = v;
    a->have_version = true;
    if (a->feed.follower) {
        /* the follower says when events came, also one with a lower id than the
         * newest (PostgreSQL): the data changed then */
        if (tui_feed_poll(&a->feed, a->live, &err) != ALLOT_OK)
            app_say(a, true, "%s", err.msg);
        changed |= a->feed.got;
        if (!changed && !force)
            return;
    } else {
        bool behind = tui_feed_behind(&a->feed);
        if (!changed && !force && !behind)
            return;
        if (tui_feed_poll(&a->feed, a->live, &err) != ALLOT_OK)
            app_say(a, true, "%s", err.msg);
        if (!changed && !force) { /* a long run of events read on: only the feed changed */
            if (looking(a))
                tui_feed_look(&a->feed);
            a->dirty = true;
            return;
        }
    }
    if (looking(a))
        tui_feed_look(&a->feed);
    count_header(a);
    for (int i = 0; i < a->depth - 1; i++)
        a->stack[i]->stale = true;
    tui_view_event(app_top(a), TV_DATA_CHANGED);
    TuiList *l = tui_view_list(app_top(a));
    char gone[TUI_CURSOR_MAX]; /* said when another process took it away */
    if (l && tui_list_take_lost(l, gone, sizeof gone) && !force)
        app_say(a, false, "%s is gone from this list (changed elsewhere)", gone);
    if (changed)
        recheck(a);
    a->dirty = true;
}

/* The screens read another source (a session started or ended): the same screens,
 * sorts, filters and selections, on the new data. */
void app_switch_source(TuiApp *a, TuiSource *src)
{
    a->env.src = src;
    for (int i = 0; i < a->depth - 1; i++)
        a->stack[i]->stale = true;
    tui_view_event(app_top(a), TV_DATA_CHANGED);
    count_header(a);
    a->dirty = true;
}
/* ---- dispatch ---- */

static void apply(TuiApp *a, const TuiReaction *r)
{
    if (r->status[0])
        app_say(a, r->status_error, "%s", r->status);
    switch (r->request) {
    case REQ_PUSH: app_push(a, r->push); break;
    case REQ_BACK: pop(a); break;
    case REQ_FORM: app_open_form(a, r); break;
    case REQ_COMMAND:
    case REQ_DELAY: app_submit_change(a, r); break;
    case REQ_BULK: app_submit_bulk(a, r); break;
    case REQ_HELP: app_open_help(a, r->topic); break;
    case REQ_JUMP: app_jump(a, r); break;
    case REQ_EXPORT: app_export(a, r->arg); break;
    case REQ_ANSWER: app_answer(a, r->yes); break;
    case REQ_DROP_STEP: app_whatif_drop(a, r->step, false); break;
    case REQ_CLOSE:
        if (a->nover && a->over_kind[a->nover - 1] == OV_PROMPT)
            tui_form_cancel(tui_prompt_form(app_overlay(a)));
        app_close(a);
        break;
    case REQ_SUBMIT:
    case REQ_COMPLETE:
    case REQ_EDITED: app_prompt_done(a, r->request); break;
    case REQ_DEMO:
    case REQ_NONE: break;
    }
}

static void global_action(TuiApp *a, TuiAction act, int key)
{
    char kn[16];
    switch (act) {
    case TA_QUIT:
    case TA_WHATIF_APPLY:
    case TA_WHATIF_DISCARD: app_whatif_ask(a, act); break;
    case TA_BACK: pop(a); break;
    case TA_NEXT_SCREEN: go_top(a, a->top_level + 1); break;
    case TA_PREV_SCREEN: go_top(a, a->top_level - 1); break;
    case TA_HELP: app_open_help(a, ""); break;
    case TA_PROMPT: app_open_form(a, &(TuiReaction){.form = FORM_COMMAND}); break;
    case TA_WHATIF: app_whatif_toggle(a, true); break;
    case TA_WHATIF_SUMMARY: app_whatif_summary(a); break;
    case TA_SHOW_LOG: app_show_log(a); break;
    case TA_UNDO:
    case TA_REDO: app_undo(a, act == TA_REDO); break;
    case TA_PAUSE_FEED:
        tui_feed_pause(&a->feed, !a->feed.paused);
        app_say(a, false, a->feed.paused ? "live feed paused (p resumes)" : "live feed resumed");
        app_poll(a, true);
        break;
    case TA_FEED:
        if (looking(a)) {
            pop(a);
        } else {
            app_push(a, tui_view_feed(&a->env));
            tui_feed_look(&a->feed);
        }
        break;
    case TA_REDRAW: break;
    case TA_REFRESH:
        app_poll(a, true);
        app_say(a, false, "refreshed");
        break;
    default: {
        int i = 0;
        while (i < NTOP && top_screens[i] != act)
            i++;
        if (i < NTOP)
            go_top(a, i);
        else
            app_say(a, false, "%s (%s) does nothing on this row", tui_key_name(key, kn, sizeof kn),
                tui_action_name(act));
    }
    }
}

static void key_input(TuiApp *a, int key)
{
    TuiView *o = app_overlay(a);
    TuiQuestion *q = app_question(a);
    if (too_small(a) && (!q || q->ask != ASK_QUIT)) {
        /* nothing hidden takes keys: only quitting, which asks on the small screen */
        if (key == 'Q' || key == 'q')
            app_whatif_ask(a, TA_QUIT);
        return;
    }
    if (!o && tui_count_feed(&a->count, key))
        return;
    TuiView *v = o ? o : app_top(a);
    /* the session's keys answer outside one too ("no what-if session is open") */
    const TuiKeymap *maps[4] = {v->keys, v->more, o ? NULL : tui_keymap("whatif"),
                                o ? NULL : tui_keymap("global")};
    TuiAction act = TA_NONE;
    for (int i = 0; i < 4 && act == TA_NONE; i++)
        act = tui_keymap_lookup(maps[i], key);
    int64_t count = tui_count_take(&a->count, 0);
    char kn[16];
    if (act == TA_NONE) {
        if (v->ops->on_unbound) {
            TuiReaction r = v->ops->on_unbound(v, key);
            apply(a, &r);
        } else
            app_say(a, false, "%s: no such key here (? lists the keys)",
                tui_key_name(key, kn, sizeof kn));
        return;
    }
    if (!o)
        a->status[0] = 0;
    TuiReaction r = v->ops->on_key(v, act, count);
    if (r.handled)
        apply(a, &r);
    else if (!o)
        global_action(a, act, key);
}

void tui_app_input(TuiApp *a, const TuiInput *in)
{
    a->dirty = a->dirty || in->type != TI_TICK; /* a tick draws only when data changed */
    switch (in->type) {
    case TI_KEY:
        key_input(a, in->key == TK_BACKSPACE_ASCII || in->key == 127 ? TK_BACKSPACE : in->key);
        break;
    case TI_SIGNAL: { /* Ctrl-C: cancels what is open and shown, else quits (asking) */
        TuiQuestion *q = app_question(a);
        if ((app_overlay(a) && !too_small(a)) || (q && q->ask == ASK_QUIT)) {
            if (a->over_kind[a->nover - 1] == OV_PROMPT)
                tui_form_cancel(tui_prompt_form(app_overlay(a)));
            app_close(a);
            a->exit_status = 0;
            app_say(a, false, "cancelled: nothing changed");
        } else {
            a->exit_status = 128 + SIGINT;
            app_whatif_ask(a, TA_QUIT);
        }
        break;
    }
    case TI_RESIZE:
        a->rows = in->rows;
        a->cols = in->cols;
        for (int i = 0; i < a->depth; i++)
            size_view(a, a->stack[i]);
        for (int i = 0; i < a->nover; i++)
            size_view(a, a->over[i]);
        break;
    case TI_IDLE: {
        TuiView *v = app_top(a);
        a->dirty = v->ops->work && v->ops->work(v);
        break;
    }
    case TI_TICK: {
        /* past midnight (UTC): "today" and "due in 14 days" move on */
        int32_t today = date_from_unix(a->cfg.clock->now(a->cfg.clock));
        bool new_day = today != a->env.today;
        a->env.today = today;
        app_poll(a, new_day);
        break;
    }
    }
}

void tui_app_type(TuiApp *a, const char *keys)
{
    size_t len = strlen(keys);
    while (len) {
        uint32_t cp;
        size_t n = utf8_decode(keys, len, &cp);
        if (n == 0) { /* not UTF-8: the byte as it is */
            cp = (unsigned char)*keys;
            n = 1;
        }
        tui_app_input(a, &(TuiInput){.type = TI_KEY, .key = (int)cp});
        keys += n;
        len -= n;
    }
}

/* ---- drawing ---- */

void tui_app_draw(TuiApp *a, TuiCanvas *c)
{
    c->ops->clear(c);
    a->dirty = false;
    TuiQuestion *q = app_question(a);
    if (too_small(a) || c->rows < TUI_MIN_ROWS || c->cols < TUI_MIN_COLS) {
        tui_frame_small(c, TUI_MIN_ROWS, TUI_MIN_COLS, q && q->ask == ASK_QUIT ? q->title : NULL);
        return;
    }
    char banner[160] = "";
    if (a->whatif)
        tui_whatif_banner(a->whatif, banner, sizeof banner);
    tui_frame_topbar(c, top_names, NTOP, a->top_level, a->cfg.db_label);
    tui_frame_counts(c, 1, a->have_counts ? &a->counts : NULL);
    tui_frame_crumb(c, 2, banner, a->stack, a->depth);
    TuiView *o = app_overlay(a), *v = o && o->area == AREA_MAIN ? o : app_top(a);
    bool full = v->area == AREA_FULL; /* the feed itself: no panel under it */
    v->ops->draw(v, c, APP_TOP_ROWS, 0, main_h(a) + (full ? APP_FEED_H : 0), c->cols);
    if (!full)
        tui_feed_draw(&a->feed, c, c->rows - 2 - APP_FEED_H, APP_FEED_H, a->env.today);
    c->ops->cursor(c, -1, -1);
    if (o && o->area == AREA_BOTTOM) {
        o->ops->draw(o, c, c->rows - 2, 0, 2, c->cols);
        return;
    }
    char line[64];
    snprintf(line, sizeof line, "count %lld…", (long long)a->count.value);
    tui_canvas_text(c, c->rows - 2, 0, c->cols, a->count.value ? line : a->status,
                    a->count.value ? TS_INPUT : a->status_error ? TS_ERROR : TS_NORMAL, true);
    const TuiKeymap *maps[4] = {v->keys, v->more, o || !a->whatif ? NULL : tui_keymap("whatif"),
                                o ? NULL : tui_keymap("global")};
    tui_frame_footer(c, c->rows - 1, maps, 4);
}

/* ---- life ---- */

TuiApp *tui_app_new(const TuiAppConfig *cfg, int rows, int cols)
{
    TuiApp *a = xcalloc(1, sizeof *a);
    a->cfg = *cfg;
    if (!a->cfg.clock)
        a->cfg.clock = clock_system();
    a->rows = rows;
    a->cols = cols;
    a->live = source_views_new(cfg->views);
    source_views_set_uow(a->live, cfg->uow);
    a->env = (TuiEnv){a->live, date_from_unix(a->cfg.clock->now(a->cfg.clock))};
    tui_feed_init(&a->feed, a->live, cfg->follower);
    go_top(a, 0);
    app_poll(a, false);
    bool empty = false;
    ErrBuf err = {{0}};
    if (a->live->ops->is_empty(a->live, &empty, &err) == ALLOT_OK && empty) {
        if (cfg->load_demo)
            app_ask(a, ASK_DEMO, "The database is empty. Load the demo dataset?", NULL);
        else
            app_say(a, false, "The database is empty: run `allot demo` to load the demo dataset");
    }
    a->dirty = true;
    return a;
}

void tui_app_free(TuiApp *a)
{
    if (!a)
        return;
    while (a->nover)
        app_close(a);
    while (a->depth)
        tui_view_free(a->stack[--a->depth]);
    tui_whatif_free(a->whatif);
    tui_source_free(a->live);
    free(a);
}

void tui_app_waiting(TuiApp *a, int64_t waited_ms)
{
    app_say(a, false, "waiting for another writer (%lld s)… Esc gives up", (long long)(waited_ms / 1000));
}

bool tui_app_dirty(const TuiApp *a) { return a->dirty; }

bool tui_app_busy(const TuiApp *a)
{
    TuiView *v = app_top(a);
    return v->ops->busy && v->ops->busy(v);
}
bool tui_app_done(const TuiApp *a) { return a->done; }
int tui_app_exit_status(const TuiApp *a) { return a->done ? a->exit_status : 0; }
void tui_app_set_status(TuiApp *a, bool error, const char *text) { app_say(a, error, "%s", text); }
void tui_app_set_progress(TuiApp *a, WhatIfProgress progress, void *ctx)
{
    a->progress = progress;
    a->progress_ctx = ctx;
}
bool tui_app_in_whatif(const TuiApp *a) { return a->whatif != NULL; }
const char *tui_app_screen(const TuiApp *a) { return app_top(a)->ops->name; }
const char *tui_app_status(const TuiApp *a) { return a->status; }
bool tui_app_confirming(const TuiApp *a) { return app_question(a) != NULL; }
bool tui_app_prompting(const TuiApp *a) { return a->nover && a->over_kind[a->nover - 1] == OV_PROMPT; }
