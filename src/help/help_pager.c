/* help_pager.c — see help_pager.h. */
#include "help/help_pager.h"

#include <stdlib.h>

#include "domain/xalloc.h"

struct HelpPager {
    HelpDoc *doc;
    HelpLayout *layout;
    int height;
    size_t top;
    long match;
    char *query;
};

static size_t max_top(const HelpPager *p)
{
    size_t n = help_layout_count(p->layout), h = (size_t)p->height;
    return n > h ? n - h : 0;
}

static void set_top(HelpPager *p, long top)
{
    if (top < 0)
        top = 0;
    if ((size_t)top > max_top(p))
        top = (long)max_top(p);
    p->top = (size_t)top;
}

HelpPager *help_pager_new(HelpDoc *doc, int width, int height)
{
    HelpPager *p = xcalloc(1, sizeof *p);
    p->doc = doc;
    p->layout = help_layout_new(doc, width);
    p->height = height < 1 ? 1 : height;
    p->match = -1;
    return p;
}

void help_pager_free(HelpPager *p)
{
    if (!p)
        return;
    help_layout_free(p->layout);
    help_doc_free(p->doc);
    free(p->query);
    free(p);
}

void help_pager_resize(HelpPager *p, int width, int height)
{
    size_t old_n = help_layout_count(p->layout), old_top = p->top;
    help_layout_free(p->layout);
    p->layout = help_layout_new(p->doc, width);
    p->height = height < 1 ? 1 : height;
    size_t n = help_layout_count(p->layout);
    set_top(p, old_n ? (long)(old_top * n / old_n) : 0);
    if (p->match >= 0) {
        p->match = -1;
        help_pager_search(p, p->query);
    }
}

void help_pager_scroll(HelpPager *p, long lines)
{
    set_top(p, (long)p->top + lines);
}

void help_pager_page(HelpPager *p, int pages)
{
    long step = p->height > 2 ? p->height - 1 : p->height;
    set_top(p, (long)p->top + step * pages);
}

void help_pager_home(HelpPager *p)
{
    set_top(p, 0);
}

void help_pager_end(HelpPager *p)
{
    set_top(p, (long)max_top(p));
}

/* Finds the query from line `from`, wrapping; -1 if nowhere. */
static long find_wrapping(const HelpPager *p, size_t from)
{
    long at = help_layout_find(p->layout, p->query, from);
    if (at < 0 && from > 0)
        at = help_layout_find(p->layout, p->query, 0);
    return at;
}

static int show_match(HelpPager *p, long at)
{
    p->match = at;
    if (at < 0)
        return 0;
    if ((size_t)at < p->top || (size_t)at >= p->top + (size_t)p->height)
        set_top(p, at);
    return 1;
}

int help_pager_search(HelpPager *p, const char *needle)
{
    if (!needle || !*needle) {
        p->match = -1;
        return 0;
    }
    char *q = xstrdup(needle); /* needle may be p->query itself */
    free(p->query);
    p->query = q;
    return show_match(p, find_wrapping(p, p->top));
}

int help_pager_search_next(HelpPager *p)
{
    if (!p->query)
        return 0;
    size_t from = p->match >= 0 ? (size_t)p->match + 1 : p->top;
    if (from >= help_layout_count(p->layout))
        from = 0;
    return show_match(p, find_wrapping(p, from));
}

const HelpLayout *help_pager_layout(const HelpPager *p)
{
    return p->layout;
}

size_t help_pager_top(const HelpPager *p)
{
    return p->top;
}

int help_pager_height(const HelpPager *p)
{
    return p->height;
}

long help_pager_match(const HelpPager *p)
{
    return p->match;
}

const char *help_pager_query(const HelpPager *p)
{
    return p->query;
}
