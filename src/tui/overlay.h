/* overlay.h — the views the app opens over the screens: a question (confirm.c)
 * and the prompt (prompt.c).  They are views like the screens, with key tables of
 * their own ("confirm", "notice", "prompt", "form", "line" in bindings.c), so the
 * footer and the help drift test cover them; while one is open, it takes every
 * key, and nothing under it does.
 */
#ifndef ALLOT_TUI_OVERLAY_H
#define ALLOT_TUI_OVERLAY_H

#include <stdbool.h>

#include "whatif/whatif.h"
#include "tui/line_edit.h"
#include "tui/view.h"

/* ---- a question ---- */

typedef enum TuiAsk {
    ASK_CHANGE,  /* a change that moves lines (or a cancel, a delay): y runs `cmd` */
    ASK_DEMO,    /* load the demo dataset */
    ASK_APPLY,   /* apply the what-if session to the live data */
    ASK_QUIT,    /* quit, discarding the what-if session */
    ASK_DISCARD, /* discard the what-if session */
    ASK_NOTICE,  /* a list to read, no question (how an applied session differs) */
    ASK_DROP,    /* drop step `step` of the what-if session and the later steps
                    that are refused without it (named in the note) */
} TuiAsk;

typedef struct TuiQuestion {
    TuiAsk ask;
    char title[320];
    char note[512];   /* lines under the title, separated by '\n' ("" = none) */
    bool has_diff;    /* `diff` lists the order lines concerned */
    WhatIfDiff diff;  /* before → after of each line, with slips */
    bool updated;     /* worked out again since first shown: the title says so */
    /* ASK_CHANGE: what y runs — `cmd`, or the delay of `delay_ref` by `delay_days`
       (worked out again from those, the ETA moving with "today") */
    Command cmd;
    bool is_redo; /* cmd is the Undo asked for by U: it brings back `redoes` */
    int64_t redoes;
    bool is_delay;
    AllotId delay_ref;
    int32_t delay_days;
    size_t step; /* ASK_DROP: the step of the session to drop (0-based) */
    /* or, for marked rows, these commands in one transaction (owned; nbulk > 0) */
    Command *bulk;
    size_t nbulk;
} TuiQuestion;

void tui_question_init(TuiQuestion *q, TuiAsk ask);
void tui_question_fini(TuiQuestion *q);

/* A question over the main area.  Takes the contents of `q` (which is left empty
 * and initialised).  y gives REQ_ANSWER yes, n / Esc / q REQ_ANSWER no, j/k scroll;
 * any other key says to answer first.  A notice closes (REQ_CLOSE) on any key but
 * the scrolling ones. */
TuiView *tui_confirm_new(TuiQuestion *q);
/* The question the view asks (owned by the view). */
TuiQuestion *tui_confirm_question(TuiView *v);
/* Marks the question as worked out again: the list starts at the top again. */
void tui_confirm_updated(TuiView *v);

/* The lines of `d` as a question shows them: the number that change place (and go
 * to the backorders), and per line "ORDER SKU ×QTY  FROM → TO  +Nd" in columns as
 * wide as the lines of `d` need, cut to `width` display columns the way a list's
 * are (list.h tui_columns_share, docs/tui.md "Widths"): the order id and the SKU
 * the last to give up room. */
typedef struct TuiDiffWidths {
    int w[5]; /* ORDER, SKU, ×QTY, FROM, TO */
} TuiDiffWidths;
void tui_diff_summary(const WhatIfDiff *d, char *buf, size_t size);
void tui_diff_widths(const WhatIfDiff *d, int width, TuiDiffWidths *out);
void tui_diff_line(const LineDiff *l, const TuiDiffWidths *w, char *buf, size_t size);

/* ---- the prompt: the `:` line and every form ---- */

typedef struct TuiForm {
    TuiFormKind kind;
    TuiList *list;        /* FORM_FILTER, FORM_LIST_SEARCH */
    char old_filter[TUI_FILTER_MAX]; /* FORM_FILTER: the filter when it opened (Esc
                                        puts it back) */
    TuiView *target;      /* FORM_SEARCH */
    TuiBatchInfo batch;   /* batch forms */
    AllotId sku, orderid; /* FORM_ALLOCATE: what the screen knows, or "" */
    int32_t today;        /* the day relative dates count from (dates.h) */
    size_t marked;        /* batch forms: the marked batches of `list` it applies to
                             (0 = `batch` alone) */
} TuiForm;

/* A prompt on the two bottom rows: `label` then the line being edited (starting
 * with `text`; for a filter, `text` is shown selected: typing replaces it), and
 * under it an error, a hint, or its keys.  Enter gives REQ_SUBMIT, Tab
 * REQ_COMPLETE (the `:` prompt), Esc or Backspace on an empty line REQ_CLOSE; other
 * keys edit the line, and a filter's prompt gives REQ_EDITED after each edit. */
TuiView *tui_prompt_new(const TuiForm *form, const char *label, const char *text);
const TuiForm *tui_prompt_form(TuiView *v);
TuiLineEdit *tui_prompt_line(TuiView *v);
/* The line under the prompt: an error (shown until the next edit) or a hint. */
void tui_prompt_say(TuiView *v, bool error, const char *text);

#endif
