/* status.h — the one error enum of allot, and the caller-owned message buffer.
 *
 * Every fallible function returns an AllotStatus; human detail (which SKU, which
 * field, which file and line) goes into an ErrBuf that the caller owns.  The enum is
 * made with an X-macro so that the name and the default message cannot drift.
 */
#ifndef ALLOT_DOMAIN_STATUS_H
#define ALLOT_DOMAIN_STATUS_H

#include <stddef.h>

/* X(name, default message).  Grouped by the exit status the CLI maps them to
 * (SPEC.md §4 "Exit status"): domain and validation errors → 1, usage → 2,
 * storage → 3. */
#define ALLOT_STATUS_MAP(X)                                              \
    X(OK, "ok")                                                          \
    /* domain: SPEC.md §1.2 */                                           \
    X(EINVALID_SKU, "invalid sku")                                       \
    X(EDUPLICATE_BATCH, "duplicate batch reference")                     \
    X(EUNKNOWN_BATCH, "unknown batch reference")                         \
    X(ELINE_QTY_MISMATCH, "order line exists with another quantity")     \
    X(EUNKNOWN_LINE, "unknown order line")                               \
    X(ENO_ROOM, "batch has no room for the line")                        \
    X(ESKU_MISMATCH, "batch belongs to another sku")                     \
    /* validation at the edge: SPEC.md §1.3 */                          \
    X(EINVALID, "invalid input")                                         \
    /* usage of the command line: SPEC.md §4 */                          \
    X(EUSAGE, "usage error")                                             \
    /* storage and concurrency: SPEC.md §2, §3 */                        \
    X(ECONFLICT, "concurrent update")                                    \
    X(ESTORAGE, "storage error")                                         \
    X(EIO, "input/output error")

typedef enum AllotStatus {
#define ALLOT_STATUS_ENUM(name, msg) ALLOT_##name,
    ALLOT_STATUS_MAP(ALLOT_STATUS_ENUM)
#undef ALLOT_STATUS_ENUM
    ALLOT_STATUS_COUNT
} AllotStatus;

/* Longest human message kept, including the terminating NUL. */
#define ALLOT_ERR_MAX 512

/* A caller-owned buffer for the human detail of an error.  Embed it or put it on
 * the stack; functions write `msg` only when they return a status other than
 * ALLOT_OK.  An empty msg means "use allot_status_message()". */
typedef struct ErrBuf {
    char msg[ALLOT_ERR_MAX];
} ErrBuf;

/* The symbolic name ("EINVALID_SKU") of a status; never NULL. */
const char *allot_status_name(AllotStatus s);

/* The default message ("invalid sku") of a status; never NULL. */
const char *allot_status_message(AllotStatus s);

/* Formats a message into `err` (which may be NULL: nothing is written) and
 * returns `s`, so that `return err_set(err, ALLOT_EINVALID_SKU, "invalid sku %s", sku);`
 * reads as one step.  Messages longer than ALLOT_ERR_MAX-1 bytes are cut. */
AllotStatus err_set(ErrBuf *err, AllotStatus s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The exit status of SPEC.md §4 for a status: 0 ok, 1 refused, 2 usage, 3 storage. */
int allot_status_exit_code(AllotStatus s);

#endif
