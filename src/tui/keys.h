/* keys.h — the one input type, key codes, actions, and the key tables as data
 * (SPEC.md §5 "Keys"; STYLE.md "Key bindings are data", "One input type").
 *
 * The terminal shell (term.c) turns every ncurses key, resize, poll timeout and
 * interrupt into a TuiInput before dispatch; nothing below knows ncurses.
 *
 * Every key table lives in one file, bindings.c (tmux key-bindings.c): a named
 * table of {key, action, note, footer}.  tui_keymap(name) returns one; a view says
 * which tables apply to it (its own, then e.g. "list"), and the app adds "whatif"
 * during a session and "global" for screens.  The footer and the help drift test
 * read the same tables, so neither can drift from the real bindings.
 */
#ifndef ALLOT_TUI_KEYS_H
#define ALLOT_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Key codes: a Unicode code point for a character key, or one of these. */
enum {
    TK_NONE = 0,
    TK_CTRL_C = 3,
    TK_BACKSPACE_ASCII = 8,
    TK_TAB = 9,
    TK_ENTER = 10,
    TK_CTRL_L = 12,
    TK_CTRL_U = 21,
    TK_ESC = 27,
    TK_SPECIAL = 0x110000,
    TK_UP = TK_SPECIAL,
    TK_DOWN,
    TK_LEFT,
    TK_RIGHT,
    TK_PGUP,
    TK_PGDN,
    TK_HOME,
    TK_END,
    TK_BTAB,
    TK_BACKSPACE,
    TK_DELETE,
    TK_F1, /* TK_F1 + n - 1 is Fn, up to F12 */
    TK_F3 = TK_F1 + 2,
    TK_F4,
    TK_F5,
    TK_F6,
    TK_F10 = TK_F1 + 9,
    TK_F12 = TK_F1 + 11,
};

typedef enum TuiInputType {
    TI_KEY,    /* `key` was pressed */
    TI_RESIZE, /* the terminal is now rows × cols */
    TI_TICK,   /* the poll timeout expired: time to look for new data */
    TI_SIGNAL, /* an interrupt the user gave from the keyboard (`key` = SIGINT) */
    TI_IDLE,   /* no key is waiting and the app is busy (tui_app_busy): time for a
                  slice of its background work */
} TuiInputType;

typedef struct TuiInput {
    TuiInputType type;
    int key;
    int rows, cols;
} TuiInput;

#define TUI_ACTION_MAP(X)                                       \
    X(TA_NONE, "none")                                           \
    X(TA_UP, "up")                                               \
    X(TA_DOWN, "down")                                           \
    X(TA_LEFT, "left")                                           \
    X(TA_RIGHT, "right")                                         \
    X(TA_PAGE_UP, "page-up")                                     \
    X(TA_PAGE_DOWN, "page-down")                                 \
    X(TA_TOP, "top")                                             \
    X(TA_BOTTOM, "bottom")                                       \
    X(TA_OPEN, "open")                                           \
    X(TA_BACK, "back")                                           \
    X(TA_NEXT_SCREEN, "next-screen")                             \
    X(TA_PREV_SCREEN, "previous-screen")                         \
    X(TA_FILTER, "filter")                                       \
    X(TA_SORT, "sort")                                           \
    X(TA_HELP, "help")                                           \
    X(TA_PROMPT, "command-prompt")                               \
    X(TA_WHATIF, "what-if")                                      \
    X(TA_WHATIF_APPLY, "what-if-apply")                          \
    X(TA_WHATIF_DISCARD, "what-if-discard")                      \
    X(TA_QUIT, "quit")                                           \
    X(TA_CHANGE_QTY, "change-quantity")                          \
    X(TA_NUDGE_UP, "nudge-up")                                   \
    X(TA_NUDGE_DOWN, "nudge-down")                               \
    X(TA_SET_ETA, "set-eta")                                     \
    X(TA_DELAY, "delay")                                         \
    X(TA_ALLOCATE, "allocate")                                   \
    X(TA_CANCEL_LINE, "cancel-line")                             \
    X(TA_PAUSE_FEED, "pause-feed")                               \
    X(TA_REDRAW, "redraw")                                       \
    X(TA_SHOW_LOG, "show-notify-log")                            \
    X(TA_SCREEN_TRIAGE, "triage")                                \
    X(TA_SCREEN_PRODUCTS, "products")                            \
    X(TA_SCREEN_BATCHES, "batches")                              \
    X(TA_SCREEN_BACKORDERS, "backorders")                        \
    X(TA_SCREEN_EVENTS, "events")                                \
    X(TA_YES, "confirm")                                         \
    X(TA_NO, "decline")                                          \
    X(TA_CLOSE, "close")                                         \
    X(TA_SUBMIT, "submit")                                       \
    X(TA_COMPLETE, "complete")                                   \
    X(TA_CANCEL, "cancel")                                       \
    X(TA_CURSOR_LEFT, "cursor-left")                             \
    X(TA_CURSOR_RIGHT, "cursor-right")                           \
    X(TA_CURSOR_HOME, "cursor-home")                             \
    X(TA_CURSOR_END, "cursor-end")                               \
    X(TA_DELETE_BACK, "delete-backward")                         \
    X(TA_DELETE_FORWARD, "delete-forward")                       \
    X(TA_CLEAR_LINE, "clear-line")                               \
    X(TA_SEARCH, "search")                                       \
    X(TA_SEARCH_NEXT, "search-next")                             \
    X(TA_SORT_REVERSE, "sort-reverse")                           \
    X(TA_SORT_ASC, "sort-ascending")                             \
    X(TA_SORT_DESC, "sort-descending")                           \
    X(TA_COLUMN_LEFT, "column-left")                             \
    X(TA_COLUMN_RIGHT, "column-right")                           \
    X(TA_MARK, "mark")                                           \
    X(TA_MARK_ALL, "mark-all")                                   \
    X(TA_MARKS_CLEAR, "clear-marks")                             \
    X(TA_RECEIVE, "receive")                                     \
    X(TA_REFRESH, "refresh")                                     \
    X(TA_FEED, "feed")                                           \
    X(TA_WHATIF_SUMMARY, "what-if-summary")                      \
    X(TA_DROP_STEP, "drop-step")                                 \
    X(TA_UNDO, "undo")                                           \
    X(TA_REDO, "redo")                                           \
    X(TA_HISTORY, "line-history")                                \
    X(TA_ATP, "availability")                                    \
    X(TA_PROMISE, "promise")

typedef enum TuiAction {
#define TUI_ACTION_ENUM(name, text) name,
    TUI_ACTION_MAP(TUI_ACTION_ENUM)
#undef TUI_ACTION_ENUM
    TA_COUNT
} TuiAction;

/* The name of an action ("change-quantity"); never NULL. */
const char *tui_action_name(TuiAction a);

typedef struct TuiBinding {
    int key;
    TuiAction action;
    const char *note; /* what it does, for the footer and help */
    bool footer;      /* shown in the footer hints */
} TuiBinding;

typedef struct TuiKeymap {
    const char *name; /* "global", "list", "triage", ..., "confirm", "prompt" */
    const TuiBinding *bindings;
    size_t count;
} TuiKeymap;

/* The table called `name` (bindings.c), or NULL if there is none.  Static. */
const TuiKeymap *tui_keymap(const char *name);

/* The action bound to `key` in `map`, or TA_NONE.  `map` may be NULL. */
TuiAction tui_keymap_lookup(const TuiKeymap *map, int key);

/* Writes the name of a key ("j", "Enter", "PgDn", "Tab", "Ctrl-L", "Up", "F1") into
 * buf (at least 16 bytes); returns buf. */
char *tui_key_name(int key, char *buf, size_t size);

/* Footer hints of the given maps (NULL entries skipped): for each distinct note of
 * a footer binding, "KEYS note" with every footer key of that table carrying the
 * note joined by "/" ("+/- nudge", "s/F6 sort"; by a blank next to the "/" key:
 * "/ F4 filter"), separated by two spaces, in table order; the caller fits the
 * result to the width.  Writes into buf; returns buf. */
char *tui_keymap_footer(const TuiKeymap *const *maps, size_t nmaps, char *buf, size_t size);

/* Every binding of every table, read-only, for the help pages and the docs:
 * calls fn(table, key name, action name, note, ctx) for each binding, table by
 * table in the order of bindings.c. */
typedef void (*TuiKeyVisitor)(const char *table, const char *key, const char *action,
                              const char *note, void *ctx);
void tui_keys_foreach(TuiKeyVisitor fn, void *ctx);

/* A count prefix ("10" in "10+"): accumulates digits; returns true if `key` was a
 * digit and was taken.  A leading 0 is not a count.  The count stops at
 * TUI_COUNT_MAX (far above any valid quantity, so the key that takes it can refuse
 * it with the CLI's message rather than clamp it). */
#define TUI_COUNT_MAX INT64_C(999999999999999)
typedef struct TuiCount {
    int64_t value; /* 0 = no count typed */
} TuiCount;
bool tui_count_feed(TuiCount *c, int key);
/* The count typed (or `dflt` if none) and resets it. */
int64_t tui_count_take(TuiCount *c, int64_t dflt);

/* Writes code point `cp` as UTF-8 into out (NUL-terminated); returns its length. */
size_t tui_utf8_put(int cp, char out[5]);

#endif
