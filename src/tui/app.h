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
#include "tui/preview.h"
#include "tui/source.h"

/* Smallest terminal the screens are laid out for (SPEC.md §5). */
#define TUI_MIN_ROWS 24
#define TUI_MIN_COLS 80

/* How commands run and are previewed.  The default (NULL in the config) runs them
 * through `bus` and previews them on a copy of the product loaded from the bus's
 * unit of work (preview.h); a what-if session swaps in its sandbox. */
typedef struct TuiRunner {
    /* Runs a command; same contract as bus_handle. */
    AllotStatus (*run)(void *ctx, const Command *cmd, CommandResult *res, ErrBuf *err);
    /* Fills `out` with what `cmd` would do; same contract as tui_preview_command. */
    AllotStatus (*preview)(void *ctx, const Command *cmd, TuiPreview *out, ErrBuf *err);
    void *ctx;
} TuiRunner;

typedef struct TuiAppConfig {
    TuiSource *source;    /* the read model; not owned; required */
    /* The live read model behind `source`, for what-if sessions (`w`): with `bus`
     * it makes the sandbox (whatif_tui.h).  NULL = no what-if. */
    struct Views *views;
    MessageBus *bus;      /* commands; not owned; NULL and no runner = read-only */
    /* The live unit of work `bus` was bootstrapped on (not owned): previews and
     * what-if sessions read it as their source and never write through it.
     * Required with `bus`. */
    UnitOfWork *uow;
    const TuiRunner *runner; /* NULL = through `bus` (see TuiRunner); copied */
    Clock *clock;         /* "today"; NULL = clock_system() */
    const char *db_label; /* shown in the top bar (e.g. the file name); may be NULL */
    /* Loads the demo dataset (`allot demo`); NULL if not available.  */
    AllotStatus (*load_demo)(void *ctx, ErrBuf *err);
    void *load_demo_ctx;
    /* If true, `?` does not open the built-in key list: it leaves a request for the
     * terminal shell (tui_app_take_help), which shows the Markdown help page. */
    bool external_help;
    /* The live feed's follower of the event log (app/follower.h; not owned): every
     * live event once, also one that commits after an event with a higher id (a
     * PostgreSQL store).  NULL = the feed reads the source by id. */
    struct EventFollower *follower;
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

/* Replaces the read model every screen shows (e.g. a what-if sandbox's) and
 * reloads the screens; `src` is not owned. */
void tui_app_set_source(TuiApp *app, TuiSource *src);

/* Replaces how commands run and are previewed (NULL = back to the bus). */
void tui_app_set_runner(TuiApp *app, const TuiRunner *runner);

/* If `?` asked for help since the last call: copies the help topic of the screen
 * on top ("triage", "batches", "order", ...) into `topic` and returns true. */
bool tui_app_take_help(TuiApp *app, char *topic, size_t size);

/* Shows `text` on the status line (an error if `error`). */
void tui_app_set_status(TuiApp *app, bool error, const char *text);

/* True while a what-if session is open (`w` … `A`/`D`). */
bool tui_app_in_whatif(const TuiApp *app);

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
