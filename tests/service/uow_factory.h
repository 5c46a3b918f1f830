/* uow_factory.h — how the service suite (test_service.c) obtains its unit of work.
 *
 * test_service.c is built once per UnitOfWork implementation, each time linked with
 * one uow_factory_*.c that defines these three functions (tests/service/CMakeLists.txt).
 * An implementation joins the suite by adding a factory file and one
 * add_unit_test line; the tests themselves are not copied.
 */
#ifndef ALLOT_TESTS_UOW_FACTORY_H
#define ALLOT_TESTS_UOW_FACTORY_H

#include "app/unit_of_work.h"
#include "domain/events.h"

/* A new, empty store (no products, no events).  Owned by the caller; free with
 * test_uow_free. */
UnitOfWork *test_uow_new(void);

/* Frees `uow` and anything the factory made for it (e.g. a temporary file). */
void test_uow_free(UnitOfWork *uow);

/* Copies the committed event log of `uow`, oldest first, into `out` (which is
 * cleared first). */
void test_uow_events(UnitOfWork *uow, EventVec *out);

#endif
