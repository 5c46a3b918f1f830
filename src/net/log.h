/* log.h — the log of `allot serve` (issue 16 "Logs"): lines on stderr (journald
 * keeps them under systemd), each with a level, and --log-level choosing how much
 * is written.
 *
 *   error  the store cannot be read or written, a token file that cannot be
 *          reloaded: something an operator must act on
 *   warn   trouble allot gets over by itself: Redis down, a refused Redis
 *          message, a request cut for being slow, answers with a 5xx status
 *   info   (the default) also one line per request, per relay batch and per Redis
 *          message run; start, stop, Redis connected, the relay's leadership
 *   debug  also each renewal of the relay's lease
 *
 * Request lines are `key=value` pairs (docs/operate.md "Logs"):
 *   allot: http: method=POST path=/allocate status=202 duration_ms=0.812 command=17 peer=127.0.0.1
 * They never hold a token, a header or a body: the path, percent-encoded as sent
 * and cut after LOG_PATH_MAX bytes, is the only text of the client's.
 */
#ifndef ALLOT_NET_LOG_H
#define ALLOT_NET_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/ports.h"

typedef enum LogLevel {
    LOG_LEVEL_ERROR,
    LOG_LEVEL_WARN,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
} LogLevel;

#define LOG_LEVEL_CHOICES "error|warn|info|debug"
#define LOG_PATH_MAX 256

typedef struct NetLog {
    Logger *out;    /* the host's (serve.h ServeStores.logger); not owned */
    LogLevel level; /* lines above it are not written */
} NetLog;

/* The level named `text` ("error", "warn", "info", "debug"); false if none is. */
bool log_level_parse(const char *text, LogLevel *out);

/* True if lines of level `lv` are written. */
bool netlog_on(const NetLog *l, LogLevel lv);

/* Formats and writes one line at level `lv` (cut at ALLOT_ERR_MAX bytes). */
void netlog(const NetLog *l, LogLevel lv, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A monotonic clock in microseconds, for the durations of log lines and metrics. */
int64_t log_clock_us(void);

/* `s` made fit for a log line's value into `buf` (`size` bytes, at least 4): every
 * byte that is not printable ASCII, and ' ', '"' and '\\', as %XX (a path stays
 * the percent-encoding it was), cut with "..." to fit.  Returns buf. */
const char *log_escape(const char *s, char *buf, size_t size);

#endif
