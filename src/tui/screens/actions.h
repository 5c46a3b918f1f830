/* actions.h — what several screens do the same way (screens/ only). */
#ifndef ALLOT_TUI_SCREENS_ACTIONS_H
#define ALLOT_TUI_SCREENS_ACTIONS_H

#include "tui/overlay.h"
#include "tui/view.h"

/* Moving in the list, sorting and filtering; .handled = false for other actions. */
TuiReaction screen_list_key(TuiList *l, TuiAction a, int64_t count);

/* True for the batch keys c + - e d r. */
bool screen_is_batch_action(TuiAction a);
/* A batch key on batch `ref` (the form, or the command at once with a count); when
 * list `l` (may be NULL) has marks, on its marked batches instead (REQ_BULK, or its
 * form first). */
TuiReaction screen_batch_action(const TuiEnv *env, TuiList *l, const char *ref, TuiAction a,
                                int64_t count);
/* REQ_BULK: the commands of `r` on the marked rows of r->list, as one question
 * (q initialised by the caller: its title, q->bulk, q->nbulk).  False with the
 * reason in `why` (nothing marked, a batch unknown, too far a delay). */
bool screen_bulk_question(const TuiEnv *env, const TuiReaction *r, TuiQuestion *q, char *why,
                          size_t size);
/* `a`: the allocate form, knowing what the screen knows ("" = ask for it). */
TuiReaction screen_allocate(const char *sku, const char *orderid);
/* `a` on a list of order lines `l` (may be NULL): with marks, every marked line is
 * allocated again (REQ_BULK of TA_ALLOCATE: each taken off its place and allocated
 * by rule 1, keeping its qty, need date and moment of first request); without, the
 * allocate form as screen_allocate. */
TuiReaction screen_allocate_lines(TuiList *l, const char *sku, const char *orderid);
/* `x` on `row` (an order line): cancel it, always asking; with marks in `l` (may be
 * NULL), every marked line (REQ_BULK). */
TuiReaction screen_cancel(TuiList *l, const TuiRow *row);
/* `H` on `row` (an order line): its history (SPEC.md §1.6 "why"). */
TuiReaction screen_history(const TuiEnv *env, const TuiRow *row);
/* `t`: the availability timeline of `sku` (SPEC.md §1.5; "" = none selected). */
TuiReaction screen_atp(const TuiEnv *env, const char *sku);
/* Opens `v` (or says `why` if NULL). */
TuiReaction screen_push(TuiView *v, const char *why);
TuiReaction screen_back(void);

/* ---- a screen showing one list, below `header` lines of its own ---- */
typedef struct ListScreen {
    TuiView base;
    const TuiEnv *env;
    TuiList list;
    char title[160];
    int header;
    int h, w;
} ListScreen;

/* A new list screen of `kind` (arg narrows it) with its table `keys`; reloaded. */
ListScreen *list_screen_new(size_t size, const TuiViewOps *ops, const char *keys,
                            const TuiEnv *env, TuiListKind kind, const char *arg,
                            const char *title, int header);
void list_screen_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w);
void list_screen_event(TuiView *v, TuiViewEvent ev);
void list_screen_resize(TuiView *v, int h, int w);
void list_screen_destroy(TuiView *v);
void list_screen_title(TuiView *v, char *buf, size_t size);
TuiList *list_screen_list(TuiView *v);
bool list_screen_busy(TuiView *v);
bool list_screen_work(TuiView *v);
/* Puts the selection on the row whose identity is `key` if it is on the first
 * page (the order line one came from); returns v. */
TuiView *list_screen_select(TuiView *v, const char *key);

#define LIST_SCREEN_OPS(nm, on_key_fn)                                                         \
    {                                                                                          \
        .name = nm, .draw = list_screen_draw, .on_key = on_key_fn,                             \
        .on_event = list_screen_event, .resize = list_screen_resize,                           \
        .destroy = list_screen_destroy, .title = list_screen_title, .list = list_screen_list,  \
        .busy = list_screen_busy, .work = list_screen_work,                                     \
    }

#endif
