#include "net/stats.h"

const int64_t stats_bucket_bounds_us[STATS_BUCKETS] = STATS_BUCKET_BOUNDS_US;

void stats_answer(NetStats *s, size_t route, unsigned status, int64_t micros)
{
    atomic_fetch_add(&s->requests, 1);
    if (route >= STATS_ROUTES)
        route = STATS_ROUTES - 1;
    RouteStats *r = &s->routes[route];
    size_t i = 0;
    for (; i < STATS_STATUS_SLOTS; i++) {
        unsigned have = atomic_load(&r->status[i]);
        if (have == 0) {
            unsigned zero = 0;
            /* Claim the free slot; if another thread took it first, see what for. */
            if (atomic_compare_exchange_strong(&r->status[i], &zero, status))
                break;
            have = zero;
        }
        if (have == status)
            break;
    }
    if (i < STATS_STATUS_SLOTS)
        atomic_fetch_add(&r->answers[i], 1);
    else
        atomic_fetch_add(&r->other, 1);
    size_t b = 0;
    while (b < STATS_BUCKETS && micros > stats_bucket_bounds_us[b])
        b++;
    atomic_fetch_add(&r->bucket[b], 1);
    atomic_fetch_add(&r->micros, micros > 0 ? micros : 0);
}

void stats_command(NetStats *s, CommandType type, AllotStatus outcome, int attempts)
{
    if ((unsigned)type >= CMD_TYPE_COUNT || (unsigned)outcome >= ALLOT_STATUS_COUNT)
        return;
    atomic_fetch_add(&s->commands[type][outcome], 1);
    if (attempts > 1)
        atomic_fetch_add(&s->retries[type], attempts - 1);
}
