#include <criterion/criterion.h>

#include "app/bootstrap.h"
#include "persistence/memory_uow.h"

Test(service, a_handlers_work_is_committed)
{
    UnitOfWork *uow = memory_uow_new();
    MessageBus *bus = bootstrap(uow, NULL, NULL, NULL);
    ErrBuf err;
    Command c = command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA);
    cr_assert_eq(bus_handle(bus, &c, NULL, &err), ALLOT_OK);
    cr_assert_eq(memory_uow_product_count(uow), 1);
    bus_free(bus);
    uow_free(uow);
}
