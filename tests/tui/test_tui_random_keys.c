/* Property: any sequence of keys, resizes and ticks leaves the app drawable and the
 * store consistent (SPEC.md §1.2 rule 7) — random walks with fixed seeds, run under
 * ASan/UBSan by `./dev.sh test`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const int keys[] = {
    'j', 'k', 'h', 'l', 'g', 'G', 'q', 'c', '+', '-', 'e', 'd', 'a', 'x', 'y', 'n', 's', '/',
    ':', 'p', '?', 'w', 'T', 'P', 'B', 'O', 'E', '0', '1', '2', '5', '9', ' ', 'o', 'L', 'A',
    'M', '-', '2', '0', '7', TK_ENTER, TK_ESC, TK_TAB, TK_BTAB, TK_UP, TK_DOWN, TK_LEFT,
    TK_RIGHT, TK_PGUP, TK_PGDN, TK_HOME, TK_END, TK_BACKSPACE, TK_DELETE, TK_CTRL_U, TK_CTRL_L,
    0x8336 /* 茶 */, 0x00E9 /* é */};

static int64_t latest_event(void)
{
    int64_t id = 0;
    ErrBuf err;
    cr_assert_eq(views_latest_event_id(fx.views, &id, &err), ALLOT_OK, "%s", err.msg);
    return id;
}

/* Every product as stored satisfies SPEC.md §1.2 rule 7. */
static void check_store(unsigned seed)
{
    ErrBuf err;
    ProductRow rows[16];
    size_t n = 0;
    ViewPage page = {.limit = 16};
    cr_assert_eq(views_products(fx.views, false, &page, NULL, rows, &n, &err), ALLOT_OK);
    cr_assert_eq(uow_begin(fx.other_uow, &err), ALLOT_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        Product *p = NULL;
        cr_assert_eq(repository_get(uow_products(fx.other_uow), rows[i].sku, &p, &err), ALLOT_OK);
        cr_assert_eq(product_check_invariants(p, &err), ALLOT_OK, "seed %u: %s", seed, err.msg);
    }
    uow_rollback(fx.other_uow);
}

/* Returns how many events the walk added to the log (commands it ran). */
static size_t walk(unsigned seed, int steps)
{
    srand(seed);
    fixture_open(NULL);
    const char *skus[] = {"LAMP", "茶杯", "SOFA"};
    char ref[32], o[32];
    for (int b = 0; b < 6; b++) {
        snprintf(ref, sizeof ref, "B%d", b);
        fixture_run(command_create_batch(ref, skus[b % 3], 3 + b, b % 2 ? 20500 + b : ALLOT_NO_ETA));
    }
    for (int i = 0; i < 30; i++) {
        snprintf(o, sizeof o, "o%d", i);
        fixture_run(command_allocate(o, skus[i % 3], 1 + i % 3));
    }
    int64_t events_before = latest_event();
    fixture_start();
    TuiApp *app = fx.app;
    TuiMemCanvas *cv = fx.cv;
    int nkeys = (int)(sizeof keys / sizeof keys[0]);
    for (int i = 0; i < steps && !tui_app_done(app); i++) {
        int r = rand() % 100;
        TuiInput in = {.type = TI_KEY, .key = keys[rand() % nkeys]};
        if (r < 1) {
            bool small = rand() % 3 == 0; /* a third of the resizes go below 80×24 */
            int rows = small ? 3 + rand() % 21 : 24 + rand() % 30;
            int cols = small ? 10 + rand() % 70 : 80 + rand() % 80;
            in = (TuiInput){.type = TI_RESIZE, .rows = rows, .cols = cols};
            tui_mem_canvas_resize(cv, rows, cols);
        } else if (r < 2) {
            in = (TuiInput){.type = TI_SIGNAL, .key = 2};
        } else if (r < 6) {
            in = (TuiInput){.type = TI_TICK};
        } else if (r < 25) { /* often a change and its answer */
            in.key = "+-cxyyyjk"[rand() % 9];
        }
        tui_app_input(app, &in);
        if (tui_app_dirty(app))
            tui_app_draw(app, tui_mem_canvas(cv));
    }
    check_store(seed);
    size_t added = (size_t)(latest_event() - events_before);
    fixture_close();
    return added;
}

Test(tui_random_keys, random_keys_resizes_and_ticks_never_break_the_app_or_the_store)
{
    size_t commands = 0;
    for (unsigned seed = 1; seed <= 20; seed++)
        commands += walk(seed, 1500);
    cr_assert_gt(commands, 20, "the walks changed the store (%zu events)", commands);
    cr_log_info("%zu events from the walks", commands);
}
