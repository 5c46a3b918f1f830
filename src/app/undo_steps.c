/* Which command undo and redo mean (undo_steps.h). */
#include "app/undo_steps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

typedef struct IdSet {
    int64_t *ids;
    size_t len, cap;
} IdSet;

static bool set_has(const IdSet *s, int64_t id)
{
    for (size_t i = 0; i < s->len; i++)
        if (s->ids[i] == id)
            return true;
    return false;
}

static void set_add(IdSet *s, int64_t id)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->ids = xreallocarray(s->ids, s->cap, sizeof *s->ids);
    }
    s->ids[s->len++] = id;
}

/* Whether command `id` is an undo (of a change) rather than a change (a plain
 * command, or a redo): an undo of a change is an undo, an undo of an undo is a
 * redo, a change.  Reads the first event of each command down the chain. */
static AllotStatus is_undo(Views *v, int64_t id, bool *undo, ErrBuf *err)
{
    bool flip = false;
    for (int depth = 0; depth < 64 && id > 0; depth++) {
        EventRow e;
        size_t n = 0;
        ViewPage pg = {.limit = 1};
        AllotStatus st = views_command_events(v, id, 0, &pg, &e, &n, err);
        if (st != ALLOT_OK)
            return st;
        if (n == 0 || e.ev.undoes <= 0)
            break; /* a plain command (or one the log no longer holds) */
        flip = !flip;
        id = e.ev.undoes;
    }
    *undo = flip;
    return ALLOT_OK;
}

AllotStatus undo_step_find(Views *v, bool redo, UndoStep *out, ErrBuf *err)
{
    memset(out, 0, sizeof *out);
    IdSet seen = {0}, undone = {0};
    enum { PAGE = 128 };
    EventRow *rows = xcalloc(PAGE, sizeof *rows);
    int64_t anchor = 0; /* 0: the newest page */
    bool done = false;
    AllotStatus st = ALLOT_OK;
    while (!done && st == ALLOT_OK) {
        size_t n = 0;
        ViewPage pg = {.limit = PAGE, .backward = true};
        st = views_events(v, anchor ? anchor : INT64_MAX, &pg, rows, &n, err);
        if (st != ALLOT_OK)
            break;
        for (size_t i = n; i-- > 0 && !done;) {
            const Event *e = &rows[i].ev;
            int64_t c = e->command_id;
            if (out->target) { /* the found command's earlier events, down to its first */
                if (c != out->target) {
                    done = true;
                    break;
                }
                out->first = rows[i];
                out->nevents++;
                continue;
            }
            if (c <= 0) {
                snprintf(out->why, sizeof out->why,
                         "nothing to %s: event %lld was logged before commands had ids",
                         redo ? "redo" : "undo", (long long)rows[i].id);
                done = true;
                break;
            }
            if (set_has(&seen, c))
                continue;
            set_add(&seen, c);
            if (seen.len > UNDO_STEPS_MAX) {
                snprintf(out->why, sizeof out->why, "nothing to %s in the last %d commands",
                         redo ? "redo" : "undo", UNDO_STEPS_MAX);
                done = true;
                break;
            }
            if (set_has(&undone, c))
                continue; /* undone by a later command in effect */
            bool undo = false;
            if (e->undoes > 0 && (st = is_undo(v, e->undoes, &undo, err)) != ALLOT_OK)
                break;
            undo = e->undoes > 0 && !undo; /* an undo of a change, not of an undo */
            if (!redo && !undo) {
                out->target = c; /* the newest change in effect */
            } else if (!redo) {
                set_add(&undone, e->undoes); /* what this undo took back stays undone */
            } else if (undo) {
                out->target = c; /* the newest undo in effect: undoing it redoes */
                out->redo = true;
                out->undoes = e->undoes;
            } else if (e->undoes > 0) {
                set_add(&undone, e->undoes); /* a redo in effect: its undo is undone */
            } else {
                snprintf(out->why, sizeof out->why,
                         "nothing to redo: command %lld (%s) changed the data after the last "
                         "undo",
                         (long long)c, event_type_name(e->type));
                done = true;
            }
            if (out->target) {
                out->first = rows[i];
                out->nevents = 1;
            }
        }
        if (n < PAGE)
            break;
        anchor = rows[0].id;
    }
    if (st == ALLOT_OK && !out->target && !out->why[0])
        snprintf(out->why, sizeof out->why, "nothing to %s: %s", redo ? "redo" : "undo",
                 seen.len ? (redo ? "no change has been undone" : "every change is undone")
                          : "the event log is empty");
    if (st != ALLOT_OK)
        out->target = 0;
    free(rows);
    free(seen.ids);
    free(undone.ids);
    return st;
}
