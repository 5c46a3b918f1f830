/* The service suite on the in-memory unit of work (persistence/memory_uow.h). */
#include "uow_factory.h"

#include "persistence/memory_uow.h"

UnitOfWork *test_uow_new(void) { return memory_uow_new(); }

void test_uow_free(UnitOfWork *uow) { uow_free(uow); }

void test_uow_events(UnitOfWork *uow, EventVec *out)
{
    const EventVec *log = memory_uow_event_log(uow);
    event_vec_clear(out);
    for (size_t i = 0; i < log->len; i++)
        event_vec_push(out, &log->items[i]);
}
