/* The follower of the event log (app/follower.h) on a real store: built once per
 * store kind, with tests/support/test_store_*.c (tests/integration/CMakeLists.txt).
 * SPEC.md §2 "Event log", §3.1: every follower gets every committed event once. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "test_store.h"

static StoreTarget target;
static UnitOfWork *uow;
static MessageBus *bus;
static ErrBuf err;

static void setup(void)
{
    test_store_new(&target);
    cr_assert_eq(store_open(&target, NULL, &uow, NULL, &err), ALLOT_OK, "%s", err.msg);
    bus = bootstrap(uow, NULL, NULL, NULL);
}

static void teardown(void)
{
    bus_free(bus);
    uow_free(uow);
    test_store_free(&target);
}

TestSuite(follower, .init = setup, .fini = teardown, .timeout = 60);

static void run(Command c)
{
    cr_assert_eq(bus_handle(bus, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

static EventFollower *follow_after(int64_t id)
{
    FollowStart start = {.from = FOLLOW_AFTER_ID, .id = id};
    EventFollower *f;
    cr_assert_eq(store_follow(&target, &start, &f, &err), ALLOT_OK, "%s", err.msg);
    return f;
}

/* Reads until `want` events came (a follower may hold events back for a while:
 * on PostgreSQL while an older transaction anywhere on the server is open), then
 * checks that nothing more comes.  Returns how many came. */
static size_t read_n(EventFollower *f, EventRow *rows, size_t cap, size_t want)
{
    size_t total = 0, n;
    for (int tries = 0; total < want && tries < 200; tries++) {
        cr_assert_eq(follower_read(f, rows + total, cap - total < 2 ? cap - total : 2, &n, &err),
                     ALLOT_OK, "%s", err.msg);
        total += n;
        if (n < 2 && total < want)
            cr_assert_eq(follower_wait(f, 100, &err), ALLOT_OK, "%s", err.msg);
    }
    cr_assert_eq(follower_read(f, rows + total, cap - total, &n, &err), ALLOT_OK, "%s", err.msg);
    return total + n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(follower, hands_out_every_committed_event_once_in_order)
{
    run(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    run(command_allocate("o1", "LAMP", 3));
    run(command_allocate("o2", "LAMP", 3));
    EventFollower *f = follow_after(0);
    EventRow rows[16];
    size_t n = read_n(f, rows, 16, 3);
    cr_assert_eq(n, 3);
    cr_assert_eq(rows[0].ev.type, EV_BATCH_CREATED);
    cr_assert_str_eq(rows[1].ev.orderid, "o1");
    cr_assert_str_eq(rows[2].ev.orderid, "o2");
    cr_assert(rows[0].id < rows[1].id && rows[1].id < rows[2].id);
    cr_assert_eq(read_n(f, rows, 16, 0), 0, "nothing is handed out twice");
    run(command_allocate("o3", "LAMP", 3));
    cr_assert_eq(read_n(f, rows, 16, 1), 1);
    cr_assert_str_eq(rows[0].ev.orderid, "o3");
    EventCursor pos = follower_position(f);
    cr_assert_eq(pos.id, rows[0].id);
    cr_assert_eq(pos.tx, rows[0].tx);
    follower_free(f);
}

Test(follower, starting_after_an_id_skips_the_events_up_to_it)
{
    run(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    run(command_allocate("o1", "LAMP", 3));
    run(command_allocate("o2", "LAMP", 3));
    EventFollower *all = follow_after(0);
    EventRow rows[16];
    cr_assert_eq(read_n(all, rows, 16, 3), 3);
    follower_free(all);
    EventFollower *f = follow_after(rows[1].id);
    EventRow got[16];
    cr_assert_eq(read_n(f, got, 16, 1), 1);
    cr_assert_str_eq(got[0].ev.orderid, "o2");
    follower_free(f);
}

Test(follower, a_follower_started_at_a_stored_cursor_resumes_after_it)
{
    run(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    run(command_allocate("o1", "LAMP", 3));
    EventFollower *f = follow_after(0);
    EventRow rows[16];
    cr_assert_eq(read_n(f, rows, 16, 2), 2);
    EventCursor saved = follower_position(f);
    follower_free(f);
    run(command_allocate("o2", "LAMP", 3));
    FollowStart start = {.from = FOLLOW_AFTER_CURSOR, .cursor = saved};
    cr_assert_eq(store_follow(&target, &start, &f, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(read_n(f, rows, 16, 1), 1);
    cr_assert_str_eq(rows[0].ev.orderid, "o2");
    follower_free(f);
}

Test(follower, waiting_with_nothing_new_returns_after_the_timeout)
{
    EventFollower *f = follow_after(0);
    double t0 = now_s();
    cr_assert_eq(follower_wait(f, 150, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_geq(now_s() - t0, 0.1);
    EventRow rows[4];
    cr_assert_eq(read_n(f, rows, 4, 0), 0);
    follower_free(f);
}

Test(follower, waiting_returns_soon_after_another_process_commits)
{
    run(command_create_batch("B1", "LAMP", 10, ALLOT_NO_ETA));
    EventFollower *f = follow_after(0);
    EventRow rows[16];
    cr_assert_eq(read_n(f, rows, 16, 1), 1);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        usleep(300 * 1000);
        UnitOfWork *u;
        ErrBuf e;
        if (store_open(&target, NULL, &u, NULL, &e) != ALLOT_OK)
            _exit(2);
        MessageBus *b = bootstrap(u, NULL, NULL, NULL);
        Command c = command_allocate("o9", "LAMP", 2);
        int rc = bus_handle(b, &c, NULL, &e) == ALLOT_OK ? 0 : 3;
        bus_free(b);
        uow_free(u);
        _exit(rc);
    }
    double t0 = now_s();
    cr_assert_eq(follower_wait(f, 20000, &err), ALLOT_OK, "%s", err.msg);
    double waited = now_s() - t0;
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    cr_assert_lt(waited, 10.0, "woke after %.1f s, not at the commit", waited);
    cr_assert_eq(read_n(f, rows, 16, 1), 1);
    cr_assert_str_eq(rows[0].ev.orderid, "o9");
    follower_free(f);
}
