/* canvas.c — display-width text fitting and the memory canvas (canvas.h). */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif
#include "tui/canvas.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "domain/xalloc.h"

/* Decodes one character at s: its byte length (>= 1) and width; *bad if it must be
 * drawn as '?'. */
static size_t next_char(const char *s, int *width, bool *bad)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
    *bad = false;
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *bad = true;
        *width = 1;
        return 1;
    }
    int w = wcwidth(wc);
    if (w < 0) {
        *bad = true;
        w = 1;
    }
    *width = w;
    return n;
}

int tui_text_width(const char *s)
{
    int total = 0, w;
    bool bad;
    while (*s) {
        s += next_char(s, &w, &bad);
        total += w;
    }
    return total;
}

int tui_text_fit(const char *s, int width, bool pad, bool right, char *out, size_t size)
{
    if (size == 0)
        return 0;
    if (width < 0)
        width = 0;
    int full = tui_text_width(s);
    int budget = full > width ? width - 1 : width; /* room for "…" when cutting */
    size_t o = 0;
    int used = 0;
    char tmp[4096];
    size_t tsize = sizeof tmp < size ? sizeof tmp : size;
    while (*s) {
        int w;
        bool bad;
        size_t n = next_char(s, &w, &bad);
        if (used + w > budget)
            break;
        size_t need = bad ? 1 : n;
        if (o + need + 4 >= tsize)
            break;
        if (bad)
            tmp[o++] = '?';
        else
            memcpy(tmp + o, s, n), o += n;
        used += w;
        s += n;
    }
    if (full > width && width > 0 && o + 4 < tsize) {
        memcpy(tmp + o, "…", 3);
        o += 3;
        used += 1;
    }
    tmp[o] = 0;
    int padn = pad && used < width ? width - used : 0;
    if ((size_t)padn + o + 1 > size)
        padn = (int)(size - o - 1);
    if (right) {
        memset(out, ' ', (size_t)padn);
        memcpy(out + padn, tmp, o + 1);
    } else {
        memcpy(out, tmp, o);
        memset(out + o, ' ', (size_t)padn);
        out[o + (size_t)padn] = 0;
    }
    return used + padn;
}

int tui_canvas_text(TuiCanvas *c, int y, int x, int width, const char *text, TuiStyle style,
                    bool pad)
{
    if (y < 0 || y >= c->rows || x < 0 || x >= c->cols || width <= 0)
        return 0;
    if (width > c->cols - x)
        width = c->cols - x;
    char buf[1024];
    int w = tui_text_fit(text, width, pad, false, buf, sizeof buf);
    if (w > 0)
        c->ops->put(c, y, x, buf, style);
    return w;
}

/* ---- memory canvas ---- */

typedef struct Cell {
    char ch[8];   /* UTF-8 of the character; "" for the right half of a wide one */
    TuiStyle style;
} Cell;

struct TuiMemCanvas {
    TuiCanvas base;
    Cell *cells;
    int cur_y, cur_x;
};

static void mem_clear(TuiCanvas *c)
{
    TuiMemCanvas *m = (TuiMemCanvas *)c;
    for (int i = 0; i < c->rows * c->cols; i++) {
        strcpy(m->cells[i].ch, " ");
        m->cells[i].style = TS_NORMAL;
    }
}

static void mem_put(TuiCanvas *c, int y, int x, const char *text, TuiStyle style)
{
    TuiMemCanvas *m = (TuiMemCanvas *)c;
    if (y < 0 || y >= c->rows)
        return;
    while (*text && x < c->cols) {
        int w;
        bool bad;
        size_t n = next_char(text, &w, &bad);
        if (x + w > c->cols)
            break;
        Cell *cell = &m->cells[y * c->cols + x];
        if (bad || n >= sizeof cell->ch)
            strcpy(cell->ch, "?");
        else
            memcpy(cell->ch, text, n), cell->ch[n] = 0;
        cell->style = style;
        if (w == 2) {
            cell[1].ch[0] = 0;
            cell[1].style = style;
        }
        x += w ? w : 0;
        text += n;
    }
}

static void mem_cursor(TuiCanvas *c, int y, int x)
{
    TuiMemCanvas *m = (TuiMemCanvas *)c;
    m->cur_y = y;
    m->cur_x = x;
}

static const TuiCanvasOps mem_ops = {.put = mem_put, .clear = mem_clear, .cursor = mem_cursor};

TuiMemCanvas *tui_mem_canvas_new(int rows, int cols)
{
    TuiMemCanvas *m = xcalloc(1, sizeof *m);
    m->base.ops = &mem_ops;
    tui_mem_canvas_resize(m, rows, cols);
    return m;
}

void tui_mem_canvas_resize(TuiMemCanvas *m, int rows, int cols)
{
    m->base.rows = rows < 1 ? 1 : rows;
    m->base.cols = cols < 1 ? 1 : cols;
    free(m->cells);
    m->cells = xcalloc((size_t)m->base.rows * (size_t)m->base.cols, sizeof *m->cells);
    mem_clear(&m->base);
}

void tui_mem_canvas_free(TuiMemCanvas *m)
{
    if (!m)
        return;
    free(m->cells);
    free(m);
}

TuiCanvas *tui_mem_canvas(TuiMemCanvas *m) { return &m->base; }

char *tui_mem_canvas_line(const TuiMemCanvas *m, int y, char *out, size_t size)
{
    size_t o = 0;
    out[0] = 0;
    if (y < 0 || y >= m->base.rows)
        return out;
    for (int x = 0; x < m->base.cols; x++) {
        const char *ch = m->cells[y * m->base.cols + x].ch;
        size_t n = strlen(ch);
        if (o + n + 1 >= size)
            break;
        memcpy(out + o, ch, n);
        o += n;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = 0;
    return out;
}

TuiStyle tui_mem_canvas_style(const TuiMemCanvas *m, int y, int x)
{
    if (y < 0 || y >= m->base.rows || x < 0 || x >= m->base.cols)
        return TS_NORMAL;
    return m->cells[y * m->base.cols + x].style;
}

int tui_mem_canvas_find(const TuiMemCanvas *m, const char *needle)
{
    char line[4096];
    for (int y = 0; y < m->base.rows; y++)
        if (strstr(tui_mem_canvas_line(m, y, line, sizeof line), needle))
            return y;
    return -1;
}

char *tui_mem_canvas_dump(const TuiMemCanvas *m)
{
    size_t cap = (size_t)m->base.rows * ((size_t)m->base.cols * 4 + 2) + 1, o = 0;
    char *out = xmalloc(cap);
    char line[4096];
    for (int y = 0; y < m->base.rows; y++) {
        tui_mem_canvas_line(m, y, line, sizeof line);
        size_t n = strlen(line);
        if (o + n + 2 > cap)
            break;
        memcpy(out + o, line, n);
        o += n;
        out[o++] = '\n';
    }
    out[o] = 0;
    return out;
}
