/* line_edit.c — the line editor (line_edit.h). */
#include "tui/line_edit.h"

#include <stdio.h>
#include <string.h>

static bool is_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

void tui_line_edit_set(TuiLineEdit *e, const char *text)
{
    size_t n = strlen(text);
    if (n >= sizeof e->text) {
        n = sizeof e->text - 1;
        while (n > 0 && is_cont(text[n]))
            n--;
    }
    memcpy(e->text, text, n);
    e->text[n] = 0;
    e->cur = n;
    e->selected = false;
}

void tui_line_edit_set_selected(TuiLineEdit *e, const char *text)
{
    tui_line_edit_set(e, text);
    e->selected = e->text[0] != 0;
}

bool tui_line_edit_apply(TuiLineEdit *e, TuiAction a)
{
    size_t len = strlen(e->text);
    bool was_selected = e->selected;
    e->selected = false;
    if (was_selected && (a == TA_DELETE_BACK || a == TA_DELETE_FORWARD))
        a = TA_CLEAR_LINE;
    switch (a) {
    case TA_CURSOR_LEFT:
        while (e->cur > 0 && is_cont(e->text[--e->cur]))
            ;
        return true;
    case TA_CURSOR_RIGHT:
        while (e->cur < len && is_cont(e->text[++e->cur]))
            ;
        return true;
    case TA_CURSOR_HOME:
        e->cur = 0;
        return true;
    case TA_CURSOR_END:
        e->cur = len;
        return true;
    case TA_DELETE_BACK: {
        size_t s = e->cur;
        while (s > 0 && is_cont(e->text[--s]))
            ;
        memmove(e->text + s, e->text + e->cur, len - e->cur + 1);
        e->cur = s;
        return true;
    }
    case TA_DELETE_FORWARD: {
        size_t end = e->cur;
        while (end < len && is_cont(e->text[++end]))
            ;
        memmove(e->text + e->cur, e->text + end, len - end + 1);
        return true;
    }
    case TA_CLEAR_LINE:
        e->text[0] = 0;
        e->cur = 0;
        return true;
    default:
        return false;
    }
}

bool tui_line_edit_replace(TuiLineEdit *e, size_t from, const char *s)
{
    size_t len = strlen(e->text), sl = strlen(s);
    if (from > e->cur || len - (e->cur - from) + sl >= sizeof e->text)
        return false;
    memmove(e->text + from + sl, e->text + e->cur, len - e->cur + 1);
    memcpy(e->text + from, s, sl);
    e->cur = from + sl;
    return true;
}

bool tui_line_edit_insert(TuiLineEdit *e, int cp)
{
    if (cp < 32 || cp == 127 || (cp >= 0x80 && cp < 0xA0) || cp >= TK_SPECIAL)
        return false;
    if (e->selected) { /* typing replaces a selected text */
        e->text[0] = 0;
        e->cur = 0;
        e->selected = false;
    }
    char u[5];
    tui_utf8_put(cp, u);
    return tui_line_edit_replace(e, e->cur, u);
}

int tui_line_edit_draw(const TuiLineEdit *e, const char *label, TuiCanvas *c, int y, int x, int w,
                       TuiStyle style)
{
    char line[TUI_LINE_MAX + 256], head[TUI_LINE_MAX + 256];
    snprintf(line, sizeof line, "%s%s", label, e->text);
    snprintf(head, sizeof head, "%s%.*s", label, (int)e->cur, e->text);
    int cx = tui_text_width(head);
    if (w < 2) {
        tui_canvas_text(c, y, x, w, line, style, true);
        return x;
    }
    if (cx < w && e->selected) { /* the label, then the selected text */
        tui_canvas_text(c, y, x, w, label, style, true);
        tui_canvas_text(c, y, x + tui_text_width(label), w - tui_text_width(label), e->text,
                        TS_SELECTED, false);
        return x + cx;
    }
    if (cx < w) {
        tui_canvas_text(c, y, x, w, line, style, true);
        return x + cx;
    }
    /* scrolled: "…" then the text from the first character that keeps the cursor
       inside the width */
    size_t from = 0, hl = strlen(head);
    while (from < hl && 1 + tui_text_width(head + from) >= w) {
        from++;
        while (from < hl && is_cont(head[from]))
            from++;
    }
    char shown[TUI_LINE_MAX + 260];
    snprintf(shown, sizeof shown, "…%s", line + from);
    tui_canvas_text(c, y, x, w, shown, style, true);
    return x + 1 + tui_text_width(head + from);
}
