/* app.h — the TUI as a state machine without a terminal (SPEC.md §5).
 *
 * The app holds the screen stack, the live event feed, the prompt and forms, the
 * confirmation of changes, and the status line.  The terminal shell (tui.c) feeds it
 * TuiInputs (keys, resizes, ticks every ~250 ms) and asks it to draw into a
 * TuiCanvas when it is dirty — once per loop.  Tests drive it the same way with a
 * memory canvas.
 *
 * Commands go through the message bus; a change of a batch's quantity or ETA and
 * the cancelling of a line are first run on a copy of the one product (preview.h),
 * and when lines would leave their batch the app shows which lines move where and
 * asks y/n.
 */
#ifndef ALLOT_TUI_APP_H
#define ALLOT_TUI_APP_H

#include <stdbool.h>

#include "app/message_bus.h"
#include "app/ports.h"
#include "tui/canvas.h"
#include "tui/keys.h"
#include "tui/source.h"

/* Smallest terminal the screens are laid out for (SPEC.md §5). */
#define TUI_MIN_ROWS 24
#define TUI_MIN_COLS 80

typedef struct TuiAppConfig {
    TuiSource *source;    /* the read model; not owned; required */
    MessageBus *bus;      /* commands; not owned; NULL = read-only (commands refused) */
    Clock *clock;         /* "today"; NULL = clock_system() */
    const char *db_label; /* shown in the top bar (e.g. the file name); may be NULL */
    /* Loads the demo dataset (`allot demo`); NULL if not available.  */
    AllotStatus (*load_demo)(void *ctx, ErrBuf *err);
    void *load_demo_ctx;
} TuiAppConfig;

typedef struct TuiApp TuiApp;

/* A new app showing Triage on a rows × cols terminal.  Reads the source once (and
 * offers the demo when the database is empty).  Caller frees with tui_app_free. */
TuiApp *tui_app_new(const TuiAppConfig *cfg, int rows, int cols);
void tui_app_free(TuiApp *app);

/* Handles one input: a key, a resize, or a tick (polls the source for data written
 * by any process; refreshes the screens and the feed when it changed). */
void tui_app_input(TuiApp *app, const TuiInput *in);

/* Convenience for tests and scripts: feeds each character of UTF-8 `keys` as a
 * key ("10+" is three keys). */
void tui_app_type(TuiApp *app, const char *keys);

/* True if something changed since the last draw. */
bool tui_app_dirty(const TuiApp *app);
/* Draws the whole screen into `c` (of the size last given) and clears dirty. */
void tui_app_draw(TuiApp *app, TuiCanvas *c);
/* True once the user quit. */
bool tui_app_done(const TuiApp *app);

/* Shows `text` on the status line (an error if `error`). */
void tui_app_set_status(TuiApp *app, bool error, const char *text);

/* The banner line (row 1): for what-if sessions ("" = none).  Copied. */
void tui_app_set_banner(TuiApp *app, const char *text);

/* For tests: the name of the screen on top ("triage", "batch", ...), the status
 * line text, whether a confirmation is open, and the text of the feed's newest
 * item (or ""). */
const char *tui_app_screen(const TuiApp *app);
const char *tui_app_status(const TuiApp *app);
bool tui_app_confirming(const TuiApp *app);
bool tui_app_prompting(const TuiApp *app);

#endif
