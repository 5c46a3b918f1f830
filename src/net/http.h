/* http.h — the HTTP side of `allot serve` over libmicrohttpd (SPEC.md §7.1): the
 * daemon, the request life cycle and its limits, dispatch through the route table
 * (routes.h), and the event streams.
 *
 * Limits (issue 11 "Hostile input"):
 *   - a bounded pool of HTTP_THREADS threads; at most HTTP_CONNECTIONS connections
 *     (more are refused by the library until some close);
 *   - a request's line, headers and body must all arrive within
 *     HTTP_REQUEST_TIMEOUT_S of the connection opening or of the previous answer
 *     on it, else the connection is closed (a client sending one byte a second is
 *     cut); a connection idle that long is closed too;
 *   - headers fit in the library's per-connection memory (HTTP_HEADER_MEMORY);
 *     bodies in HTTP_BODY_MAX bytes (413, read no further when Content-Length says
 *     so);
 *   - a route that takes JSON refuses another Content-Type (415);
 *   - with a token (auth.h) every request without it gets 401 before anything else;
 *   - at most HTTP_STREAMS event streams at once (503 beyond).
 */
#ifndef ALLOT_NET_HTTP_H
#define ALLOT_NET_HTTP_H

#include <stdbool.h>
#include <sys/socket.h>

#include "net/server.h"

#define HTTP_THREADS 4
#define HTTP_CONNECTIONS 512
#define HTTP_REQUEST_TIMEOUT_S 10
#define HTTP_HEADER_MEMORY (32 * 1024)
#define HTTP_BODY_MAX (64 * 1024)
#define HTTP_STREAMS 64
/* An event stream sends a comment line this often when there is no event, so
 * that proxies and clients know it is alive and a client gone is noticed. */
#define HTTP_STREAM_HEARTBEAT_MS 15000
/* How often a quiet event stream looks for new events. */
#define HTTP_STREAM_POLL_MS 250

typedef struct Http Http;

/* Starts serving on `listen_fd`, a socket of `family` (AF_INET or AF_INET6) bound
 * and listening (serve.c makes it), with `srv` (not owned).  The daemon owns the
 * socket once this succeeds (on failure libmicrohttpd may have closed it already:
 * the caller leaves it to the end of the process).  Errors: ALLOT_EIO "cannot
 * listen on ADDR: REASON" (`shown` names the address). */
AllotStatus http_start(Server *srv, int listen_fd, int family, const char *shown, Http **out,
                       ErrBuf *err);

/* The port it listens on (the one taken for port 0). */
int http_port(const Http *h);

/* The requests being answered now (event streams included) and the event streams
 * open, for GET /metrics. */
void http_load(Http *h, int *in_flight, int *streams);

/* Stops taking connections, ends the event streams, waits for the requests in
 * flight to be answered (at most `drain_ms`), then stops and frees everything.
 * NULL is ignored. */
void http_stop(Http *h, int drain_ms);

#endif
