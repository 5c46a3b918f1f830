/* serve.c — serve_run (serve.h): the parts started and stopped in order. */
#include "net/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

/* True if what listens on `addr` answers GET / as an allot serve does (its status
 * names the service, or its 401 the realm), within about a second. */
static bool allot_answers_at(const struct sockaddr_storage *addr, socklen_t len)
{
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return false;
    bool allot = false;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    static const char ask[] = "GET / HTTP/1.0\r\nHost: allot\r\n\r\n";
    if ((connect(fd, (const struct sockaddr *)addr, len) == 0 || errno == EINPROGRESS) &&
        poll(&p, 1, 1000) == 1 && !(p.revents & (POLLERR | POLLHUP)) &&
        send(fd, ask, sizeof ask - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof ask - 1)) {
        char buf[4096];
        size_t n = 0;
        int64_t until = redis_now_ms() + 1000;
        p.events = POLLIN;
        while (n < sizeof buf - 1 && redis_now_ms() < until &&
               poll(&p, 1, (int)(until - redis_now_ms())) == 1) {
            ssize_t got = recv(fd, buf + n, sizeof buf - 1 - n, 0);
            if (got <= 0)
                break;
            n += (size_t)got;
        }
        buf[n] = '\0';
        allot = strstr(buf, "\"service\":\"allot\"") || strstr(buf, "realm=\"allot\"");
    }
    close(fd);
    return allot;
}

/* A socket bound to `addr` and listening.  SO_REUSEADDR lets a restart bind at once
 * past the old connections' TIME_WAIT; never SO_REUSEPORT, which would let a second
 * server share the port without a word.  Errors: ALLOT_EIO "cannot listen on ADDR:
 * REASON". */
static AllotStatus listen_socket(const struct sockaddr_storage *addr, socklen_t len,
                                 const char *shown, int *out, ErrBuf *err)
{
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return err_set(err, ALLOT_EIO, "cannot listen on %s: %s", shown, strerror(errno));
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (addr->ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (bind(fd, (const struct sockaddr *)addr, len) != 0 || listen(fd, 1024) != 0) {
        int e = errno;
        close(fd);
        if (e == EADDRINUSE && allot_answers_at(addr, len))
            return err_set(err, ALLOT_EIO,
                           "cannot listen on %s: another allot serve is already listening there "
                           "(stop it first, or give this one another --listen)",
                           shown);
        return err_set(err, ALLOT_EIO, "cannot listen on %s: %s", shown, strerror(e));
    }
    *out = fd;
    return ALLOT_OK;
}

/* SIGHUP: the token file again (auth.h). */
static void reload_token(Server *srv, const ServeOptions *opts)
{
    if (!opts->token_file) {
        netlog(&srv->log, LOG_LEVEL_INFO, "serve: SIGHUP: no --token-file to read again");
        return;
    }
    ErrBuf err = {{0}};
    if (auth_reload(srv->auth, &err) == ALLOT_OK)
        netlog(&srv->log, LOG_LEVEL_INFO, "serve: SIGHUP: read the token file %s again",
               opts->token_file);
    else
        netlog(&srv->log, LOG_LEVEL_ERROR, "serve: SIGHUP: %s; the token stays as it was",
               err.msg);
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
    Server srv = {.stores = stores, .log = {.out = stores->logger, .level = LOG_LEVEL_INFO}};
    struct timespec started;
    clock_gettime(CLOCK_REALTIME, &started);
    srv.started_ms = (int64_t)started.tv_sec * 1000 + started.tv_nsec / 1000000;
    if (opts->log_level && !log_level_parse(opts->log_level, &srv.log.level))
    {
        char vb[ERR_VALUE_SIZE];
        return err_set(err, ALLOT_EUSAGE, "--log-level \"%s\" is not one of %s",
                       err_value_str(opts->log_level, vb, sizeof vb), LOG_LEVEL_CHOICES);
    }
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
    /* The port first: a second server on it stops here, before touching the store. */
    int listen_fd = -1;
    st = listen_socket(&addr, addrlen, listen, &listen_fd, err);
    if (st != ALLOT_OK) {
        auth_free(srv.auth);
        return st;
    }
    srv.workers = worker_pool_new(stores, &srv.stats);
    Worker *w;
    st = worker_pool_get(srv.workers, &w, err); /* the store opens: say so now, not per request */
    if (st != ALLOT_OK) {
        close(listen_fd);
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

    st = http_start(&srv, listen_fd, addr.ss_family, listen, &srv.http, err);
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
        if (sig == SIGHUP) {
            reload_token(&srv, opts);
            continue;
        }
        break;
    }
    atomic_store(&srv.stopping, true);
    netlog(&srv.log, LOG_LEVEL_INFO, "serve: stopping: finishing the requests in flight");
    http_stop(srv.http, SERVE_DRAIN_MS);
    consumer_stop(srv.consumer);
    relay_stop(srv.relay);
    worker_pool_free(srv.workers);
    auth_free(srv.auth);
    netlog(&srv.log, LOG_LEVEL_INFO, "serve: stopped");
    /* The signals stay blocked: one more SIGTERM sent while stopping must not kill
     * the process on its way out with status 0. */
    return ALLOT_OK;
}
