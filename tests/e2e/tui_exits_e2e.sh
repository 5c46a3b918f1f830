#!/usr/bin/env bash
# tui_exits_e2e.sh — the real TUI in tmux: how it ends and what it waits for (issue 12):
#   Ctrl-C with a what-if session open asks first, and quitting by it exits 130;
#   Ctrl-\ (SIGQUIT), SIGTERM and SIGHUP restore the terminal (stty, cursor, main
#   screen) and exit 128+N; the notify hook's output goes to its log, never onto the
#   screen, a failing hook is in the status line at once, and `L` shows the log; a
#   write waiting for another process's lock keeps drawing "waiting for another
#   writer (N s)…" and Esc gives up with a message that says locked.
#
# usage: tui_exits_e2e.sh ALLOT
set -u
ALLOT=$1
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }

SOCK="allot-exits-$$"
WORK=$(mktemp -d /tmp/allot-exits.XXXXXX)
DB="$WORK/x.db"
PANE=x
. "$(dirname "$0")/tmux_lib.sh"
cleanup() { T kill-server 2>/dev/null; [ -n "${HOLDER:-}" ] && kill "$HOLDER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
tmuxflag() { T display-message -p -t x "#{$1}"; }

cat > "$WORK/seed.txt" <<SEED
add-batch W1 LAMP 10
add-batch S1 LAMP 20 $(date -u -d '+5 days' +%F)
allocate o1 LAMP 4
SEED
"$ALLOT" --db "$DB" exec "$WORK/seed.txt" >/dev/null || { echo "cannot build the database"; exit 1; }

T -f /dev/null new-session -d -s x -x 80 -y 24 "env -i PATH=$PATH HOME=$WORK XDG_STATE_HOME=$WORK/state TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='x\$ ' bash --norc --noprofile -i"
T set-option -t x status off >/dev/null
wait_for 'x$' 5

# run_tui NAME [ARGS...]: the TUI in a script that records stty before and after
run_tui() {
    local name=$1; shift
    cat > "$WORK/$name.sh" <<RUN
stty -a > $WORK/$name.before
$ALLOT --db $DB $*
echo $name=\$?
stty -a > $WORK/$name.after
RUN
    T send-keys -t x "clear; bash $WORK/$name.sh" Enter
    wait_for "Live events" 10
}
same_stty() {
    for _ in $(seq 50); do [ -s "$WORK/$1.after" ] && break; sleep 0.1; done
    if cmp -s "$WORK/$1.before" "$WORK/$1.after"; then ok "$1: stty -a is as before"
    else bad "$1: stty changed"; diff "$WORK/$1.before" "$WORK/$1.after"; fi
}
restored() {
    [ "$(tmuxflag alternate_on)" = 0 ] && ok "$1: back on the main screen" || bad "$1: still on the alternate screen"
    [ "$(tmuxflag cursor_flag)" = 1 ] && ok "$1: the cursor is visible" || bad "$1: the cursor is hidden"
}
tui_pid() { pgrep -n -f -- "--db $DB"; }

# -- Ctrl-C with a what-if session open asks; quitting by it exits 130
run_tui INT
T send-keys -t x w
check "w opens a session" "WHAT-IF"
T send-keys -t x C-c
check "Ctrl-C with a session open asks" "Quit and discard"
T send-keys -t x n
check "n keeps the session" "WHAT-IF"
T send-keys -t x C-c
check "Ctrl-C asks again" "Quit and discard"
T send-keys -t x y
check "y quits: exit 130 (128 + SIGINT)" "INT=130"
same_stty INT
restored INT

# -- Ctrl-\ (SIGQUIT), SIGTERM, SIGHUP: terminal restored, exit 128+N
run_tui QUIT
T send-keys -t x 'C-\'
check "Ctrl-\\ ends it with 131" "QUIT=131"
same_stty QUIT
restored QUIT
for sig in TERM HUP; do
    run_tui "$sig"
    kill -s "$sig" "$(tui_pid)"
    n=$([ $sig = TERM ] && echo 143 || echo 129)
    check "SIG$sig ends it with $n" "$sig=$n"
    same_stty "$sig"
    restored "$sig"
done

# -- the notify hook: output to its log, a failure at once in the status line
printf '%s\n' 'cat >/dev/null; sleep 0.2; echo HOOK-OUTPUT; echo HOOK-ERROR >&2; exit 3' >"$WORK/hook.sh"
run_tui HOOK --notify "'sh $WORK/hook.sh'"
T send-keys -t x : 'allocate o9 LAMP 999' Enter
check "the failing hook is reported in the status line at once" "exit status 3" 2
if never_for "HOOK-" 1500; then ok "the hook's output is not on the screen"
else bad "the hook's output is on the screen"; fi
log="$WORK/state/allot/notify.log"
grep -q HOOK-OUTPUT "$log" 2>/dev/null && grep -q HOOK-ERROR "$log" && ok "the hook's output is in $log" \
    || bad "the hook's output is not in its log"
T send-keys -t x L
check "L shows the hook's log" "HOOK-OUTPUT"
T send-keys -t x q Q
check "hook run quits" "HOOK=0"

# -- a write that waits for another process's lock
run_tui LOCK
T send-keys -t x B
check "Batches" "[Batches]"
T send-keys -t x c 0 Enter
check "the question is open" "Apply?"
python3 - "$DB" "$WORK/locked" <<'PY2' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(8)
c.execute("ROLLBACK")
PY2
HOLDER=$!
for _ in $(seq 100); do [ -e "$WORK/locked" ] && break; sleep 0.05; done
T send-keys -t x y
check "a write waiting for the lock says so" "waiting for another writer (" 3
check "and keeps drawing while it waits (the count goes on)" "waiting for another writer (2 s)" 4
T send-keys -t x Escape
check "Esc gives up, and the message says locked" "locked" 3
screen | grep -qF "the data changed" && bad "it does not say the data changed" || ok "it does not say the data changed"
wait "$HOLDER" 2>/dev/null; HOLDER=""
T send-keys -t x Escape Q
check "lock run quits" "LOCK=0"
"$ALLOT" --db "$DB" export batches | grep -q '^W1,LAMP,10,' && ok "nothing was written" || bad "W1 changed"

echo "$fails failure(s)"
[ $fails -eq 0 ]
