/* view.h — the small view interface every screen implements (STYLE.md: tmux
 * window_mode, htop Panel): draw / on_key / on_event / resize / destroy.
 *
 * Key handlers return data (a TuiReaction: a screen to open, a form to ask, a
 * command to run, a message), never draw and never exit; the app (app.c) applies
 * the reaction, marks what is dirty and draws once per loop.  Screens read the read
 * model through a TuiSource only.
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

/* What a screen reads and knows. */
typedef struct TuiEnv {
    TuiSource *src; /* not owned */
    int32_t today;  /* day number (UTC) */
} TuiEnv;

typedef enum TuiRequest {
    REQ_NONE,
    REQ_PUSH,    /* open `push` on top (the app owns it from then on) */
    REQ_BACK,    /* close this screen */
    REQ_FORM,    /* ask for input: `form` */
    REQ_COMMAND, /* run `cmd` through the bus, after a preview when lines move */
} TuiRequest;

typedef enum TuiFormKind {
    FORM_FILTER,     /* filter text for `list` */
    FORM_CHANGE_QTY, /* new quantity of `batch` */
    FORM_SET_ETA,    /* new ETA of `batch` */
    FORM_DELAY,      /* days to delay `batch` */
    FORM_ALLOCATE,   /* [ORDERID] [SKU] QTY: those not given by `orderid` / `sku` */
} TuiFormKind;

typedef struct TuiReaction {
    bool handled;        /* false: the app tries its global keys */
    TuiRequest request;
    TuiView *push;
    TuiFormKind form;
    TuiList *list;       /* FORM_FILTER */
    TuiBatchInfo batch;  /* batch forms */
    AllotId sku, orderid; /* FORM_ALLOCATE: known from the screen, or "" */
    Command cmd;         /* REQ_COMMAND */
    bool always_confirm; /* REQ_COMMAND: ask even if no line moves (cancel) */
    char status[ALLOT_ERR_MAX]; /* a message for the status line ("" = none) */
    bool status_error;
} TuiReaction;

typedef enum TuiViewEvent {
    TV_DATA_CHANGED, /* the stored data changed: refresh, keep the selection */
    TV_SHOWN,        /* the screen is on top again (refresh if stale) */
} TuiViewEvent;

typedef struct TuiViewOps {
    const char *name; /* "triage", "products", ...: the key table's name */
    /* Draws into the rectangle (y, x, h, w) of the canvas. */
    void (*draw)(TuiView *v, TuiCanvas *c, int y, int x, int h, int w);
    /* Handles a bound action; `count` is the count prefix (0 = none). */
    TuiReaction (*on_key)(TuiView *v, TuiAction action, int64_t count);
    void (*on_event)(TuiView *v, TuiViewEvent ev);
    /* The screen's area is now h × w. */
    void (*resize)(TuiView *v, int h, int w);
    void (*destroy)(TuiView *v);
    /* Its title for the breadcrumb ("Batches of LAMP"). */
    void (*title)(TuiView *v, char *buf, size_t size);
    /* The list whose sort/filter the app reports, or NULL. */
    TuiList *(*list)(TuiView *v);
} TuiViewOps;

struct TuiView {
    const TuiViewOps *ops;
    const TuiKeymap *keys; /* the screen's own table */
    bool uses_list;        /* the list table applies too */
    bool stale;            /* data changed while not on top */
};

/* The screens (screens.c).  Each returns a new view the caller owns (destroy
 * through ops->destroy). */
TuiView *tui_view_triage(const TuiEnv *env);
TuiView *tui_view_products(const TuiEnv *env);
TuiView *tui_view_batches(const TuiEnv *env, const char *sku); /* "" = all */
TuiView *tui_view_batch(const TuiEnv *env, const char *ref);
TuiView *tui_view_order(const TuiEnv *env, const char *orderid);
TuiView *tui_view_backorders(const TuiEnv *env, const char *sku);
TuiView *tui_view_events(const TuiEnv *env);
/* The help screen for `screen` (until the Markdown help viewer lands: the key
 * bindings of that screen, generated from the tables). */
TuiView *tui_view_help(const TuiEnv *env, const char *screen);

/* True if the Events screen is paused (not following the newest) and how many
 * events arrived since. */
bool tui_view_events_paused(TuiView *v, int64_t *new_count);

#endif
