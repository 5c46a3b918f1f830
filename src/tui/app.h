/* app.h — the TUI as a state machine without a terminal (SPEC.md §5).
 *
 * The app holds the stack of screens (screens/), the overlays above them (a
 * question or the prompt, overlay.h), the live feed (feed.h), a what-if session
 * (whatif_tui.h) and the status line.  The terminal shell (term.c) feeds it
 * TuiInputs (keys, resizes, ticks every ~250 ms, Ctrl-C) and asks it to draw into
 * a TuiCanvas when it is dirty — once per loop.  Tests drive it the same way with a
 * memory canvas.
 *
 * Changes are worked out before they run (change.h) and go through the message
 * bus, or into the session's sandbox.  Where things are: docs/tui.md "Code".
 */
#ifndef ALLOT_TUI_APP_H
#define ALLOT_TUI_APP_H

#include <stdbool.h>

#include "app/message_bus.h"
#include "app/ports.h"
#include "app/unit_of_work.h"
#include "app/views.h"
#include "tui/canvas.h"
#include "tui/keys.h"
#include "whatif/whatif.h"

/* Smallest terminal the screens are laid out for (SPEC.md §5). */
#define TUI_MIN_ROWS 24
#define TUI_MIN_COLS 80

/* Where `:export FILE` writes (docs/tui.md "The cockpit"): a CSV file written as
 * `allot export` writes one (persistence/csv_io.h: the whole file or nothing,
 * through symbolic links, never over the database).  Implemented by tui_csv_file
 * (csv_file.h) for the terminal; injected so the app links no store. */
typedef struct TuiCsvFile TuiCsvFile;
typedef struct TuiCsvWriter {
    /* A new file to write to `path` (replaced only at commit).  Errors: those of
     * csv_atomic_open (ALLOT_EINVALID: the database, an SQLite file, something
     * not a regular file — csv_file.h; ALLOT_EIO). */
    AllotStatus (*open)(const struct TuiCsvWriter *w, const char *path, TuiCsvFile **out,
                        ErrBuf *err);
    /* One record of n fields.  Errors: ALLOT_EIO. */
    AllotStatus (*row)(TuiCsvFile *f, const char *const *fields, size_t n, ErrBuf *err);
    /* Puts the file in place and frees f (also on error).  Errors: ALLOT_EIO. */
    AllotStatus (*commit)(TuiCsvFile *f, ErrBuf *err);
    /* Drops the file (the target is untouched) and frees f. */
    void (*abort)(TuiCsvFile *f);
    const char *store; /* the database file never written over, or NULL */
} TuiCsvWriter;

typedef struct TuiAppConfig {
    Views *views;         /* the live read model every screen reads; not owned; required */
    UnitOfWork *uow;      /* the live unit of work (previews, what-if sessions); not owned;
                             NULL = read-only */
    MessageBus *bus;      /* runs commands on `uow`; not owned; NULL = read-only */
    Clock *clock;         /* "today"; NULL = clock_system() */
    const char *db_label; /* shown in the top bar (e.g. the file name); may be NULL */
    /* Loads the demo dataset (`allot demo`); NULL if not available.  */
    AllotStatus (*load_demo)(void *ctx, ErrBuf *err);
    void *load_demo_ctx;
    /* The file the notify hook's output goes to (`L` shows it); NULL = no hook. */
    const char *notify_log;
    /* The live feed's follower of the event log (app/follower.h; not owned): every
     * live event once, also one that commits after an event with a higher id (a
     * PostgreSQL store).  NULL = the feed reads the source by id. */
    struct EventFollower *follower;
    /* Writes `:export FILE`; not owned; NULL = export is not available here. */
    const TuiCsvWriter *csv;
} TuiAppConfig;

typedef struct TuiApp TuiApp;

/* A new app showing Triage on a rows × cols terminal.  Reads the read model once
 * (and offers the demo when the database is empty).  Caller frees with
 * tui_app_free. */
TuiApp *tui_app_new(const TuiAppConfig *cfg, int rows, int cols);
void tui_app_free(TuiApp *app);

/* Handles one input: a key, a resize, a tick (looks for data written by any
 * process; refreshes the screens and the feed when it changed), an idle moment
 * (a slice of background work), or Ctrl-C (as Q: asks first while a what-if
 * session is open; ends with exit status 130). */
void tui_app_input(TuiApp *app, const TuiInput *in);

/* Convenience for tests and scripts: feeds each character of UTF-8 `keys` as a
 * key ("10+" is three keys). */
void tui_app_type(TuiApp *app, const char *keys);

/* True if something changed since the last draw. */
bool tui_app_dirty(const TuiApp *app);
/* True if the screen has background work (a count, a search going on: list.h);
 * the shell then feeds TI_IDLE whenever no key is waiting. */
bool tui_app_busy(const TuiApp *app);
/* Draws the whole screen into `c` (of the size last given) and clears dirty.
 * Draws only: it changes nothing the next input sees. */
void tui_app_draw(TuiApp *app, TuiCanvas *c);
/* True once the user quit; then the process's exit status: 0, or 130 (128 +
 * SIGINT) when Ctrl-C ended it (SPEC.md §4). */
bool tui_app_done(const TuiApp *app);
int tui_app_exit_status(const TuiApp *app);

/* Shows `text` on the status line (an error if `error`). */
void tui_app_set_status(TuiApp *app, bool error, const char *text);

/* Who is told while a bulk preview works (whatif.h WhatIfProgress; the terminal
 * shows how far it is and stops it on Esc); NULL = nobody (the memory canvas). */
void tui_app_set_progress(TuiApp *app, WhatIfProgress progress, void *ctx);

/* While a command waits for another process's lock (the shell's busy wait, every
 * ~100 ms): the status line says "waiting for another writer (N s)… Esc gives up"
 * with N = waited_ms / 1000. */
void tui_app_waiting(TuiApp *app, int64_t waited_ms);

/* For tests: whether a what-if session is open, the name of the view on top
 * ("triage", "batch", ..., "confirm", "prompt"), the status line, and whether a
 * question or the prompt is open. */
bool tui_app_in_whatif(const TuiApp *app);
const char *tui_app_screen(const TuiApp *app);
const char *tui_app_status(const TuiApp *app);
bool tui_app_confirming(const TuiApp *app);
bool tui_app_prompting(const TuiApp *app);

#endif
