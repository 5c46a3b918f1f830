/* The service layer of SPEC.md §2 through the message bus, built by bootstrap().
 *
 * This file does not know which UnitOfWork it runs on: it gets one from
 * test_uow_new() (uow_factory.h) and is built once per implementation. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "app/bootstrap.h"
#include "app/handlers.h"
#include "event_text.h"
#include "uow_factory.h"

/* ---- fakes ---- */

typedef struct {
    Notifier base;
    EventVec sent;
    AllotStatus fail_with; /* ALLOT_OK: accept */
} FakeNotifier;

static AllotStatus fake_send(Notifier *self, const Event *ev, ErrBuf *err)
{
    FakeNotifier *n = (FakeNotifier *)self;
    event_vec_push(&n->sent, ev);
    if (n->fail_with != ALLOT_OK)
        return err_set(err, n->fail_with, "hook exited with status 7");
    return ALLOT_OK;
}

typedef struct {
    Logger base;
    char lines[16][ALLOT_ERR_MAX + 64];
    int count;
} FakeLogger;

static void fake_log(Logger *self, const char *line)
{
    FakeLogger *l = (FakeLogger *)self;
    if (l->count < 16)
        snprintf(l->lines[l->count], sizeof l->lines[0], "%s", line);
    l->count++;
}

typedef struct {
    Clock base;
    int64_t now;
} FakeClock;

static int64_t fake_now(Clock *self) { return ((FakeClock *)self)->now; }

/* ---- fixture ---- */

static UnitOfWork *uow;
static MessageBus *bus;
static FakeNotifier notifier;
static FakeLogger logger;
static FakeClock fclock;
static CommandResult res;
static ErrBuf err;
static char buf[16384];

static void setup(void)
{
    memset(&notifier, 0, sizeof notifier);
    notifier.base.send = fake_send;
    memset(&logger, 0, sizeof logger);
    logger.base.log = fake_log;
    fclock.base.now = fake_now;
    fclock.now = 1795910400;
    uow = test_uow_new();
    bus = bootstrap(uow, &notifier.base, &fclock.base, &logger.base);
    bus_set_retry(bus, 4, 0);
    command_result_init(&res);
    memset(&err, 0, sizeof err);
}

static void teardown(void)
{
    command_result_fini(&res);
    bus_free(bus);
    test_uow_free(uow);
    event_vec_fini(&notifier.sent);
}

TestSuite(service, .init = setup, .fini = teardown);

/* Runs `cmd` with a fresh result. */
static AllotStatus run(Command cmd)
{
    command_result_fini(&res);
    command_result_init(&res);
    memset(&err, 0, sizeof err);
    return bus_handle(bus, &cmd, &res, &err);
}

static void ok(Command cmd)
{
    AllotStatus st = run(cmd);
    cr_assert_eq(st, ALLOT_OK, "%s: %s %s", command_type_name(cmd.type), allot_status_name(st),
                 err.msg);
}

static const char *result_events(void) { return events_text(&res.events, 0, buf, sizeof buf); }

/* The committed event log from index `from` on, as text. */
static const char *log_events(size_t from)
{
    EventVec v;
    event_vec_init(&v);
    test_uow_events(uow, &v);
    events_text(&v, from, buf, sizeof buf);
    event_vec_fini(&v);
    return buf;
}

static size_t log_len(void)
{
    EventVec v;
    event_vec_init(&v);
    test_uow_events(uow, &v);
    size_t n = v.len;
    event_vec_fini(&v);
    return n;
}

/* The committed state of the products named in `skus` (NULL-terminated) plus the
 * event log, read through a unit of work of its own that is rolled back. */
static const char *store_text(const char *const *skus)
{
    size_t used = 0;
    ErrBuf e2;
    cr_assert_eq(uow_begin(uow, &e2), ALLOT_OK, "%s", e2.msg);
    for (; *skus; skus++) {
        Product *p;
        cr_assert_eq(repository_get(uow_products(uow), *skus, &p, &e2), ALLOT_OK, "%s", e2.msg);
        char one[4096];
        if (p)
            product_text(p, one, sizeof one);
        else
            snprintf(one, sizeof one, "%s none", *skus);
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s\n", one);
    }
    uow_rollback(uow);
    snprintf(buf + used, sizeof buf - used, "log %zu", log_len());
    return buf;
}

static const char *const SKUS[] = {"LAMP", "DESK", "NOPE", NULL};

static int32_t day(const char *text)
{
    int32_t d;
    cr_assert_eq(validate_eta(text, &d, &err), ALLOT_OK);
    return d;
}

/* ---- a handler's work is committed ---- */

Test(service, a_handlers_work_is_committed)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 3));
    cr_assert_str_eq(res.batchref, "B1");
    cr_assert_eq(res.attempts, 1);
    cr_assert_str_eq(store_text(SKUS), "LAMP v2 | B1 10/3 - | o1 3 B1\nDESK none\nNOPE none\nlog 2");
    cr_assert_str_eq(log_events(0), "BatchCreated B1 10 -; Allocated o1 3 B1");
}

Test(service, allocate_reports_backordered_as_an_empty_batch_reference)
{
    ok(command_create_batch("B1", "LAMP", 2, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 3));
    cr_assert_str_eq(res.batchref, "");
    cr_assert_str_eq(result_events(), "OutOfStock o1 3");
}

Test(service, each_product_keeps_its_own_batches_and_lines)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_create_batch("D1", "DESK", 1, day("2027-01-01")));
    ok(command_allocate("o1", "DESK", 1));
    ok(command_allocate("o1", "LAMP", 4));
    cr_assert_str_eq(res.batchref, "B1", "(o1, LAMP) and (o1, DESK) are two lines");
    cr_assert_str_eq(store_text(SKUS), "LAMP v2 | B1 10/4 - | o1 4 B1\n"
                                       "DESK v2 | D1 1/1 2027-01-01 | o1 1 D1\nNOPE none\nlog 4");
}

/* ---- refusals change nothing ---- */

Test(service, an_unknown_sku_is_refused_with_invalid_sku_and_nothing_changes)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 3));
    char before[16384];
    strcpy(before, store_text(SKUS));
    cr_assert_eq(run(command_allocate("o2", "NOPE", 3)), ALLOT_EINVALID_SKU);
    cr_assert_str_eq(err.msg, "invalid sku NOPE");
    cr_assert_eq(res.events.len, 0);
    cr_assert_str_eq(store_text(SKUS), before);
    cr_assert_eq(notifier.sent.len, 0);
}

Test(service, cancelling_a_line_of_an_unknown_sku_is_refused_with_invalid_sku)
{
    cr_assert_eq(run(command_cancel_line("o1", "NOPE")), ALLOT_EINVALID_SKU);
    cr_assert_str_eq(err.msg, "invalid sku NOPE");
    cr_assert_str_eq(store_text(SKUS), "LAMP none\nDESK none\nNOPE none\nlog 0");
}

Test(service, commands_on_unknown_batches_or_lines_are_refused_and_change_nothing)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 3));
    char before[16384];
    strcpy(before, store_text(SKUS));
    cr_assert_eq(run(command_change_batch_qty("B9", 5)), ALLOT_EUNKNOWN_BATCH);
    cr_assert_str_eq(err.msg, "unknown batch reference B9");
    cr_assert_eq(run(command_change_batch_eta("B9", 5)), ALLOT_EUNKNOWN_BATCH);
    cr_assert_eq(run(command_cancel_line("o2", "LAMP")), ALLOT_EUNKNOWN_LINE);
    cr_assert_eq(run(command_allocate("o1", "LAMP", 4)), ALLOT_ELINE_QTY_MISMATCH);
    cr_assert_eq(run(command_allocate_to("o2", "LAMP", 1, "B9")), ALLOT_EUNKNOWN_BATCH);
    cr_assert_eq(run(command_allocate_to("o2", "LAMP", 8, "B1")), ALLOT_ENO_ROOM);
    cr_assert_str_eq(store_text(SKUS), before);
}

Test(service, duplicate_batch_refs_across_different_skus_are_refused)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    char before[16384];
    strcpy(before, store_text(SKUS));
    cr_assert_eq(run(command_create_batch("B1", "DESK", 5, ALLOT_NO_ETA)), ALLOT_EDUPLICATE_BATCH);
    cr_assert(strstr(err.msg, "B1") && strstr(err.msg, "LAMP"), "%s", err.msg);
    cr_assert_str_eq(store_text(SKUS), before, "no DESK product is created");
    cr_assert_eq(run(command_create_batch("B1", "LAMP", 5, ALLOT_NO_ETA)), ALLOT_EDUPLICATE_BATCH);
    cr_assert_str_eq(store_text(SKUS), before);
}

Test(service, allocate_to_a_batch_of_another_sku_is_refused)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_create_batch("D1", "DESK", 10, ALLOT_NO_ETA));
    char before[16384];
    strcpy(before, store_text(SKUS));
    cr_assert_eq(run(command_allocate_to("o1", "DESK", 1, "B1")), ALLOT_ESKU_MISMATCH);
    cr_assert_str_eq(err.msg, "batch B1 holds sku LAMP, not DESK");
    cr_assert_str_eq(store_text(SKUS), before);
}

Test(service, allocate_to_restores_a_line_on_the_named_batch)
{
    ok(command_create_batch("WH", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_create_batch("SHIP", "LAMP", 10, day("2027-01-01")));
    ok(command_allocate_to("o1", "LAMP", 4, "SHIP"));
    cr_assert_str_eq(res.batchref, "SHIP");
    cr_assert_str_eq(result_events(), "Allocated o1 4 SHIP");
    cr_assert_str_eq(store_text(SKUS), "LAMP v3 | WH 10/0 -, SHIP 10/4 2027-01-01 | o1 4 SHIP\n"
                                       "DESK none\nNOPE none\nlog 3");
}

Test(service, a_no_op_command_commits_no_event_and_no_new_version)
{
    ok(command_create_batch("B1", "LAMP", 10, day("2027-01-01")));
    ok(command_allocate("o1", "LAMP", 3));
    char before[16384];
    strcpy(before, store_text(SKUS));
    ok(command_allocate("o1", "LAMP", 3));
    cr_assert_str_eq(res.batchref, "B1");
    ok(command_change_batch_qty("B1", 10));
    ok(command_change_batch_eta("B1", day("2027-01-01")));
    ok(command_allocate_to("o1", "LAMP", 3, "B1"));
    cr_assert_eq(res.events.len, 0);
    cr_assert_str_eq(store_text(SKUS), before);
}

/* ---- events: notifier, reallocation, failing handlers ---- */

Test(service, out_of_stock_reaches_the_notifier)
{
    ok(command_create_batch("B1", "LAMP", 2, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 1));
    cr_assert_eq(notifier.sent.len, 0, "only OutOfStock is sent");
    ok(command_allocate("o2", "LAMP", 5));
    cr_assert_eq(notifier.sent.len, 1);
    const Event *e = &notifier.sent.items[0];
    cr_assert_eq(e->type, EV_OUT_OF_STOCK);
    cr_assert_str_eq(e->orderid, "o2");
    cr_assert_str_eq(e->sku, "LAMP");
    cr_assert_eq(e->qty, 5);
    ok(command_change_batch_qty("B1", 3)); /* a retry: no new OutOfStock */
    cr_assert_eq(notifier.sent.len, 1);
}

Test(service, a_quantity_change_leads_to_reallocation)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_create_batch("B2", "LAMP", 10, day("2027-01-01")));
    ok(command_allocate("o1", "LAMP", 4));
    ok(command_allocate("o2", "LAMP", 4));
    size_t mark = log_len();
    ok(command_change_batch_qty("B1", 5));
    const char *want = "BatchQuantityChanged B1 10>5; Reallocated o2 4 B1>B2";
    cr_assert_str_eq(result_events(), want);
    cr_assert_str_eq(log_events(mark), want);
    cr_assert_str_eq(store_text(SKUS), "LAMP v5 | B1 5/4 -, B2 10/4 2027-01-01 | o1 4 B1, o2 4 B2\n"
                                       "DESK none\nNOPE none\nlog 6");
}

Test(service, a_delay_moves_lines_and_the_events_are_logged)
{
    ok(command_create_batch("SHIP", "LAMP", 10, day("2027-01-01")));
    ok(command_create_batch("LATER", "LAMP", 10, day("2027-03-01")));
    ok(command_allocate("o1", "LAMP", 4));
    size_t mark = log_len();
    ok(command_change_batch_eta("SHIP", day("2027-06-01")));
    const char *want = "BatchEtaChanged SHIP 2027-01-01>2027-06-01; Reallocated o1 4 SHIP>LATER";
    cr_assert_str_eq(result_events(), want);
    cr_assert_str_eq(log_events(mark), want);
}

Test(service, cancelling_a_line_fills_a_backorder_and_logs_both_events)
{
    ok(command_create_batch("B1", "LAMP", 5, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 5));
    ok(command_allocate("o2", "LAMP", 3));
    size_t mark = log_len();
    ok(command_cancel_line("o1", "LAMP"));
    const char *want = "OrderLineCancelled o1 5 B1; Allocated o2 3 B1";
    cr_assert_str_eq(result_events(), want);
    cr_assert_str_eq(log_events(mark), want);
}

static int calls_a, calls_b;
static AllotStatus failing_handler(const Event *ev, HandlerDeps *deps, ErrBuf *e)
{
    (void)ev, (void)deps;
    calls_a++;
    return err_set(e, ALLOT_EIO, "mail server unreachable");
}
static AllotStatus counting_handler(const Event *ev, HandlerDeps *deps, ErrBuf *e)
{
    (void)ev, (void)deps, (void)e;
    calls_b++;
    return ALLOT_OK;
}

Test(service, a_failing_event_handler_does_not_stop_the_others_and_is_logged)
{
    calls_a = calls_b = 0;
    notifier.fail_with = ALLOT_EIO;
    bus_add_event_handler(bus, EV_OUT_OF_STOCK, failing_handler);
    bus_add_event_handler(bus, EV_OUT_OF_STOCK, counting_handler);
    ok(command_create_batch("B1", "LAMP", 1, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 5));
    cr_assert_eq(notifier.sent.len, 1, "the notifier ran (and failed)");
    cr_assert_eq(calls_a, 1);
    cr_assert_eq(calls_b, 1, "the handler after two failing ones still ran");
    cr_assert_eq(logger.count, 2);
    cr_assert_str_eq(logger.lines[0], "handler for OutOfStock failed: hook exited with status 7");
    cr_assert_str_eq(logger.lines[1], "handler for OutOfStock failed: mail server unreachable");
    cr_assert_str_eq(res.events.items[0].orderid, "o1");
    cr_assert_str_eq(store_text(SKUS), "LAMP v2 | B1 1/0 - | o1 5 -\nDESK none\nNOPE none\nlog 2",
                     "the command's change stands");
}

/* Changes the product, then fails: the bus must roll the change back. */
static AllotStatus add_then_fail(const Command *cmd, UnitOfWork *u, CommandResult *r,
                                 ErrBuf *e)
{
    (void)r;
    Product *p;
    AllotStatus st = repository_get(uow_products(u), cmd->sku, &p, e);
    cr_assert_eq(st, ALLOT_OK);
    cr_assert_not_null(p);
    cr_assert_eq(product_add_batch(p, "B2", 50, ALLOT_NO_ETA, e), ALLOT_OK);
    cr_assert_eq(product_allocate(p, cmd->orderid, cmd->qty, ALLOT_NO_DATE, 0, NULL, e), ALLOT_OK);
    return err_set(e, ALLOT_ESTORAGE, "disk full");
}

Test(service, a_failing_command_rolls_back_and_logs_no_event)
{
    ok(command_create_batch("B1", "LAMP", 1, ALLOT_NO_ETA));
    calls_b = 0;
    bus_add_event_handler(bus, EV_ALLOCATED, counting_handler);
    bus_add_event_handler(bus, EV_BATCH_CREATED, counting_handler);
    char before[16384];
    strcpy(before, store_text(SKUS));
    bus_set_command_handler(bus, CMD_ALLOCATE, add_then_fail);
    cr_assert_eq(run(command_allocate("o1", "LAMP", 9)), ALLOT_ESTORAGE);
    cr_assert_str_eq(err.msg, "disk full");
    cr_assert_eq(res.events.len, 0);
    cr_assert_eq(calls_b, 0, "no event of a failed command is handled");
    cr_assert_str_eq(store_text(SKUS), before);
    /* and the store still works */
    bus_set_command_handler(bus, CMD_ALLOCATE, handle_allocate);
    ok(command_allocate("o1", "LAMP", 1));
    cr_assert_str_eq(result_events(), "Allocated o1 1 B1");
}

Test(service, a_refused_command_does_not_leak_events_into_the_next_one)
{
    ok(command_create_batch("B1", "LAMP", 5, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 2));
    cr_assert_eq(run(command_allocate("o1", "LAMP", 3)), ALLOT_ELINE_QTY_MISMATCH);
    ok(command_allocate("o2", "LAMP", 1));
    cr_assert_str_eq(result_events(), "Allocated o2 1 B1");
    cr_assert_str_eq(log_events(0), "BatchCreated B1 5 -; Allocated o1 2 B1; Allocated o2 1 B1");
}

/* ---- bulk work through the bus: all or nothing (SPEC.md §3) ---- */

/* A bus_bulk body: runs `cmds` in order (a refused one is expected when `refused`
 * names its index), then returns `then`. */
typedef struct BulkRun {
    Command cmds[8];
    size_t n;
    long refused;
    AllotStatus then;
    bool nested_refused; /* a bus_bulk inside it was refused */
} BulkRun;

static AllotStatus run_commands(MessageBus *b, void *ctx, ErrBuf *e)
{
    BulkRun *r = ctx;
    for (size_t i = 0; i < r->n; i++) {
        AllotStatus st = bus_handle(b, &r->cmds[i], NULL, e);
        if ((long)i == r->refused)
            cr_assert_neq(st, ALLOT_OK, "command %zu is refused", i);
        else
            cr_assert_eq(st, ALLOT_OK, "command %zu: %s", i, e->msg);
    }
    return r->then == ALLOT_OK ? ALLOT_OK : err_set(e, r->then, "the body gave up");
}

static AllotStatus nest_bulk(MessageBus *b, void *ctx, ErrBuf *e)
{
    BulkRun *r = ctx;
    ErrBuf inner = {{0}};
    r->nested_refused = bus_bulk(b, run_commands, r, &inner) == ALLOT_ESTORAGE;
    return run_commands(b, ctx, e);
}

Test(service, bulk_work_commits_every_step_together)
{
    ok(command_create_batch("B0", "DESK", 1, ALLOT_NO_ETA));
    BulkRun r = {{command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA),
                  command_allocate("o1", "LAMP", 3), command_allocate("o2", "LAMP", 3),
                  command_allocate("o3", "DESK", 1)},
                 4, -1, ALLOT_OK, false};
    cr_assert_eq(bus_bulk(bus, run_commands, &r, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_str_eq(store_text(SKUS), "LAMP v3 | B1 10/6 - | o1 3 B1, o2 3 B1\n"
                                       "DESK v2 | B0 1/1 - | o3 1 B0\nNOPE none\nlog 5");
}

Test(service, bulk_work_with_a_refused_step_commits_nothing)
{
    ok(command_create_batch("B0", "DESK", 1, ALLOT_NO_ETA));
    char before[16384];
    strcpy(before, store_text(SKUS));
    BulkRun r = {{command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA),
                  command_allocate("o1", "DESK", 1),
                  command_create_batch("B1", "DESK", 5, ALLOT_NO_ETA),
                  command_allocate("o2", "LAMP", 3)},
                 4, 2, ALLOT_OK, false};
    cr_assert_eq(bus_bulk(bus, run_commands, &r, &err), ALLOT_ESTORAGE,
                 "the body kept going, the store refuses the commit");
    cr_assert_str_eq(err.msg, "bulk work was rolled back: a step failed");
    cr_assert_str_eq(store_text(SKUS), before);
}

Test(service, bulk_work_whose_body_fails_leaves_nothing_and_returns_its_error)
{
    char before[16384];
    strcpy(before, store_text(SKUS));
    BulkRun r = {{command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA),
                  command_allocate("o1", "LAMP", 3)},
                 2, -1, ALLOT_EINVALID, false};
    cr_assert_eq(bus_bulk(bus, run_commands, &r, &err), ALLOT_EINVALID);
    cr_assert_str_eq(err.msg, "the body gave up");
    cr_assert_str_eq(store_text(SKUS), before);
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA)); /* the ref is free again */
}

Test(service, bulk_work_cannot_be_nested)
{
    BulkRun r = {{command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA)}, 1, -1, ALLOT_OK, false};
    cr_assert_eq(bus_bulk(bus, nest_bulk, &r, &err), ALLOT_OK, "%s", err.msg);
    cr_assert(r.nested_refused, "a bulk inside a bulk is refused");
    cr_assert_str_eq(store_text(SKUS), "LAMP v1 | B1 10/0 - |\nDESK none\nNOPE none\nlog 1",
                     "the outer bulk's work is kept");
    cr_assert_eq(uow_bulk_begin(uow, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_neq(uow_bulk_begin(uow, &err), ALLOT_OK);
    cr_assert_eq(uow_bulk_end(uow, false, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_neq(uow_bulk_end(uow, true, &err), ALLOT_OK, "no bulk work is open");
}

/* ---- the bus itself ---- */

static int conflicts_left;
static AllotStatus conflicting_handler(const Command *cmd, UnitOfWork *u, CommandResult *r,
                                       ErrBuf *e)
{
    if (conflicts_left > 0) {
        conflicts_left--;
        return err_set(e, ALLOT_ECONFLICT, "product LAMP changed underneath");
    }
    return handle_allocate(cmd, u, r, e);
}

Test(service, a_command_that_meets_a_concurrent_update_is_retried)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    bus_set_command_handler(bus, CMD_ALLOCATE, conflicting_handler);
    conflicts_left = 2;
    ok(command_allocate("o1", "LAMP", 3));
    cr_assert_eq(res.attempts, 3);
    cr_assert_eq(bus_conflict_retries(bus), 2);
    cr_assert_str_eq(result_events(), "Allocated o1 3 B1", "events of the successful run only");
}

Test(service, a_command_that_keeps_conflicting_gives_up_after_the_last_attempt)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    bus_set_command_handler(bus, CMD_ALLOCATE, conflicting_handler);
    conflicts_left = 100;
    cr_assert_eq(run(command_allocate("o1", "LAMP", 3)), ALLOT_ECONFLICT);
    cr_assert_eq(res.attempts, 4);
    cr_assert_str_eq(err.msg, "product LAMP changed underneath (gave up after 4 attempts)");
    cr_assert_str_eq(store_text(SKUS), "LAMP v1 | B1 10/0 - |\nDESK none\nNOPE none\nlog 1");
}

Test(service, a_command_without_a_handler_is_a_usage_error)
{
    HandlerDeps d = {.uow = uow};
    MessageBus *bare = bus_new(&d);
    Command c = command_allocate("o1", "LAMP", 1);
    cr_assert_eq(bus_handle(bare, &c, NULL, &err), ALLOT_EUSAGE);
    cr_assert_str_eq(err.msg, "no handler for command Allocate");
    bus_free(bare);
}

static HandlerDeps deps_seen;
static AllotStatus keep_deps(const Event *ev, HandlerDeps *d, ErrBuf *e)
{
    (void)ev, (void)e;
    deps_seen = *d;
    return ALLOT_OK;
}

Test(service, bootstrap_hands_the_same_dependencies_to_every_handler)
{
    bus_add_event_handler(bus, EV_BATCH_CREATED, keep_deps);
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    cr_assert_eq(deps_seen.uow, uow);
    cr_assert_eq(deps_seen.notifier, &notifier.base);
    cr_assert_eq(deps_seen.clock->now(deps_seen.clock), 1795910400);
    cr_assert_eq(deps_seen.logger, &logger.base);
    cr_assert(bus_works_on(bus, uow));
    MessageBus *dflt = bootstrap(uow, NULL, NULL, NULL);
    bus_add_event_handler(dflt, EV_BATCH_CREATED, keep_deps);
    Command c = command_create_batch("B2", "LAMP", 10, ALLOT_NO_ETA);
    cr_assert_eq(bus_handle(dflt, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(deps_seen.notifier, notifier_none());
    cr_assert_eq(deps_seen.clock, clock_system());
    cr_assert_eq(deps_seen.logger, logger_stderr());
    UnitOfWork *other = test_uow_new();
    cr_assert_not(bus_works_on(dflt, other));
    test_uow_free(other);
    bus_free(dflt);
}

/* ---- the UnitOfWork contract itself (unit_of_work.h), through the port ---- */

Test(service, a_rolled_back_unit_of_work_forgets_every_change)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    char before[16384];
    strcpy(before, store_text(SKUS));
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK, "%s", err.msg);
    Product *p;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &p, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(p, "o1", 3, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    Product *d = product_new("DESK");
    cr_assert_eq(repository_add(uow_products(uow), d, &err), ALLOT_OK);
    cr_assert_eq(product_add_batch(d, "D1", 1, ALLOT_NO_ETA, &err), ALLOT_OK);
    uow_rollback(uow);
    cr_assert_str_eq(store_text(SKUS), before);
}

Test(service, a_product_loaded_twice_in_one_unit_of_work_is_the_same_object)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK, "%s", err.msg);
    Product *a, *b, *c;
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &a, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(a, "o1", 3, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(repository_get_by_batchref(uow_products(uow), "B1", &b, &err), ALLOT_OK);
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &c, &err), ALLOT_OK);
    cr_assert_eq(a, b);
    cr_assert_eq(a, c);
    cr_assert_not_null(product_find_line(b, "o1"), "the change is visible through both");
    cr_assert_eq(repository_get(uow_products(uow), "NOPE", &c, &err), ALLOT_OK);
    cr_assert_null(c);
    cr_assert_eq(repository_get_by_batchref(uow_products(uow), "B9", &c, &err), ALLOT_OK);
    cr_assert_null(c);
    uow_rollback(uow);
}

Test(service, a_commit_stores_every_product_seen_and_logs_their_events_in_order)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_create_batch("D1", "DESK", 10, ALLOT_NO_ETA));
    size_t mark = log_len();
    cr_assert_eq(uow_begin(uow, &err), ALLOT_OK, "%s", err.msg);
    Product *lamp, *desk;
    cr_assert_eq(repository_get(uow_products(uow), "DESK", &desk, &err), ALLOT_OK);
    cr_assert_eq(repository_get(uow_products(uow), "LAMP", &lamp, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(lamp, "o1", 3, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(product_allocate(desk, "o2", 4, ALLOT_NO_DATE, 0, NULL, &err), ALLOT_OK);
    cr_assert_eq(uow_commit(uow, &err), ALLOT_OK, "%s", err.msg);
    EventVec got;
    event_vec_init(&got);
    uow_collect_new_events(uow, &got);
    cr_assert_str_eq(events_text(&got, 0, buf, sizeof buf), "Allocated o2 4 D1; Allocated o1 3 B1",
                     "collected in the order the products were seen");
    event_vec_fini(&got);
    cr_assert_eq(log_len(), mark + 2);
    cr_assert(strstr(store_text(SKUS), "LAMP v2 | B1 10/3 - | o1 3 B1\nDESK v2 | D1 10/4 - | o2 4 D1"),
              "%s", buf);
}

/* ---- SPEC.md §1.6: provenance and undo, on every store ---- */

/* The committed state of the SKUs (no versions), through a rolled-back unit of work. */
static const char *state_of(const char *const *skus, char *out, size_t size)
{
    size_t used = 0;
    ErrBuf e2;
    out[0] = '\0';
    cr_assert_eq(uow_begin(uow, &e2), ALLOT_OK, "%s", e2.msg);
    for (; *skus; skus++) {
        Product *p;
        cr_assert_eq(repository_get(uow_products(uow), *skus, &p, &e2), ALLOT_OK, "%s", e2.msg);
        char one[4096];
        if (p && !product_is_empty(p))
            product_state_text(p, one, sizeof one);
        else
            snprintf(one, sizeof one, "%s: none", *skus);
        used += (size_t)snprintf(out + used, size - used, "%s\n", one);
    }
    uow_rollback(uow);
    return out;
}

Test(service, every_event_records_its_command_id_and_actor)
{
    bus_set_actor(bus, "ann@depot");
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 3));
    Command c = command_allocate("o2", "LAMP", 3);
    snprintf(c.actor, sizeof c.actor, "api:erp");
    ok(c);
    int64_t id2 = res.command_id;
    ok(command_change_batch_qty("B1", 4)); /* two events, one command */
    cr_assert_eq(run(command_allocate("o9", "NOPE", 1)), ALLOT_EINVALID_SKU);
    cr_assert_eq(res.command_id, 0, "a refused command has no id");
    ok(command_change_batch_qty("B1", 4));
    cr_assert_eq(res.command_id, 0, "a command that changed nothing has no id");
    EventVec v;
    event_vec_init(&v);
    test_uow_events(uow, &v);
    cr_assert_eq(v.len, 5);
    cr_assert_eq(v.items[2].command_id, id2);
    cr_assert_str_eq(v.items[2].actor, "api:erp");
    cr_assert_str_eq(v.items[1].actor, "ann@depot");
    cr_assert_eq(v.items[3].command_id, v.items[4].command_id);
    for (size_t i = 1; i < v.len; i++)
        cr_assert_geq(v.items[i].command_id, v.items[i - 1].command_id, "monotonic");
    cr_assert_gt(v.items[3].command_id, id2);
    /* the Allocate's id is the line's moment of first request */
    cr_assert_eq(v.items[2].requested, id2);
    event_vec_fini(&v);
}

Test(service, undo_puts_the_products_back_and_redo_puts_the_change_back)
{
    static const char *const lamp[] = {"LAMP", NULL};
    char before[8192], after[8192], now[8192];
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_create_batch("B2", "LAMP", 10, day("2027-01-05")));
    ok(command_with_need(command_allocate("o1", "LAMP", 4), day("2027-01-01"), 0));
    ok(command_allocate("o2", "LAMP", 5));
    ok(command_allocate("o3", "LAMP", 9));
    state_of(lamp, before, sizeof before);
    size_t n = log_len();
    ok(command_change_batch_qty("B1", 4));
    int64_t change = res.command_id;
    state_of(lamp, after, sizeof after);
    ok(command_undo(0)); /* the latest */
    cr_assert_eq(res.undone, change);
    cr_assert_gt(res.command_id, change);
    int64_t undo = res.command_id;
    cr_assert_str_eq(state_of(lamp, now, sizeof now), before);
    cr_assert_str_eq(log_events(n + 2), "Allocated o2 5 B1; BatchQuantityChanged B1 4>10");
    EventVec v;
    event_vec_init(&v);
    test_uow_events(uow, &v);
    cr_assert_eq(v.items[v.len - 1].undoes, change);
    event_vec_fini(&v);
    /* undoing the change again is refused: the undo changed LAMP since */
    cr_assert_eq(run(command_undo(change)), ALLOT_EUNDO_REFUSED);
    char want[128];
    snprintf(want, sizeof want, "cannot undo command %lld: command %lld changed LAMP since",
             (long long)change, (long long)undo);
    cr_assert_str_eq(err.msg, want);
    /* redo = undo of the undo */
    ok(command_undo(undo));
    cr_assert_str_eq(state_of(lamp, now, sizeof now), after);
}

Test(service, undo_is_refused_naming_the_first_later_command_and_changes_nothing)
{
    static const char *const skus[] = {"LAMP", "DESK", NULL};
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    int64_t create = res.command_id;
    ok(command_allocate("o1", "LAMP", 3));
    int64_t alloc = res.command_id;
    ok(command_create_batch("D1", "DESK", 1, ALLOT_NO_ETA)); /* another product: no matter */
    ok(command_allocate("o2", "LAMP", 3));
    char before[8192], now[8192];
    state_of(skus, before, sizeof before);
    size_t n = log_len();
    cr_assert_eq(run(command_undo(create)), ALLOT_EUNDO_REFUSED);
    char want[128];
    snprintf(want, sizeof want, "cannot undo command %lld: command %lld changed LAMP since",
             (long long)create, (long long)alloc);
    cr_assert_str_eq(err.msg, want);
    cr_assert_str_eq(state_of(skus, now, sizeof now), before);
    cr_assert_eq(log_len(), n);
    /* the DESK batch can be undone: nothing touched DESK after it */
    ok(command_undo(create + 2));
    cr_assert_eq(run(command_allocate("o9", "DESK", 1)), ALLOT_EINVALID_SKU,
                 "undoing its only batch makes the SKU unknown again");
}

Test(service, undo_of_an_unknown_command_or_an_empty_log_is_refused)
{
    cr_assert_eq(run(command_undo(0)), ALLOT_EUNKNOWN_COMMAND);
    cr_assert_str_eq(err.msg, "nothing to undo: the event log has no command");
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    cr_assert_eq(run(command_undo(99)), ALLOT_EUNKNOWN_COMMAND);
    cr_assert_str_eq(err.msg, "no command 99 in the event log");
}

Test(service, undo_of_a_cancel_restores_the_line_with_its_first_request_moment)
{
    static const char *const lamp[] = {"LAMP", NULL};
    ok(command_create_batch("B1", "LAMP", 6, ALLOT_NO_ETA));
    ok(command_allocate("o1", "LAMP", 3));
    ok(command_allocate("o2", "LAMP", 3));
    ok(command_allocate("o3", "LAMP", 3)); /* waits */
    char before[8192], now[8192];
    state_of(lamp, before, sizeof before);
    ok(command_cancel_line("o1", "LAMP")); /* o3 takes its place */
    ok(command_undo(0));
    cr_assert_str_eq(state_of(lamp, now, sizeof now), before);
    /* o1 is still the oldest: shrinking B1 takes off o2, not o1 */
    ok(command_change_batch_qty("B1", 3));
    cr_assert_str_eq(result_events(), "BatchQuantityChanged B1 6>3; Deallocated o2 3 B1");
}

Test(service, a_restored_moment_of_first_request_keeps_later_requests_newer)
{
    ok(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    ok(command_with_need(command_allocate_to("o1", "LAMP", 2, "B1"), ALLOT_NO_DATE, 1000));
    ok(command_allocate("o2", "LAMP", 2));
    EventVec v;
    event_vec_init(&v);
    test_uow_events(uow, &v);
    cr_assert_eq(v.items[1].requested, 1000);
    cr_assert_gt(v.items[2].requested, 1000, "the next command id is past the restored moment");
    cr_assert_gt(v.items[2].command_id, 1000);
    event_vec_fini(&v);
    /* o2 is the newer: shrinking B1 takes it off first */
    ok(command_change_batch_qty("B1", 2));
    cr_assert_str_eq(result_events(), "BatchQuantityChanged B1 10>2; Deallocated o2 2 B1");
}
