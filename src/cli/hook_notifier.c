#include "cli/hook_notifier.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/event_json.h"
#include "domain/xalloc.h"

typedef struct Running {
    pid_t pid;
    int64_t deadline_ms;
} Running;

typedef struct HookNotifier {
    Notifier base;
    char *command;
    int timeout_ms;
    Clock *clock;
    Logger *logger;
    Running *running;
    size_t nrunning, caprunning;
    bool holding;
    EventVec held;
    int log_fd; /* the hooks' stdout and stderr, or -1: allot's stderr */
    pthread_mutex_t lock; /* serve's worker threads share one hook */
} HookNotifier;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_line(HookNotifier *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(HookNotifier *h, const char *fmt, ...)
{
    char line[ALLOT_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (h->logger)
        h->logger->log(h->logger, line);
}

/* Reaps finished hooks and kills those past their deadline; with `wait_all`,
 * keeps at it until none is left. */
static void reap(HookNotifier *h, bool wait_all)
{
    for (;;) {
        size_t keep = 0;
        for (size_t i = 0; i < h->nrunning; i++) {
            Running r = h->running[i];
            int status;
            pid_t got = waitpid(r.pid, &status, WNOHANG);
            if (got == 0 && now_ms() >= r.deadline_ms) {
                kill(-r.pid, SIGKILL);
                waitpid(r.pid, &status, 0);
                log_line(h, "notify hook took longer than %d ms and was stopped: `%s`",
                         h->timeout_ms, h->command);
                continue;
            }
            if (got == 0) {
                h->running[keep++] = r;
                continue;
            }
            if (got < 0)
                continue;
            if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
                log_line(h, "notify hook failed with exit status %d: `%s`", WEXITSTATUS(status),
                         h->command);
            else if (WIFSIGNALED(status))
                log_line(h, "notify hook was killed by signal %d: `%s`", WTERMSIG(status),
                         h->command);
        }
        h->nrunning = keep;
        if (!wait_all || h->nrunning == 0)
            return;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static AllotStatus run_hook(HookNotifier *h, const Event *ev, ErrBuf *err)
{
    reap(h, false);
    while (h->nrunning >= HOOK_MAX_RUNNING) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
        reap(h, false);
    }
    char *text = event_json_text(ev, 0, h->clock->now(h->clock));
    size_t len = strlen(text);
    char *json = xmalloc(len + 1);
    memcpy(json, text, len);
    json[len++] = '\n';
    free(text);
    /* The whole object goes into the pipe before the hook starts: it is far below
     * the pipe's capacity, so neither side can block or get SIGPIPE. */
    int fds[2];
    if (pipe(fds) != 0) {
        free(json);
        return err_set(err, ALLOT_EIO, "notify hook: cannot make a pipe: %s", strerror(errno));
    }
    ssize_t wrote = write(fds[1], json, len);
    free(json);
    if (wrote != (ssize_t)len) {
        close(fds[0]);
        close(fds[1]);
        return err_set(err, ALLOT_EIO, "notify hook: cannot write the event: %s", strerror(errno));
    }
    close(fds[1]);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        return err_set(err, ALLOT_EIO, "notify hook: cannot start: %s", strerror(errno));
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        if (h->log_fd >= 0)
            dup2(h->log_fd, STDERR_FILENO);
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execl("/bin/sh", "sh", "-c", h->command, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    close(fds[0]);
    if (h->nrunning == h->caprunning) {
        h->caprunning = h->caprunning ? h->caprunning * 2 : 4;
        h->running = xreallocarray(h->running, h->caprunning, sizeof *h->running);
    }
    h->running[h->nrunning++] = (Running){pid, now_ms() + h->timeout_ms};
    return ALLOT_OK;
}

static AllotStatus hook_send(Notifier *self, const Event *ev, ErrBuf *err)
{
    HookNotifier *h = (HookNotifier *)self;
    AllotStatus st = ALLOT_OK;
    pthread_mutex_lock(&h->lock);
    if (h->holding)
        event_vec_push(&h->held, ev);
    else
        st = run_hook(h, ev, err);
    pthread_mutex_unlock(&h->lock);
    return st;
}

void hook_notifier_hold(Notifier *n)
{
    if (!n)
        return;
    HookNotifier *h = (HookNotifier *)n;
    pthread_mutex_lock(&h->lock);
    h->holding = true;
    pthread_mutex_unlock(&h->lock);
}

void hook_notifier_release(Notifier *n, bool send)
{
    if (!n)
        return;
    HookNotifier *h = (HookNotifier *)n;
    pthread_mutex_lock(&h->lock);
    h->holding = false;
    for (size_t i = 0; send && i < h->held.len; i++) {
        ErrBuf err = {{0}};
        if (run_hook(h, &h->held.items[i], &err) != ALLOT_OK)
            log_line(h, "%s", err.msg);
    }
    event_vec_clear(&h->held);
    pthread_mutex_unlock(&h->lock);
}

Notifier *hook_notifier_new(const char *command, int timeout_ms, Clock *clock, Logger *logger)
{
    HookNotifier *h = xcalloc(1, sizeof *h);
    h->base.send = hook_send;
    h->command = xstrdup(command);
    h->timeout_ms = timeout_ms;
    h->clock = clock;
    h->logger = logger;
    h->log_fd = -1;
    event_vec_init(&h->held);
    pthread_mutex_init(&h->lock, NULL);
    return &h->base;
}

AllotStatus hook_notifier_log_to(Notifier *n, const char *path, ErrBuf *err)
{
    HookNotifier *h = (HookNotifier *)n;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) { /* mkdir -p */
        *p = '\0';
        mkdir(dir, 0700);
        *p = '/';
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(err, ALLOT_EIO, "notify hook log %s: %s", path, strerror(errno));
    pthread_mutex_lock(&h->lock);
    if (h->log_fd >= 0)
        close(h->log_fd);
    h->log_fd = fd;
    pthread_mutex_unlock(&h->lock);
    return ALLOT_OK;
}

bool hook_notifier_log_path(char *out, size_t size)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n = state && state[0] ? snprintf(out, size, "%s/allot/notify.log", state)
            : home && home[0] ? snprintf(out, size, "%s/.local/state/allot/notify.log", home)
                              : -1;
    return n > 0 && (size_t)n < size;
}

void hook_notifier_set_logger(Notifier *n, Logger *logger)
{
    HookNotifier *h = (HookNotifier *)n;
    pthread_mutex_lock(&h->lock);
    h->logger = logger;
    pthread_mutex_unlock(&h->lock);
}

void hook_notifier_poll(Notifier *n)
{
    if (!n)
        return;
    HookNotifier *h = (HookNotifier *)n;
    pthread_mutex_lock(&h->lock);
    reap(h, false);
    pthread_mutex_unlock(&h->lock);
}

void hook_notifier_free(Notifier *n)
{
    if (!n)
        return;
    HookNotifier *h = (HookNotifier *)n;
    reap(h, true);
    pthread_mutex_destroy(&h->lock);
    event_vec_fini(&h->held);
    if (h->log_fd >= 0)
        close(h->log_fd);
    free(h->running);
    free(h->command);
    free(h);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

char *config_notify_command(void)
{
    char path[4096];
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0])
        snprintf(path, sizeof path, "%s/allot/allot.conf", xdg);
    else if (home && home[0])
        snprintf(path, sizeof path, "%s/.config/allot/allot.conf", home);
    else
        return NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    char *line = NULL, *found = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, fp) >= 0) {
        char *s = trim(line);
        if (*s == '#' || *s == '\0')
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            continue;
        *eq = '\0';
        if (strcmp(trim(s), "notify") == 0) {
            free(found);
            found = xstrdup(trim(eq + 1));
        }
    }
    free(line);
    fclose(fp);
    if (found && !found[0]) {
        free(found);
        found = NULL;
    }
    return found;
}
