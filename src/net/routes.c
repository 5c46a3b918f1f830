#include "net/routes.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "net/stats.h"

static const RouteSpec route_table[] = {
    /* The reference service (the book's ch. 4 Flask API), wire-compatible. */
    {"GET", "/", api_status, "a small JSON status: service, version, store kind", true,
     false, NULL},
    {"POST", "/add_batch", api_book_add_batch,
     "create a batch: {\"ref\",\"sku\",\"qty\",\"eta\"} (eta YYYY-MM-DD or null); 201 OK", true,
     true, NULL},
    {"POST", "/allocate", api_book_allocate,
     "allocate an order line: {\"orderid\",\"sku\",\"qty\"}; 202 OK, unknown SKU 400", true,
     true, NULL},
    {"GET", "/allocations/{orderid}", api_book_allocations,
     "the allocated lines of an order: [{\"sku\",\"batchref\"}]; none 404", true, false, NULL},
    /* allot's own API. */
    {"POST", "/api/v1/commands/{name}", api_v1_command,
     "run a bus command of the command table with its arguments as JSON fields", false, true, NULL},
    {"POST", "/api/v1/undo", api_v1_undo,
     "undo a command (default: the latest) as allot undo does: {\"command_id\": N}", false,
     true, NULL},
    {"GET", "/api/v1/products", api_v1_products, "the products summary, by SKU (paged)", false,
     false, "limit after backordered"},
    {"GET", "/api/v1/products/{sku}/batches", api_v1_product_batches,
     "the batches of a SKU in preference order", false, false, NULL},
    {"GET", "/api/v1/products/{sku}/atp", api_v1_atp,
     "available to promise: the availability timeline of a SKU from today", false, false, NULL},
    {"GET", "/api/v1/products/{sku}/promise", api_v1_promise,
     "where and when a new line of ?qty=N would be served now; nothing changes", false,
     false, "qty"},
    {"GET", "/api/v1/batches/{ref}/lines", api_v1_batch_lines,
     "the lines on a batch, oldest first (paged)", false, false, "limit after"},
    {"GET", "/api/v1/orders/{orderid}", api_v1_order,
     "every line of an order with its batch or backorder", false, false, NULL},
    {"GET", "/api/v1/orders/{orderid}/lines/{sku}/history", api_v1_line_history,
     "why: every event of an order line, with its command and actor", false, false, NULL},
    {"GET", "/api/v1/backorders", api_v1_backorders,
     "the backorders, oldest first, of every SKU or of one (paged)", false,
     false, "sku limit after"},
    {"GET", "/api/v1/events", api_v1_events, "the event log after an id, as a JSON list", false,
     false, "since limit"},
    {"GET", "/api/v1/events/stream", api_v1_event_stream,
     "the event log after an id, then each new event, as text/event-stream", false, false, "since"},
    /* Operations (docs/operate.md). */
    {"GET", "/healthz", api_healthz,
     "readiness: 200 when the store answers, 503 with the reason when it does not", false,
     false, NULL},
    {"GET", "/metrics", api_metrics, "the counters in the Prometheus text format", false,
     false, NULL},
};

/* stats.h counts per row, and one more for requests that match none. */
_Static_assert(sizeof route_table / sizeof route_table[0] < STATS_ROUTES,
               "STATS_ROUTES must exceed the rows of the route table");

size_t route_table_count(void) { return sizeof route_table / sizeof route_table[0]; }

const RouteSpec *route_table_at(size_t i)
{
    return i < route_table_count() ? &route_table[i] : NULL;
}

size_t route_index(const RouteSpec *r)
{
    return r ? (size_t)(r - route_table) : route_table_count();
}

bool route_unescape(char *s, const char **why)
{
    const char *ignored;
    if (!why)
        why = &ignored;
    for (const char *p = strchr(s, '%'); p; p = strchr(p + 1, '%')) {
        if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2])) {
            *why = "a malformed percent escape (% and two hex digits)";
            return false;
        }
    }
    *why = "an escaped control character";
    size_t n = MHD_http_unescape(s);
    if (strlen(s) != n)
        return false; /* %00 */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    *why = NULL;
    return true;
}

bool route_takes_query(const RouteSpec *r, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = r->query; p && *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && strncmp(p, name, n) == 0)
            return true;
        p += len;
        p += *p == ' ';
    }
    return false;
}

/* Matches `path` against `pattern`; fills params (decoded into buf).  Returns
 * 1 match, 0 no match, -1 a segment with a malformed escape or that decodes to a
 * control character (*why says which). */
static int match_pattern(const char *pattern, const char *path,
                         const char *params[ROUTE_MAX_PARAMS], char *buf, size_t size,
                         const char **why)
{
    size_t np = 0, used = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return 0;
        p++, s++;
        size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
        if (p[0] == '{') {
            if (slen == 0 || np == ROUTE_MAX_PARAMS || used + slen + 1 > size)
                return 0;
            char *dst = buf + used;
            memcpy(dst, s, slen);
            dst[slen] = '\0';
            used += slen + 1;
            if (!route_unescape(dst, why))
                return -1;
            if (dst[0] == '\0')
                return 0;
            params[np++] = dst;
        } else if (plen != slen || strncmp(p, s, plen) != 0) {
            return 0;
        }
        p += plen, s += slen;
    }
    return *p == '\0' && *s == '\0';
}

RouteMatch route_match(const char *method, const char *path, const RouteSpec **route,
                       const char *params[ROUTE_MAX_PARAMS], char *buf, size_t size,
                       char *allow, size_t asize, ErrBuf *err)
{
    *route = NULL;
    if (asize)
        allow[0] = '\0';
    bool path_known = false;
    const char *bad = NULL;
    const RouteSpec *bad_route = NULL;
    for (size_t i = 0; i < route_table_count(); i++) {
        const RouteSpec *r = &route_table[i];
        const char *tmp[ROUTE_MAX_PARAMS] = {0}, *why = NULL;
        int m = match_pattern(r->pattern, path, tmp, buf, size, &why);
        if (m < 0) {
            if (!bad_route)
                bad = why, bad_route = r;
            continue;
        }
        if (m == 0)
            continue;
        if (strcmp(r->method, method) == 0) {
            *route = r;
            memcpy(params, tmp, sizeof tmp);
            return ROUTE_FOUND;
        }
        if (!strstr(allow, r->method)) {
            size_t len = strlen(allow);
            snprintf(allow + len, asize - len, "%s%s", len ? ", " : "", r->method);
        }
        path_known = true;
    }
    if (path_known)
        return ROUTE_NO_METHOD;
    if (bad_route) {
        *route = bad_route; /* its error format */
        err_set(err, ALLOT_EINVALID, "the path has %s", bad);
        return ROUTE_BAD_PATH;
    }
    return ROUTE_NO_PATH;
}
