/* app.c — the TUI state machine (app.h). */
#include "tui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/command_parse.h"
#include "app/follower.h"
#include "domain/xalloc.h"
#include "tui/preview.h"
#include "tui/view.h"
#include "tui/whatif_tui.h"

enum { STACK_MAX = 32, FEED_MAX = 64, FEED_H = 5, CAND_MAX = 8 };

typedef enum PromptKind { P_NONE, P_COMMAND, P_FORM } PromptKind;

typedef struct Prompt {
    PromptKind kind;
    TuiFormKind form;
    char label[256];
    char text[256];
    size_t cur; /* byte offset of the cursor in text */
    char error[ALLOT_ERR_MAX];
    char hint[ALLOT_ERR_MAX];
    TuiList *list;
    TuiBatchInfo batch;
    AllotId sku, orderid;
} Prompt;

typedef enum ConfirmKind {
    C_NONE,
    C_COMMAND,
    C_DEMO,
    C_WHATIF_APPLY,
    C_WHATIF_QUIT,
    C_INFO, /* a list to read (what-if outcome that differs); any key closes it */
} ConfirmKind;

typedef struct Confirm {
    ConfirmKind kind;
    Command cmd;
    TuiPreview pv;
    char title[256];
    size_t scroll; /* first move shown */
    /* a delay (`d`) is worked out again from these, not from `cmd` */
    bool is_delay;
    AllotId delay_ref;
    int32_t delay_days;
    bool changed; /* the list was worked out again and differs from the first one */
} Confirm;

struct TuiApp {
    TuiAppConfig cfg;
    TuiRunner runner;
    bool has_runner;
    char help_topic[32]; /* a pending request for the shell's help viewer */
    TuiEnv env;
    int rows, cols;
    TuiView *stack[STACK_MAX];
    int depth;
    int top_level; /* index in top_screens */
    bool dirty, done;
    TuiCount count;
    Prompt prompt;
    Confirm confirm;
    char status[ALLOT_ERR_MAX + 64];
    bool status_error;
    char banner[256];
    /* what-if session (whatif_tui.h): while open, `source` and the runner are the
       sandbox's; the live ones are kept here */
    TuiWhatIf *whatif;
    TuiSource *live_source;
    /* live feed */
    TuiFeedItem feed[FEED_MAX]; /* oldest first */
    int nfeed;
    int64_t last_id;
    uint64_t version;
    bool have_version;
    bool paused;
    int64_t paused_new;
};

static const TuiAction top_screens[] = {TA_SCREEN_TRIAGE, TA_SCREEN_PRODUCTS, TA_SCREEN_BATCHES,
                                        TA_SCREEN_BACKORDERS, TA_SCREEN_EVENTS};
static const char *const top_names[] = {"Triage", "Products", "Batches", "Backorders", "Events"};
#define NTOP 5

/* ---- layout ---- */

static bool too_small(const TuiApp *a) { return a->rows < TUI_MIN_ROWS || a->cols < TUI_MIN_COLS; }
static int main_y(void) { return 2; }
static int main_h(const TuiApp *a) { return a->rows - 2 - FEED_H - 2; }

static TuiView *top(const TuiApp *a) { return a->depth ? a->stack[a->depth - 1] : NULL; }

static void set_status(TuiApp *a, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_status(TuiApp *a, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->status, sizeof a->status, fmt, ap);
    va_end(ap);
    a->status_error = error;
    a->dirty = true;
}

static void size_view(TuiApp *a, TuiView *v)
{
    int h = main_h(a);
    v->ops->resize(v, h < 1 ? 1 : h, a->cols);
}

static void push(TuiApp *a, TuiView *v)
{
    if (a->depth == STACK_MAX) { /* drop the oldest drill-down above the root */
        TuiView *old = a->stack[1];
        old->ops->destroy(old);
        memmove(a->stack + 1, a->stack + 2, (size_t)(STACK_MAX - 2) * sizeof *a->stack);
        a->depth--;
    }
    a->stack[a->depth++] = v;
    size_view(a, v);
    a->dirty = true;
}

static void pop(TuiApp *a)
{
    if (a->depth <= 1) {
        set_status(a, false, "Q quits allot");
        return;
    }
    TuiView *v = a->stack[--a->depth];
    v->ops->destroy(v);
    TuiView *t = top(a);
    size_view(a, t);
    t->ops->on_event(t, TV_SHOWN);
    a->dirty = true;
}

static void clear_stack(TuiApp *a)
{
    while (a->depth) {
        TuiView *v = a->stack[--a->depth];
        v->ops->destroy(v);
    }
}

static TuiView *make_top(TuiApp *a, int i)
{
    switch (top_screens[i]) {
    case TA_SCREEN_PRODUCTS: return tui_view_products(&a->env);
    case TA_SCREEN_BATCHES: return tui_view_batches(&a->env, "");
    case TA_SCREEN_BACKORDERS: return tui_view_backorders(&a->env, "");
    case TA_SCREEN_EVENTS: return tui_view_events(&a->env);
    default: return tui_view_triage(&a->env);
    }
}

static void go_top(TuiApp *a, int i)
{
    clear_stack(a);
    a->top_level = (i % NTOP + NTOP) % NTOP;
    push(a, make_top(a, a->top_level));
}

/* ---- the live feed ---- */

static void feed_add(TuiApp *a, const TuiFeedItem *it)
{
    for (int i = 0; i < a->nfeed; i++)
        if (a->feed[i].id == it->id)
            return; /* read by id and by the follower both (reset_feed) */
    if (a->nfeed == FEED_MAX) {
        memmove(a->feed, a->feed + 1, (FEED_MAX - 1) * sizeof *a->feed);
        a->nfeed--;
    }
    a->feed[a->nfeed++] = *it;
}

static bool confirm_refresh(TuiApp *a);

/* The feed from the source by id: the events above last_id up to `max` (at most
 * FEED_MAX of the newest). */
static void feed_by_id(TuiApp *a, int64_t max)
{
    if (max <= a->last_id)
        return;
    if (max - a->last_id > FEED_MAX)
        a->last_id = max - FEED_MAX;
    TuiSource *s = a->cfg.source;
    ErrBuf err = {{0}};
    TuiFeedVec fv = {0};
    if (s->ops->events_since(s, a->last_id, FEED_MAX, &fv, &err) == ALLOT_OK) {
        for (size_t i = 0; i < fv.len; i++) {
            feed_add(a, &fv.items[i]);
            a->last_id = fv.items[i].id;
        }
    } else {
        set_status(a, true, "%s", err.msg);
    }
    tui_feed_fini(&fv);
}

/* The live feed from the follower: the events committed since the last read (none
 * while paused: they wait in the log, counted).  True if any came. */
static bool follow_feed(TuiApp *a)
{
    ErrBuf err = {{0}};
    if (a->paused) {
        int64_t max = 0;
        if (a->cfg.source->ops->max_event_id(a->cfg.source, &max, &err) == ALLOT_OK)
            a->paused_new = max > a->last_id ? max - a->last_id : 0;
        return false;
    }
    EventRow rows[FEED_MAX];
    size_t n = 0, total = 0;
    do {
        if (follower_read(a->cfg.follower, rows, FEED_MAX, &n, &err) != ALLOT_OK) {
            set_status(a, true, "%s", err.msg);
            break;
        }
        for (size_t i = 0; i < n; i++) {
            TuiFeedItem it = {.id = rows[i].id, .at = rows[i].at, .ev = rows[i].ev};
            feed_add(a, &it);
            if (rows[i].id > a->last_id)
                a->last_id = rows[i].id;
        }
        total += n;
    } while (n == FEED_MAX);
    return total > 0;
}

/* Reads new events and refreshes the screens if the data changed (or `force`). */
static void poll_data(TuiApp *a, bool force)
{
    TuiSource *s = a->cfg.source;
    ErrBuf err = {{0}};
    uint64_t v;
    if (s->ops->version(s, &v, &err) != ALLOT_OK) {
        set_status(a, true, "%s", err.msg);
        return;
    }
    bool changed = !a->have_version || v != a->version;
    a->version = v;
    a->have_version = true;
    if (a->cfg.follower && !a->whatif) {
        changed |= follow_feed(a);
        if (!changed && !force)
            return;
    } else if (!changed && !force) {
        return;
    }
    int64_t max = 0;
    if (a->cfg.follower && !a->whatif) {
        /* the feed came from the follower */
    } else if (s->ops->max_event_id(s, &max, &err) != ALLOT_OK) {
        set_status(a, true, "%s", err.msg);
        return;
    } else if (a->paused) {
        a->paused_new = max - a->last_id;
    } else {
        feed_by_id(a, max);
    }
    if (changed && a->confirm.kind == C_COMMAND && confirm_refresh(a) &&
        a->confirm.kind == C_COMMAND)
        set_status(a, true, "the data changed meanwhile: the list above was worked out again");
    if (changed || force) {
        for (int i = 0; i < a->depth - 1; i++)
            a->stack[i]->stale = true;
        if (top(a))
            top(a)->ops->on_event(top(a), TV_DATA_CHANGED);
    }
    a->dirty = true;
}

/* ---- commands ---- */

static void describe_command(const Command *c, const TuiBatchInfo *b, char *buf, size_t size)
{
    char d1[ALLOT_DATE_TEXT], d2[ALLOT_DATE_TEXT];
    switch (c->type) {
    case CMD_CHANGE_BATCH_QTY:
        if (b && b->ref[0])
            snprintf(buf, size, "Change quantity of %s: %lld → %lld", c->ref, (long long)b->qty,
                     (long long)c->qty);
        else
            snprintf(buf, size, "Change quantity of %s to %lld", c->ref, (long long)c->qty);
        break;
    case CMD_CHANGE_BATCH_ETA:
        if (b && b->ref[0])
            snprintf(buf, size, "Set ETA of %s: %s → %s", c->ref, date_format(b->eta, d1),
                     date_format(c->eta, d2));
        else
            snprintf(buf, size, "Set ETA of %s to %s", c->ref, date_format(c->eta, d2));
        break;
    case CMD_CANCEL_LINE:
        snprintf(buf, size, "Cancel order line %s %s", c->orderid, c->sku);
        break;
    case CMD_ALLOCATE:
        snprintf(buf, size, "Allocate %s %s ×%lld", c->orderid, c->sku, (long long)c->qty);
        break;
    case CMD_CREATE_BATCH:
        snprintf(buf, size, "Add batch %s %s ×%lld", c->ref, c->sku, (long long)c->qty);
        break;
    default:
        snprintf(buf, size, "%s", command_type_name(c->type));
    }
}

static void execute(TuiApp *a, const Command *cmd)
{
    if (!a->has_runner) {
        set_status(a, true, "read-only: commands are not available here");
        return;
    }
    CommandResult res;
    command_result_init(&res);
    ErrBuf err = {{0}};
    AllotStatus st = a->runner.run(a->runner.ctx, cmd, &res, &err);
    if (st != ALLOT_OK) {
        set_status(a, true, "%s", err.msg[0] ? err.msg : allot_status_message(st));
    } else if (res.events.len == 0) {
        set_status(a, false, "%s: nothing changed", command_type_name(cmd->type));
    } else {
        char d[200];
        event_describe(&res.events.items[res.events.len - 1], d, sizeof d);
        set_status(a, false, "%s done: %zu event%s, last: %s", command_type_name(cmd->type),
                   res.events.len, res.events.len == 1 ? "" : "s", d);
    }
    command_result_fini(&res);
    if (a->whatif)
        tui_whatif_banner(a->whatif, a->banner, sizeof a->banner);
    poll_data(a, true);
}

/* True if a line that holds a batch would move or be backordered. */
static bool displaces(const TuiPreview *pv)
{
    for (size_t i = 0; i < pv->len; i++)
        if (pv->moves[i].from[0] && strcmp(pv->moves[i].from, "(new)") != 0)
            return true;
    return false;
}

/* Previews `cmd`; asks if lines move (or always); else runs it.  Returns false
 * with the reason in `why` if the command would be refused. */
static bool submit(TuiApp *a, const Command *cmd, bool always_confirm, const TuiBatchInfo *b,
                   char *why, size_t whysize)
{
    if (!a->has_runner) {
        snprintf(why, whysize, "read-only: commands are not available here");
        return false;
    }
    bool previewable = cmd->type == CMD_CHANGE_BATCH_QTY || cmd->type == CMD_CHANGE_BATCH_ETA ||
                       cmd->type == CMD_CANCEL_LINE || cmd->type == CMD_ALLOCATE;
    if (!previewable) {
        execute(a, cmd);
        return true;
    }
    ErrBuf err = {{0}};
    tui_preview_fini(&a->confirm.pv);
    tui_preview_init(&a->confirm.pv);
    AllotStatus st = a->runner.preview(a->runner.ctx, cmd, &a->confirm.pv, &err);
    if (st != ALLOT_OK) {
        snprintf(why, whysize, "%s", err.msg[0] ? err.msg : allot_status_message(st));
        return false;
    }
    if (always_confirm || displaces(&a->confirm.pv)) {
        a->confirm.kind = C_COMMAND;
        a->confirm.cmd = *cmd;
        a->confirm.scroll = 0;
        a->confirm.is_delay = false;
        a->confirm.changed = false;
        describe_command(cmd, b, a->confirm.title, sizeof a->confirm.title);
        a->dirty = true;
        return true;
    }
    execute(a, cmd);
    return true;
}

/* Works out the delay of `ref` by `days` (whatif.h delay_preview, in the
 * session's sandbox when one is open). */
static AllotStatus delay_compute(TuiApp *a, const char *ref, int32_t days, DelayPreview *dp,
                                 ErrBuf *err)
{
    WhatIfSession *s = a->whatif ? tui_whatif_session(a->whatif) : NULL;
    return delay_preview(s ? whatif_uow(s) : a->cfg.uow,
                         s ? whatif_clock(s) : a->cfg.clock, ref, days, dp, err);
}

static void delay_title(TuiApp *a, const DelayPreview *dp)
{
    char d1[ALLOT_DATE_TEXT], d2[ALLOT_DATE_TEXT];
    snprintf(a->confirm.title, sizeof a->confirm.title, "%sDelay %s by %d day%s: ETA %s → %s",
             a->whatif ? "[what-if] " : "", dp->ref, (int)dp->days, dp->days == 1 ? "" : "s",
             dp->old_eta == ALLOT_NO_ETA ? "in warehouse (today)" : date_format(dp->old_eta, d1),
             date_format(dp->new_eta, d2));
}

static bool moves_equal(const TuiPreview *x, const TuiPreview *y)
{
    if (x->len != y->len || x->backordered != y->backordered)
        return false;
    for (size_t i = 0; i < x->len; i++) {
        const TuiMove *m = &x->moves[i], *n = &y->moves[i];
        if (strcmp(m->orderid, n->orderid) || strcmp(m->sku, n->sku) ||
            strcmp(m->from, n->from) || strcmp(m->to, n->to) || m->qty != n->qty ||
            m->has_slip != n->has_slip || (m->has_slip && m->slip_days != n->slip_days))
            return false;
    }
    return true;
}

/* The open change confirmation (C_COMMAND) worked out again on the current data.
 * Returns true if the outcome differs from the one on screen: then the new one
 * replaces it (list, command, title) and `changed` is set.  If the change would
 * now be refused, the confirmation closes with the reason in the status line
 * (and true is returned). */
static bool confirm_refresh(TuiApp *a)
{
    Confirm *cf = &a->confirm;
    if (cf->kind != C_COMMAND || !a->has_runner)
        return false;
    TuiPreview pv;
    tui_preview_init(&pv);
    ErrBuf err = {{0}};
    AllotStatus st;
    Command cmd = cf->cmd;
    DelayPreview dp;
    delay_preview_init(&dp);
    if (cf->is_delay) {
        st = delay_compute(a, cf->delay_ref, cf->delay_days, &dp, &err);
        if (st == ALLOT_OK) {
            tui_preview_from_diff(&dp.diff, &pv);
            cmd = dp.cmd;
        }
    } else {
        st = a->runner.preview(a->runner.ctx, &cf->cmd, &pv, &err);
    }
    bool differs = true;
    if (st != ALLOT_OK) {
        cf->kind = C_NONE;
        set_status(a, true, "the data changed; the change is no longer possible: %s",
                   err.msg[0] ? err.msg : allot_status_message(st));
    } else if (moves_equal(&pv, &cf->pv) &&
               (cmd.type != CMD_CHANGE_BATCH_ETA || cmd.eta == cf->cmd.eta)) {
        differs = false;
    } else {
        tui_preview_fini(&cf->pv);
        cf->pv = pv;
        tui_preview_init(&pv);
        cf->cmd = cmd;
        if (cf->is_delay)
            delay_title(a, &dp);
        cf->changed = true;
        cf->scroll = 0;
    }
    delay_preview_fini(&dp);
    tui_preview_fini(&pv);
    a->dirty = true;
    return differs;
}

/* `d` on a batch (SPEC.md §5, issue 6): the new ETA (in the warehouse: today + N),
 * every affected line with where it moves and its slip, worked out in a preview
 * (whatif.h delay_preview, in the session's sandbox when one is open); always
 * asks. */
static bool delay_form(TuiApp *a, const TuiBatchInfo *b, int32_t days, char *why, size_t whysize)
{
    if (!a->has_runner) {
        snprintf(why, whysize, "read-only: commands are not available here");
        return false;
    }
    if (!a->cfg.bus && !a->whatif) { /* a custom runner without a store: plain preview */
        if (b->eta == ALLOT_NO_ETA) {
            snprintf(why, whysize, "%s is in the warehouse: no ETA to delay (e sets one)", b->ref);
            return false;
        }
        Command c = command_change_batch_eta(b->ref, b->eta + days);
        return submit(a, &c, false, b, why, whysize);
    }
    DelayPreview dp;
    delay_preview_init(&dp);
    ErrBuf err = {{0}};
    AllotStatus st = delay_compute(a, b->ref, days, &dp, &err);
    if (st != ALLOT_OK) {
        snprintf(why, whysize, "%s", err.msg[0] ? err.msg : allot_status_message(st));
        delay_preview_fini(&dp);
        return false;
    }
    if (dp.diff.nlines == 0) { /* no line on it: nothing to show, just do it */
        Command c = dp.cmd;
        delay_preview_fini(&dp);
        execute(a, &c);
        return true;
    }
    tui_preview_from_diff(&dp.diff, &a->confirm.pv);
    delay_title(a, &dp);
    a->confirm.kind = C_COMMAND;
    a->confirm.cmd = dp.cmd;
    a->confirm.scroll = 0;
    a->confirm.is_delay = true;
    snprintf(a->confirm.delay_ref, sizeof a->confirm.delay_ref, "%s", b->ref);
    a->confirm.delay_days = days;
    a->confirm.changed = false;
    delay_preview_fini(&dp);
    a->dirty = true;
    return true;
}

/* ---- what-if sessions (whatif_tui.h) ---- */

/* Shows the newest events of the current source from scratch (the ids of a
 * sandbox's events and of live ones overlap). */
static void reset_feed(TuiApp *a)
{
    a->nfeed = 0;
    a->paused_new = 0;
    int64_t max = 0;
    ErrBuf err = {{0}};
    if (a->cfg.source->ops->max_event_id(a->cfg.source, &max, &err) == ALLOT_OK)
        a->last_id = max > FEED_MAX ? max - FEED_MAX : 0;
    /* back on the live data with a follower: the newest live events again (the
     * follower goes on with those that come later) */
    if (a->cfg.follower && !a->whatif)
        feed_by_id(a, max);
    poll_data(a, true);
}

static void whatif_start(TuiApp *a)
{
    if (a->whatif) {
        set_status(a, false, "a what-if session is open: A applies it, D discards it");
        return;
    }
    if (!a->cfg.views || !a->cfg.bus || !a->cfg.uow) {
        set_status(a, true, "what-if sessions need the live database");
        return;
    }
    TuiWhatIf *w;
    ErrBuf err = {{0}};
    if (tui_whatif_start(a->cfg.uow, a->cfg.views, a->cfg.clock, &w, &err) !=
        ALLOT_OK) {
        set_status(a, true, "what-if: %s", err.msg);
        return;
    }
    a->whatif = w;
    a->live_source = a->cfg.source;
    tui_app_set_runner(a, tui_whatif_runner(w));
    tui_app_set_source(a, tui_whatif_source(w));
    reset_feed(a);
    tui_whatif_banner(w, a->banner, sizeof a->banner);
    set_status(a, false, "what-if session: every change now runs in a sandbox (Δ marks differences)");
}

/* Back to live; the session is freed. */
static void whatif_end(TuiApp *a)
{
    TuiWhatIf *w = a->whatif;
    if (!w)
        return;
    a->whatif = NULL;
    a->banner[0] = '\0';
    tui_app_set_runner(a, a->cfg.runner);
    tui_app_set_source(a, a->live_source); /* rebuilds the screens: none holds w's source */
    reset_feed(a);
    tui_whatif_free(w);
}

static void whatif_ask_apply(TuiApp *a)
{
    if (!a->whatif) {
        set_status(a, false, "no what-if session is open (w starts one)");
        return;
    }
    size_t n = whatif_command_count(tui_whatif_session(a->whatif));
    if (n == 0) {
        set_status(a, false, "the what-if session has no changes to apply (D discards it)");
        return;
    }
    tui_whatif_changes(a->whatif, &a->confirm.pv);
    a->confirm.kind = C_WHATIF_APPLY;
    a->confirm.scroll = 0;
    snprintf(a->confirm.title, sizeof a->confirm.title,
             "Apply the what-if session's %zu change%s to the LIVE data (one transaction)?", n,
             n == 1 ? "" : "s");
    a->dirty = true;
}

static void whatif_do_apply(TuiApp *a)
{
    char msg[ALLOT_ERR_MAX + 64];
    bool as_predicted = false;
    AllotStatus st = tui_whatif_apply(a->whatif, a->cfg.bus, &as_predicted, msg, sizeof msg,
                                      &a->confirm.pv);
    if (st == ALLOT_OK)
        whatif_end(a);
    set_status(a, st != ALLOT_OK || !as_predicted, "%s", msg);
    if (st == ALLOT_OK && !as_predicted) { /* show where the outcome differs */
        a->confirm.kind = C_INFO;
        a->confirm.scroll = 0;
        snprintf(a->confirm.title, sizeof a->confirm.title,
                 "APPLIED, but the live data had changed: the outcome differs from the "
                 "prediction (predicted → real)");
    }
}

static void whatif_discard_now(TuiApp *a)
{
    if (!a->whatif) {
        set_status(a, false, "no what-if session is open (w starts one)");
        return;
    }
    whatif_end(a);
    set_status(a, false, "what-if session discarded: the live data is unchanged");
}

static void ask_quit(TuiApp *a)
{
    a->confirm.kind = C_WHATIF_QUIT;
    a->confirm.scroll = 0;
    tui_preview_fini(&a->confirm.pv);
    tui_preview_init(&a->confirm.pv);
    size_t n = whatif_command_count(tui_whatif_session(a->whatif));
    snprintf(a->confirm.title, sizeof a->confirm.title,
             "A what-if session is open (%zu change%s). Quit and discard it?", n,
             n == 1 ? "" : "s");
    a->dirty = true;
}

/* ---- prompt and forms ---- */

static void open_prompt(TuiApp *a, PromptKind kind, const char *label)
{
    memset(&a->prompt, 0, sizeof a->prompt);
    a->prompt.kind = kind;
    snprintf(a->prompt.label, sizeof a->prompt.label, "%s", label);
    a->dirty = true;
}

static void open_form(TuiApp *a, const TuiReaction *r)
{
    char label[240], d[ALLOT_DATE_TEXT];
    switch (r->form) {
    case FORM_FILTER:
        snprintf(label, sizeof label, "Filter (part of an id, empty = all): ");
        break;
    case FORM_CHANGE_QTY:
        snprintf(label, sizeof label, "New quantity of %s (now %lld, %lld allocated): ",
                 r->batch.ref, (long long)r->batch.qty, (long long)r->batch.allocated);
        break;
    case FORM_SET_ETA:
        snprintf(label, sizeof label, "ETA of %s (now %s; YYYY-MM-DD, - = in warehouse): ",
                 r->batch.ref, date_format(r->batch.eta, d));
        break;
    case FORM_DELAY:
        snprintf(label, sizeof label, "Delay %s (ETA %s) by how many days: ", r->batch.ref,
                 date_format(r->batch.eta, d));
        break;
    case FORM_ALLOCATE:
        snprintf(label, sizeof label, "Allocate%s%s%s%s — %s%sQTY: ", r->orderid[0] ? " order " : "",
                 r->orderid, r->sku[0] ? " " : "", r->sku, r->orderid[0] ? "" : "ORDERID ",
                 r->sku[0] ? "" : "SKU ");
        break;
    }
    open_prompt(a, P_FORM, label);
    a->prompt.form = r->form;
    a->prompt.list = r->list;
    a->prompt.batch = r->batch;
    snprintf(a->prompt.sku, sizeof a->prompt.sku, "%s", r->sku);
    snprintf(a->prompt.orderid, sizeof a->prompt.orderid, "%s", r->orderid);
    if (r->form == FORM_FILTER && r->list) {
        snprintf(a->prompt.text, sizeof a->prompt.text, "%s", r->list->q.filter);
        a->prompt.cur = strlen(a->prompt.text);
    }
}

static void close_prompt(TuiApp *a)
{
    a->prompt.kind = P_NONE;
    a->dirty = true;
}

/* Runs the `:` line.  Returns false (error in prompt.error) to keep it open. */
static bool run_command_line(TuiApp *a, const char *line)
{
    TokenList toks;
    token_list_init(&toks);
    ParsedCommand pc;
    ErrBuf err = {{0}};
    bool ok = true;
    AllotStatus st = command_parse_line(line, &toks, &pc, &err);
    if (st != ALLOT_OK) {
        snprintf(a->prompt.error, sizeof a->prompt.error, "%s", err.msg);
        ok = false;
    } else if (!pc.spec) {
        ok = true; /* empty line */
    } else if (command_is_bus(pc.spec)) {
        ok = submit(a, &pc.cmd, false, NULL, a->prompt.error, sizeof a->prompt.error);
    } else if (pc.spec->tool == TOOL_DEMO && a->cfg.load_demo) {
        close_prompt(a);
        a->confirm.kind = C_DEMO;
        snprintf(a->confirm.title, sizeof a->confirm.title, "Load the demo dataset?");
    } else if (pc.spec->tool == TOOL_HELP) {
        const char *name = top(a)->ops->name;
        if (a->cfg.external_help) /* `:help allocate` shows that command's section */
            snprintf(a->help_topic, sizeof a->help_topic, "%s",
                     pc.values[0] ? pc.values[0]
                     : strcmp(name, "batch") == 0 ? "batches"
                                                  : name);
        else if (strcmp(name, "help") != 0)
            push(a, tui_view_help(&a->env, name));
    } else {
        snprintf(a->prompt.error, sizeof a->prompt.error,
                 "%s runs from the command line: allot %s", pc.spec->name, line);
        ok = false;
    }
    token_list_fini(&toks);
    return ok;
}

static bool submit_form(TuiApp *a)
{
    Prompt *p = &a->prompt;
    ErrBuf err = {{0}};
    const TuiBatchInfo *b = &p->batch;
    switch (p->form) {
    case FORM_FILTER:
        if (p->list) {
            AllotId id;
            if (p->text[0] && validate_id(p->text, "filter", id, &err) != ALLOT_OK) {
                snprintf(p->error, sizeof p->error, "%s", err.msg);
                return false;
            }
            tui_list_set_filter(p->list, p->text[0] ? id : "");
            set_status(a, false, p->text[0] ? "filtered: %s" : "filter cleared%s",
                       p->text[0] ? id : "");
        }
        return true;
    case FORM_CHANGE_QTY: {
        int64_t q;
        if (validate_batch_qty(p->text, &q, &err) != ALLOT_OK) {
            snprintf(p->error, sizeof p->error, "%s", err.msg);
            return false;
        }
        Command c = command_change_batch_qty(b->ref, q);
        return submit(a, &c, false, b, p->error, sizeof p->error);
    }
    case FORM_SET_ETA: {
        int32_t eta;
        if (validate_eta(p->text, &eta, &err) != ALLOT_OK) {
            snprintf(p->error, sizeof p->error, "%s", err.msg);
            return false;
        }
        Command c = command_change_batch_eta(b->ref, eta);
        return submit(a, &c, false, b, p->error, sizeof p->error);
    }
    case FORM_DELAY: {
        int64_t days;
        if (validate_int(p->text, "days", 1, 3650, &days, &err) != ALLOT_OK) {
            snprintf(p->error, sizeof p->error, "%s", err.msg);
            return false;
        }
        return delay_form(a, b, (int32_t)days, p->error, sizeof p->error);
    }
    case FORM_ALLOCATE: {
        TokenList t;
        token_list_init(&t);
        bool ok = false;
        /* the values the screen did not give, in the CLI's order */
        bool need_order = !p->orderid[0], need_sku = !p->sku[0];
        size_t want = 1 + need_order + need_sku;
        char expect[64];
        snprintf(expect, sizeof expect, "%s%sQTY", need_order ? "ORDERID " : "",
                 need_sku ? "SKU " : "");
        if (command_tokenize(p->text, false, &t, &err) != ALLOT_OK) {
            snprintf(p->error, sizeof p->error, "%s", err.msg);
        } else if (t.len != want) {
            snprintf(p->error, sizeof p->error, "expected %s, got %zu value%s", expect, t.len,
                     t.len == 1 ? "" : "s");
        } else {
            AllotId orderid, sku;
            int64_t q;
            size_t i = 0;
            const char *o_text = need_order ? t.items[i++] : p->orderid;
            const char *s_text = need_sku ? t.items[i++] : p->sku;
            if (validate_id(o_text, "orderid", orderid, &err) != ALLOT_OK ||
                validate_id(s_text, "sku", sku, &err) != ALLOT_OK ||
                validate_line_qty(t.items[i], &q, &err) != ALLOT_OK) {
                snprintf(p->error, sizeof p->error, "%s", err.msg);
            } else {
                Command c = command_allocate(orderid, sku, q);
                ok = submit(a, &c, false, NULL, p->error, sizeof p->error);
            }
        }
        token_list_fini(&t);
        return ok;
    }
    }
    return true;
}

/* The byte offset in `text` where the token that ends at `cur` starts (the
 * tokenizer's rules: blanks outside double quotes separate, `\` escapes inside);
 * `cur` itself if it follows a blank. */
static size_t token_start(const char *text, size_t cur)
{
    size_t start = cur;
    bool inq = false, intok = false;
    for (size_t i = 0; i < cur; i++) {
        char c = text[i];
        if (inq) {
            if (c == '\\' && i + 1 < cur)
                i++;
            else if (c == '"')
                inq = false;
            continue;
        }
        if (c == ' ' || c == '\t') {
            intok = false;
            start = cur;
            continue;
        }
        if (!intok) {
            start = i;
            intok = true;
        }
        if (c == '"')
            inq = true;
    }
    return start;
}

/* Tab in the `:` prompt: completes the command name, or a SKU / reference / order
 * id by the argument the token fills. */
static void complete(TuiApp *a)
{
    Prompt *p = &a->prompt;
    char head[256];
    snprintf(head, sizeof head, "%.*s", (int)p->cur, p->text);
    TokenList t;
    token_list_init(&t);
    ErrBuf err = {{0}};
    p->hint[0] = 0;
    if (command_tokenize(head, true, &t, &err) != ALLOT_OK) {
        token_list_fini(&t);
        return;
    }
    size_t index = t.trailing_blank || t.len == 0 ? t.len : t.len - 1;
    const char *prefix = index < t.len ? t.items[index] : "";
    char **cands = NULL;
    size_t n = 0, cap = 0;
    if (index == 0) {
        const CommandSpec *specs[16];
        size_t m = command_complete(prefix, specs, 16);
        for (size_t i = 0; i < m && i < 16; i++) {
            if (n == cap)
                cands = xreallocarray(cands, cap = cap ? cap * 2 : 16, sizeof *cands);
            cands[n++] = xstrdup(specs[i]->name);
        }
    } else {
        const CommandSpec *spec = command_lookup(t.items[0]);
        const ArgSpec *arg = spec ? command_arg_for_token(spec, &t, index) : NULL;
        int kind = !arg ? -1
                   : arg->kind == ARG_SKU     ? TC_SKU
                   : arg->kind == ARG_REF     ? TC_REF
                   : arg->kind == ARG_ORDERID ? TC_ORDERID
                                              : -1;
        if (kind >= 0) {
            if (a->cfg.source->ops->complete(a->cfg.source, (TuiCompleteKind)kind, prefix, 32,
                                             &cands, &n, &err) != ALLOT_OK)
                snprintf(p->error, sizeof p->error, "%s", err.msg);
        } else if (arg && arg->kind == ARG_CHOICE && arg->choices) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s", arg->choices);
            for (char *w = strtok(buf, "|"); w; w = strtok(NULL, "|"))
                if (strncmp(w, prefix, strlen(prefix)) == 0) {
                    if (n == cap)
                        cands = xreallocarray(cands, cap = cap ? cap * 2 : 16, sizeof *cands);
                    cands[n++] = xstrdup(w);
                }
        } else if (arg) {
            snprintf(p->hint, sizeof p->hint, "%s: type it", arg->name);
        }
    }
    if (n > 0) {
        /* the longest common prefix of the candidates */
        size_t common = strlen(cands[0]);
        for (size_t i = 1; i < n; i++) {
            size_t k = 0;
            while (k < common && cands[i][k] == cands[0][k])
                k++;
            common = k;
        }
        size_t plen = strlen(prefix);
        if (common > plen || n == 1) {
            /* the token as typed (quotes and all) is replaced by the completion,
               quoted as the tokenizer reads it back; a partial one keeps its
               quote open */
            size_t start = token_start(p->text, p->cur);
            char word[256], quoted[600], add[640];
            snprintf(word, sizeof word, "%.*s", (int)common, cands[0]);
            command_quote_token(word, quoted, sizeof quoted);
            bool was_quoted = p->text[start] == '"';
            size_t ql = strlen(quoted);
            if (was_quoted && quoted[0] != '"' && ql + 3 < sizeof quoted) {
                /* keep the quote the user opened */
                memmove(quoted + 1, quoted, ql);
                quoted[0] = '"';
                quoted[ql + 1] = '"';
                quoted[ql + 2] = 0;
                ql += 2;
            }
            if (n > 1 && ql > 1 && quoted[0] == '"')
                quoted[--ql] = 0; /* not finished: the quote stays open */
            snprintf(add, sizeof add, "%s%s", quoted, n == 1 ? " " : "");
            size_t al = strlen(add), tl = strlen(p->text), old = p->cur - start;
            if (tl - old + al < sizeof p->text) {
                memmove(p->text + start + al, p->text + p->cur, tl - p->cur + 1);
                memcpy(p->text + start, add, al);
                p->cur = start + al;
            }
        }
        if (n > 1) {
            /* each candidate as it would be typed, comma-separated */
            size_t o = 0;
            o += (size_t)snprintf(p->hint, sizeof p->hint, "%zu candidates:", n);
            for (size_t i = 0; i < n && o < sizeof p->hint - 1; i++) {
                char q[300];
                command_quote_token(cands[i], q, sizeof q);
                o += (size_t)snprintf(p->hint + o, sizeof p->hint - o, "%s %s", i ? "," : "", q);
            }
        }
    } else if (!p->hint[0]) {
        snprintf(p->hint, sizeof p->hint, "no completion");
    }
    tui_strings_free(cands, n);
    token_list_fini(&t);
}

static void utf8_encode(int cp, char out[5])
{
    memset(out, 0, 5);
    if (cp < 0x80) {
        out[0] = (char)cp;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
    }
}

static void prompt_key(TuiApp *a, int key)
{
    Prompt *p = &a->prompt;
    size_t len = strlen(p->text);
    a->dirty = true;
    switch (key) {
    case TK_ESC:
    case TK_CTRL_C:
        close_prompt(a);
        return;
    case TK_ENTER: {
        p->error[0] = 0;
        bool ok = p->kind == P_COMMAND ? run_command_line(a, p->text) : submit_form(a);
        if (ok && a->prompt.kind != P_NONE)
            close_prompt(a);
        return;
    }
    case TK_TAB:
        if (p->kind == P_COMMAND)
            complete(a);
        return;
    case TK_BACKSPACE:
    case TK_BACKSPACE_ASCII:
    case 127:
        if (p->cur > 0) {
            size_t s = p->cur - 1;
            while (s > 0 && ((unsigned char)p->text[s] & 0xC0) == 0x80)
                s--;
            memmove(p->text + s, p->text + p->cur, len - p->cur + 1);
            p->cur = s;
        } else if (len == 0) {
            close_prompt(a);
        }
        return;
    case TK_DELETE:
        if (p->cur < len) {
            size_t e = p->cur + 1;
            while (e < len && ((unsigned char)p->text[e] & 0xC0) == 0x80)
                e++;
            memmove(p->text + p->cur, p->text + e, len - e + 1);
        }
        return;
    case TK_LEFT:
        while (p->cur > 0) {
            p->cur--;
            if (((unsigned char)p->text[p->cur] & 0xC0) != 0x80)
                break;
        }
        return;
    case TK_RIGHT:
        while (p->cur < len) {
            p->cur++;
            if (((unsigned char)p->text[p->cur] & 0xC0) != 0x80)
                break;
        }
        return;
    case TK_HOME:
        p->cur = 0;
        return;
    case TK_END:
        p->cur = len;
        return;
    case TK_CTRL_U:
        p->text[0] = 0;
        p->cur = 0;
        return;
    default:
        break;
    }
    if (key < 32 || key == 127 || key >= TK_SPECIAL)
        return;
    char u[5];
    utf8_encode(key, u);
    size_t ul = strlen(u);
    if (len + ul >= sizeof p->text)
        return;
    memmove(p->text + p->cur + ul, p->text + p->cur, len - p->cur + 1);
    memcpy(p->text + p->cur, u, ul);
    p->cur += ul;
    p->error[0] = 0;
}

/* ---- confirmation ---- */

static void confirm_key(TuiApp *a, int key)
{
    a->dirty = true;
    size_t page = (size_t)(main_h(a) > 5 ? main_h(a) - 4 : 1);
    if (key == 'j' || key == TK_DOWN || key == TK_PGDN) {
        size_t step = key == TK_PGDN ? page : 1;
        if (a->confirm.scroll + page < a->confirm.pv.len)
            a->confirm.scroll += step;
        if (a->confirm.scroll + page > a->confirm.pv.len && a->confirm.pv.len > page)
            a->confirm.scroll = a->confirm.pv.len - page;
        return;
    }
    if (key == 'k' || key == TK_UP || key == TK_PGUP) {
        size_t step = key == TK_PGUP ? page : 1;
        a->confirm.scroll = a->confirm.scroll > step ? a->confirm.scroll - step : 0;
        return;
    }
    if (a->confirm.kind == C_INFO) {
        a->confirm.kind = C_NONE;
        return;
    }
    if (key == 'y' || key == 'Y') {
        ConfirmKind k = a->confirm.kind;
        a->confirm.kind = C_NONE;
        if (k == C_COMMAND) {
            a->confirm.kind = C_COMMAND;
            if (confirm_refresh(a)) { /* not what was shown: show it and ask again */
                if (a->confirm.kind == C_COMMAND)
                    set_status(a, true, "the data changed: this is the outcome now; answer again");
                return;
            }
            a->confirm.kind = C_NONE;
            Command c = a->confirm.cmd;
            execute(a, &c);
        } else if (k == C_WHATIF_APPLY && a->whatif) {
            whatif_do_apply(a);
        } else if (k == C_WHATIF_QUIT) {
            whatif_end(a);
            a->done = true;
        } else if (k == C_DEMO && a->cfg.load_demo) {
            ErrBuf err = {{0}};
            if (a->cfg.load_demo(a->cfg.load_demo_ctx, &err) != ALLOT_OK)
                set_status(a, true, "demo: %s", err.msg);
            else
                set_status(a, false, "demo dataset loaded");
            poll_data(a, true);
        }
    } else if (key == 'n' || key == 'N' || key == TK_ESC || key == 'q' || key == TK_CTRL_C) {
        a->confirm.kind = C_NONE;
        set_status(a, false, "cancelled: nothing changed");
    } else {
        char kn[16];
        set_status(a, false, "%s: answer the question first (y confirms, n or Esc cancels)",
                   tui_key_name(key, kn, sizeof kn));
    }
}

/* ---- dispatch ---- */

static void apply(TuiApp *a, TuiReaction *r)
{
    if (r->status[0])
        set_status(a, r->status_error, "%s", r->status);
    switch (r->request) {
    case REQ_PUSH:
        push(a, r->push);
        break;
    case REQ_BACK:
        pop(a);
        break;
    case REQ_FORM:
        open_form(a, r);
        break;
    case REQ_COMMAND: {
        char why[ALLOT_ERR_MAX] = "";
        if (!submit(a, &r->cmd, r->always_confirm, &r->batch, why, sizeof why))
            set_status(a, true, "%s", why);
        break;
    }
    case REQ_DELAY: {
        char why[ALLOT_ERR_MAX] = "";
        if (!delay_form(a, &r->batch, r->days, why, sizeof why))
            set_status(a, true, "%s", why);
        break;
    }
    case REQ_NONE:
        break;
    }
    a->dirty = true;
}

static void global_action(TuiApp *a, TuiAction act)
{
    a->dirty = true;
    switch (act) {
    case TA_QUIT:
        if (a->whatif)
            ask_quit(a);
        else
            a->done = true;
        break;
    case TA_BACK: pop(a); break;
    case TA_NEXT_SCREEN: go_top(a, a->top_level + 1); break;
    case TA_PREV_SCREEN: go_top(a, a->top_level - 1); break;
    case TA_SCREEN_TRIAGE: go_top(a, 0); break;
    case TA_SCREEN_PRODUCTS: go_top(a, 1); break;
    case TA_SCREEN_BATCHES: go_top(a, 2); break;
    case TA_SCREEN_BACKORDERS: go_top(a, 3); break;
    case TA_SCREEN_EVENTS: go_top(a, 4); break;
    case TA_HELP: {
        const char *name = top(a)->ops->name;
        if (a->cfg.external_help) /* help pages are named after the screens */
            snprintf(a->help_topic, sizeof a->help_topic, "%s",
                     strcmp(name, "batch") == 0 ? "batches" : name);
        else if (strcmp(name, "help") != 0)
            push(a, tui_view_help(&a->env, name));
        break;
    }
    case TA_PROMPT: open_prompt(a, P_COMMAND, ":"); break;
    case TA_WHATIF: whatif_start(a); break;
    case TA_WHATIF_APPLY: whatif_ask_apply(a); break;
    case TA_WHATIF_DISCARD: whatif_discard_now(a); break;
    case TA_PAUSE_FEED:
        a->paused = !a->paused;
        a->paused_new = 0;
        if (!a->paused)
            poll_data(a, true);
        set_status(a, false, a->paused ? "live feed paused (p resumes)" : "live feed resumed");
        break;
    case TA_REDRAW: break;
    default: break;
    }
}

static void key_input(TuiApp *a, int key)
{
    if (a->confirm.kind != C_NONE) {
        confirm_key(a, key);
        return;
    }
    if (a->prompt.kind != P_NONE) {
        prompt_key(a, key);
        return;
    }
    if (key == TK_CTRL_C) {
        if (a->whatif)
            ask_quit(a);
        else
            a->done = true;
        return;
    }
    if (too_small(a)) {
        if (key == 'Q' || key == 'q')
            a->done = true;
        return;
    }
    if (tui_count_feed(&a->count, key)) {
        a->dirty = true;
        return;
    }
    TuiView *v = top(a);
    TuiAction act = tui_keymap_lookup(v->keys, key);
    if (act == TA_NONE && v->uses_list)
        act = tui_keymap_lookup(tui_keymap_list(), key);
    if (act == TA_NONE)
        act = tui_keymap_lookup(tui_keymap_global(), key);
    int64_t count = tui_count_take(&a->count, 0);
    if (act == TA_NONE) {
        char kn[16];
        set_status(a, false, "%s: no such key here (? lists the keys)",
                   tui_key_name(key, kn, sizeof kn));
        return;
    }
    a->status[0] = 0;
    TuiReaction r = v->ops->on_key(v, act, count);
    if (r.handled)
        apply(a, &r);
    else
        global_action(a, act);
    a->dirty = true;
}

void tui_app_input(TuiApp *a, const TuiInput *in)
{
    switch (in->type) {
    case TI_KEY:
        key_input(a, in->key);
        break;
    case TI_RESIZE:
        a->rows = in->rows;
        a->cols = in->cols;
        for (int i = 0; i < a->depth; i++)
            size_view(a, a->stack[i]);
        a->dirty = true;
        break;
    case TI_TICK: {
        /* past midnight (UTC): "today" and "due in 14 days" move on */
        int32_t today = date_from_unix(a->cfg.clock->now(a->cfg.clock));
        if (today != a->env.today && a->confirm.kind == C_NONE && a->prompt.kind == P_NONE) {
            a->env.today = today;
            go_top(a, a->top_level);
        }
        poll_data(a, false);
        break;
    }
    }
}

void tui_app_type(TuiApp *a, const char *keys)
{
    while (*keys) {
        unsigned char c = (unsigned char)*keys;
        int cp;
        size_t n = 1;
        if (c < 0x80) {
            cp = c;
        } else {
            /* decode UTF-8 */
            int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
            cp = c & (0x3F >> extra);
            for (int i = 1; i <= extra && keys[i]; i++, n++)
                cp = (cp << 6) | (keys[i] & 0x3F);
        }
        TuiInput in = {.type = TI_KEY, .key = cp};
        tui_app_input(a, &in);
        keys += n;
    }
}

/* ---- drawing ---- */

static void draw_small(TuiApp *a, TuiCanvas *c)
{
    char l1[120], l2[120];
    snprintf(l1, sizeof l1, "allot needs at least %d×%d; this terminal is %d×%d.", TUI_MIN_COLS,
             TUI_MIN_ROWS, a->cols, a->rows);
    snprintf(l2, sizeof l2, "Please enlarge it, or press Q to quit.");
    const char *lines[2] = {l1, l2};
    /* wrap each line to the width, word by word */
    int y = 0;
    for (int i = 0; i < 2 && y < c->rows; i++) {
        const char *s = lines[i];
        while (*s && y < c->rows) {
            char buf[128];
            int n = 0, last_space = -1, w = 0;
            while (s[n] && w < c->cols) {
                if (s[n] == ' ')
                    last_space = n;
                if (((unsigned char)s[n] & 0xC0) != 0x80)
                    w++;
                n++;
            }
            while (((unsigned char)s[n] & 0xC0) == 0x80)
                n++;
            if (s[n] && last_space > 0)
                n = last_space;
            snprintf(buf, sizeof buf, "%.*s", n, s);
            tui_canvas_text(c, y++, 0, c->cols, buf, i ? TS_DIM : TS_NORMAL, false);
            s += n;
            while (*s == ' ')
                s++;
        }
    }
    c->ops->cursor(c, -1, -1);
}

static void draw_topbar(TuiApp *a, TuiCanvas *c)
{
    tui_canvas_text(c, 0, 0, c->cols, "", TS_TITLE, true);
    int x = tui_canvas_text(c, 0, 0, c->cols, " allot │", TS_TITLE, false);
    for (int i = 0; i < NTOP; i++) {
        char t[40];
        bool cur = i == a->top_level;
        snprintf(t, sizeof t, cur ? " [%s]" : "  %s ", top_names[i]);
        x += tui_canvas_text(c, 0, x, c->cols - x, t, cur ? TS_TAB : TS_TITLE, false);
    }
    if (a->cfg.db_label) {
        char t[200];
        snprintf(t, sizeof t, "│ %s ", a->cfg.db_label);
        int w = tui_text_width(t);
        if (x + 2 + w <= c->cols)
            tui_canvas_text(c, 0, c->cols - w, w, t, TS_TITLE, false);
    }
}

static void draw_banner(TuiApp *a, TuiCanvas *c)
{
    if (a->banner[0]) {
        tui_canvas_text(c, 1, 0, c->cols, a->banner, TS_BANNER, true);
        return;
    }
    char crumb[512] = "", t[160];
    size_t o = 0;
    for (int i = 0; i < a->depth; i++) {
        a->stack[i]->ops->title(a->stack[i], t, sizeof t);
        o += (size_t)snprintf(crumb + o, sizeof crumb - o, "%s%s", i ? " › " : " ", t);
        if (o >= sizeof crumb)
            break;
    }
    TuiList *l = top(a)->ops->list(top(a));
    if (l && o < sizeof crumb) {
        o += (size_t)snprintf(crumb + o, sizeof crumb - o, "   sort: %s", tui_list_sort_name(l));
        if (l->q.filter[0] && o < sizeof crumb)
            snprintf(crumb + o, sizeof crumb - o, "   filter: \"%s\"", l->q.filter);
    }
    int64_t n;
    if (tui_view_events_paused(top(a), &n)) {
        size_t len = strlen(crumb);
        snprintf(crumb + len, sizeof crumb - len, "   PAUSED: %lld new (g: newest)", (long long)n);
    }
    tui_canvas_text(c, 1, 0, c->cols, crumb, TS_DIM, true);
}

static void draw_confirm(TuiApp *a, TuiCanvas *c)
{
    int y = main_y(), h = main_h(a), w = c->cols;
    for (int i = 0; i < h; i++)
        tui_canvas_text(c, y + i, 0, w, "", TS_NORMAL, true);
    char line[512];
    snprintf(line, sizeof line, "%s%s",
             a->confirm.kind == C_COMMAND && a->confirm.changed ? "UPDATED (data changed): " : "",
             a->confirm.title);
    tui_canvas_text(c, y, 0, w, line, TS_HEADER, true);
    int row = y + 1;
    if (a->confirm.kind == C_COMMAND || a->confirm.kind == C_WHATIF_APPLY ||
        a->confirm.kind == C_INFO) {
        const TuiPreview *pv = &a->confirm.pv;
        size_t moved = 0;
        bool slips = false;
        for (size_t i = 0; i < pv->len; i++) {
            moved += strcmp(pv->moves[i].from, pv->moves[i].to) != 0;
            slips = slips || pv->moves[i].has_slip;
        }
        if (pv->len == 0)
            snprintf(line, sizeof line, "No order line changes place.");
        else if (slips)
            snprintf(line, sizeof line,
                     "%zu order line%s affected, %zu change%s place (%lld to the backorders); "
                     "slip in days:",
                     pv->len, pv->len == 1 ? "" : "s", moved, moved == 1 ? "s" : "",
                     (long long)pv->backordered);
        else
            snprintf(line, sizeof line, "%zu order line%s place (%lld to the backorders):",
                     pv->len, pv->len == 1 ? " changes" : "s change", (long long)pv->backordered);
        tui_canvas_text(c, row++, 0, w, line, TS_NORMAL, true);
        int room = h - 3; /* title, count, question */
        size_t first = a->confirm.scroll;
        for (size_t i = first; i < pv->len && room > 0; i++, room--) {
            const TuiMove *m = &pv->moves[i];
            if (room == 1 && i + 1 < pv->len) {
                snprintf(line, sizeof line, "  … and %zu more (j/k scroll)", pv->len - i);
                tui_canvas_text(c, row++, 0, w, line, TS_DIM, true);
                break;
            }
            char qty[32];
            snprintf(qty, sizeof qty, "×%lld", (long long)m->qty);
            char ord[40], sku[40], q[16], from[40], to[40];
            tui_text_fit(m->orderid, 16, true, false, ord, sizeof ord);
            tui_text_fit(m->sku, 14, true, false, sku, sizeof sku);
            tui_text_fit(qty, 8, true, true, q, sizeof q);
            tui_text_fit(m->from[0] ? m->from : "BACKORDER", 14, true, false, from, sizeof from);
            tui_text_fit(m->to[0] ? m->to : "BACKORDER", 14, false, false, to, sizeof to);
            char slip[24] = "";
            if (m->has_slip)
                snprintf(slip, sizeof slip, "  %+dd", (int)m->slip_days);
            snprintf(line, sizeof line, "  %s %s %s  %s → %s%s", ord, sku, q, from, to, slip);
            tui_canvas_text(c, row++, 0, w, line, m->to[0] ? TS_NORMAL : TS_WARN, true);
        }
    } else if (a->confirm.kind == C_WHATIF_QUIT) {
        tui_canvas_text(c, row++, 0, w,
                        "Quitting discards the sandbox; the live data stays as it is.", TS_NORMAL,
                        true);
    }
    tui_canvas_text(c, y + h - 1, 0, w,
                    a->confirm.kind == C_WHATIF_QUIT ? "Quit? y = yes, n = no"
                    : a->confirm.kind == C_INFO      ? "Any key closes this list"
                                                     : "Apply? y = yes, n = no",
                    TS_KEY, true);
}

static void draw_feed(TuiApp *a, TuiCanvas *c)
{
    int y = c->rows - 2 - FEED_H;
    char title[160];
    if (a->paused)
        snprintf(title, sizeof title, "── Live events ── PAUSED: %lld new (p resumes) ",
                 (long long)a->paused_new);
    else
        snprintf(title, sizeof title, "── Live events (p pauses) ");
    char line[1024];
    size_t tl = strlen(title);
    snprintf(line, sizeof line, "%s", title);
    for (int w = tui_text_width(title); w < c->cols && tl + 4 < sizeof line; w++)
        tl += (size_t)snprintf(line + tl, sizeof line - tl, "─");
    tui_canvas_text(c, y, 0, c->cols, line, TS_HEADER, true);
    for (int i = 0; i < FEED_H - 1; i++) {
        int idx = a->nfeed - 1 - i;
        if (idx < 0) {
            if (i == 0)
                tui_canvas_text(c, y + 1, 0, c->cols, "  (no events yet)", TS_DIM, true);
            continue;
        }
        TuiRow r;
        memset(&r, 0, sizeof r);
        tui_row_event(&r, &a->feed[idx], a->env.today);
        bool warn = r.flags & TUI_ROW_WARN_EVENT;
        snprintf(line, sizeof line, "%s %-11s %-7s %-20s %s", warn ? "!" : " ", r.cells[1],
                 r.cells[0], r.cells[2], r.cells[3]);
        tui_canvas_text(c, y + 1 + i, 0, c->cols, line, warn ? TS_WARN : TS_NORMAL, true);
    }
}

static void draw_bottom(TuiApp *a, TuiCanvas *c)
{
    int ys = c->rows - 2, yf = c->rows - 1;
    const Prompt *p = &a->prompt;
    if (p->kind != P_NONE) {
        char line[512];
        snprintf(line, sizeof line, "%s%s", p->label, p->text);
        char head[512];
        snprintf(head, sizeof head, "%s%.*s", p->label, (int)p->cur, p->text);
        int cx = tui_text_width(head);
        if (cx >= c->cols) {
            /* scrolled so the cursor stays visible: "…" then the text before it */
            size_t from = strlen(p->label);
            const char *t = line;
            while (from < strlen(line) &&
                   tui_text_width(head + from) + 1 >= c->cols) { /* 1 for "…" */
                from++;
                while (((unsigned char)t[from] & 0xC0) == 0x80)
                    from++;
            }
            size_t rest = strlen(line + from);
            memmove(line + 3, line + from, rest + 1); /* from >= 3: the label is ":" at least */
            memcpy(line, "…", 3);
            cx = 1 + tui_text_width(head + from);
        }
        tui_canvas_text(c, ys, 0, c->cols, line, TS_INPUT, true);
        if (p->error[0])
            tui_canvas_text(c, yf, 0, c->cols, p->error, TS_ERROR, true);
        else if (p->hint[0])
            tui_canvas_text(c, yf, 0, c->cols, p->hint, TS_DIM, true);
        else
            tui_canvas_text(c, yf, 0, c->cols,
                            p->kind == P_COMMAND ? "Enter run  Tab complete  Esc cancel"
                                                 : "Enter ok  Esc cancel",
                            TS_KEY, true);
        c->ops->cursor(c, ys, cx < c->cols ? cx : c->cols - 1);
        return;
    }
    c->ops->cursor(c, -1, -1);
    if (a->confirm.kind != C_NONE) { /* the question's own keys */
        tui_canvas_text(c, ys, 0, c->cols, a->status, a->status_error ? TS_ERROR : TS_NORMAL,
                        true);
        tui_canvas_text(c, yf, 0, c->cols,
                        a->confirm.kind == C_INFO ? "any key close  j/k scroll"
                        : a->confirm.pv.len     ? "y confirm  n/Esc cancel  j/k scroll"
                                                : "y confirm  n/Esc cancel",
                        TS_KEY, true);
        return;
    }
    if (a->count.value) {
        char t[64];
        snprintf(t, sizeof t, "count %lld…", (long long)a->count.value);
        tui_canvas_text(c, ys, 0, c->cols, t, TS_INPUT, true);
    } else {
        tui_canvas_text(c, ys, 0, c->cols, a->status,
                        a->status_error ? TS_ERROR : TS_NORMAL, true);
    }
    const TuiKeymap *maps[3] = {top(a)->keys, top(a)->uses_list ? tui_keymap_list() : NULL,
                                tui_keymap_global()};
    char foot[1024];
    tui_keymap_footer(maps, 3, foot, sizeof foot);
    tui_canvas_text(c, yf, 0, c->cols, foot, TS_KEY, true);
}

void tui_app_draw(TuiApp *a, TuiCanvas *c)
{
    c->ops->clear(c);
    a->dirty = false;
    if (too_small(a) || c->rows < TUI_MIN_ROWS || c->cols < TUI_MIN_COLS) {
        draw_small(a, c);
        return;
    }
    draw_topbar(a, c);
    draw_banner(a, c);
    if (a->confirm.kind != C_NONE)
        draw_confirm(a, c);
    else
        top(a)->ops->draw(top(a), c, main_y(), 0, main_h(a), c->cols);
    draw_feed(a, c);
    draw_bottom(a, c);
}

/* ---- the default runner: the bus ---- */

static AllotStatus bus_run(void *ctx, const Command *cmd, CommandResult *res, ErrBuf *err)
{
    TuiApp *a = ctx;
    return bus_handle(a->cfg.bus, cmd, res, err);
}

static AllotStatus bus_preview(void *ctx, const Command *cmd, TuiPreview *out, ErrBuf *err)
{
    TuiApp *a = ctx;
    return tui_preview_command(a->cfg.uow, cmd, a->cfg.clock, out, err);
}

void tui_app_set_runner(TuiApp *a, const TuiRunner *runner)
{
    if (runner) {
        a->runner = *runner;
        a->has_runner = true;
    } else {
        a->runner = (TuiRunner){bus_run, bus_preview, a};
        a->has_runner = a->cfg.bus != NULL;
    }
}

void tui_app_set_source(TuiApp *a, TuiSource *src)
{
    a->cfg.source = src;
    a->env.src = src;
    int top_level = a->top_level;
    go_top(a, top_level); /* screens hold the source: rebuild them */
    a->have_version = false;
    poll_data(a, true);
}

bool tui_app_take_help(TuiApp *a, char *topic, size_t size)
{
    if (!a->help_topic[0])
        return false;
    snprintf(topic, size, "%s", a->help_topic);
    a->help_topic[0] = 0;
    return true;
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
    a->env.src = cfg->source;
    tui_app_set_runner(a, cfg->runner);
    a->env.today = date_from_unix(a->cfg.clock->now(a->cfg.clock));
    tui_preview_init(&a->confirm.pv);
    /* show the last few events already in the log */
    int64_t max = 0;
    ErrBuf err = {{0}};
    if (cfg->source->ops->max_event_id(cfg->source, &max, &err) == ALLOT_OK)
        a->last_id = max > FEED_MAX ? max - FEED_MAX : 0;
    go_top(a, 0);
    poll_data(a, false);
    bool empty = false;
    if (cfg->source->ops->is_empty(cfg->source, &empty, &err) == ALLOT_OK && empty) {
        if (cfg->load_demo) {
            a->confirm.kind = C_DEMO;
            snprintf(a->confirm.title, sizeof a->confirm.title,
                     "The database is empty. Load the demo dataset?");
        } else {
            set_status(a, false,
                       "The database is empty: run `allot demo` to load the demo dataset");
        }
    }
    a->dirty = true;
    return a;
}

void tui_app_free(TuiApp *a)
{
    if (!a)
        return;
    clear_stack(a);
    tui_whatif_free(a->whatif);
    tui_preview_fini(&a->confirm.pv);
    free(a);
}

bool tui_app_dirty(const TuiApp *a) { return a->dirty; }
bool tui_app_done(const TuiApp *a) { return a->done; }

void tui_app_set_status(TuiApp *a, bool error, const char *text)
{
    set_status(a, error, "%s", text);
}

void tui_app_set_banner(TuiApp *a, const char *text)
{
    snprintf(a->banner, sizeof a->banner, "%s", text ? text : "");
    a->dirty = true;
}

const char *tui_app_screen(const TuiApp *a) { return top(a)->ops->name; }
const char *tui_app_status(const TuiApp *a) { return a->status; }
bool tui_app_confirming(const TuiApp *a) { return a->confirm.kind != C_NONE; }
bool tui_app_prompting(const TuiApp *a) { return a->prompt.kind != P_NONE; }
bool tui_app_in_whatif(const TuiApp *a) { return a->whatif != NULL; }
