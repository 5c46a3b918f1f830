/* screens.h — the screens of SPEC.md §5, one file each in this folder (Triage,
 * Products, Batches, Batch, Order, Backorders, Events, Help; the availability
 * timeline of a SKU and the history of a line, issue 14).  Each file holds the
 * screen's list (source.h kind), the name of its key table (bindings.c) and its
 * actions.  Every constructor returns a new view the caller owns (tui_view_free);
 * `env` is not owned and must outlive the view.
 *
 * To add a screen: a file here with its constructor below, a key table in
 * bindings.c, a section in assets/help/keys.md, a help page assets/help/NAME.md,
 * and (for a top-level screen) its place in app.c's `top_screens`.
 */
#ifndef ALLOT_TUI_SCREENS_H
#define ALLOT_TUI_SCREENS_H

#include "tui/view.h"

TuiView *tui_view_triage(const TuiEnv *env);
TuiView *tui_view_products(const TuiEnv *env);
TuiView *tui_view_batches(const TuiEnv *env, const char *sku); /* "" = every SKU */
TuiView *tui_view_batch(const TuiEnv *env, const char *ref);
TuiView *tui_view_order(const TuiEnv *env, const char *orderid);
TuiView *tui_view_backorders(const TuiEnv *env, const char *sku); /* "" = every SKU */
TuiView *tui_view_events(const TuiEnv *env);
/* The feed full height (`F`, issue 13 point 7): the Events list in the main area
 * and the feed panel's rows (AREA_FULL), its keys and help the Events screen's. */
TuiView *tui_view_feed(const TuiEnv *env);
/* The availability timeline of `sku` (SPEC.md §1.5), and promise on it. */
TuiView *tui_view_atp(const TuiEnv *env, const char *sku);
/* The history of order line (orderid, sku), oldest first (SPEC.md §1.6 "why"). */
TuiView *tui_view_history(const TuiEnv *env, const char *orderid, const char *sku);
/* FORM_PROMISE on an availability view `v`: where and when a new line of `qty`
 * would be served now (nothing changes), shown on it and into `msg`; false with the
 * reason in `msg` when it cannot be answered. */
bool tui_atp_promise(TuiView *v, int64_t qty, char *msg, size_t size);

/* The what-if summary of session `w` (whatif_tui.h; not owned: close the view
 * before the session ends): the orders whose complete date changes, worst first,
 * and the session's steps; `d` on a step gives REQ_DROP_STEP.  Worked out again on
 * TV_DATA_CHANGED. */
struct TuiWhatIf;
TuiView *tui_view_whatif_summary(const TuiEnv *env, struct TuiWhatIf *w);
/* True if `v` is a what-if summary. */
bool tui_view_is_whatif_summary(const TuiView *v);

/* The help page `topic` (a page or command name, help_topic_doc; a command without
 * a page gets the commands page, then the index).  Scrolls, searches (FORM_SEARCH
 * through the prompt), re-wraps to its area. */
TuiView *tui_view_help(const TuiEnv *env, const char *topic);
/* A plain text shown like a help page (the notify hook's log); `text` is copied. */
TuiView *tui_view_text(const char *title, const char *text);
/* Finds `needle` in a help or text view from its top line (FORM_SEARCH): true if
 * found (then scrolled to it); false with the reason in `why`. */
bool tui_help_search(TuiView *v, const char *needle, char *why, size_t size);

/* The actions on a selected row of each kind of list, shared by the screen of that
 * kind and by the Triage panel showing the same kind: Enter and the keys of the
 * row's thing (a batch's c/+/-/e/d, a line's x, a) — then the list's moves. */
TuiReaction tui_products_row_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count);
TuiReaction tui_batches_row_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count);
TuiReaction tui_backorders_row_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count);
TuiReaction tui_events_row_key(const TuiEnv *env, TuiList *l, TuiAction a, int64_t count);

#endif
