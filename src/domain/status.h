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
    /* undo: SPEC.md §1.6 */                                             \
    X(EUNKNOWN_COMMAND, "no such command in the event log")              \
    X(EUNDO_REFUSED, "a later command changed the products")             \
    /* validation at the edge: SPEC.md §1.3 */                          \
    X(EINVALID, "invalid input")                                         \
    /* usage of the command line: SPEC.md §4 */                          \
    X(EUSAGE, "usage error")                                             \
    /* a long piece of work the planner stopped (the TUI's Esc): SPEC.md §5 */ \
    X(ECANCELLED, "stopped")                                             \
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
/* err_set also turns every control character of the formatted message (C0 but
 * '\n', DEL, C1 as UTF-8) into '?': a value from a file or an argument never
 * reaches the terminal as an escape sequence, whatever the caller quoted. */

/* The text to show for a failed call: the message in `err` if the call wrote one,
 * else the status's own message (allot_status_message).  `err` may be NULL.  The
 * pointer is `err`'s buffer or static storage. */
const char *err_text(const ErrBuf *err, AllotStatus s);

/* The number of characters of a value that err_value keeps, the most bytes one
 * of them takes when shown ("<U+10FFFF>"), and a buffer size that always holds
 * err_value's result. */
#define ERR_VALUE_CHARS 40
#define ERR_VALUE_CHAR_MAX 10
#define ERR_VALUE_SIZE (ERR_VALUE_CHARS * ERR_VALUE_CHAR_MAX + 4)

/* A user-supplied value (`len` bytes of `s`; `s` may hold any bytes) made fit to
 * quote in a message, into `buf` (`size` bytes, ERR_VALUE_SIZE is enough): each
 * character that shows nothing or moves the cursor — a control character (C0,
 * DEL, C1) or a format character (Unicode Cf: U+200B, U+FEFF, ...) — is shown
 * by its code point, "<U+FEFF>"; each byte that is not part of valid UTF-8
 * becomes '?'; after ERR_VALUE_CHARS characters the rest is replaced by "…"
 * (cut between characters).  Returns `buf`.  Source: the CLI's error format,
 * docs/cli.md "Exit status and messages". */
const char *err_value(const char *s, size_t len, char *buf, size_t size);
/* err_value keeping `chars` characters instead of ERR_VALUE_CHARS (a buffer of
 * chars * ERR_VALUE_CHAR_MAX + 4 bytes always holds the result). */
const char *err_value_max(const char *s, size_t len, int chars, char *buf, size_t size);
/* err_value of a NUL-terminated string (NULL reads as ""). */
const char *err_value_str(const char *s, char *buf, size_t size);

/* The exit status of SPEC.md §4 for a status: 0 ok, 1 refused, 2 usage, 3 storage. */
int allot_status_exit_code(AllotStatus s);

#endif
