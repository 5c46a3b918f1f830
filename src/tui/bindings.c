/* bindings.c — every key table of the TUI, as data (keys.h; SPEC.md §5 "Keys").
 *
 * To add a key: add a row to the table of the screen (or overlay) it belongs to,
 * handle its action in that view's on_key, and list it in assets/help/keys.md (the
 * drift test, tests/help/test_help_drift_keys.c, says so when you forget). */
#include <stdio.h>
#include <string.h>

#include "tui/keys.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every screen (not the overlays). */
static const TuiBinding global_keys[] = {
    {'?', TA_HELP, "help", true},
    {TK_F1, TA_HELP, "help", true},
    {':', TA_PROMPT, "command", true},
    {TK_TAB, TA_NEXT_SCREEN, "screens", true},
    {TK_BTAB, TA_PREV_SCREEN, "previous screen", false},
    {'q', TA_BACK, "back", true},
    {TK_ESC, TA_BACK, "back", true},
    {'w', TA_WHATIF, "what-if session", false},
    {'Q', TA_QUIT, "quit", true},
    {TK_F10, TA_QUIT, "quit", true},
    {TK_F5, TA_REFRESH, "refresh", true},
    {'p', TA_PAUSE_FEED, "pause/resume the live feed", false},
    {TK_CTRL_L, TA_REDRAW, "redraw the screen", false},
    {'L', TA_SHOW_LOG, "the notify hook's log", false},
    {'T', TA_SCREEN_TRIAGE, "go to Triage", false},
    {'P', TA_SCREEN_PRODUCTS, "go to Products", false},
    {'B', TA_SCREEN_BATCHES, "go to Batches", false},
    {'O', TA_SCREEN_BACKORDERS, "go to Backorders", false},
    {'E', TA_SCREEN_EVENTS, "go to Events", false},
    {'F', TA_FEED, "the feed, full height (F again closes it)", false},
    {'u', TA_UNDO, "undo the latest change (shows what moves back, asks)", false},
    {'U', TA_REDO, "redo the latest undone change (shows it, asks)", false},
};

/* During a what-if session, on every screen. */
static const TuiBinding whatif_keys[] = {
    {'A', TA_WHATIF_APPLY, "apply", true},
    {'D', TA_WHATIF_DISCARD, "discard", true},
    {'W', TA_WHATIF_SUMMARY, "summary", true},
};

/* Moving in a list (screens that show one). */
static const TuiBinding list_keys[] = {
    {'k', TA_UP, "up", false},
    {TK_UP, TA_UP, "up", false},
    {'j', TA_DOWN, "down", false},
    {TK_DOWN, TA_DOWN, "down", false},
    {'h', TA_LEFT, "back (left)", false},
    {TK_LEFT, TA_LEFT, "back (left)", false},
    {'l', TA_RIGHT, "open (right)", false},
    {TK_RIGHT, TA_RIGHT, "open (right)", false},
    {TK_PGUP, TA_PAGE_UP, "page up", false},
    {TK_PGDN, TA_PAGE_DOWN, "page down", false},
    {'g', TA_TOP, "first row", false},
    {TK_HOME, TA_TOP, "first row", false},
    {'G', TA_BOTTOM, "last row", false},
    {TK_END, TA_BOTTOM, "last row", false},
    {TK_ENTER, TA_OPEN, "open", false},
    {'/', TA_FILTER, "filter", true},
    {TK_F4, TA_FILTER, "filter", true},
    {TK_F3, TA_SEARCH, "search", true},
    {'s', TA_SORT, "sort", true},
    {TK_F6, TA_SORT, "sort", true},
    {'S', TA_SORT_REVERSE, "sort the other way", false},
    {'[', TA_SORT_ASC, "sort by the column, ascending", false},
    {']', TA_SORT_DESC, "sort by the column, descending", false},
    {'<', TA_COLUMN_LEFT, "columns", true},
    {'>', TA_COLUMN_RIGHT, "columns", true},
    {' ', TA_MARK, "mark", false},
    {'*', TA_MARK_ALL, "mark every row of the filter", false},
    {'\\', TA_MARKS_CLEAR, "clear the marks", false},
};

static const TuiBinding triage_keys[] = {
    {TK_ENTER, TA_OPEN, "open", true},
    {'h', TA_LEFT, "previous panel", true},
    {TK_LEFT, TA_LEFT, "previous panel", true},
    {'l', TA_RIGHT, "next panel", true},
    {TK_RIGHT, TA_RIGHT, "next panel", true},
    {'a', TA_ALLOCATE, "allocate", false},
    {'x', TA_CANCEL_LINE, "cancel line", false},
    {'c', TA_CHANGE_QTY, "change qty", false},
    {'e', TA_SET_ETA, "set ETA", false},
    {'d', TA_DELAY, "delay", false},
    {'r', TA_RECEIVE, "receive", false},
    {'H', TA_HISTORY, "history of the line", false},
    {'t', TA_ATP, "availability of the SKU", false},
};

static const TuiBinding products_keys[] = {
    {TK_ENTER, TA_OPEN, "batches", true},
    {'a', TA_ALLOCATE, "allocate", true},
    {'t', TA_ATP, "availability", true},
};

static const TuiBinding batches_keys[] = {
    {TK_ENTER, TA_OPEN, "lines", true},
    {'c', TA_CHANGE_QTY, "qty", true},
    {'+', TA_NUDGE_UP, "nudge", true},
    {'-', TA_NUDGE_DOWN, "nudge", true},
    {'e', TA_SET_ETA, "ETA", true},
    {'d', TA_DELAY, "delay", true},
    {'r', TA_RECEIVE, "receive", true},
    {'a', TA_ALLOCATE, "allocate", false},
    {'t', TA_ATP, "availability of the SKU", false},
};

static const TuiBinding batch_keys[] = {
    {'c', TA_CHANGE_QTY, "qty", true},
    {'+', TA_NUDGE_UP, "nudge", true},
    {'-', TA_NUDGE_DOWN, "nudge", true},
    {'e', TA_SET_ETA, "ETA", true},
    {'d', TA_DELAY, "delay", true},
    {'a', TA_ALLOCATE, "allocate", true},
    {'x', TA_CANCEL_LINE, "cancel line", true},
    {TK_ENTER, TA_OPEN, "order", false},
    {'H', TA_HISTORY, "history of the line", false},
    {'t', TA_ATP, "availability of the SKU", false},
};

static const TuiBinding order_keys[] = {
    {TK_ENTER, TA_OPEN, "batch", true},
    {'x', TA_CANCEL_LINE, "cancel line", true},
    {'a', TA_ALLOCATE, "allocate", true},
    {'H', TA_HISTORY, "history", true},
    {'t', TA_ATP, "availability of the SKU", false},
};

static const TuiBinding backorders_keys[] = {
    {TK_ENTER, TA_OPEN, "order", true},
    {'x', TA_CANCEL_LINE, "cancel line", true},
    {'a', TA_ALLOCATE, "allocate", true},
    {'H', TA_HISTORY, "history", true},
    {'t', TA_ATP, "availability of the SKU", false},
};

static const TuiBinding events_keys[] = {
    {TK_ENTER, TA_OPEN, "open", true},
    {'g', TA_TOP, "newest (follow)", true},
};

/* The availability timeline of a SKU (SPEC.md §1.5). */
static const TuiBinding atp_keys[] = {
    {'n', TA_PROMISE, "promise a new line", true},
    {TK_ENTER, TA_OPEN, "the date's batches", true},
};

/* The history of an order line (SPEC.md §1.6 "why"), oldest first. */
static const TuiBinding history_keys[] = {
    {TK_ENTER, TA_OPEN, "the event's batch", true},
};

/* The what-if summary (`W`): orders that change, and the session's steps. */
static const TuiBinding summary_keys[] = {
    {'k', TA_UP, "up", false},
    {TK_UP, TA_UP, "up", false},
    {'j', TA_DOWN, "down", false},
    {TK_DOWN, TA_DOWN, "down", false},
    {TK_PGUP, TA_PAGE_UP, "page up", false},
    {TK_PGDN, TA_PAGE_DOWN, "page down", false},
    {'g', TA_TOP, "first row", false},
    {TK_HOME, TA_TOP, "first row", false},
    {'G', TA_BOTTOM, "last row", false},
    {TK_END, TA_BOTTOM, "last row", false},
    {TK_ENTER, TA_OPEN, "order", true},
    {'d', TA_DROP_STEP, "drop step", true},
    {TK_DELETE, TA_DROP_STEP, "drop step", true},
    {'h', TA_LEFT, "panel", true},
    {'l', TA_RIGHT, "panel", true},
    {TK_LEFT, TA_LEFT, "the orders", false},
    {TK_RIGHT, TA_RIGHT, "the steps", false},
};

/* The help viewer (and the notify hook's log, shown the same way). */
static const TuiBinding help_keys[] = {
    {TK_UP, TA_UP, "scroll up a line", false},
    {'k', TA_UP, "scroll up a line", false},
    {TK_DOWN, TA_DOWN, "scroll down a line", false},
    {'j', TA_DOWN, "scroll down a line", false},
    {TK_ENTER, TA_DOWN, "scroll down a line", false},
    {TK_PGUP, TA_PAGE_UP, "page up", false},
    {'b', TA_PAGE_UP, "page up", false},
    {TK_PGDN, TA_PAGE_DOWN, "page down", false},
    {' ', TA_PAGE_DOWN, "page down", false},
    {'g', TA_TOP, "top", false},
    {TK_HOME, TA_TOP, "top", false},
    {'G', TA_BOTTOM, "bottom", false},
    {TK_END, TA_BOTTOM, "bottom", false},
    {'/', TA_SEARCH, "search", true},
    {TK_F3, TA_SEARCH, "search", false},
    {'n', TA_SEARCH_NEXT, "next match", true},
    {TK_ESC, TA_BACK, "close the help", true},
    {'q', TA_BACK, "close the help", true},
};

/* A question (a change to confirm, quitting, the demo): nothing else takes keys. */
static const TuiBinding confirm_keys[] = {
    {'y', TA_YES, "confirm", true},
    {'Y', TA_YES, "confirm", false},
    {'n', TA_NO, "cancel", true},
    {'N', TA_NO, "cancel", false},
    {TK_ESC, TA_NO, "cancel", true},
    {'q', TA_NO, "cancel", false},
    {'j', TA_DOWN, "scroll", true},
    {TK_DOWN, TA_DOWN, "scroll", false},
    {'k', TA_UP, "scroll", true},
    {TK_UP, TA_UP, "scroll", false},
    {TK_PGDN, TA_PAGE_DOWN, "scroll a page", false},
    {TK_PGUP, TA_PAGE_UP, "scroll a page", false},
};

/* A list to read (how an applied session differs from its prediction). */
static const TuiBinding notice_keys[] = {
    {TK_ENTER, TA_CLOSE, "close", true},
    {TK_ESC, TA_CLOSE, "close", true},
    {'q', TA_CLOSE, "close", false},
    {'j', TA_DOWN, "scroll", true},
    {TK_DOWN, TA_DOWN, "scroll", false},
    {'k', TA_UP, "scroll", true},
    {TK_UP, TA_UP, "scroll", false},
    {TK_PGDN, TA_PAGE_DOWN, "scroll a page", false},
    {TK_PGUP, TA_PAGE_UP, "scroll a page", false},
};

/* The `:` command prompt. */
static const TuiBinding prompt_keys[] = {
    {TK_ENTER, TA_SUBMIT, "run", true},
    {TK_TAB, TA_COMPLETE, "complete", true},
    {TK_ESC, TA_CANCEL, "cancel", true},
};

/* A form (`c`, `e`, `d`, `a`, `/`, and the help search). */
static const TuiBinding form_keys[] = {
    {TK_ENTER, TA_SUBMIT, "ok", true},
    {TK_ESC, TA_CANCEL, "cancel", true},
};

/* Editing the line of the prompt and of forms (line_edit.h). */
static const TuiBinding line_keys[] = {
    {TK_LEFT, TA_CURSOR_LEFT, "cursor left", false},
    {TK_RIGHT, TA_CURSOR_RIGHT, "cursor right", false},
    {TK_HOME, TA_CURSOR_HOME, "start of the line", false},
    {TK_END, TA_CURSOR_END, "end of the line", false},
    {TK_BACKSPACE, TA_DELETE_BACK, "delete before the cursor (on an empty line: cancel)", false},
    {TK_DELETE, TA_DELETE_FORWARD, "delete under the cursor", false},
    {TK_CTRL_U, TA_CLEAR_LINE, "clear the line", false},
};

#define MAP(var) {#var, var##_keys, N(var##_keys)}

static const TuiKeymap maps[] = {
    MAP(global), MAP(whatif),  MAP(list),  MAP(triage), MAP(products), MAP(batches),
    MAP(batch),  MAP(order),   MAP(backorders), MAP(events), MAP(atp), MAP(history),
    MAP(summary), MAP(help),   MAP(confirm), MAP(notice), MAP(prompt),  MAP(form),  MAP(line),
};

const TuiKeymap *tui_keymap(const char *name)
{
    for (size_t i = 0; i < N(maps); i++)
        if (strcmp(maps[i].name, name) == 0)
            return &maps[i];
    return NULL;
}

void tui_keys_foreach(TuiKeyVisitor fn, void *ctx)
{
    char kn[16];
    for (size_t m = 0; m < N(maps); m++)
        for (size_t i = 0; i < maps[m].count; i++)
            fn(maps[m].name, tui_key_name(maps[m].bindings[i].key, kn, sizeof kn),
               tui_action_name(maps[m].bindings[i].action), maps[m].bindings[i].note, ctx);
}
