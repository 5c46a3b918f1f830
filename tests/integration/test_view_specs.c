/* One spec per read-model list drives every adapter: the same random data through
 * a SQL store's views (SQLite, or PostgreSQL: this file is built once per store
 * kind with tests/support/test_store_*.c), the memory store's views and a what-if
 * sandbox over the SQL store give the same rows, pages (forward and backward) and
 * filters, for every list, every order of its spec and a set of conditions on its
 * columns, the lateness columns computed for one day included. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bootstrap.h"
#include "whatif/sandbox_uow.h"
#include "whatif/sandbox_views.h"
#include "app/view_specs.h"
#include "app/views.h"
#include "persistence/memory_uow.h"
#include "persistence/store.h"
#include "test_store.h"
#include "tmpdb.h" /* FixedClock */
#include "../support/random_command.h"

/* The day the lateness columns are computed for: ETAs (20800 … 20999) and need
 * dates (20750 … 20999) fall on both sides of it. */
enum { TODAY = 20870 };

static FixedClock fclock = {{fixed_clock_now}, 1796000000};

TestSuite(view_specs, .timeout = 600); /* a shared, loaded machine: ~60 s of CPU */

/* Every row of q through pages of 3 forward, then backward from the end, which
 * must give the same rows.  Returns the count; caller frees *out. */
static size_t collect(Views *v, ViewQuery q, char **out, const char *what)
{
    size_t size = q.spec->row_size, len = 0, cap = 16;
    char *rows = malloc(cap * size);
    q.page.limit = 3;
    q.page.backward = false;
    ErrBuf err = {{0}};
    for (;;) {
        if (cap - len < 3)
            rows = realloc(rows, (cap *= 2) * size);
        size_t n = 0;
        cr_assert_eq(views_list(v, &q, len ? rows + (len - 1) * size : NULL, rows + len * size,
                                &n, &err),
                     ALLOT_OK, "%s: %s", what, err.msg);
        len += n;
        if (n < 3)
            break;
    }
    q.page.backward = true;
    char *chunk = malloc(3 * size), *anchor = malloc(size);
    size_t left = len;
    bool anchored = false;
    for (;;) {
        size_t n = 0;
        cr_assert_eq(views_list(v, &q, anchored ? anchor : NULL, chunk, &n, &err), ALLOT_OK,
                     "%s: %s", what, err.msg);
        cr_assert_leq(n, left, "%s: backward paging gives more rows than forward", what);
        cr_assert_eq(memcmp(chunk, rows + (left - n) * size, n * size) == 0 || n == 0, true,
                     "%s: a backward page differs from the forward rows", what);
        left -= n;
        if (n < 3)
            break;
        memcpy(anchor, chunk, size);
        anchored = true;
    }
    cr_assert_eq(left, 0, "%s: backward paging stops %zu rows early", what, left);
    free(chunk);
    free(anchor);
    *out = rows;
    return len;
}

/* Compares every column but the store-specific ones (a line's row key, an event's
 * time; on PostgreSQL an event's command id and requested moment: its command ids
 * come from a sequence, which a refused command also draws from, so they are
 * unique and monotonic with gaps). */
static bool same_row(const ViewSpec *s, const void *a, const void *b)
{
#ifdef VIEW_SPECS_PG
    const bool command_ids = false;
#else
    const bool command_ids = true;
#endif
    for (size_t i = 0; i < s->ncols; i++) {
        if ((s->kind == VIEW_ROW_LINE && i == LCOL_KEY) || (s->kind == VIEW_ROW_EVENT && i == ECOL_AT))
            continue;
        if (s->kind == VIEW_ROW_EVENT && (i == ECOL_COMMAND || i == ECOL_REQUESTED) && !command_ids)
            continue;
        const char *ta = view_row_text(s, (int)i, a), *tb = view_row_text(s, (int)i, b);
        if (ta ? strcmp(ta, tb) != 0 : view_row_num(s, (int)i, a) != view_row_num(s, (int)i, b))
            return false;
    }
    return true;
}

static void row_text(const ViewSpec *s, const void *r, char *out, size_t size)
{
    view_identity_text(s, r, out, size);
}

/* The same list on two adapters: row for row, or as a set where the order is the
 * store's own row key. */
static void same_list(Views *a, Views *b, const ViewQuery *q, const char *what)
{
    char *ra, *rb;
    size_t na = collect(a, *q, &ra, what), nb = collect(b, *q, &rb, what);
    const ViewSpec *s = q->spec;
    cr_assert_eq(na, nb, "%s: %zu rows against %zu", what, na, nb);
    /* views_count: every row, and the rows before one (its position), on both */
    ErrBuf err = {{0}};
    int64_t ca = -1, cb = -1;
    cr_assert_eq(views_count(a, q, NULL, &ca, &err), ALLOT_OK, "%s: %s", what, err.msg);
    cr_assert_eq(views_count(b, q, NULL, &cb, &err), ALLOT_OK, "%s: %s", what, err.msg);
    cr_assert_eq(ca, (int64_t)na, "%s: counted %lld of %zu rows", what, (long long)ca, na);
    cr_assert_eq(cb, (int64_t)nb, "%s: counted %lld of %zu rows", what, (long long)cb, nb);
    if (na > 1) {
        ViewQuery before = *q;
        before.page.backward = true;
        size_t mid = na / 2;
        cr_assert_eq(views_count(a, &before, ra + mid * q->spec->row_size, &ca, &err), ALLOT_OK);
        cr_assert_eq(views_count(b, &before, rb + mid * q->spec->row_size, &cb, &err), ALLOT_OK);
        cr_assert_eq(ca, (int64_t)mid, "%s: position %lld of row %zu", what, (long long)ca, mid);
        cr_assert_eq(cb, (int64_t)mid, "%s: position %lld of row %zu", what, (long long)cb, mid);
    }
    bool as_set = view_query_sorts_on(q, LCOL_KEY) && s->kind == VIEW_ROW_LINE;
    for (size_t i = 0; i < na; i++) {
        const void *x = ra + i * s->row_size;
        size_t hits = 0;
        if (!as_set) {
            hits = same_row(s, x, rb + i * s->row_size);
        } else {
            for (size_t j = 0; j < nb; j++)
                hits += same_row(s, x, rb + j * s->row_size);
        }
        char id[200];
        row_text(s, x, id, sizeof id);
        cr_assert_eq(hits, 1, "%s: row %zu (%s) differs", what, i, id);
    }
    free(ra);
    free(rb);
}

static ViewCond text_cond(int col, ViewOp op, const char *t)
{
    return (ViewCond){.col = (uint8_t)col, .op = op, .text = t};
}

/* Every list, every order, filters and conditions on its columns. */
static void every_list(Views *a, Views *b, const char *pair)
{
    static const char *const filters[] = {NULL, "1", "Ku"};
    static const char *const skus[] = {"SKU0", "SKU2"};
    static const char *const refs[] = {"R1", "N2"};
    for (int l = 0; l < VIEW_LIST_COUNT; l++) {
        const ViewSpec *s = view_spec((ViewList)l);
        for (size_t o = 0; o < 2 * s->norders; o++) {
            for (int f = 0; f < 3; f++) {
                ViewPage page = {.filter = filters[f], .today = TODAY};
                ViewQuery sets[20];
                size_t nsets = 0;
                ViewQuery base = view_query((ViewList)l, (int)(o / 2), &page);
                ViewOrder reversed = view_order_reverse(base.order);
                if (o % 2) /* every order both ways */
                    base.order = &reversed;
                if (l != VIEW_BATCH_LINES) /* a batch's lines: always of one batch */
                    sets[nsets++] = base;
                for (int k = 0; k < 2 && s->sku_col >= 0; k++) {
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], text_cond(s->sku_col, VIEW_EQ, skus[k]));
                }
                for (int k = 0; k < 2 && s->ref_col >= 0; k++) {
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], text_cond(s->ref_col, VIEW_EQ, refs[k]));
                }
                if (s->kind == VIEW_ROW_LINE && l != VIEW_BATCH_LINES) {
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], text_cond(LCOL_BATCHREF, VIEW_EMPTY, NULL));
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++],
                                     text_cond(LCOL_BATCHREF, VIEW_NOT_EMPTY, NULL));
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], text_cond(LCOL_ORDERID, VIEW_EQ, "o3"));
                }
                if (s->kind == VIEW_ROW_LINE && l != VIEW_BATCH_LINES) { /* lateness, on TODAY */
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], (ViewCond){.col = LCOL_LATE, .op = VIEW_GT,
                                                                .constant = true});
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++],
                                     (ViewCond){.col = LCOL_AT_RISK, .op = VIEW_EQ, .num = 1});
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], (ViewCond){.col = LCOL_PROMISED,
                                                                .op = VIEW_GT, .num = TODAY});
                }
                if (s->kind == VIEW_ROW_BATCH) {
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++],
                                     (ViewCond){.col = BCOL_ETA, .op = VIEW_GE, .num = 20900});
                }
                if (s->kind == VIEW_ROW_PRODUCT) {
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], (ViewCond){.col = PCOL_BO_LINES,
                                                                .op = VIEW_GT,
                                                                .constant = true});
                }
                if (s->kind == VIEW_ROW_EVENT) {
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], text_cond(ECOL_TYPE, VIEW_EQ, "Allocated"));
                    sets[nsets] = base;
                    view_query_where(&sets[nsets++], text_cond(ECOL_TYPE, VIEW_PREFIX, "rEaLl"));
                }
                /* a batch's lines are always of one batch */
                ViewQuery lines = base;
                if (l == VIEW_BATCH_LINES)
                    view_query_where(&lines, text_cond(s->ref_col, VIEW_EQ, refs[0]));
                if (s->sku_col >= 0) { /* a planner's sku:S term */
                    sets[nsets] = lines;
                    view_query_where(&sets[nsets++], text_cond(s->sku_col, VIEW_PREFIX, "sku"));
                }
                if (s->kind == VIEW_ROW_LINE) { /* late>3, need<..., qty>=2 */
                    sets[nsets] = lines;
                    view_query_where(&sets[nsets++],
                                     (ViewCond){.col = LCOL_LATE, .op = VIEW_GT, .num = 3});
                    sets[nsets] = lines;
                    view_query_where(&sets[nsets++],
                                     (ViewCond){.col = LCOL_NEED, .op = VIEW_LT, .num = 20840});
                    sets[nsets] = lines;
                    view_query_where(&sets[nsets++],
                                     (ViewCond){.col = LCOL_QTY, .op = VIEW_GE, .num = 2});
                }
                for (size_t k = 0; k < nsets; k++) {
                    char what[160];
                    snprintf(what, sizeof what, "%s: %s by %s%s, filter %s, conditions set %zu",
                             pair, s->name, s->orders[o / 2].name, o % 2 ? " reversed" : "",
                             filters[f] ? filters[f] : "-", k);
                    same_list(a, b, &sets[k], what);
                }
            }
        }
    }
}

/* The header counts agree, on days before, among and after the ETAs. */
static void same_counts(Views *a, Views *b, const char *pair)
{
    for (int32_t day = 20780; day <= 21020; day += 30) {
        ReadCounts x, y;
        ErrBuf err = {{0}};
        cr_assert_eq(views_counts(a, day, &x, &err), ALLOT_OK, "%s: %s", pair, err.msg);
        cr_assert_eq(views_counts(b, day, &y, &err), ALLOT_OK, "%s: %s", pair, err.msg);
        cr_assert_eq(memcmp(&x, &y, sizeof x), 0,
                     "%s on day %d: backorders %lld/%lld units %lld/%lld short %lld/%lld overdue "
                     "%lld/%lld late %lld/%lld",
                     pair, (int)day, (long long)x.backorder_lines, (long long)y.backorder_lines,
                     (long long)x.backorder_units, (long long)y.backorder_units,
                     (long long)x.skus_short, (long long)y.skus_short,
                     (long long)x.overdue_batches, (long long)y.overdue_batches,
                     (long long)x.late_lines, (long long)y.late_lines);
    }
}

static void run_all(MessageBus *const *buses, size_t n, const Command *c)
{
    for (size_t i = 0; i < n; i++)
        bus_handle(buses[i], c, NULL, NULL);
}

Test(view_specs, one_spec_gives_the_same_rows_on_a_sql_store_memory_and_a_sandbox)
{
    for (unsigned seed = 1; seed <= 3; seed++) {
        unsigned st = seed * 104729u;
        StoreTarget target;
        test_store_new(&target);
        ErrBuf err = {{0}};
        UnitOfWork *sq, *mem1 = memory_uow_new(), *mem2 = memory_uow_new();
        Views *vsq = NULL;
        cr_assert_eq(store_open(&target, &fclock.base, &sq, &vsq, &err), ALLOT_OK, "%s",
                     err.msg);
        MessageBus *bsq = bootstrap(sq, NULL, &fclock.base, NULL);
        MessageBus *b1 = bootstrap(mem1, NULL, &fclock.base, NULL);
        MessageBus *b2 = bootstrap(mem2, NULL, &fclock.base, NULL);
        RandomWorld w = {.skus = 3 + test_rnd(&st, 2), .orders = 12, .new_refs = 6,
                         .needs = true};
        MessageBus *const all[] = {bsq, b1, b2};
        Command batches[4 * 3];
        for (size_t i = 0, n = test_random_batches(&st, &w, 3, 3, batches); i < n; i++)
            run_all(all, 3, &batches[i]);
        for (int i = 0; i < 10; i++) { /* lines with need dates: some late on day 20850 */
            char o[16], sku[16];
            snprintf(o, sizeof o, "nd%d", i);
            snprintf(sku, sizeof sku, "SKU%d", i % w.skus);
            Command c = command_with_need(command_allocate(o, sku, 1 + i % 3), 20790 + 15 * i, 0);
            run_all(all, 3, &c);
        }
        for (int i = 0; i < 40; i++) {
            Command c = test_random_command(&st, &w);
            run_all(all, 3, &c);
        }
        /* ids past ASCII: a filter folds their case too ("RÖS" finds Rössle) */
        Command uni[] = {command_create_batch("WÄ1", "Rössle", 5, ALLOT_NO_ETA),
                         command_allocate("ö1", "Rössle", 2)};
        for (size_t i = 0; i < 2; i++)
            run_all(all, 3, &uni[i]);
        Views *vm1 = memory_views_new(mem1);
        for (int f = 0; f < 2; f++) {
            const char *text = f ? "ssLE" : "RÖS";
            ViewPage page = {.filter = text, .today = TODAY};
            char *rows;
            ViewQuery q = view_query(VIEW_BATCHES, 0, &page);
            size_t nm = collect(vm1, q, &rows, "memory, folded");
            free(rows);
            cr_assert_eq(nm, 1, "memory views: \"%s\" finds WÄ1 of Rössle: %zu rows", text, nm);
            if (target.kind == STORE_SQLITE) { /* PostgreSQL's ILIKE folds by its LC_CTYPE */
                size_t ns = collect(vsq, q, &rows, "SQLite, folded");
                free(rows);
                cr_assert_eq(ns, 1, "SQLite: \"%s\" finds WÄ1 of Rössle: %zu rows", text, ns);
            }
        }
        every_list(vsq, vm1, "store/memory");
        same_counts(vsq, vm1, "store/memory");

        /* a sandbox over the store, and the same commands on the second memory store */
        int64_t base_id = 0;
        cr_assert_eq(views_latest_event_id(vsq, &base_id, &err), ALLOT_OK);
        UnitOfWork *sb = sandbox_uow_new(sq, &fclock.base);
        MessageBus *bsb = bootstrap(sb, NULL, &fclock.base, NULL);
        MessageBus *const two[] = {bsb, b2};
        for (int i = 0; i < 12; i++) {
            Command c = test_random_command(&st, &w);
            run_all(two, 2, &c);
        }
        Views *vsb = sandbox_views_new(sb, vsq, base_id), *vm2 = memory_views_new(mem2);
        every_list(vsb, vm2, "sandbox/memory");
        same_counts(vsb, vm2, "sandbox/memory");

        views_free(vsb);
        views_free(vm2);
        views_free(vm1);
        bus_free(bsb);
        uow_free(sb);
        bus_free(b2);
        bus_free(b1);
        bus_free(bsq);
        uow_free(mem2);
        uow_free(mem1);
        uow_free(sq);
        test_store_free(&target);
    }
}

Test(view_specs, a_cursor_reads_back_the_key_fields_of_its_row)
{
    for (int l = 0; l < VIEW_LIST_COUNT; l++) {
        const ViewSpec *s = view_spec((ViewList)l);
        for (size_t o = 0; o < s->norders; o++) {
            ViewQuery q = view_query((ViewList)l, (int)o, NULL);
            char row[sizeof(EventRow) + sizeof(LineRow)], back[sizeof row];
            memset(row, 0, sizeof row);
            for (size_t c = 0; c < s->ncols; c++) {
                char *f = row + s->cols[c].offset;
                switch (s->cols[c].type) {
                case VIEW_TEXT: snprintf(f, ALLOT_ID_MAX + 1, "id %zu é", c); break;
                case VIEW_INT: *(int64_t *)f = -(int64_t)c * 1000003; break;
                case VIEW_DATE: *(int32_t *)f = c % 2 ? ALLOT_NO_ETA : 20000 + (int32_t)c; break;
                case VIEW_SEQ: *(uint64_t *)f = 77 + c; break;
                case VIEW_EVENT_TYPE: *(EventType *)f = EV_REALLOCATED; break;
                }
            }
            char text[VIEW_KEY_TEXT_MAX];
            view_key_text(&q, row, text, sizeof text);
            view_key_parse(&q, text, back);
            cr_assert_eq(view_row_cmp(&q, row, back), 0, "%s by %s: cursor \"%s\"", s->name,
                         s->orders[o].name, text);
        }
    }
}

Test(view_specs, a_query_that_does_not_fit_its_spec_is_refused)
{
    ErrBuf err = {{0}};
    ViewQuery q = view_query(VIEW_BATCHES, 7, NULL);
    cr_assert_eq(view_query_check(&q, &err), ALLOT_EINVALID);
    q = view_query(VIEW_BATCHES, BATCH_BY_REF, NULL);
    view_query_where(&q, (ViewCond){.col = BCOL_REF, .op = VIEW_GT});
    cr_assert_eq(view_query_check(&q, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "ref"), "%s", err.msg);
    q = view_query(VIEW_PRODUCTS, 0, NULL);
    view_query_where(&q, (ViewCond){.col = PCOL_COUNT, .op = VIEW_EQ});
    cr_assert_eq(view_query_check(&q, &err), ALLOT_EINVALID);
    cr_assert_eq(view_spec_column(view_spec(VIEW_LINES), "batch"), LCOL_BATCHREF);
    cr_assert_eq(view_spec_order(view_spec(VIEW_BATCHES), "eta"), BATCH_BY_ETA);
}
