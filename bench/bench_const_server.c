/* bench_const_server — the limit for bench_serve.py (SPEC.md §6 "a minimal server
 * of the same HTTP library answering a constant"): libmicrohttpd configured as
 * `allot serve` configures it (a pool of HTTP_THREADS threads on epoll, the same
 * connection limit and timeout), reading any body and answering 200 "OK" to every
 * request.  Prints "listening on PORT" and serves until SIGTERM/SIGINT.
 *
 * usage: bench_const_server [PORT]   (0 or none: any free port) */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/http.h"

static struct MHD_Response *ok;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **con_cls)
{
    (void)cls, (void)url, (void)method, (void)version, (void)upload;
    if (!*con_cls) {
        *con_cls = c;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(c, 200, ok);
}

int main(int argc, char **argv)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(argc > 1 ? (uint16_t)atoi(argv[1]) : 0)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    static const char body[] = "OK";
    ok = MHD_create_response_from_buffer(2, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(ok, "Content-Type", "text/plain; charset=utf-8");
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, answer, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)HTTP_THREADS, MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_REQUEST_TIMEOUT_S,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "bench_const_server: cannot listen\n");
        return 1;
    }
    struct sockaddr_in got;
    socklen_t len = sizeof got;
    getsockname(MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD)->listen_fd,
                (struct sockaddr *)&got, &len);
    printf("listening on %d\n", ntohs(got.sin_port));
    fflush(stdout);
    int sig;
    sigwait(&sigs, &sig);
    MHD_stop_daemon(d);
    MHD_destroy_response(ok);
    return 0;
}
