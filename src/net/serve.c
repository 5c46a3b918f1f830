/* serve.c — serve_run (serve.h): the parts started and stopped in order. */
#include "net/serve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "net/consumer.h"
#include "net/http.h"
#include "net/redis_link.h"
#include "net/relay.h"

/* The listen address: `text` is HOST:PORT or [V6]:PORT (already checked by the
 * command table); HOST a numeric address or a name (localhost). */
static AllotStatus resolve_listen(const char *text, struct sockaddr_storage *out,
                                  socklen_t *len, bool *loopback, ErrBuf *err)
{
    char host[256];
    int port;
    if (!address_split(text, host, sizeof host, &port, 0)) /* port 0: any free one */
        return err_set(err, ALLOT_EUSAGE, "--listen \"%s\" is not ADDR:PORT", text);
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0 || !res)
        return err_set(err, ALLOT_EUSAGE, "--listen %s: cannot resolve %s: %s", text, host,
                       gai_strerror(rc));
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    if (out->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)out;
        *loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    } else {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)out;
        *loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) ||
                    (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127);
    }
    return ALLOT_OK;
}

static void announce(const ServeOptions *opts, const char *fmt, const char *a, int port,
                     const char *b, const char *c)
{
    FILE *fp = opts->announce ? opts->announce : stderr;
    fprintf(fp, fmt, a, port, b, c);
    fflush(fp);
}

AllotStatus serve_run(const ServeOptions *opts, ServeStores *stores, ErrBuf *err)
{
    const char *listen = opts->listen ? opts->listen : SERVE_DEFAULT_LISTEN;
    struct sockaddr_storage addr;
    socklen_t addrlen = 0;
    bool loopback = false;
    AllotStatus st = resolve_listen(listen, &addr, &addrlen, &loopback, err);
    if (st != ALLOT_OK)
        return st;
    char redis_host[256];
    int redis_port = 0;
    if (opts->redis && !address_split(opts->redis, redis_host, sizeof redis_host, &redis_port, 1))
        return err_set(err, ALLOT_EUSAGE, "--redis \"%s\" is not HOST:PORT (port 1-65535)",
                       opts->redis);
    Server srv = {.stores = stores};
    st = auth_new(opts->token_file, opts->token_env, &srv.auth, err);
    if (st != ALLOT_OK)
        return st;
    if (!loopback && !auth_enabled(srv.auth)) {
        auth_free(srv.auth);
        return err_set(err, ALLOT_EUSAGE,
                       "listening on %s, beyond loopback, needs a bearer token: --token-file FILE "
                       "or ALLOT_API_TOKEN (docs/api.md \"Security\")",
                       listen);
    }
    srv.workers = worker_pool_new(stores);
    Worker *w;
    st = worker_pool_get(srv.workers, &w, err); /* the store opens: say so now, not per request */
    if (st != ALLOT_OK) {
        worker_pool_free(srv.workers);
        auth_free(srv.auth);
        return st;
    }
    /* Every thread started from here on leaves these signals to sigwait below. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    st = http_start(&srv, (struct sockaddr *)&addr, addrlen, listen, &srv.http, err);
    if (st != ALLOT_OK) {
        worker_pool_free(srv.workers);
        auth_free(srv.auth);
        pthread_sigmask(SIG_UNBLOCK, &sigs, NULL);
        return st;
    }
    if (opts->redis) {
        srv.consumer = consumer_start(&srv, redis_host, redis_port);
        srv.relay = relay_start(&srv, redis_host, redis_port);
    }
    char host[INET6_ADDRSTRLEN + 2] = "";
    if (addr.ss_family == AF_INET6) {
        char a[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr)->sin6_addr, a, sizeof a);
        snprintf(host, sizeof host, "[%s]", a);
    } else {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&addr)->sin_addr, host, sizeof host);
    }
    char redis_text[300] = "";
    if (opts->redis)
        snprintf(redis_text, sizeof redis_text, ", redis %s", opts->redis);
    announce(opts, "allot serve: listening on http://%s:%d (%s%s)\n", host, http_port(srv.http),
             stores->where, redis_text);

    for (;;) {
        int sig = 0;
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGHUP)
            continue; /* reserved: reopening the token file and logs (issue 16) */
        break;
    }
    stores->logger->log(stores->logger, "serve: stopping: finishing the requests in flight");
    http_stop(srv.http, SERVE_DRAIN_MS);
    consumer_stop(srv.consumer);
    relay_stop(srv.relay);
    worker_pool_free(srv.workers);
    auth_free(srv.auth);
    /* The signals stay blocked: one more SIGTERM sent while stopping must not kill
     * the process on its way out with status 0. */
    return ALLOT_OK;
}
