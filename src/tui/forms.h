/* forms.h — what the prompt's text means: the `:` line (the CLI grammar,
 * app/command_parse.h) and each form (`c`, `e`, `d`, `a`, `/`, the help search,
 * the availability screen's promise `n`),
 * validated as the CLI does (domain/validate.h), and Tab completion over the read
 * model (complete.h).  No drawing; the app applies what comes back. */
#ifndef ALLOT_TUI_FORMS_H
#define ALLOT_TUI_FORMS_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/overlay.h"

/* The form a reaction asks for (REQ_FORM, or FORM_COMMAND for `:`): its context,
 * its label ("New quantity of W1 (now 10, 9 allocated): ") and the text it starts
 * with (the filter in use). */
void tui_form_open(const TuiReaction *r, TuiForm *form, char *label, size_t lsize, char *text,
                   size_t tsize);

/* What `text` asks for.  True with `out` filled: REQ_COMMAND, REQ_DELAY, REQ_HELP
 * (`topic` "" = the current screen's), REQ_DEMO (`:demo`), REQ_JUMP (`:order ID`,
 * `:batch REF`, `:sku SKU`: `jump`, `arg` a valid id, not yet looked up),
 * REQ_EXPORT (`:export FILE`: `arg`), or
 * REQ_NONE when the form did its work itself (a filter set, a search found) or
 * the line was empty — `out->status` may say what happened.  False with the reason
 * in `why`: the form stays open. */
bool tui_form_submit(const TuiForm *form, const char *text, TuiReaction *out, char *why,
                     size_t size);

/* A form that acts as you type (the filter): applies `text` now.  False with the
 * reason in `why` when it is not (yet) a filter: the list then shows the filter of
 * the words before the one being typed (the last good one as far as it goes:
 * "sku:LAMP eta<ban" lists what "sku:LAMP" lists). */
bool tui_form_live(const TuiForm *form, const char *text, char *why, size_t size);
/* Esc on a form: a filter goes back to what it was when the form opened. */
void tui_form_cancel(const TuiForm *form);

/* Tab at the cursor of `e`: completes (complete.h) with candidates from the
 * command table and from `src`; the hint (or an error of the read model) goes into
 * `hint`. */
void tui_form_complete(TuiLineEdit *e, TuiSource *src, char *hint, size_t size);

#endif
