/* prompt.c — the `:` prompt and the forms on the two bottom rows (overlay.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "tui/overlay.h"

typedef struct PromptView {
    TuiView base;
    TuiForm form;
    char label[256];
    TuiLineEdit line;
    char note[ALLOT_ERR_MAX];
    bool note_error;
} PromptView;

static PromptView *pv(TuiView *v) { return (PromptView *)v; }

static void prompt_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    PromptView *p = pv(v);
    int cx = tui_line_edit_draw(&p->line, p->label, c, y, x, w, TS_INPUT);
    if (h > 1) {
        if (p->note[0]) {
            tui_canvas_text(c, y + 1, x, w, p->note, p->note_error ? TS_ERROR : TS_DIM, true);
        } else {
            const TuiKeymap *maps[2] = {v->keys, v->more};
            char foot[512];
            tui_keymap_footer(maps, 2, foot, sizeof foot);
            tui_canvas_text(c, y + 1, x, w, foot, TS_KEY, true);
        }
    }
    c->ops->cursor(c, y, cx < x + w ? cx : x + w - 1);
}

static TuiReaction prompt_key(TuiView *v, TuiAction a, int64_t count)
{
    (void)count;
    PromptView *p = pv(v);
    TuiReaction r = tui_handled();
    switch (a) {
    case TA_SUBMIT: r.request = REQ_SUBMIT; return r;
    case TA_COMPLETE: r.request = REQ_COMPLETE; return r;
    case TA_CANCEL: r.request = REQ_CLOSE; return r;
    case TA_DELETE_BACK:
        if (!p->line.text[0]) { /* Backspace on an empty line: cancel */
            r.request = REQ_CLOSE;
            return r;
        }
        break;
    default:
        break;
    }
    char before[TUI_LINE_MAX];
    snprintf(before, sizeof before, "%s", p->line.text);
    if (!tui_line_edit_apply(&p->line, a))
        return (TuiReaction){0};
    if (p->note_error)
        p->note[0] = 0;
    if (p->form.kind == FORM_FILTER && strcmp(before, p->line.text) != 0)
        r.request = REQ_EDITED;
    return r;
}

/* The longest text a form takes (bytes): a filter's, the line editor's otherwise. */
static size_t form_max(const TuiForm *f)
{
    return f->kind == FORM_FILTER ? TUI_FILTER_MAX - 1 : TUI_LINE_MAX - 1;
}

static TuiReaction prompt_unbound(TuiView *v, int key)
{
    PromptView *p = pv(v);
    TuiReaction r = tui_handled();
    TuiLineEdit before = p->line;
    if (tui_line_edit_insert(&p->line, key) && strlen(p->line.text) > form_max(&p->form)) {
        /* a long paste stops here, and says so once, instead of every key asking
           the list for a filter it cannot take */
        p->line = before;
        snprintf(p->note, sizeof p->note, "at most %zu bytes here: the rest was not typed",
                 form_max(&p->form));
        p->note_error = true;
        return r;
    }
    if (strcmp(before.text, p->line.text) != 0) {
        if (p->note_error)
            p->note[0] = 0;
        if (p->form.kind == FORM_FILTER)
            r.request = REQ_EDITED;
    }
    return r; /* a key that types nothing: ignored */
}

static const TuiViewOps prompt_ops = {
    .name = "prompt",
    .draw = prompt_draw,
    .on_key = prompt_key,
    .on_unbound = prompt_unbound,
};

TuiView *tui_prompt_new(const TuiForm *form, const char *label, const char *text)
{
    PromptView *p = xcalloc(1, sizeof *p);
    p->base.ops = &prompt_ops;
    p->base.keys = tui_keymap(form->kind == FORM_COMMAND ? "prompt" : "form");
    p->base.more = tui_keymap("line");
    p->base.area = AREA_BOTTOM;
    p->form = *form;
    snprintf(p->label, sizeof p->label, "%s", label);
    if (form->kind == FORM_FILTER || form->kind == FORM_SET_ETA)
        tui_line_edit_set_selected(&p->line, text ? text : "");
    else
        tui_line_edit_set(&p->line, text ? text : "");
    return &p->base;
}

const TuiForm *tui_prompt_form(TuiView *v) { return &pv(v)->form; }
TuiLineEdit *tui_prompt_line(TuiView *v) { return &pv(v)->line; }

void tui_prompt_say(TuiView *v, bool error, const char *text)
{
    snprintf(pv(v)->note, sizeof pv(v)->note, "%s", text ? text : "");
    pv(v)->note_error = error;
}
