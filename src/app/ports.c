#include "app/ports.h"

#include <stdio.h>
#include <time.h>

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
