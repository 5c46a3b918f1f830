/* complete.h — Tab in the `:` prompt, as pure functions over the line (SPEC.md §5
 * "`:` command prompt (the CLI grammar, with completion of SKUs and references)").
 *
 * Completion is three steps, the first and last pure:
 *   1. tui_complete_ask: which argument the token at the cursor fills, by the
 *      command table (app/command_table.h) and the one tokenizer
 *      (app/command_parse.h), and the prefix typed so far;
 *   2. the candidates: command names and choices from the table
 *      (tui_complete_local); SKUs, references and order ids from the read model,
 *      which gives their number and the prefix common to all of them, not only to
 *      the first few (source.h `complete`, `complete_span`); in context, the SKUs
 *      of the order named before (`cancel ORDERID <Tab>`);
 *   3. tui_complete_apply: the new line and the hint.
 */
#ifndef ALLOT_TUI_COMPLETE_H
#define ALLOT_TUI_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/validate.h"
#include "tui/line_edit.h"

typedef enum TuiCompleteKind {
    TC_NONE,      /* nothing to complete (arg_name says what to type, if known) */
    TC_COMMAND,   /* a command name */
    TC_CHOICE,    /* one of `choices` */
    TC_SKU,       /* any SKU */
    TC_REF,       /* any batch reference */
    TC_ORDERID,   /* any order id */
    TC_ORDER_SKU, /* a SKU of order `orderid` (the command names an existing line) */
} TuiCompleteKind;

typedef struct TuiCompleteAsk {
    TuiCompleteKind kind;
    char prefix[TUI_LINE_MAX]; /* the token up to the cursor, as the tokenizer reads it */
    size_t start;              /* byte offset in the line where that token starts */
    AllotId orderid;           /* TC_ORDER_SKU */
    const char *choices;       /* TC_CHOICE: '|'-separated words; static */
    const char *arg_name;      /* the argument's name ("QTY"), or NULL; static */
} TuiCompleteAsk;

/* The prompt's own commands, beside the CLI's (docs/tui.md "Prompt and forms"):
 * `order ORDERID`, `batch REF`, `sku SKU` open that screen, `export FILE` writes
 * the list shown as CSV.  Each takes one argument. */
typedef enum TuiPromptCommand {
    TPC_NONE,   /* not one of them: the CLI grammar */
    TPC_ORDER,  /* the Order screen of ORDERID */
    TPC_BATCH,  /* the Batch screen of REF */
    TPC_SKU,    /* the batches of SKU */
    TPC_EXPORT, /* the current list, filtered and sorted, into FILE */
} TuiPromptCommand;

/* Which prompt command `name` is (TPC_NONE for any other word, NULL included). */
TuiPromptCommand tui_prompt_command(const char *name);

/* What Tab at byte `cursor` of `line` completes.  Always fills `out` (kind TC_NONE
 * when there is nothing to complete, e.g. a quantity, or a line the tokenizer
 * refuses).  The argument of a prompt command is its kind (`order ` → TC_ORDERID,
 * `batch ` → TC_REF, `sku ` → TC_SKU; `export ` → TC_NONE, "FILE"). */
void tui_complete_ask(const char *line, size_t cursor, TuiCompleteAsk *out);

/* Candidates: their number, the prefix common to all of them, and the first few
 * names, sorted.  Zero-initialise; tui_candidates_fini frees the names. */
typedef struct TuiCandidates {
    int64_t count;             /* how many there are in all (>= n) */
    bool more;                 /* there are more than `count` (count is a floor) */
    char common[TUI_LINE_MAX]; /* the longest prefix common to all of them */
    char **names;              /* the first n; owned */
    size_t n, cap;
} TuiCandidates;

/* Adds one candidate (in sorted order): counts it, keeps its name (at most
 * TUI_COMPLETE_SHOWN), and narrows `common`. */
#define TUI_COMPLETE_SHOWN 16
void tui_candidates_add(TuiCandidates *c, const char *name);
void tui_candidates_fini(TuiCandidates *c);

/* The candidates the command table gives: for TC_COMMAND the command names (and
 * the prompt's own: order, batch, sku, export), for
 * TC_CHOICE the choices, that start with ask->prefix.  Other kinds: none. */
void tui_complete_local(const TuiCompleteAsk *ask, TuiCandidates *out);

/* The line after Tab.  The token is replaced by the common prefix when it is
 * longer than what was typed (or by the one candidate, then followed by a blank),
 * written as the tokenizer reads it back (command_quote_token); while it is
 * partial an opened or needed quote stays open.  `hint` gets "N candidates: a, b,
 * …" (the real count; "more than N" when only a floor is known), "no completion",
 * or "QTY: type it".  `e` is changed in place; `hint` has `size` bytes. */
void tui_complete_apply(TuiLineEdit *e, const TuiCompleteAsk *ask, const TuiCandidates *c,
                        char *hint, size_t size);

#endif
