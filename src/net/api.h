/* api.h — what a route handler sees and gives back (SPEC.md §7.1).  Handlers know
 * nothing of libmicrohttpd: http.c turns the request into an ApiRequest, runs the
 * route's handler and sends its ApiReply.
 *
 * Errors follow SPEC.md §7.1.  On /api/v1 they are JSON {"error": NAME, "message":
 * MESSAGE} with the CLI's message; on the book's routes {"message": MESSAGE}, so that
 * a client of the reference service reads them unchanged.  Status per AllotStatus:
 *   400 EINVALID, EUSAGE (invalid input: JSON, types, fields, values)
 *   404 EINVALID_SKU, EUNKNOWN_BATCH, EUNKNOWN_LINE, EUNKNOWN_COMMAND (an unknown
 *       thing); but 400 for an unknown SKU on the book's POST /allocate (the
 *       reference's answer)
 *   409 EDUPLICATE_BATCH, ELINE_QTY_MISMATCH, ENO_ROOM, ESKU_MISMATCH,
 *       EUNDO_REFUSED (refused by a rule), ECONFLICT (a conflict that lasted through
 *       the bus's retries)
 *   503 ESTORAGE, EIO (the store cannot be read or written)
 * and, from http.c: 401 no or wrong token, 404 no route, 405 wrong method, 408 the
 * request did not arrive in time, 413 body over 64 KiB, 415 not JSON, 503 too many
 * event streams or shutting down.
 */
#ifndef ALLOT_NET_API_H
#define ALLOT_NET_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/commands.h"
#include "domain/status.h"
#include "net/worker.h"

struct RouteSpec;
struct Server;

#define ROUTE_MAX_PARAMS 3

typedef struct ApiRequest {
    const struct RouteSpec *route;
    const char *params[ROUTE_MAX_PARAMS]; /* the {name} parts of the path, decoded */
    const char *body;                     /* the request body (NUL-terminated), or NULL */
    size_t body_len;
    /* The decoded value of query parameter `name`, or NULL. */
    const char *(*query)(const struct ApiRequest *rq, const char *name);
    /* The value of request header `name` (case-insensitive), or NULL. */
    const char *(*header)(const struct ApiRequest *rq, const char *name);
    void *transport; /* for `query` and `header` */
    struct Server *server;
} ApiRequest;

typedef struct ApiReply {
    unsigned status;
    const char *content_type; /* static text */
    char *body;               /* heap, freed by the sender */
    size_t len;
    char allow[32];           /* 405: the Allow header ("GET, POST"); "" = none */
    bool stream;              /* answer with the event stream from stream_since */
    int64_t stream_since;
    int64_t command_id;       /* the command the request ran (its log line), or 0 */
} ApiReply;

typedef void (*RouteHandler)(const ApiRequest *rq, ApiReply *rep);

/* ---- replies (api_reply.c) ---- */

/* A JSON body: takes the reference to `v`. */
void reply_json(ApiReply *rep, unsigned status, json_t *v);
/* A text/plain body (copied). */
void reply_text(ApiReply *rep, unsigned status, const char *text);
/* The HTTP status of an AllotStatus (table above, /api/v1). */
unsigned api_status_http(AllotStatus s);
/* The error name of an AllotStatus: "invalid_sku", "unknown_batch", "storage". */
const char *api_status_error(AllotStatus s, char *buf, size_t size);
/* An error reply in the format of the request's route (see above), status from
 * api_status_http unless `http` is not 0.  `msg` NULL or "" = the status's default
 * message. */
void reply_error(const ApiRequest *rq, ApiReply *rep, unsigned http, AllotStatus s,
                 const char *msg);
/* An error reply with a name of its own (not an AllotStatus): 404 "not_found". */
void reply_error_named(const ApiRequest *rq, ApiReply *rep, unsigned http, const char *name,
                       const char *msg);

/* The calling thread's worker; on failure answers 503 into `rep` and returns NULL. */
Worker *api_worker(const ApiRequest *rq, ApiReply *rep);

/* After a storage error: answers it, and drops this thread's worker so that the
 * next request opens the store again. */
void reply_storage_error(const ApiRequest *rq, ApiReply *rep, AllotStatus s, const char *msg);

/* Sets cmd->actor from the request's X-Allot-Actor header (SPEC.md §1.6 "what an
 * API client sends"; absent = the server process's own actor).  False after
 * answering 400 for a value that is not a valid identifier. */
bool api_actor(const ApiRequest *rq, ApiReply *rep, Command *cmd);

/* ---- query parameters (api_reply.c) ---- */

/* Query parameter `name` as a whole number in [min, max], `def` when absent.
 * Errors: ALLOT_EINVALID `since "x" is not a whole number` (validate_int). */
AllotStatus api_query_int(const ApiRequest *rq, const char *name, int64_t min, int64_t max,
                          int64_t def, int64_t *out, ErrBuf *err);

/* ---- the handlers (one per route of routes.c) ---- */

/* The book's routes (api_book.c). */
void api_book_add_batch(const ApiRequest *rq, ApiReply *rep);
void api_book_allocate(const ApiRequest *rq, ApiReply *rep);
void api_book_allocations(const ApiRequest *rq, ApiReply *rep);
void api_status(const ApiRequest *rq, ApiReply *rep);

/* Operations (api_ops.c; docs/operate.md). */
void api_healthz(const ApiRequest *rq, ApiReply *rep);
void api_metrics(const ApiRequest *rq, ApiReply *rep);

/* /api/v1 (api_v1.c). */
void api_v1_command(const ApiRequest *rq, ApiReply *rep);
void api_v1_undo(const ApiRequest *rq, ApiReply *rep);
void api_v1_line_history(const ApiRequest *rq, ApiReply *rep);
void api_v1_products(const ApiRequest *rq, ApiReply *rep);
void api_v1_product_batches(const ApiRequest *rq, ApiReply *rep);
void api_v1_atp(const ApiRequest *rq, ApiReply *rep);
void api_v1_promise(const ApiRequest *rq, ApiReply *rep);
void api_v1_batch_lines(const ApiRequest *rq, ApiReply *rep);
void api_v1_order(const ApiRequest *rq, ApiReply *rep);
void api_v1_backorders(const ApiRequest *rq, ApiReply *rep);
void api_v1_events(const ApiRequest *rq, ApiReply *rep);
void api_v1_event_stream(const ApiRequest *rq, ApiReply *rep);

/* The text/event-stream frames ("id: 42\nevent: Allocated\ndata: {...}\n\n", the
 * data being the events --json object) of `rows[0..n)`, appended to the heap buffer
 * *buf (*len bytes used of *cap). */
void api_event_frames(const EventRow *rows, size_t n, char **buf, size_t *len, size_t *cap);

#endif
