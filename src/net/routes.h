/* routes.h — the one route table of `allot serve` (SPEC.md §7.1; STYLE.md "A
 * command table").
 *
 * Each route is one const descriptor: method, path pattern, handler, summary, and
 * what the generic layer checks before the handler runs (a JSON body, the error
 * format).  The HTTP layer (http.c) dispatches through it, and the test
 * tests/net/test_api_docs.c checks docs/api.md against it both ways, so a route
 * cannot exist undocumented.  A new read-model query (atp, promise, why) is one
 * more row and one handler.
 *
 * Patterns are literal segments and `{name}` segments, which match one non-empty
 * path segment; `/api/v1/commands/{name}` serves every bus command of the command
 * table (app/command_table.h) by name.  A segment with a malformed escape (%zz) or
 * one that decodes to a control character is a bad path (400), and so is a query
 * parameter the route does not take, given twice or without a value, or whose
 * value is so escaped (http.c checks them before the handler runs).
 */
#ifndef ALLOT_NET_ROUTES_H
#define ALLOT_NET_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/status.h"
#include "net/api.h"

typedef struct RouteSpec {
    const char *method;  /* "GET" or "POST" */
    const char *pattern; /* "/api/v1/batches/{ref}/lines" */
    RouteHandler handler;
    const char *summary; /* one line, for docs/api.md */
    bool book;           /* one of the reference service's routes: errors are
                            {"message": ...} (api.h) */
    bool json_body;      /* takes a JSON body: Content-Type must be application/json
                            (415), at most HTTP_BODY_MAX bytes (413) */
    const char *query;   /* the query parameters it takes, separated by spaces
                            ("limit after"), or NULL for none: any other is 400 */
} RouteSpec;

/* Every route, in the order docs/api.md lists them.  Static storage. */
size_t route_table_count(void);
const RouteSpec *route_table_at(size_t i);

/* The row of `r` in the table (0..route_table_count()-1), or route_table_count() for
 * NULL (a request that matched no route): the index of its counters (stats.h). */
size_t route_index(const RouteSpec *r);

typedef enum RouteMatch {
    ROUTE_FOUND,     /* *route and params are set */
    ROUTE_NO_PATH,   /* no route has this path: 404 */
    ROUTE_NO_METHOD, /* routes have this path, not this method: 405, `allow` lists them */
    ROUTE_BAD_PATH,  /* a {name} segment has a malformed escape (%zz) or decodes to text
                        with a NUL or a control character: 400, message in err, *route
                        the route it would have been (for its error format) */
} RouteMatch;

/* Matches `method` and `path` (as sent: percent-encoded, without the query).
 * The {name} segments are percent-decoded into `buf` (`size` bytes; a path that
 * does not fit does not match) and params[i] points at the i-th.  `allow` (`asize`
 * bytes) receives "GET, POST" for ROUTE_NO_METHOD. */
RouteMatch route_match(const char *method, const char *path, const RouteSpec **route,
                       const char *params[ROUTE_MAX_PARAMS], char *buf, size_t size,
                       char *allow, size_t asize, ErrBuf *err);

/* Decodes %XX escapes of `s` in place ('+' stays '+').  Returns false if a '%' is
 * not followed by two hex digits (`s` is then left as it was) or if the result holds
 * a NUL or another control character (C0, DEL); *why (if `why` is not NULL) then
 * says which, as words for a message ("a malformed percent escape (...)", "an
 * escaped control character"), and is NULL on success. */
bool route_unescape(char *s, const char **why);

/* True if route `r` takes query parameter `name` (its `query` list). */
bool route_takes_query(const RouteSpec *r, const char *name);

#endif
