/* hook_notifier.h — the OutOfStock hook (SPEC.md §2 "Notifications"): a Notifier
 * (app/ports.h) that runs the user's command with the event as one JSON object
 * (app/event_json.h, the same writer as `allot events --json`; "id" is null because the
 * hook runs before the event is read back from the log) and a newline on stdin.
 *
 * The command runs through /bin/sh -c in its own process group, stdout sent to
 * allot's stderr (or both to a log file, hook_notifier_log_to: the terminal UI's
 * screen is never written over), without waiting: allot goes on at once.  A hook that fails
 * (exit status not 0, killed, cannot start) or that runs longer than the timeout
 * (it is then killed) is logged through the Logger as
 * "notify hook failed with exit status 7: `CMD`" (what happened first, so that a
 * status line cut to its width still says it), and never undoes or blocks the
 * allocation.  Finished
 * hooks are reaped at each send and at hook_notifier_free, which waits for the
 * running ones at most until their timeout.  At most HOOK_MAX_RUNNING hooks run at
 * once; a send beyond that first waits for one to end (at most its timeout).
 *
 * Bulk work (an import) raises its events before its one transaction commits:
 * hook_notifier_hold queues them, and hook_notifier_release sends them (the import
 * committed) or drops them (it was refused), so that the hook only hears of what
 * happened.
 *
 * Sending, holding and releasing may be called from several threads at once (the
 * worker threads of `allot serve` share one hook); hook_notifier_free may not.
 */
#ifndef ALLOT_CLI_HOOK_NOTIFIER_H
#define ALLOT_CLI_HOOK_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>

#include "app/ports.h"

/* A notifier running `command` (copied) for every event it is sent, killing it
 * after `timeout_ms`.  `clock` gives the event's "at"; `logger` receives failures
 * (neither is owned; both must outlive the notifier).  Free with hook_notifier_free. */
Notifier *hook_notifier_new(const char *command, int timeout_ms, Clock *clock, Logger *logger);

#define HOOK_MAX_RUNNING 4

/* Queue events from now on instead of running the hook (see above).  `n` must be
 * a hook notifier; NULL is ignored. */
void hook_notifier_hold(Notifier *n);

/* Ends holding: runs the hook for every queued event if `send`, else forgets them.
 * NULL is ignored. */
void hook_notifier_release(Notifier *n, bool send);

/* From now on the hooks' stdout and stderr are appended to the file `path`
 * (created, with its folder, if missing) instead of going to allot's stderr.
 * Errors: ALLOT_EIO naming the path (the output then still goes to stderr). */
AllotStatus hook_notifier_log_to(Notifier *n, const char *path, ErrBuf *err);

/* Where the terminal UI sends the hooks' output: $XDG_STATE_HOME/allot/notify.log,
 * else ~/.local/state/allot/notify.log, into `out`; false if neither can be named. */
bool hook_notifier_log_path(char *out, size_t size);

/* Failures are logged through `logger` from now on (not owned). */
void hook_notifier_set_logger(Notifier *n, Logger *logger);

/* Reaps the hooks that have ended (and kills those past their timeout) now, so that
 * a failure is logged at once rather than at the next send.  NULL is ignored. */
void hook_notifier_poll(Notifier *n);

/* Waits for running hooks (each at most until its timeout; then it is killed) and
 * frees the notifier.  NULL is ignored. */
void hook_notifier_free(Notifier *n);

/* The `notify` command of the config file, or NULL: reads
 * $XDG_CONFIG_HOME/allot/allot.conf (or ~/.config/allot/allot.conf), lines of
 * `key = value`, `#` comments.  Returns a heap string the caller frees. */
char *config_notify_command(void);

#endif
