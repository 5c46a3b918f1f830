/* follower.c — the follower API (follower.h) and the polling follower over a read
 * model whose ids are commit order. */
#include "app/follower.h"

#include <stdlib.h>
#include <time.h>

#include "domain/xalloc.h"

AllotStatus follower_read(EventFollower *f, EventRow *rows, size_t limit, size_t *n,
                          ErrBuf *err)
{
    *n = 0;
    return f->ops->read(f, rows, limit, n, err);
}

AllotStatus follower_wait(EventFollower *f, int timeout_ms, ErrBuf *err)
{
    return f->ops->wait(f, timeout_ms < 0 ? 0 : timeout_ms, err);
}

int follower_fd(EventFollower *f) { return f->ops->fd(f); }

EventCursor follower_position(const EventFollower *f) { return f->pos; }

void follower_free(EventFollower *f)
{
    if (f)
        f->ops->destroy(f);
}

/* ---- the polling follower ---- */

typedef struct ViewsFollower {
    EventFollower base;
    Views *views;
    bool owns;
    int poll_ms;
} ViewsFollower;

static AllotStatus vf_read(EventFollower *f, EventRow *rows, size_t limit, size_t *n,
                           ErrBuf *err)
{
    ViewsFollower *v = (ViewsFollower *)f;
    ViewPage page = {.limit = limit};
    AllotStatus st = views_events(v->views, f->pos.id, &page, rows, n, err);
    if (st != ALLOT_OK) {
        *n = 0;
        return st;
    }
    if (*n)
        f->pos.id = rows[*n - 1].id;
    return ALLOT_OK;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static AllotStatus vf_wait(EventFollower *f, int timeout_ms, ErrBuf *err)
{
    ViewsFollower *v = (ViewsFollower *)f;
    for (int waited = 0;;) {
        int64_t last = 0;
        AllotStatus st = views_latest_event_id(v->views, &last, err);
        if (st != ALLOT_OK || last > f->pos.id || waited >= timeout_ms)
            return st;
        int step = timeout_ms - waited < v->poll_ms ? timeout_ms - waited : v->poll_ms;
        sleep_ms(step);
        waited += step;
    }
}

static int vf_fd(EventFollower *f)
{
    (void)f;
    return -1;
}

static void vf_destroy(EventFollower *f)
{
    ViewsFollower *v = (ViewsFollower *)f;
    if (v->owns)
        views_free(v->views);
    free(v);
}

static const EventFollowerOps views_follower_ops = {vf_read, vf_wait, vf_fd, vf_destroy};

EventFollower *follower_on_views(Views *views, bool owns_views, const FollowStart *start,
                                 int poll_ms)
{
    ViewsFollower *v = xcalloc(1, sizeof *v);
    v->base.ops = &views_follower_ops;
    v->views = views;
    v->owns = owns_views;
    v->poll_ms = poll_ms > 0 ? poll_ms : 100;
    int64_t id = start ? (start->from == FOLLOW_AFTER_CURSOR ? start->cursor.id : start->id) : 0;
    v->base.pos = (EventCursor){0, id > 0 ? id : 0};
    return &v->base;
}
