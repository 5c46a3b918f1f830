/* hook_notifier.h — the OutOfStock hook (SPEC.md §2 "Notifications"): a Notifier
 * (app/ports.h) that runs the user's command with the event as one JSON object
 * (app/event_json.h, the same as `allot events --json`; "id" is null because the
 * hook runs before the event is read back from the log) and a newline on stdin.
 *
 * The command runs through /bin/sh -c in its own process group, stdout sent to
 * allot's stderr, without waiting: allot goes on at once.  A hook that fails
 * (exit status not 0, killed, cannot start) or that runs longer than the timeout
 * (it is then killed) is logged through the Logger as
 * "notify hook `CMD` ...", and never undoes or blocks the allocation.  Finished
 * hooks are reaped at each send and at hook_notifier_free, which waits for the
 * running ones at most until their timeout.
 */
#ifndef ALLOT_CLI_HOOK_NOTIFIER_H
#define ALLOT_CLI_HOOK_NOTIFIER_H

#include "app/ports.h"

/* A notifier running `command` (copied) for every event it is sent, killing it
 * after `timeout_ms`.  `clock` gives the event's "at"; `logger` receives failures
 * (neither is owned; both must outlive the notifier).  Free with hook_notifier_free. */
Notifier *hook_notifier_new(const char *command, int timeout_ms, Clock *clock, Logger *logger);

/* Waits for running hooks (each at most until its timeout; then it is killed) and
 * frees the notifier.  NULL is ignored. */
void hook_notifier_free(Notifier *n);

/* The `notify` command of the config file, or NULL: reads
 * $XDG_CONFIG_HOME/allot/allot.conf (or ~/.config/allot/allot.conf), lines of
 * `key = value`, `#` comments.  Returns a heap string the caller frees. */
char *config_notify_command(void);

#endif
