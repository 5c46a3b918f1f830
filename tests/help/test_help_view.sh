#!/usr/bin/env bash
# test_help_view HARNESS
# Drives the ncurses help viewer in a detached tmux session (its own server
# socket): first page, G to the bottom, / search, resize re-wraps, q closes.
set -euo pipefail
harness=$1
sock=allot-help-view-$$
errlog=$(mktemp)
t() { tmux -L "$sock" "$@"; }
cleanup() { t kill-server 2>/dev/null || true; rm -f "$errlog"; }
trap cleanup EXIT
fail=0
bad() { echo "FAIL: $*"; echo "--- screen:"; screen; fail=1; }
screen() { t capture-pane -p -t help; }
# waits until the screen matches a regex (up to ~5 s)
wait_for() {
    for _ in $(seq 50); do screen | grep -qE "$1" && return 0; sleep 0.1; done
    return 1
}

t -f /dev/null new-session -d -s help -x 80 -y 24 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color '$harness' keys 2>'$errlog'; echo EXIT; sleep 30"
wait_for '^Key bindings' || bad "first page not shown"
screen | tail -1 | grep -q 'Key bindings  1-23/' || bad "status line"

t send-keys -t help G
wait_for 'close the help' || bad "G did not reach the bottom"
screen | grep -q '^Key bindings' && bad "G: still on the first line"

t send-keys -t help g
wait_for '^Key bindings' || bad "g did not go back to the top"

t send-keys -t help / d e l a y Enter
wait_for '^• `?d`?.*delay|^• d — delay' || bad "search for 'delay' did not show its line"
t send-keys -t help / z z z z q Enter
wait_for 'not found: zzzzq' || bad "a failed search says so"

t send-keys -t help g
t resize-window -t help -x 30 -y 15 2>/dev/null || t resize-pane -t help -x 30 -y 15
sleep 0.5
wait_for '^Key bindings' || bad "after resize"
longest=$(screen | head -14 | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
[ "$longest" -le 30 ] || bad "lines wider than 30 after resize ($longest)"
t send-keys -t help / g r a m m a r Enter
wait_for '^  command-line grammar, with$' || bad "the long line did not re-wrap at 30 columns"
screen | head -1 | grep -q '^  command-line grammar, with$' || bad "the match is not at the top"
t send-keys -t help k
wait_for '^• : — command prompt: the$' || bad "k after the search"

t send-keys -t help q
wait_for '^closed 0' || bad "q did not close the viewer"
sleep 0.3
if grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$errlog"; then
    echo "FAIL: sanitizer report"; cat "$errlog"; fail=1
fi
[ $fail -eq 0 ] && echo "ok: viewer shows, scrolls, searches, re-wraps and closes"
exit $fail
