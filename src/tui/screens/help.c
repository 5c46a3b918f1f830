/* help.c — the Help screen: a Markdown page of assets/help (help/help_pager.h)
 * drawn into the canvas like any screen, so the live feed and polling go on while
 * it is open.  Scrolls, searches (`/` asks through the prompt, `n` finds the next
 * match), re-wraps to its area.  The notify hook's log is shown the same way
 * (tui_view_text).  Key table "help". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"
#include "help/help_pager.h"
#include "help/help_print.h"
#include "tui/screens/actions.h"
#include "tui/screens/screens.h"

typedef struct HelpScreen {
    TuiView base;
    HelpPager *pager;
    char title[128];
    int w, h; /* the size the pager is laid out for */
} HelpScreen;

static HelpScreen *hs(TuiView *v) { return (HelpScreen *)v; }

static TuiStyle span_style(unsigned st)
{
    if (st & HELP_STYLE_HEADING)
        return TS_HEADING;
    if (st & (HELP_STYLE_STRONG | HELP_STYLE_CODE))
        return TS_STRONG;
    if (st & (HELP_STYLE_EMPH | HELP_STYLE_LINK))
        return TS_EMPH;
    if (st & (HELP_STYLE_MARKUP | HELP_STYLE_URL))
        return TS_MARKUP;
    return TS_NORMAL;
}

/* Draws bytes [from, to) of `text` at column *x, not past `end`. */
static void put(TuiCanvas *c, int y, int *x, int end, const char *text, size_t from, size_t to,
                TuiStyle st)
{
    if (to <= from || *x >= end)
        return;
    char piece[1024], fit[1200];
    snprintf(piece, sizeof piece, "%.*s", (int)(to - from), text + from);
    int w = tui_text_fit(piece, end - *x, false, false, fit, sizeof fit);
    c->ops->put(c, y, *x, fit, st);
    *x += w;
}

static void draw_line(HelpScreen *s, TuiCanvas *c, int y, int x, int w, const HelpLine *l,
                      bool is_match)
{
    long m = -1;
    size_t mlen = 0;
    const char *q = help_pager_query(s->pager);
    if (is_match && q) {
        m = help_line_find(l, q);
        mlen = strlen(q);
    }
    int cx = x, end = x + w;
    for (size_t i = 0; i < l->nspans; i++) {
        const HelpSpan *sp = &l->spans[i];
        TuiStyle st = span_style(sp->style);
        size_t a = sp->off, b = sp->off + sp->len;
        if (m < 0 || (size_t)m >= b || (size_t)m + mlen <= a) {
            put(c, y, &cx, end, l->text, a, b, st);
            continue;
        }
        size_t ms = (size_t)m > a ? (size_t)m : a, me = (size_t)m + mlen < b ? (size_t)m + mlen : b;
        put(c, y, &cx, end, l->text, a, ms, st);
        put(c, y, &cx, end, l->text, ms, me, TS_MATCH);
        put(c, y, &cx, end, l->text, me, b, st);
    }
}

static void help_draw(TuiView *v, TuiCanvas *c, int y, int x, int h, int w)
{
    HelpScreen *s = hs(v);
    const HelpLayout *lay = help_pager_layout(s->pager);
    size_t top = help_pager_top(s->pager), n = help_layout_count(lay);
    long match = help_pager_match(s->pager);
    for (int r = 0; r < h && top + (size_t)r < n; r++)
        draw_line(s, c, y + r, x, w, help_layout_line(lay, top + (size_t)r),
                  match >= 0 && (size_t)match == top + (size_t)r);
}

bool tui_help_search(TuiView *v, const char *needle, char *why, size_t size)
{
    HelpScreen *s = hs(v);
    if (!needle[0]) {
        if (help_pager_query(s->pager) && help_pager_search_next(s->pager))
            return true;
        snprintf(why, size, "type something to search for");
        return false;
    }
    if (help_pager_search(s->pager, needle))
        return true;
    snprintf(why, size, "not found: %s", needle);
    return false;
}

static TuiReaction help_key(TuiView *v, TuiAction a, int64_t count)
{
    HelpPager *p = hs(v)->pager;
    long n = count > 0 ? (long)count : 1;
    switch (a) {
    case TA_UP: help_pager_scroll(p, -n); break;
    case TA_DOWN: help_pager_scroll(p, n); break;
    case TA_PAGE_UP: help_pager_page(p, -(int)n); break;
    case TA_PAGE_DOWN: help_pager_page(p, (int)n); break;
    case TA_TOP: help_pager_home(p); break;
    case TA_BOTTOM: help_pager_end(p); break;
    case TA_SEARCH: {
        TuiReaction r = tui_handled();
        r.request = REQ_FORM;
        r.form = FORM_SEARCH;
        r.target = v;
        return r;
    }
    case TA_SEARCH_NEXT:
        if (!help_pager_query(p))
            return tui_say(false, "no search yet: press / to search");
        if (!help_pager_search_next(p))
            return tui_say(false, "not found: %s", help_pager_query(p));
        break;
    case TA_BACK: return screen_back();
    default: return (TuiReaction){0};
    }
    return tui_handled();
}

static void help_resize(TuiView *v, int h, int w)
{
    HelpScreen *s = hs(v);
    if (h < 1)
        h = 1;
    if (w != s->w || h != s->h)
        help_pager_resize(s->pager, w, h);
    s->w = w;
    s->h = h;
}

static void help_destroy(TuiView *v)
{
    help_pager_free(hs(v)->pager);
    free(v);
}

static void help_title(TuiView *v, char *buf, size_t size)
{
    snprintf(buf, size, "%s", hs(v)->title);
}

/* "lines 1-15/120" */
static void help_crumb(TuiView *v, char *buf, size_t size)
{
    HelpScreen *s = hs(v);
    size_t top = help_pager_top(s->pager), n = help_layout_count(help_pager_layout(s->pager));
    size_t last = top + (size_t)help_pager_height(s->pager);
    snprintf(buf, size, "lines %zu-%zu/%zu", n ? top + 1 : 0, last < n ? last : n, n);
}

static const TuiViewOps help_ops = {
    .name = "help",
    .draw = help_draw,
    .on_key = help_key,
    .resize = help_resize,
    .destroy = help_destroy,
    .title = help_title,
    .crumb = help_crumb,
};

static TuiView *help_new(HelpDoc *doc, const char *title)
{
    HelpScreen *s = xcalloc(1, sizeof *s);
    s->base.ops = &help_ops;
    s->base.keys = tui_keymap("help");
    snprintf(s->title, sizeof s->title, "Help: %s", title && title[0] ? title : help_doc_title(doc));
    s->pager = help_pager_new(doc, 80, 15);
    s->w = 80;
    s->h = 15;
    return &s->base;
}

TuiView *tui_view_help(const TuiEnv *env, const char *topic)
{
    (void)env;
    HelpDoc *doc = help_topic_doc(topic && topic[0] ? topic : NULL);
    if (!doc) /* a command without a page of its own: the commands page */
        doc = help_topic_doc("commands");
    if (!doc)
        doc = help_topic_doc(NULL);
    return help_new(doc, help_doc_title(doc));
}

TuiView *tui_view_text(const char *title, const char *text)
{
    /* every line indented: a Markdown code block, shown as written */
    size_t n = strlen(text), cap = n * 2 + strlen(title) + 64, o = 0;
    char *md = xmalloc(cap);
    o += (size_t)snprintf(md, cap, "# %s\n\n", title);
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (o + len + 6 >= cap)
            md = xrealloc(md, cap = cap * 2 + len + 6);
        o += (size_t)snprintf(md + o, cap - o, "    %.*s\n", (int)len, p);
        p += len + (nl != NULL);
    }
    HelpDoc *doc = help_doc_new(md, o);
    free(md);
    TuiView *v = help_new(doc, title);
    snprintf(hs(v)->title, sizeof hs(v)->title, "%s", title);
    return v;
}
