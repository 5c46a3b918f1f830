#include "cli/demo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/bootstrap.h"
#include "app/views.h"
#include "cli/cli.h"
#include "cli/hook_notifier.h"
#include "domain/lateness.h"
#include "domain/xalloc.h"
#include "persistence/csv_io.h"

/* Embedded at build time by cmake/embed_files.cmake. */
extern const unsigned char demo_products_csv[], demo_orders_csv[], demo_order_details_csv[];
extern const unsigned long demo_products_csv_len, demo_orders_csv_len, demo_order_details_csv_len;

typedef struct DemoProduct {
    long id, supplier;
    AllotId name;
    int64_t stock, on_order;
} DemoProduct;

typedef struct DemoOrder {
    long id;
    int32_t date, required;
} DemoOrder;

typedef struct DemoLine {
    long order, product;
    int64_t qty;
    int32_t date, required;
} DemoLine;

/* The last OrderDate of the dataset: 1998-05-06. */
#define DEMO_LAST_ORDER_DATE "1998-05-06"

static FILE *open_data(const char *file, const unsigned char *data, unsigned long len,
                       ErrBuf *err)
{
    const char *dir = getenv("ALLOT_DEMO_DIR");
    FILE *fp;
    if (dir && dir[0]) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        fp = fopen(path, "r");
        if (!fp)
            err_set(err, ALLOT_EIO, "%s: cannot open: %s", path, strerror(errno));
    } else {
        fp = fmemopen((void *)data, len, "r");
        if (!fp)
            err_set(err, ALLOT_EIO, "%s: cannot read the bundled copy: %s", file, strerror(errno));
    }
    return fp;
}

typedef AllotStatus (*RowFn)(void *ctx, const char *const *f, const char *file, long line,
                             ErrBuf *err);

static AllotStatus read_rows(const char *file, const unsigned char *data, unsigned long len,
                             const char *const *cols, size_t ncols, RowFn fn, void *ctx,
                             ErrBuf *err)
{
    FILE *fp = open_data(file, data, len, err);
    if (!fp)
        return ALLOT_EIO;
    CsvReader *r;
    AllotStatus st = csv_reader_open(fp, file, cols, NULL, ncols, &r, err);
    while (st == ALLOT_OK) {
        const char *const *f;
        long line;
        bool done;
        if ((st = csv_reader_next(r, &f, &line, &done, err)) != ALLOT_OK || done)
            break;
        st = fn(ctx, f, file, line, err);
    }
    if (r)
        csv_reader_free(r);
    fclose(fp);
    return st;
}

static AllotStatus num(const char *text, const char *field, const char *file, long line,
                       int64_t *out, ErrBuf *err)
{
    ErrBuf e = {{0}};
    if (validate_int(text, field, 0, ALLOT_QTY_MAX, out, &e) != ALLOT_OK)
        return err_set(err, ALLOT_EINVALID, "%s:%ld: %s", file, line, e.msg);
    return ALLOT_OK;
}

typedef struct Vec {
    void *items;
    size_t len, cap, size;
} Vec;

static void *vec_push(Vec *v)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->items = xreallocarray(v->items, v->cap, v->size);
    }
    return (char *)v->items + v->size * v->len++;
}

static AllotStatus on_product(void *ctx, const char *const *f, const char *file, long line,
                              ErrBuf *err)
{
    DemoProduct *p = vec_push(ctx);
    int64_t id, sup;
    ErrBuf e = {{0}};
    AllotStatus st;
    if ((st = num(f[0], "ProductID", file, line, &id, err)) != ALLOT_OK ||
        (st = num(f[2], "SupplierID", file, line, &sup, err)) != ALLOT_OK ||
        (st = num(f[3], "UnitsInStock", file, line, &p->stock, err)) != ALLOT_OK ||
        (st = num(f[4], "UnitsOnOrder", file, line, &p->on_order, err)) != ALLOT_OK)
        return st;
    if (validate_id(f[1], "ProductName", p->name, &e) != ALLOT_OK)
        return err_set(err, ALLOT_EINVALID, "%s:%ld: %s", file, line, e.msg);
    p->id = (long)id;
    p->supplier = (long)sup;
    return ALLOT_OK;
}

static AllotStatus on_order(void *ctx, const char *const *f, const char *file, long line,
                            ErrBuf *err)
{
    if (f[2][0] != '\0') /* shipped: not an open order */
        return ALLOT_OK;
    int64_t id;
    AllotStatus st = num(f[0], "OrderID", file, line, &id, err);
    if (st != ALLOT_OK)
        return st;
    DemoOrder *o = vec_push(ctx);
    o->id = (long)id;
    ErrBuf e = {{0}};
    if (validate_eta(f[1], &o->date, &e) != ALLOT_OK || o->date == ALLOT_NO_ETA)
        return err_set(err, ALLOT_EINVALID, "%s:%ld: OrderDate \"%s\" is not a date", file, line,
                       f[1]);
    if (validate_eta(f[3], &o->required, &e) != ALLOT_OK)
        return err_set(err, ALLOT_EINVALID, "%s:%ld: RequiredDate \"%s\" is not a date", file,
                       line, f[3]);
    return ALLOT_OK;
}

typedef struct DetailCtx {
    Vec *lines;
    const Vec *orders;
} DetailCtx;

static AllotStatus on_detail(void *ctx, const char *const *f, const char *file, long line,
                             ErrBuf *err)
{
    DetailCtx *c = ctx;
    int64_t order, product, qty;
    AllotStatus st;
    if ((st = num(f[0], "OrderID", file, line, &order, err)) != ALLOT_OK ||
        (st = num(f[1], "ProductID", file, line, &product, err)) != ALLOT_OK ||
        (st = num(f[2], "Quantity", file, line, &qty, err)) != ALLOT_OK)
        return st;
    const DemoOrder *orders = c->orders->items;
    for (size_t i = 0; i < c->orders->len; i++) {
        if (orders[i].id != order)
            continue;
        DemoLine *l = vec_push(c->lines);
        *l = (DemoLine){(long)order, (long)product, qty, orders[i].date, orders[i].required};
        break;
    }
    return ALLOT_OK;
}

static int line_cmp(const void *a, const void *b)
{
    const DemoLine *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return (x->product > y->product) - (x->product < y->product);
}

/* The invented ETA of product p's units on order, before the shift: the last order
 * date − 7, + 7 or + 21 days by SupplierID mod 3 (one in three is overdue). */
static int32_t invented_eta(const DemoProduct *p, int32_t last)
{
    return last - 7 + (int32_t)(14 * (p->supplier % 3));
}

/* What run_demo loads and counts. */
typedef struct DemoRun {
    const Vec *products, *lines;
    DemoSummary *sum;
    int32_t today; /* days: the calendar the demo is put on */
} DemoRun;

/* Sends the demo's commands (bus_bulk's body: all of them or none). */
static AllotStatus run_demo(MessageBus *bus, void *ctx, ErrBuf *err)
{
    const DemoRun *run = ctx;
    const Vec *products = run->products, *lines = run->lines;
    DemoSummary *sum = run->sum;
    int32_t last;
    ErrBuf e = {{0}};
    validate_eta(DEMO_LAST_ORDER_DATE, &last, &e);
    /* every date moves by the same number of days: the last order date is yesterday */
    int32_t today = run->today;
    int32_t shift = today - 1 - last;
    sum->shift_days = shift;
    sum->last_order_date = last + shift;
    const DemoProduct *p = products->items;
    AllotStatus st = ALLOT_OK;
    CommandResult res;
    command_result_init(&res);
    for (size_t i = 0; i < products->len && st == ALLOT_OK; i++) {
        char ref[16];
        snprintf(ref, sizeof ref, "WH-%02ld", p[i].id % 1000);
        Command c = command_create_batch(ref, p[i].name, p[i].stock, ALLOT_NO_ETA);
        if ((st = bus_handle(bus, &c, &res, err)) != ALLOT_OK)
            break;
        sum->batches_in_stock++;
        if (p[i].on_order > 0) {
            snprintf(ref, sizeof ref, "PO-%02ld", p[i].id % 1000);
            int32_t eta = invented_eta(&p[i], last) + shift;
            c = command_create_batch(ref, p[i].name, p[i].on_order, eta);
            if ((st = bus_handle(bus, &c, &res, err)) != ALLOT_OK)
                break;
            sum->batches_incoming++;
            sum->batches_overdue += eta < today;
        }
    }
    sum->products = (long)products->len;
    const DemoLine *l = lines->items;
    long prev_order = -1;
    for (size_t i = 0; i < lines->len && st == ALLOT_OK; i++) {
        const DemoProduct *prod = NULL;
        for (size_t k = 0; k < products->len; k++)
            if (p[k].id == l[i].product)
                prod = &p[k];
        if (!prod) {
            st = err_set(err, ALLOT_EINVALID, "order_details.csv: order %ld names product %ld, "
                         "which products.csv lacks", l[i].order, l[i].product);
            break;
        }
        char orderid[24];
        snprintf(orderid, sizeof orderid, "%ld", l[i].order);
        int32_t need = l[i].required == ALLOT_NO_DATE ? ALLOT_NO_DATE : l[i].required + shift;
        Command c = command_with_need(command_allocate(orderid, prod->name, l[i].qty), need, 0);
        if ((st = bus_handle(bus, &c, &res, err)) != ALLOT_OK)
            break;
        /* lines never move once loaded (the demo only creates and allocates): the
         * place each got is its place at the end */
        int32_t eta = ALLOT_NO_ETA;
        if (res.batchref[0] && strncmp(res.batchref, "PO-", 3) == 0)
            eta = invented_eta(prod, last) + shift;
        LineLateness late = lateness_of_line(res.batchref[0] != '\0', eta, need, today);
        sum->late_lines += late.late > 0;
        if (l[i].order != prev_order)
            sum->orders++;
        prev_order = l[i].order;
        sum->lines++;
        if (res.batchref[0]) {
            sum->allocated++;
        } else {
            sum->backordered++;
            sum->backordered_units += l[i].qty;
        }
    }
    command_result_fini(&res);
    return st;
}

AllotStatus demo_load_into(MessageBus *bus, Clock *clock, DemoSummary *sum, ErrBuf *err)
{
    memset(sum, 0, sizeof *sum);
    static const char *const pcols[] = {"productid", "productname", "supplierid", "unitsinstock",
                                        "unitsonorder"};
    static const char *const ocols[] = {"orderid", "orderdate", "shippeddate", "requireddate"};
    static const char *const dcols[] = {"orderid", "productid", "quantity"};
    Vec products = {.size = sizeof(DemoProduct)}, orders = {.size = sizeof(DemoOrder)},
        lines = {.size = sizeof(DemoLine)};
    DetailCtx dc = {&lines, &orders};
    AllotStatus st = read_rows("products.csv", demo_products_csv, demo_products_csv_len, pcols, 5,
                               on_product, &products, err);
    if (st == ALLOT_OK)
        st = read_rows("orders.csv", demo_orders_csv, demo_orders_csv_len, ocols, 4, on_order,
                       &orders, err);
    if (st == ALLOT_OK)
        st = read_rows("order_details.csv", demo_order_details_csv, demo_order_details_csv_len,
                       dcols, 3, on_detail, &dc, err);
    if (st == ALLOT_OK) {
        qsort(lines.items, lines.len, lines.size, line_cmp);
        DemoRun run = {&products, &lines, sum, date_from_unix(clock->now(clock))};
        st = bus_bulk(bus, run_demo, &run, err);
    }
    free(products.items);
    free(orders.items);
    free(lines.items);
    return st;
}

/* Refuses a database that holds anything already. */
static AllotStatus check_empty(Views *v, const char *path, ErrBuf *err)
{
    int64_t last = 0;
    AllotStatus st = views_latest_event_id(v, &last, err);
    if (st == ALLOT_OK && last > 0)
        st = err_set(err, ALLOT_EINVALID,
                     "demo: the database %s already holds data (%lld events); the demo loads "
                     "into an empty one (try --db with another path)",
                     path, (long long)last);
    return st;
}

static void print_summary(FILE *out, const DemoSummary *s)
{
    char d[ALLOT_DATE_TEXT];
    fprintf(out,
            "demo: every Northwind date moved by %ld days: the last order date, %s, is "
            "yesterday, %s\n"
            "demo: Northwind loaded: %ld products, %ld batches in the warehouse, %ld incoming "
            "(%ld overdue)\n"
            "demo: %ld open orders, %ld lines: %ld allocated, %ld backordered (%ld units); "
            "%ld lines late\n",
            (long)s->shift_days, DEMO_LAST_ORDER_DATE, date_format(s->last_order_date, d),
            s->products, s->batches_in_stock, s->batches_incoming, s->batches_overdue, s->orders,
            s->lines, s->allocated, s->backordered, s->backordered_units, s->late_lines);
}

AllotStatus tool_demo(Cli *cli, const ParsedCommand *pc, ErrBuf *err)
{
    (void)pc;
    AllotStatus st = cli_open_store(cli, err);
    if (st == ALLOT_OK)
        st = check_empty(cli->views, cli->store.label, err);
    DemoSummary sum;
    hook_notifier_hold(cli->hook);
    if (st == ALLOT_OK)
        st = demo_load_into(cli->bus, cli->clock, &sum, err);
    hook_notifier_release(cli->hook, st == ALLOT_OK);
    if (st == ALLOT_OK)
        print_summary(cli->out, &sum);
    return st;
}

AllotStatus demo_load(const char *db_path, ErrBuf *err)
{
    Cli cli = {.db_arg = db_path, .out = stdout, .clock = clock_system(),
               .logger = logger_stderr(), .notifier = notifier_none()};
    AllotStatus st = cli_open_store(&cli, err);
    if (st == ALLOT_OK)
        st = check_empty(cli.views, cli.store.label, err);
    DemoSummary sum;
    if (st == ALLOT_OK)
        st = demo_load_into(cli.bus, cli.clock, &sum, err);
    cli_close_store(&cli);
    return st;
}
