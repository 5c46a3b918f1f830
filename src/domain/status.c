#include "domain/status.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const status_names[] = {
#define ALLOT_STATUS_NAME(name, msg) #name,
    ALLOT_STATUS_MAP(ALLOT_STATUS_NAME)
#undef ALLOT_STATUS_NAME
};

static const char *const status_messages[] = {
#define ALLOT_STATUS_MSG(name, msg) msg,
    ALLOT_STATUS_MAP(ALLOT_STATUS_MSG)
#undef ALLOT_STATUS_MSG
};

const char *allot_status_name(AllotStatus s)
{
    if ((unsigned)s >= ALLOT_STATUS_COUNT)
        return "EUNKNOWN";
    return status_names[s];
}

const char *allot_status_message(AllotStatus s)
{
    if ((unsigned)s >= ALLOT_STATUS_COUNT)
        return "unknown error";
    return status_messages[s];
}

AllotStatus err_set(ErrBuf *err, AllotStatus s, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return s;
}

int allot_status_exit_code(AllotStatus s)
{
    switch (s) {
    case ALLOT_OK:
        return 0;
    case ALLOT_EUSAGE:
        return 2;
    case ALLOT_ESTORAGE:
    case ALLOT_EIO:
    case ALLOT_ECONFLICT:
        return 3;
    default:
        return 1;
    }
}
