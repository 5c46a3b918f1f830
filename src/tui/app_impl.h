/* app_impl.h — the app's state, shared by the files of the app only: app.c (the
 * stack, the overlays, the data, dispatch, layout), app_react.c (what changes,
 * answers, the prompt, help and the log do) and app_whatif.c (the what-if
 * session's life in the app).  Nothing else includes it. */
#ifndef ALLOT_TUI_APP_IMPL_H
#define ALLOT_TUI_APP_IMPL_H

#include "tui/app.h"
#include "tui/change.h"
#include "tui/feed.h"
#include "tui/overlay.h"
#include "tui/whatif_tui.h"

/* Rows: the top bar, the header's counts, the breadcrumb; the screen; the feed; the
 * status line and the footer. */
enum { APP_STACK_MAX = 32, APP_OVER_MAX = 4, APP_FEED_H = 5, APP_TOP_ROWS = 3 };

typedef enum OverKind { OV_QUESTION, OV_PROMPT } OverKind;

struct TuiApp {
    TuiAppConfig cfg;
    TuiEnv env;      /* what the screens read: the live source, or the session's */
    TuiSource *live; /* the live read model (owned) */
    int rows, cols;
    TuiView *stack[APP_STACK_MAX]; /* screens, the root first */
    int depth, top_level;
    TuiView *over[APP_OVER_MAX]; /* overlays, the top one last */
    OverKind over_kind[APP_OVER_MAX];
    int nover;
    bool dirty, done;
    int exit_status;
    TuiCount count;
    WhatIfProgress progress; /* tui_app_set_progress */
    void *progress_ctx;
    char status[ALLOT_ERR_MAX + 96];
    bool status_error;
    TuiFeed feed;
    TuiWhatIf *whatif;
    uint64_t version;
    bool have_version;
    ReadCounts counts; /* the header's (views.h views_counts), of the data shown */
    bool have_counts;
};

/* app.c */
void app_say(TuiApp *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
TuiView *app_top(const TuiApp *a);      /* the screen on top */
TuiView *app_overlay(const TuiApp *a);  /* the overlay on top, or NULL */
TuiQuestion *app_question(const TuiApp *a); /* the question on top, or NULL */
void app_push(TuiApp *a, TuiView *v);
void app_open(TuiApp *a, TuiView *v, OverKind kind);
void app_close(TuiApp *a); /* the overlay on top */
void app_ask(TuiApp *a, TuiAsk kind, const char *title, const char *note);
TuiChangeCtx app_change_ctx(const TuiApp *a);
void app_poll(TuiApp *a, bool force);
void app_switch_source(TuiApp *a, TuiSource *src);

/* app_react.c */
void app_run(TuiApp *a, const Command *cmd);
/* app_run of the Undo U asked for: the status line says "Redo of command N". */
void app_run_redo(TuiApp *a, const Command *cmd, int64_t redoes);
void app_submit_change(TuiApp *a, const TuiReaction *r);
void app_submit_bulk(TuiApp *a, const TuiReaction *r);
void app_run_bulk(TuiApp *a, const Command *cmds, size_t n);
void app_answer(TuiApp *a, bool yes);
void app_prompt_done(TuiApp *a, TuiRequest req);
void app_open_form(TuiApp *a, const TuiReaction *r);
void app_open_help(TuiApp *a, const char *topic);
void app_undo(TuiApp *a, bool redo); /* u, U: preview the undo (or redo) and ask */
void app_show_log(TuiApp *a);

/* app_jump.c */
void app_jump(TuiApp *a, const TuiReaction *r); /* REQ_JUMP: open it, or say it is not there */
void app_export(TuiApp *a, const char *path);   /* REQ_EXPORT: the list on top into CSV */
/* app_whatif.c */
void app_whatif_toggle(TuiApp *a, bool start);
void app_whatif_ask(TuiApp *a, TuiAction act); /* A, D, Q */
void app_whatif_apply(TuiApp *a);              /* y on the apply question */
void app_whatif_summary(TuiApp *a);            /* W: the summary of the session */
/* REQ_DROP_STEP (with_refused false), and y on the question it may ask (true). */
void app_whatif_drop(TuiApp *a, size_t step, bool with_refused);

#endif
