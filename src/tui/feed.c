/* feed.c — the live event feed (feed.h). */
#include "tui/feed.h"

#include <stdio.h>
#include <string.h>

static void add(TuiFeed *f, const TuiFeedItem *it)
{
    if (f->n == TUI_FEED_MAX) {
        memmove(f->items, f->items + 1, (TUI_FEED_MAX - 1) * sizeof *f->items);
        f->n--;
    }
    f->items[f->n++] = *it;
}

void tui_feed_init(TuiFeed *f, TuiSource *live, EventFollower *follower)
{
    memset(f, 0, sizeof *f);
    f->follower = follower;
    int64_t max = 0;
    ErrBuf err = {{0}};
    if (live->ops->max_event_id(live, &max, &err) == ALLOT_OK)
        f->last_id = max > TUI_FEED_MAX ? max - TUI_FEED_MAX : 0;
}

/* The live events the follower hands out, all of them (the feed keeps the newest). */
static AllotStatus follow(TuiFeed *f, ErrBuf *err)
{
    EventRow rows[TUI_FEED_MAX];
    size_t n;
    do {
        AllotStatus st = follower_read(f->follower, rows, TUI_FEED_MAX, &n, err);
        if (st != ALLOT_OK)
            return st;
        for (size_t i = 0; i < n; i++) {
            TuiFeedItem it = {.id = rows[i].id, .at = rows[i].at, .ev = rows[i].ev};
            add(f, &it);
            if (rows[i].id > f->last_id)
                f->last_id = rows[i].id;
        }
        f->got |= n > 0;
    } while (n == TUI_FEED_MAX);
    return ALLOT_OK;
}

AllotStatus tui_feed_poll(TuiFeed *f, TuiSource *live, ErrBuf *err)
{
    f->got = false;
    int64_t max = 0;
    AllotStatus st = live->ops->max_event_id(live, &max, err);
    if (st != ALLOT_OK)
        return st;
    if (f->paused) {
        f->paused_new = max > f->last_id ? max - f->last_id : 0;
        return ALLOT_OK;
    }
    if (f->follower)
        return follow(f, err);
    if (max <= f->last_id)
        return ALLOT_OK;
    if (max - f->last_id > TUI_FEED_MAX)
        f->last_id = max - TUI_FEED_MAX;
    TuiFeedVec fv = {0};
    st = live->ops->events_since(live, f->last_id, TUI_FEED_MAX, &fv, err);
    for (size_t i = 0; st == ALLOT_OK && i < fv.len; i++) {
        fv.items[i].whatif = false;
        add(f, &fv.items[i]);
        f->last_id = fv.items[i].id;
    }
    tui_feed_fini(&fv);
    return st;
}

void tui_feed_add_whatif(TuiFeed *f, const Event *events, size_t n, int64_t first_id, int64_t at)
{
    for (size_t i = 0; i < n; i++) {
        TuiFeedItem it = {.id = first_id + (int64_t)i, .at = at, .ev = events[i], .whatif = true};
        add(f, &it);
    }
}

void tui_feed_drop_whatif(TuiFeed *f)
{
    int k = 0;
    for (int i = 0; i < f->n; i++)
        if (!f->items[i].whatif)
            f->items[k++] = f->items[i];
    f->n = k;
}

void tui_feed_pause(TuiFeed *f, bool paused)
{
    f->paused = paused;
    f->paused_new = 0;
}

void tui_feed_draw(const TuiFeed *f, TuiCanvas *c, int y, int h, int32_t today)
{
    char title[160], line[1024];
    if (f->paused)
        snprintf(title, sizeof title, "── Live events ── PAUSED: %lld new (p resumes) ",
                 (long long)f->paused_new);
    else
        snprintf(title, sizeof title, "── Live events (p pauses) ");
    size_t tl = strlen(title);
    snprintf(line, sizeof line, "%s", title);
    for (int w = tui_text_width(title); w < c->cols && tl + 4 < sizeof line; w++)
        tl += (size_t)snprintf(line + tl, sizeof line - tl, "─");
    tui_canvas_text(c, y, 0, c->cols, line, TS_HEADER, true);
    for (int i = 0; i < h - 1; i++) {
        int idx = f->n - 1 - i;
        if (idx < 0) {
            if (i == 0)
                tui_canvas_text(c, y + 1, 0, c->cols, "  (no events yet)", TS_DIM, true);
            continue;
        }
        TuiRow r;
        memset(&r, 0, sizeof r);
        tui_row_event(&r, &f->items[idx], today);
        bool warn = r.flags & TUI_ROW_WARN_EVENT, mine = r.flags & TUI_ROW_WHATIF;
        snprintf(line, sizeof line, "%s %-11s %-7s %-20s %s", mine ? "Δ" : warn ? "!" : " ",
                 r.cells[1], r.cells[0], r.cells[2], r.cells[3]);
        tui_canvas_text(c, y + 1 + i, 0, c->cols, line, mine ? TS_GOOD : warn ? TS_WARN : TS_NORMAL,
                        true);
    }
}
