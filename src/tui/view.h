/* view.h — the small view interface every screen and overlay implements (STYLE.md:
 * tmux window_mode, htop Panel): draw and on_key, and optional slots.
 *
 * Key handlers return data (a TuiReaction: a screen to open, a form to ask, a
 * command to run, a message), never draw and never exit; the app (app.c) applies
 * the reaction, marks what is dirty and draws once per loop.  Views read the read
 * model through the TuiEnv's source only.
 *
 * A view names its key tables (bindings.c): `keys`, then `more` (e.g. "list").
 * The app looks a key up in them — for a screen, then in "whatif" during a session
 * and in "global" — and calls on_key with the action; a key bound nowhere goes to
 * on_unbound if the view has it (the prompt types it), else the status line says
 * there is no such key.  The footer is made from the same tables.
 */
#ifndef ALLOT_TUI_VIEW_H
#define ALLOT_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/commands.h"
#include "tui/canvas.h"
#include "tui/keys.h"
#include "tui/list.h"
#include "tui/source.h"

typedef struct TuiView TuiView;

typedef enum TuiRequest {
    REQ_NONE,
    REQ_PUSH,     /* open `push` on top (the app owns it from then on) */
    REQ_BACK,     /* close this screen */
    REQ_FORM,     /* ask for input: `form` */
    REQ_COMMAND,  /* run `cmd`, after a preview when lines move */
    REQ_DELAY,    /* delay `batch` by `days`: show the affected lines and slips, ask */
    REQ_BULK,     /* `bulk` on the marked rows of `list` (days, eta or qty): one
                     combined preview, one transaction */
    REQ_HELP,     /* open the help page `topic` */
    REQ_JUMP,     /* `:order ID`, `:batch REF`, `:sku SKU`: open that screen (`jump`,
                     `arg`) */
    REQ_EXPORT,   /* `:export FILE`: the list shown into CSV file `arg` */
    REQ_DEMO,     /* offer to load the demo dataset */
    REQ_DROP_STEP, /* drop step `step` of the what-if session; the rest worked out again */
    REQ_ANSWER,   /* overlays: the question was answered (`yes`) */
    REQ_CLOSE,    /* overlays: close this overlay */
    REQ_SUBMIT,   /* the prompt: its text is ready */
    REQ_COMPLETE, /* the prompt: complete the token at the cursor */
    REQ_EDITED,   /* the prompt: its text changed (a form that acts as you type) */
} TuiRequest;

typedef enum TuiFormKind {
    FORM_COMMAND,    /* the `:` prompt: a line of the CLI grammar */
    FORM_FILTER,     /* filter text for `list` */
    FORM_CHANGE_QTY, /* new quantity of `batch` */
    FORM_SET_ETA,    /* new ETA of `batch` */
    FORM_DELAY,      /* days to delay `batch` */
    FORM_ALLOCATE,   /* [ORDERID] [SKU] QTY: those not given by `orderid` / `sku` */
    FORM_SEARCH,     /* text to find in the help page `target` */
    FORM_LIST_SEARCH, /* text to find in `list`, from the row after the selection */
    FORM_PROMISE,    /* a qty to promise on the availability view `target` (`sku`) */
} TuiFormKind;

typedef struct TuiReaction {
    bool handled;        /* false: the app tries its global keys */
    TuiRequest request;
    TuiView *push;
    TuiFormKind form;
    TuiList *list;       /* FORM_FILTER */
    TuiView *target;     /* FORM_SEARCH: the help view searched; FORM_PROMISE: the
                            availability view answered on */
    TuiBatchInfo batch;  /* batch forms, REQ_DELAY */
    AllotId sku, orderid; /* FORM_ALLOCATE: known from the screen, or "" */
    Command cmd;         /* REQ_COMMAND */
    bool always_confirm; /* REQ_COMMAND: ask even if no line moves (cancel) */
    int32_t days;        /* REQ_DELAY; REQ_BULK of TA_DELAY (0: to `eta`) */
    TuiAction bulk;      /* REQ_BULK: TA_DELAY, TA_SET_ETA, TA_CHANGE_QTY, TA_RECEIVE,
                            TA_CANCEL_LINE, TA_ALLOCATE (the marked lines again) */
    int32_t eta;         /* REQ_BULK of TA_SET_ETA (and TA_DELAY with days 0) */
    int64_t qty;         /* REQ_BULK of TA_CHANGE_QTY */
    char topic[40];      /* REQ_HELP: a page or command name ("" = the index) */
    int jump;            /* REQ_JUMP: TPC_ORDER, TPC_BATCH or TPC_SKU (complete.h) */
    char arg[1024];      /* REQ_JUMP: the id (checked by validate_id); REQ_EXPORT: the
                            file's path as typed */
    bool yes;            /* REQ_ANSWER */
    size_t step;         /* REQ_DROP_STEP: the step (0-based) */
    char status[ALLOT_ERR_MAX]; /* a message for the status line ("" = none) */
    bool status_error;
} TuiReaction;

typedef enum TuiViewEvent {
    TV_DATA_CHANGED, /* the stored data (or the source) changed: refresh, keep the selection */
    TV_SHOWN,        /* the screen is on top again (refresh if stale) */
} TuiViewEvent;

/* Where a view draws: screens and questions in the main area, the prompt on the
 * two bottom rows (its line and its hints); the full feed in the main area and the
 * feed panel's rows (it is the feed). */
typedef enum TuiArea { AREA_MAIN, AREA_BOTTOM, AREA_FULL } TuiArea;

typedef struct TuiViewOps {
    const char *name; /* "triage", "products", ..., "confirm", "prompt" */
    /* Required.  Draws into the rectangle (y, x, h, w) of the canvas. */
    void (*draw)(TuiView *v, TuiCanvas *c, int y, int x, int h, int w);
    /* Required.  Handles a bound action; `count` is the count prefix (0 = none). */
    TuiReaction (*on_key)(TuiView *v, TuiAction action, int64_t count);
    /* ---- optional (NULL = nothing to do / the default) ---- */
    TuiReaction (*on_unbound)(TuiView *v, int key); /* a key no table binds */
    void (*on_event)(TuiView *v, TuiViewEvent ev);
    void (*resize)(TuiView *v, int h, int w);         /* the area is now h × w */
    void (*destroy)(TuiView *v);                      /* NULL = free(v) */
    void (*title)(TuiView *v, char *buf, size_t size); /* NULL = the name */
    TuiList *(*list)(TuiView *v); /* the list whose sort/filter the breadcrumb shows */
    /* Text after the breadcrumb's sort and filter ("PAUSED: 3 new"), into buf. */
    void (*crumb)(TuiView *v, char *buf, size_t size);
    /* The help page of this screen ("batches" for the Batch screen); NULL = name. */
    const char *help_topic;
    /* Background work of the view's lists (list.h tui_list_work): whether there is
     * some, and one slice of it (true if it changed what the view shows). */
    bool (*busy)(TuiView *v);
    bool (*work)(TuiView *v);
} TuiViewOps;

struct TuiView {
    const TuiViewOps *ops;
    const TuiKeymap *keys; /* the view's own table */
    const TuiKeymap *more; /* a shared table that applies too ("list", "line"), or NULL */
    TuiArea area;
    bool stale;            /* data changed while not on top */
};

/* Helpers for views: a handled reaction, and one that only sets the status. */
TuiReaction tui_handled(void);
TuiReaction tui_say(bool error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Calls the optional slots, or does what their absence means. */
void tui_view_event(TuiView *v, TuiViewEvent ev);
void tui_view_resize(TuiView *v, int h, int w);
void tui_view_free(TuiView *v); /* NULL is ignored */
void tui_view_title(TuiView *v, char *buf, size_t size);
TuiList *tui_view_list(TuiView *v);

#endif
