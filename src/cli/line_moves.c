#include "cli/line_moves.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/xalloc.h"

void line_moves_init(LineMoves *m) { memset(m, 0, sizeof *m); }

void line_moves_fini(LineMoves *m)
{
    strmap_fini(&m->lines);
    strmap_fini(&m->refs);
    for (size_t i = 0; i < m->nrefs; i++)
        free(m->ref_names[i]);
    for (size_t i = 0; i < m->n; i++)
        free(m->items[i].key);
    free(m->ref_names);
    free(m->items);
    memset(m, 0, sizeof *m);
}

static uint32_t place_of(LineMoves *m, const char *ref)
{
    if (!ref || !ref[0])
        return 0;
    uint64_t n;
    if (strmap_get(&m->refs, ref, &n))
        return (uint32_t)n;
    if (m->nrefs % 16 == 0)
        m->ref_names = xreallocarray(m->ref_names, m->nrefs + 16, sizeof *m->ref_names);
    m->ref_names[m->nrefs++] = xstrdup(ref);
    strmap_put(&m->refs, ref, m->nrefs);
    return (uint32_t)m->nrefs;
}

void line_moves_note(LineMoves *m, const Event *ev)
{
    const char *from, *to;
    switch (ev->type) {
    case EV_REALLOCATED:
        from = ev->batchref, to = ev->to;
        break;
    case EV_DEALLOCATED:
        from = ev->batchref, to = NULL;
        break;
    case EV_ALLOCATED: /* a backorder that found a batch */
        from = NULL, to = ev->batchref;
        break;
    default:
        return;
    }
    char key[2 * ALLOT_ID_MAX + 4];
    strmap_pair(ev->orderid, ev->sku, key, sizeof key);
    uint64_t i;
    if (strmap_get(&m->lines, key, &i)) {
        m->items[i].to = place_of(m, to);
        m->items[i].qty = ev->qty;
        return;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->items = xreallocarray(m->items, m->cap, sizeof *m->items);
    }
    uint32_t f = place_of(m, from), t = place_of(m, to);
    strmap_put(&m->lines, key, m->n);
    m->items[m->n++] = (LineMoveItem){xstrdup(key), ev->qty, f, t};
}

bool line_moves_at(const LineMoves *m, size_t i, LineMove *out)
{
    const LineMoveItem *it = &m->items[i];
    const char *sep = strchr(it->key, '\x1f');
    size_t lo = sep ? (size_t)(sep - it->key) : strlen(it->key);
    snprintf(out->orderid, sizeof out->orderid, "%.*s", (int)lo, it->key);
    snprintf(out->sku, sizeof out->sku, "%s", sep ? sep + 1 : "");
    out->qty = it->qty;
    out->from = it->from ? m->ref_names[it->from - 1] : NULL;
    out->to = it->to ? m->ref_names[it->to - 1] : NULL;
    return it->from != it->to;
}
