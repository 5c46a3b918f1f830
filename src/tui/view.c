/* view.c — the defaults of the view interface's optional slots (view.h). */
#include "tui/view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

TuiReaction tui_handled(void) { return (TuiReaction){.handled = true}; }

TuiReaction tui_say(bool error, const char *fmt, ...)
{
    TuiReaction r = tui_handled();
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r.status, sizeof r.status, fmt, ap);
    va_end(ap);
    r.status_error = error;
    return r;
}

void tui_view_event(TuiView *v, TuiViewEvent ev)
{
    if (v->ops->on_event)
        v->ops->on_event(v, ev);
}

void tui_view_resize(TuiView *v, int h, int w)
{
    if (v->ops->resize)
        v->ops->resize(v, h, w);
}

void tui_view_free(TuiView *v)
{
    if (!v)
        return;
    if (v->ops->destroy)
        v->ops->destroy(v);
    else
        free(v);
}

void tui_view_title(TuiView *v, char *buf, size_t size)
{
    if (v->ops->title)
        v->ops->title(v, buf, size);
    else
        snprintf(buf, size, "%s", v->ops->name);
}

TuiList *tui_view_list(TuiView *v) { return v->ops->list ? v->ops->list(v) : NULL; }
