#include "fixture.h"

#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "persistence/sqlite_uow.h"
#include "tui/csv_file.h"

Fixture fx;

static void quiet(Logger *l, const char *line) { (void)l, (void)line; }
static Logger lg = {quiet};

typedef struct FixedClock {
    Clock base;
    int64_t at;
} FixedClock;

static int64_t fixed_now(Clock *c) { return ((FixedClock *)c)->at; }

Clock *fixture_fixed_clock(int64_t unix_seconds)
{
    static FixedClock clock = {{fixed_now}, 0};
    clock.at = unix_seconds;
    return &clock.base;
}

void fixture_open(Clock *clock)
{
    setlocale(LC_ALL, "C.UTF-8");
    memset(&fx, 0, sizeof fx);
    fx.clock = clock;
    snprintf(fx.path, sizeof fx.path, "/tmp/allot-tui-fx-%d.db", (int)getpid());
    unlink(fx.path);
    ErrBuf err;
    cr_assert_eq(sqlite_uow_open(fx.path, clock, &fx.uow, &err), ALLOT_OK, "%s", err.msg);
    cr_assert_eq(sqlite_uow_open(fx.path, clock, &fx.other_uow, &err), ALLOT_OK, "%s", err.msg);
    fx.bus = bootstrap(fx.uow, NULL, clock, &lg);
    fx.other = bootstrap(fx.other_uow, NULL, clock, &lg);
    cr_assert_eq(sqlite_views_open(fx.path, &fx.views, &err), ALLOT_OK, "%s", err.msg);
    fx.cv = tui_mem_canvas_new(24, 80);
}

static TuiCsvWriter csv;

void fixture_start(void)
{
    csv = tui_csv_file(fx.path);
    TuiAppConfig cfg = {.views = fx.views, .uow = fx.uow, .bus = fx.bus, .clock = fx.clock,
                        .db_label = "test.db", .csv = &csv};
    fx.app = tui_app_new(&cfg, 24, 80);
}

void fixture_close(void)
{
    tui_app_free(fx.app);
    tui_mem_canvas_free(fx.cv);
    views_free(fx.views);
    bus_free(fx.bus);
    bus_free(fx.other);
    uow_free(fx.uow);
    uow_free(fx.other_uow);
    char p[128];
    unlink(fx.path);
    snprintf(p, sizeof p, "%s-wal", fx.path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", fx.path);
    unlink(p);
}

static void run_on(MessageBus *b, Command c)
{
    ErrBuf err;
    cr_assert_eq(bus_handle(b, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

void fixture_run(Command c) { run_on(fx.bus, c); }
void fixture_run_other(Command c) { run_on(fx.other, c); }

void fixture_key(int key)
{
    TuiInput in = {.type = TI_KEY, .key = key};
    tui_app_input(fx.app, &in);
}

void fixture_type(const char *keys) { tui_app_type(fx.app, keys); }

void fixture_tick(void)
{
    TuiInput in = {.type = TI_TICK};
    tui_app_input(fx.app, &in);
}

void fixture_resize(int rows, int cols)
{
    TuiInput in = {.type = TI_RESIZE, .rows = rows, .cols = cols};
    tui_app_input(fx.app, &in);
    tui_mem_canvas_resize(fx.cv, rows, cols);
}

void fixture_draw(void) { tui_app_draw(fx.app, tui_mem_canvas(fx.cv)); }

bool fixture_screen_has(const char *needle)
{
    fixture_draw();
    return tui_mem_canvas_find(fx.cv, needle) >= 0;
}

bool fixture_row_has(int y, const char *needle)
{
    char line[2048];
    return strstr(tui_mem_canvas_line(fx.cv, y, line, sizeof line), needle) != NULL;
}

bool fixture_main_has(const char *needle)
{
    fixture_draw();
    int rows = tui_mem_canvas(fx.cv)->rows;
    for (int y = 3; y < rows - 7; y++)
        if (fixture_row_has(y, needle))
            return true;
    return false;
}

const char *fixture_line_with(const char *needle, char *buf, size_t size)
{
    fixture_draw();
    int y = tui_mem_canvas_find(fx.cv, needle);
    buf[0] = 0;
    if (y >= 0)
        tui_mem_canvas_line(fx.cv, y, buf, size);
    return buf;
}

void fixture_dump(void)
{
    fixture_draw();
    char *d = tui_mem_canvas_dump(fx.cv);
    fprintf(stderr, "%s\n", d);
    free(d);
}

bool fixture_batch(const char *ref, BatchRow *out)
{
    ViewPage page = {.limit = 64, .filter = ref};
    BatchRow rows[64];
    size_t n = 0;
    ErrBuf err;
    cr_assert_eq(views_batches(fx.views, NULL, BATCH_ORDER_REF, &page, NULL, rows, &n, &err),
                 ALLOT_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].ref, ref) == 0) {
            *out = rows[i];
            return true;
        }
    return false;
}

const char *fixture_line_place(const char *orderid, const char *sku, char *buf, size_t size)
{
    ViewPage page = {.limit = 64};
    LineRow rows[64];
    size_t n = 0;
    ErrBuf err;
    cr_assert_eq(views_order_lines(fx.views, orderid, &page, NULL, rows, &n, &err), ALLOT_OK,
                 "%s", err.msg);
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].sku, sku) == 0) {
            snprintf(buf, size, "%s", rows[i].batchref);
            return buf;
        }
    return NULL;
}
