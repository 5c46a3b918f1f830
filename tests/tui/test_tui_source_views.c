/* The TUI's source over the read model (source_views.c, the one adapter the
 * screens use): keyset paging through app/views.h gives the same rows as one big
 * page, forward and backward — on the SQLite store and on a what-if sandbox over
 * it; a row is found again by its identity; completion counts every candidate. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "whatif/whatif.h"
#include "persistence/sqlite_uow.h"
#include "tui/source_views.h"

static void quiet(Logger *l, const char *line) { (void)l, (void)line; }
static Logger lg = {quiet};
static char path[64];
static UnitOfWork *sq;
static MessageBus *sqbus;
static Views *views;
static TuiSource *vs;

static void both(Command c)
{
    ErrBuf err;
    cr_assert_eq(bus_handle(sqbus, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
}

static void setup(void)
{
    snprintf(path, sizeof path, "/tmp/allot-tui-src-%d.db", (int)getpid());
    unlink(path);
    ErrBuf err;
    cr_assert_eq(sqlite_uow_open(path, NULL, &sq, &err), ALLOT_OK, "%s", err.msg);
    sqbus = bootstrap(sq, NULL, NULL, &lg);
    const char *skus[] = {"LAMP", "TABLE", "CHAIR", "SOFA", "茶杯"};
    char ref[32], o[32];
    for (int b = 0; b < 30; b++) {
        snprintf(ref, sizeof ref, "B%02d", (b * 7) % 30);
        both(command_create_batch(ref, skus[b % 5], 5 + b % 4,
                                  b % 3 ? 20400 + (b * 13) % 20 : ALLOT_NO_ETA));
    }
    both(command_create_batch("D01", "DESK", 10, ALLOT_NO_ETA)); /* a SKU not short */
    for (int i = 0; i < 120; i++) {
        snprintf(o, sizeof o, "o%03d", (i * 37) % 120);
        both(command_allocate(o, skus[i % 5], 1 + i % 4));
    }
    cr_assert_eq(sqlite_views_open(path, &views, &err), ALLOT_OK, "%s", err.msg);
    vs = source_views_new(views);
}

static void teardown(void)
{
    tui_source_free(vs);
    views_free(views);
    bus_free(sqbus);
    uow_free(sq);
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

TestSuite(tui_source_views, .init = setup, .fini = teardown);

static void fetch_all(TuiSource *s, const TuiQuery *q, TuiRowVec *out)
{
    ErrBuf err;
    cr_assert_eq(s->ops->fetch(s, q, TF_FIRST, NULL, 100000, out, &err), ALLOT_OK, "%s", err.msg);
}

/* Pages of 3 forward, then of 4 backward from the end: same rows as one page. */
static void check_paging(TuiSource *src, TuiQuery q)
{
    TuiRowVec all = {0}, fw = {0}, bw = {0};
    ErrBuf err;
    fetch_all(src, &q, &all);
    cr_assert_gt(all.len, 0, "kind %d has rows", q.kind);
    cr_assert_eq(src->ops->fetch(src, &q, TF_FIRST, NULL, 3, &fw, &err), ALLOT_OK);
    while (fw.len < all.len + 1) {
        size_t before = fw.len;
        char cur[TUI_CURSOR_MAX];
        snprintf(cur, sizeof cur, "%s", fw.items[fw.len - 1].cursor);
        cr_assert_eq(src->ops->fetch(src, &q, TF_AFTER, cur, 3, &fw, &err), ALLOT_OK, "%s",
                     err.msg);
        if (fw.len == before)
            break;
    }
    cr_assert_eq(fw.len, all.len, "kind %d sort %d: forward pages", q.kind, q.sort);
    for (size_t i = 0; i < all.len; i++)
        cr_assert_str_eq(fw.items[i].key, all.items[i].key);
    /* backward */
    TuiRowVec page = {0};
    cr_assert_eq(src->ops->fetch(src, &q, TF_LAST, NULL, 4, &page, &err), ALLOT_OK);
    while (page.len) {
        for (size_t i = page.len; i-- > 0;)
            *tui_rows_push(&bw) = page.items[i];
        char cur[TUI_CURSOR_MAX];
        snprintf(cur, sizeof cur, "%s", page.items[0].cursor);
        tui_rows_clear(&page);
        cr_assert_eq(src->ops->fetch(src, &q, TF_BEFORE, cur, 4, &page, &err), ALLOT_OK);
        cr_assert_leq(bw.len, all.len, "kind %d sort %d desc %d: backward pages from %s repeat",
                      q.kind, q.sort, q.desc, cur);
    }
    cr_assert_eq(bw.len, all.len, "kind %d sort %d: backward pages", q.kind, q.sort);
    for (size_t i = 0; i < all.len; i++)
        cr_assert_str_eq(bw.items[all.len - 1 - i].key, all.items[i].key);
    /* at-or-after a row's cursor starts with that row */
    size_t mid = all.len / 2;
    tui_rows_clear(&page);
    cr_assert_eq(src->ops->fetch(src, &q, TF_FROM, all.items[mid].cursor, 2, &page, &err),
                 ALLOT_OK);
    cr_assert_str_eq(page.items[0].key, all.items[mid].key);
    /* the count (slice by slice) and the position of every row */
    int64_t n = 0;
    char next[TUI_CURSOR_MAX] = "";
    int slices = 0;
    do {
        cr_assert_eq(src->ops->count(src, &q, next, &n, next, sizeof next, &err), ALLOT_OK, "%s",
                     err.msg);
        cr_assert_lt(++slices, 1000);
    } while (next[0]);
    cr_assert_eq(n, (int64_t)all.len, "kind %d sort %d: counted %lld of %zu", q.kind, q.sort,
                 (long long)n, all.len);
    for (size_t i = 0; i < all.len; i += 1 + all.len / 5) {
        int64_t pos = -1;
        cr_assert_eq(src->ops->position(src, &q, all.items[i].cursor, &pos, &err), ALLOT_OK);
        cr_assert_eq(pos, (int64_t)i, "kind %d sort %d: row %zu at %lld", q.kind, q.sort, i,
                     (long long)pos);
    }
    tui_rows_fini(&page);
    tui_rows_fini(&all);
    tui_rows_fini(&fw);
    tui_rows_fini(&bw);
}

/* Every order of every list, both ways, with and without a filter's terms. */
Test(tui_source_views, keyset_pages_forward_and_backward_give_every_row_once)
{
    TuiListKind kinds[] = {TL_PRODUCTS, TL_SHORT,      TL_BATCHES, TL_DUE,   TL_OVERDUE,
                           TL_BATCH_LINES, TL_ORDER, TL_BACKORDERS, TL_EVENTS, TL_TODAY};
    const char *filters[] = {"", "sku:LA", "qty>=2"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (int s = 0; s < 2 * tui_kind_sort_count(kinds[k]); s++) {
            for (int f = 0; f < 3; f++) {
                TuiQuery q = {.kind = kinds[k], .sort = s / 2, .desc = s % 2, .today = 20410};
                if (kinds[k] == TL_TODAY)
                    q.today = date_from_unix(time(NULL));
                snprintf(q.filter, sizeof q.filter, "%s", filters[f]);
                if (kinds[k] == TL_BATCH_LINES)
                    strcpy(q.arg, "B07");
                if (kinds[k] == TL_ORDER)
                    strcpy(q.arg, "o037");
                TuiRowVec all = {0};
                fetch_all(vs, &q, &all);
                size_t n = all.len;
                tui_rows_fini(&all);
                if (n)
                    check_paging(vs, q);
            }
        }
    }
}

/* A filter over the event log reads it a slice at a time: a page it cannot fill
 * within its budget ends in a pending row, from which the rest follows — the same
 * rows as one unbounded read, and counted the same. */
Test(tui_source_views, a_filter_over_the_event_log_goes_on_from_a_pending_row)
{
    TuiSource *sliced = source_views_new(views);
    source_views_set_scan(sliced, 7, 21, 10);
    for (int desc = 0; desc < 2; desc++) {
        TuiQuery q = {.kind = TL_EVENTS, .sort = 0, .desc = desc, .today = 20410};
        strcpy(q.filter, "type:allocated sku:LAMP");
        TuiRowVec all = {0}, got = {0};
        fetch_all(vs, &q, &all);
        cr_assert_gt(all.len, 10);
        ErrBuf err;
        int pendings = 0;
        cr_assert_eq(sliced->ops->fetch(sliced, &q, TF_FIRST, NULL, 4, &got, &err), ALLOT_OK);
        for (int guard = 0; guard < 1000; guard++) {
            if (got.len && (got.items[got.len - 1].flags & TUI_ROW_PENDING)) {
                pendings++;
                char cur[TUI_CURSOR_MAX];
                snprintf(cur, sizeof cur, "%s", got.items[got.len - 1].cursor);
                cr_assert(strstr(got.items[got.len - 1].cells[3], "searching"), "%s",
                          got.items[got.len - 1].cells[3]);
                got.len--;
                size_t was = got.len;
                cr_assert_eq(sliced->ops->fetch(sliced, &q, TF_AFTER, cur, 4, &got, &err),
                             ALLOT_OK);
                if (got.len == was)
                    break; /* the rest of the log held no match */
                continue;
            }
            size_t before = got.len;
            char cur[TUI_CURSOR_MAX];
            snprintf(cur, sizeof cur, "%s", got.items[got.len - 1].cursor);
            cr_assert_eq(sliced->ops->fetch(sliced, &q, TF_AFTER, cur, 4, &got, &err), ALLOT_OK);
            if (got.len == before)
                break;
        }
        cr_assert_gt(pendings, 0, "the budget ran out at least once");
        cr_assert_eq(got.len, all.len, "desc %d: %zu rows by slices, %zu in one read", desc,
                     got.len, all.len);
        for (size_t i = 0; i < all.len; i++)
            cr_assert_str_eq(got.items[i].key, all.items[i].key);
        int64_t n = 0;
        char next[TUI_CURSOR_MAX] = "";
        int slices = 0;
        do {
            cr_assert_eq(sliced->ops->count(sliced, &q, next, &n, next, sizeof next, &err),
                         ALLOT_OK);
            slices++;
        } while (next[0]);
        cr_assert_gt(slices, 3);
        cr_assert_eq(n, (int64_t)all.len);
        tui_rows_fini(&all);
        tui_rows_fini(&got);
    }
    tui_source_free(sliced);
}

/* The filter's terms and words select what the planner asked for. */
Test(tui_source_views, filter_terms_select_by_column_state_and_date)
{
    struct {
        TuiListKind kind;
        const char *filter;
        bool (*keep)(const TuiRow *r);
    } cases[] = {
        {TL_BACKORDERS, "sku:TA", NULL},
        {TL_BATCHES, "state:warehouse", NULL},
        {TL_BATCHES, "eta>2025-11-10", NULL},
        {TL_PRODUCTS, "state:short", NULL},
    };
    ErrBuf err;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        TuiQuery all_q = {.kind = cases[c].kind, .sort = -1, .today = 20410};
        TuiQuery q = all_q;
        strcpy(q.filter, cases[c].filter);
        TuiRowVec all = {0}, some = {0};
        fetch_all(vs, &all_q, &all);
        fetch_all(vs, &q, &some);
        size_t want = 0;
        for (size_t i = 0; i < all.len; i++) {
            const TuiRow *r = &all.items[i];
            bool keep = c == 0   ? strncmp(r->sku, "TA", 2) == 0
                        : c == 1 ? r->eta == ALLOT_NO_ETA
                        : c == 2 ? r->eta != ALLOT_NO_ETA && r->eta > 20402
                                 : (r->flags & TUI_ROW_SHORT) != 0;
            if (!keep)
                continue;
            cr_assert_lt(want, some.len, "%s: too few rows", cases[c].filter);
            cr_assert_str_eq(some.items[want].key, r->key, "%s: row %zu", cases[c].filter, want);
            want++;
        }
        cr_assert_eq(some.len, want, "%s: %zu rows, %zu wanted", cases[c].filter, some.len, want);
        cr_assert_gt(want, 0, "%s selects some rows", cases[c].filter);
        cr_assert_lt(want, all.len, "%s leaves some out", cases[c].filter);
        tui_rows_fini(&all);
        tui_rows_fini(&some);
    }
    TuiQuery bad = {.kind = TL_BATCHES, .sort = -1};
    strcpy(bad.filter, "avail>3");
    TuiRowVec v = {0};
    cr_assert_eq(vs->ops->fetch(vs, &bad, TF_FIRST, NULL, 5, &v, &err), ALLOT_EINVALID);
    cr_assert(strstr(err.msg, "summed from its lines"), "%s", err.msg);
    tui_rows_fini(&v);
}

Test(tui_source_views, a_what_if_sandboxs_views_page_the_same_way)
{
    WhatIfSession *ws;
    ErrBuf err;
    cr_assert_eq(whatif_new(sq, views, NULL, &lg, &ws, &err), ALLOT_OK, "%s", err.msg);
    Command c = command_change_batch_qty("B07", 0); /* its lines move or wait */
    cr_assert_eq(whatif_run(ws, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
    c = command_allocate("o999", "LAMP", 2);
    cr_assert_eq(whatif_run(ws, &c, NULL, &err), ALLOT_OK, "%s", err.msg);
    TuiSource *sb = source_views_new(whatif_views(ws));
    TuiListKind kinds[] = {TL_PRODUCTS, TL_SHORT, TL_BATCHES, TL_ORDER, TL_BACKORDERS};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (int s = 0; s < tui_kind_sort_count(kinds[k]); s++) {
            TuiQuery q = {.kind = kinds[k], .sort = s, .today = 20400};
            if (kinds[k] == TL_ORDER)
                strcpy(q.arg, "o999");
            check_paging(sb, q);
        }
    tui_source_free(sb);
    whatif_discard(ws);
}

/* locate gives the cursor at which the row with that identity is read first. */
static void check_locate(TuiQuery q)
{
    TuiRowVec all = {0};
    ErrBuf err;
    fetch_all(vs, &q, &all);
    for (size_t i = 0; i < all.len; i += 1 + all.len / 7) {
        char cur[TUI_CURSOR_MAX];
        bool found = false;
        cr_assert_eq(vs->ops->locate(vs, &q, all.items[i].key, cur, sizeof cur, &found, &err),
                     ALLOT_OK, "%s", err.msg);
        cr_assert(found, "kind %d: row %s", q.kind, all.items[i].key);
        cr_assert_str_eq(cur, all.items[i].cursor, "kind %d: row %s", q.kind, all.items[i].key);
    }
    tui_rows_fini(&all);
}

Test(tui_source_views, a_row_is_located_by_its_identity_in_every_list_and_order)
{
    TuiListKind kinds[] = {TL_PRODUCTS, TL_SHORT, TL_BATCHES, TL_BATCH_LINES, TL_ORDER,
                           TL_BACKORDERS, TL_EVENTS};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (int s = 0; s < tui_kind_sort_count(kinds[k]); s++) {
            TuiQuery q = {.kind = kinds[k], .sort = s, .today = 20400};
            if (kinds[k] == TL_BATCH_LINES)
                strcpy(q.arg, "B07");
            if (kinds[k] == TL_ORDER)
                strcpy(q.arg, "o037");
            check_locate(q);
        }
}

Test(tui_source_views, a_row_outside_the_list_or_its_filter_is_not_located)
{
    TuiQuery q = {.kind = TL_BATCHES, .sort = 1};
    char cur[TUI_CURSOR_MAX];
    bool found = true;
    ErrBuf err;
    cr_assert_eq(vs->ops->locate(vs, &q, "NOPE", cur, sizeof cur, &found, &err), ALLOT_OK);
    cr_assert_not(found, "no such batch");
    strcpy(q.filter, "lamp");
    cr_assert_eq(vs->ops->locate(vs, &q, "B01", cur, sizeof cur, &found, &err), ALLOT_OK);
    cr_assert_not(found, "B01 is a TABLE batch: filtered out");
    q = (TuiQuery){.kind = TL_BATCH_LINES};
    strcpy(q.arg, "B07");
    cr_assert_eq(vs->ops->locate(vs, &q, "o999\x1fLAMP", cur, sizeof cur, &found, &err),
                 ALLOT_OK);
    cr_assert_not(found, "no such line");
}

Test(tui_source_views, the_completion_span_counts_every_id_and_gives_the_first_and_last)
{
    CompleteSpan sp;
    ErrBuf err;
    cr_assert_eq(vs->ops->complete_span(vs, COMPLETE_REF, "B", 1000, &sp, &err), ALLOT_OK);
    cr_assert_eq(sp.count, 30);
    cr_assert_not(sp.more);
    cr_assert_str_eq(sp.first, "B00");
    cr_assert_str_eq(sp.last, "B29");
    cr_assert_eq(vs->ops->complete_span(vs, COMPLETE_ORDERID, "o", 50, &sp, &err), ALLOT_OK);
    cr_assert_eq(sp.count, 50, "counted up to the cap");
    cr_assert(sp.more);
    cr_assert_str_eq(sp.first, "o000");
    cr_assert_str_eq(sp.last, "o119", "the last of all, not of the first 50");
    cr_assert_eq(vs->ops->complete_span(vs, COMPLETE_SKU, "ZZ", 50, &sp, &err), ALLOT_OK);
    cr_assert_eq(sp.count, 0);
}

Test(tui_source_views, the_filter_keeps_matching_rows)
{
    TuiQuery q = {.kind = TL_BATCHES, .sort = 1};
    strcpy(q.filter, "lamp");
    TuiRowVec a = {0};
    fetch_all(vs, &q, &a);
    cr_assert_eq(a.len, 6);
    for (size_t i = 0; i < a.len; i++)
        cr_assert_str_eq(a.items[i].sku, "LAMP");
    tui_rows_fini(&a);
}

Test(tui_source_views, batch_info_finds_exactly_the_batch)
{
    TuiBatchInfo info;
    bool found;
    ErrBuf err;
    cr_assert_eq(vs->ops->batch_info(vs, "B07", &info, &found, &err), ALLOT_OK);
    cr_assert(found);
    cr_assert_str_eq(info.ref, "B07");
    cr_assert_eq(vs->ops->batch_info(vs, "B0", &info, &found, &err), ALLOT_OK);
    cr_assert_not(found);
    cr_assert_eq(vs->ops->batch_info(vs, "B070", &info, &found, &err), ALLOT_OK);
    cr_assert_not(found);
}

Test(tui_source_views, events_since_and_the_newest_id_follow_the_log)
{
    int64_t max;
    ErrBuf err;
    cr_assert_eq(vs->ops->max_event_id(vs, &max, &err), ALLOT_OK);
    cr_assert_eq(max, 31 + 120, "one event per batch created and per line allocated");
    TuiFeedVec f = {0};
    cr_assert_eq(vs->ops->events_since(vs, max - 3, 10, &f, &err), ALLOT_OK);
    cr_assert_eq(f.len, 3);
    cr_assert_eq(f.items[2].id, max);
    cr_assert_gt(f.items[2].at, 0);
    tui_feed_fini(&f);
    bool empty;
    cr_assert_eq(vs->ops->is_empty(vs, &empty, &err), ALLOT_OK);
    cr_assert_not(empty);
}

Test(tui_source_views, completion_lists_ids_by_prefix)
{
    char **c;
    size_t n;
    ErrBuf err;
    cr_assert_eq(vs->ops->complete(vs, COMPLETE_SKU, "S", 10, &c, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(c[0], "SOFA");
    tui_strings_free(c, n);
    cr_assert_eq(vs->ops->complete(vs, COMPLETE_REF, "B1", 100, &c, &n, &err), ALLOT_OK);
    cr_assert_eq(n, 10);
    tui_strings_free(c, n);
}
