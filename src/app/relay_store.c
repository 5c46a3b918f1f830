#include "app/relay_store.h"

AllotStatus relay_store_lease(RelayStore *s, const char *name, const char *owner, int ttl_ms,
                              const char *steal_from, RelayLease *out, ErrBuf *err)
{
    return s->ops->lease(s, name, owner, ttl_ms, steal_from, out, err);
}

AllotStatus relay_store_advance(RelayStore *s, const char *name, const char *owner,
                                EventCursor position, ErrBuf *err)
{
    return s->ops->advance(s, name, owner, position, err);
}

AllotStatus relay_store_release(RelayStore *s, const char *name, const char *owner, ErrBuf *err)
{
    return s->ops->release(s, name, owner, err);
}

void relay_store_free(RelayStore *s)
{
    if (s)
        s->ops->destroy(s);
}
