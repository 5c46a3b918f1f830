#include "app/ports.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

char *actor_of_process(char *buf, size_t size)
{
    const char *user = getenv("USER");
    if (!user || !*user)
        user = getlogin();
    if (!user || !*user) {
        struct passwd *pw = getpwuid(getuid());
        user = pw ? pw->pw_name : NULL;
    }
    char uid[32], host[256];
    if (!user || !*user) {
        snprintf(uid, sizeof uid, "uid%ld", (long)getuid());
        user = uid;
    }
    if (gethostname(host, sizeof host) != 0 || !host[0])
        snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    snprintf(buf, size, "%s@%s", user, host);
    /* the actor is stored like an identifier: no control characters */
    for (char *c = buf; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return buf;
}

static int64_t system_now(Clock *self)
{
    (void)self;
    return (int64_t)time(NULL);
}

static void stderr_log(Logger *self, const char *line)
{
    (void)self;
    fprintf(stderr, "allot: %s\n", line);
}

static AllotStatus none_send(Notifier *self, const Event *ev, ErrBuf *err)
{
    (void)self, (void)ev, (void)err;
    return ALLOT_OK;
}

Clock *clock_system(void)
{
    static Clock c = {system_now};
    return &c;
}

Logger *logger_stderr(void)
{
    static Logger l = {stderr_log};
    return &l;
}

Notifier *notifier_none(void)
{
    static Notifier n = {none_send};
    return &n;
}
