/* feed.c — the live event feed (feed.h). */
#include "tui/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

/* ---- the rings ---- */

static TuiFeedGroup *group_at(TuiFeed *f, int i) /* i-th newest */
{
    return i < f->ngroups ? &f->groups[(f->ghead + f->ngroups - 1 - i) % TUI_FEED_GROUPS] : NULL;
}

const TuiFeedGroup *tui_feed_group(const TuiFeed *f, int i)
{
    return i >= 0 ? group_at((TuiFeed *)f, i) : NULL;
}

static const TuiFeedItem *item_at(const TuiFeed *f, int i, int64_t *gseq) /* i-th newest */
{
    if (i >= f->n)
        return NULL;
    int k = (f->head + f->n - 1 - i) % TUI_FEED_MAX;
    *gseq = f->item_group[k];
    return &f->items[k];
}

static void add_item(TuiFeed *f, const TuiFeedItem *it, int64_t gseq)
{
    int k = (f->head + f->n) % TUI_FEED_MAX;
    if (f->n == TUI_FEED_MAX)
        f->head = (f->head + 1) % TUI_FEED_MAX;
    else
        f->n++;
    f->items[k] = *it;
    f->item_group[k] = gseq;
}

static TuiFeedGroup *new_group(TuiFeed *f)
{
    int k = (f->ghead + f->ngroups) % TUI_FEED_GROUPS;
    if (f->ngroups == TUI_FEED_GROUPS)
        f->ghead = (f->ghead + 1) % TUI_FEED_GROUPS;
    else
        f->ngroups++;
    TuiFeedGroup *g = &f->groups[k];
    memset(g, 0, sizeof *g);
    g->seq = f->next_seq++;
    return g;
}

/* ---- grouping ---- */

/* The command whose first event is `e`, in the command line's words (SPEC.md §4):
 * its name into kind, and the command with its arguments into label. */
static void command_words(const Event *e, char kind[24], char *label, size_t size)
{
    char d[ALLOT_DATE_TEXT] = "-";
    switch (e->undoes > 0 ? -1 : (int)e->type) {
    case -1:
        snprintf(kind, 24, "undo");
        snprintf(label, size, "undo %lld", (long long)e->undoes);
        break;
    case EV_ALLOCATED:
    case EV_OUT_OF_STOCK:
        snprintf(kind, 24, "allocate");
        snprintf(label, size, "allocate %s %s %lld", e->orderid, e->sku, (long long)e->qty);
        break;
    case EV_BATCH_CREATED:
        snprintf(kind, 24, "add-batch");
        if (e->eta != ALLOT_NO_ETA)
            date_format(e->eta, d);
        snprintf(label, size, "add-batch %s %s %lld %s", e->batchref, e->sku, (long long)e->qty, d);
        break;
    case EV_BATCH_QTY_CHANGED:
        snprintf(kind, 24, "change-qty");
        snprintf(label, size, "change-qty %s %lld", e->batchref, (long long)e->new_qty);
        break;
    case EV_BATCH_ETA_CHANGED:
        snprintf(kind, 24, "set-eta");
        if (e->new_eta != ALLOT_NO_ETA)
            date_format(e->new_eta, d);
        snprintf(label, size, "set-eta %s %s", e->batchref, d);
        break;
    case EV_ORDER_LINE_CANCELLED:
        snprintf(kind, 24, "cancel");
        snprintf(label, size, "cancel %s %s", e->orderid, e->sku);
        break;
    default: /* not the first event of any command the CLI sends */
        snprintf(kind, 24, "%s", event_type_name(e->type));
        event_describe(e, label, size);
        break;
    }
}

static bool warns(const Event *e) { return e->type == EV_OUT_OF_STOCK || e->type == EV_DEALLOCATED; }

/* Folds live event `it` into the newest group, or starts a group with it. */
static void fold(TuiFeed *f, const TuiFeedItem *it)
{
    TuiFeedGroup *g = group_at(f, 0);
    const Event *e = &it->ev;
    bool live = g && !g->whatif && e->command_id > 0 && g->commands > 0;
    if (!(live && e->command_id == g->command_id)) { /* the first event of a command */
        char kind[24], label[sizeof g->label];
        command_words(e, kind, label, sizeof label);
        if (live && e->command_id > g->command_id && strcmp(kind, g->kind) == 0 &&
            strcmp(e->actor, g->last.ev.actor) == 0) {
            g->commands++; /* the next command of a run */
        } else {
            g = new_group(f);
            g->first_id = it->id;
            g->commands = e->command_id > 0;
            snprintf(g->kind, sizeof g->kind, "%s", e->command_id > 0 ? kind : "");
            snprintf(g->label, sizeof g->label, "%s", label);
        }
        g->command_id = e->command_id;
    }
    g->events++;
    g->last = *it;
    g->warn |= warns(e);
    add_item(f, it, g->seq);
    if (it->id > f->last_id)
        f->last_id = it->id;
    if (it->id > f->seen_id)
        f->unseen++;
    f->got = true;
}

/* ---- reading the log ---- */

void tui_feed_init(TuiFeed *f, TuiSource *live, EventFollower *follower)
{
    memset(f, 0, sizeof *f);
    f->follower = follower;
    int64_t max = 0;
    ErrBuf err = {{0}};
    if (live->ops->max_event_id(live, &max, &err) != ALLOT_OK)
        max = 0;
    /* the first event read is the one at start_id: a group holding it may have
     * begun before it */
    f->start_id = !follower && max > TUI_FEED_BACK ? max - TUI_FEED_BACK : 0;
    f->last_id = f->start_id ? f->start_id - 1 : follower ? max : 0;
    f->max_id = f->seen_id = max;
}

/* The live events the follower hands out, all of them. */
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
            fold(f, &it);
        }
    } while (n == TUI_FEED_MAX);
    if (f->last_id > f->max_id)
        f->max_id = f->last_id;
    return ALLOT_OK;
}

AllotStatus tui_feed_poll(TuiFeed *f, TuiSource *live, ErrBuf *err)
{
    enum { PAGE = 512 };
    f->got = false;
    int64_t max = 0;
    AllotStatus st = live->ops->max_event_id(live, &max, err);
    if (st != ALLOT_OK)
        return st;
    if (max > f->max_id)
        f->max_id = max;
    if (f->paused) {
        f->paused_new = max > f->last_id ? max - f->last_id : 0;
        return ALLOT_OK;
    }
    if (f->follower)
        return follow(f, err);
    TuiFeedVec fv = {0};
    for (int64_t budget = TUI_FEED_READ_MAX; st == ALLOT_OK && budget > 0 && f->last_id < max;) {
        size_t want = budget < PAGE ? (size_t)budget : PAGE;
        fv.len = 0;
        st = live->ops->events_since(live, f->last_id, want, &fv, err);
        for (size_t i = 0; st == ALLOT_OK && i < fv.len; i++) {
            fv.items[i].whatif = false;
            fold(f, &fv.items[i]);
        }
        budget -= (int64_t)want;
        if (fv.len < want)
            break; /* the log's end (ids to max may be missing: PostgreSQL's gaps) */
    }
    tui_feed_fini(&fv);
    return st;
}

bool tui_feed_behind(const TuiFeed *f) { return !f->paused && !f->follower && f->last_id < f->max_id; }

void tui_feed_look(TuiFeed *f)
{
    f->seen_id = f->last_id > f->max_id ? f->last_id : f->max_id;
    f->unseen = 0;
}

int64_t tui_feed_new(const TuiFeed *f)
{
    int64_t read_to = f->last_id > f->seen_id ? f->last_id : f->seen_id;
    return f->unseen + (f->max_id > read_to ? f->max_id - read_to : 0);
}

void tui_feed_add_whatif(TuiFeed *f, const Event *events, size_t n, int64_t first_id, int64_t at)
{
    if (n == 0)
        return;
    TuiFeedGroup *g = new_group(f);
    g->whatif = true;
    g->first_id = first_id;
    g->commands = 1;
    command_words(&events[0], g->kind, g->label, sizeof g->label);
    for (size_t i = 0; i < n; i++) {
        TuiFeedItem it = {.id = first_id + (int64_t)i, .at = at, .ev = events[i], .whatif = true};
        g->events++;
        g->last = it;
        g->warn |= warns(&events[i]);
        add_item(f, &it, g->seq);
    }
}

void tui_feed_drop_whatif(TuiFeed *f)
{
    TuiFeed *keep = xcalloc(1, sizeof *keep); /* the two rings, rebuilt */
    for (int i = f->ngroups - 1; i >= 0; i--)
        if (!group_at(f, i)->whatif)
            keep->groups[keep->ngroups++] = *group_at(f, i);
    for (int i = f->n - 1; i >= 0; i--) {
        int64_t gseq;
        const TuiFeedItem *it = item_at(f, i, &gseq);
        if (!it->whatif)
            add_item(keep, it, gseq);
    }
    memcpy(f->groups, keep->groups, sizeof f->groups);
    memcpy(f->items, keep->items, sizeof f->items);
    memcpy(f->item_group, keep->item_group, sizeof f->item_group);
    f->ghead = f->head = 0;
    f->ngroups = keep->ngroups;
    f->n = keep->n;
    free(keep);
}

void tui_feed_pause(TuiFeed *f, bool paused)
{
    f->paused = paused;
    f->paused_new = 0;
}

/* ---- drawing ---- */

const char *tui_feed_group_text(const TuiFeedGroup *g, char *buf, size_t size)
{
    char ev[32], cmds[32];
    const char *more = g->partial ? "+" : "";
    tui_thousands(g->events, ev, sizeof ev);
    tui_thousands(g->commands, cmds, sizeof cmds);
    int w;
    if (g->commands > 1)
        w = snprintf(buf, size, "%s%s ×%s%s: %s%s events", g->whatif ? "what-if: " : "", g->kind,
                     cmds, more, ev, more);
    else
        w = snprintf(buf, size, "%s%s: %s%s event%s", g->whatif ? "what-if: " : "", g->label, ev,
                     more, g->events == 1 && !g->partial ? "" : "s");
    if (w >= 0 && (size_t)w < size && g->last.ev.actor[0])
        snprintf(buf + w, size - (size_t)w, " (%s)", g->last.ev.actor);
    return buf;
}

/* One event's row: its mark, time, id, type and details (indented under its group's
 * row when `under`). */
static void event_line(const TuiFeedItem *it, bool under, int32_t today, char *line, size_t size,
                       TuiStyle *style)
{
    TuiRow r;
    memset(&r, 0, sizeof r);
    tui_row_event(&r, it, today);
    bool warn = r.flags & TUI_ROW_WARN_EVENT, mine = r.flags & TUI_ROW_WHATIF;
    snprintf(line, size, "%s %-11s %-7s %s%-*s %s", mine ? "Δ" : warn ? "!" : " ", r.cells[1],
             r.cells[0], under ? "└ " : "", under ? 18 : 20, r.cells[2], r.cells[3]);
    *style = mine ? TS_GOOD : warn ? TS_WARN : TS_NORMAL;
}

/* The row of a group of several events: its newest event's time and id, then what
 * tui_feed_group_text says. */
static void group_line(const TuiFeed *f, const TuiFeedGroup *g, int32_t today, char *line,
                       size_t size, TuiStyle *style)
{
    TuiFeedGroup shown = *g;
    shown.partial = f->start_id > 0 && g->first_id <= f->start_id && !g->whatif;
    TuiRow r;
    memset(&r, 0, sizeof r);
    tui_row_event(&r, &g->last, today);
    char text[320];
    snprintf(line, size, "%s %-11s %-7s %s", g->whatif ? "Δ" : g->warn ? "!" : "▸", r.cells[1],
             r.cells[0], tui_feed_group_text(&shown, text, sizeof text));
    *style = g->whatif ? TS_GOOD : TS_HEADER;
}

void tui_feed_draw(const TuiFeed *f, TuiCanvas *c, int y, int h, int32_t today)
{
    char title[160], line[1024];
    int64_t fresh = tui_feed_new(f);
    if (f->paused)
        snprintf(title, sizeof title, "── Live events ── PAUSED: %lld new (p resumes) ",
                 (long long)f->paused_new);
    else if (fresh > 0) {
        char n[32];
        snprintf(title, sizeof title, "── Live events (p pauses) ── +%s new since you looked (F) ",
                 tui_thousands(fresh, n, sizeof n));
    } else
        snprintf(title, sizeof title, "── Live events (p pauses) ");
    size_t tl = strlen(title);
    snprintf(line, sizeof line, "%s", title);
    for (int w = tui_text_width(title); w < c->cols && tl + 4 < sizeof line; w++)
        tl += (size_t)snprintf(line + tl, sizeof line - tl, "─");
    tui_canvas_text(c, y, 0, c->cols, line, TS_HEADER, true);
    int row = y + 1, end = y + h;
    if (f->ngroups == 0 && h > 1)
        tui_canvas_text(c, row, 0, c->cols, "  (no events yet)", TS_DIM, true);
    for (int gi = 0; gi < f->ngroups && row < end; gi++) {
        const TuiFeedGroup *g = tui_feed_group(f, gi);
        TuiStyle style;
        if (g->events == 1) {
            event_line(&g->last, false, today, line, sizeof line, &style);
            tui_canvas_text(c, row++, 0, c->cols, line, style, true);
            continue;
        }
        group_line(f, g, today, line, sizeof line, &style);
        tui_canvas_text(c, row++, 0, c->cols, line, style, true);
        if (gi > 0)
            continue;
        /* the newest group's newest events under it, leaving a row for the one before */
        int room = end - row - (f->ngroups > 1 ? 1 : 0);
        for (int i = 0, shown = 0; shown < room; i++) {
            int64_t gseq;
            const TuiFeedItem *it = item_at(f, i, &gseq);
            if (!it)
                break;
            if (gseq != g->seq)
                continue;
            event_line(it, true, today, line, sizeof line, &style);
            tui_canvas_text(c, row++, 0, c->cols, line, style, true);
            shown++;
        }
    }
}
