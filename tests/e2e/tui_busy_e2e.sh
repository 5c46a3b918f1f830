#!/usr/bin/env bash
# tui_busy_e2e.sh — the real TUI in tmux while a key's work takes long (a bulk
# cancel of thousands of marked lines on a SKU of 30,000 lines):
#   the preview says how far it is, and Esc stops it with nothing changed;
#   SIGTERM during that work ends allot at once (exit 143), the terminal put back,
#   and the store unchanged;
#   keys typed while it works are dropped, not replayed onto the question that
#   opens meanwhile, and the status line says so.
#
# usage: tui_busy_e2e.sh ALLOT
set -u
ALLOT=$1
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }

SOCK="allot-busy-$$"
WORK=$(mktemp -d /tmp/allot-busy.XXXXXX)
DB="$WORK/busy.db"
PANE=b
. "$(dirname "$0")/tmux_lib.sh"
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$ALLOT" --db "$DB" demo >/dev/null || { echo "cannot load the demo"; exit 1; }
{ echo "orderid,sku,qty"; for i in $(seq 1 30000); do echo "k$i,Konbu,1"; done; } >"$WORK/k.csv"
"$ALLOT" --db "$DB" import orders "$WORK/k.csv" >/dev/null || { echo "cannot import"; exit 1; }
before=$("$ALLOT" --db "$DB" export backorders)

T -f /dev/null new-session -d -s b -x 120 -y 40 "env -i PATH=$PATH HOME=$HOME TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='b\$ ' bash --norc --noprofile -i"
T set-option -t b status off >/dev/null
wait_for 'b$' 5
start_tui() {
    T send-keys -t b "clear; bash -c 'echo \$\$ > $WORK/pid; exec $ALLOT --db $DB'; echo EXIT=\$?" Enter
    wait_for "Live events" 20 >/dev/null
}

# -- SIGTERM while x works on 10,000 marked lines
start_tui
T send-keys -t b O / s k u : K o n b u Enter
wait_for 'filter: "sku:Konbu"' 10 >/dev/null
T send-keys -t b '*'
check "10,000 lines marked" "10000 marked"
T send-keys -t b x
check "the preview says how far it is" "working out the preview: "
check "and how to stop it" "of 10000 marked rows… Esc stops"
T send-keys -t b Escape
check "Esc stops it" "preview stopped after "
check "and says nothing changed" "marked rows: nothing changed"
if screen | grep -qF "Apply?"; then bad "a question opened"; else ok "no question opened"; fi
[ "$("$ALLOT" --db "$DB" export backorders)" = "$before" ] && ok "the store is unchanged" \
    || bad "the store changed"
T send-keys -t b x
check "x again: the preview works again" "working out the preview: "
t0=$(date +%s%N)
kill -TERM "$(cat "$WORK/pid")"
check "SIGTERM during the work ends allot at once, exit 143" "EXIT=143" 10
echo "   (ended $(ms_since "$t0") ms after the signal)"
check "the terminal is back: the shell's prompt" 'b$' 5
[ "$("$ALLOT" --db "$DB" export backorders)" = "$before" ] && ok "the store is unchanged" \
    || bad "the store changed"

# -- keys typed while x works on 1,111 lines are dropped, not replayed
T send-keys -t b "clear" Enter
start_tui
T send-keys -t b O / s k u : K o n b u ' ' k 2 9 Enter
wait_for 'filter: "sku:Konbu k29"' 10 >/dev/null
T send-keys -t b '*'
check "1,111 lines marked" "1111 marked"
T send-keys -t b x
sleep 0.3
T send-keys -t b n
T send-keys -t b ":order 11008" Enter
check "the one preview opens" "Cancel 1111 marked" 120
check "the keys typed meanwhile were dropped, and it says so" "typed while busy were dropped" 5
if screen | grep -qF "Order 11008"; then bad "a typed-ahead :order ran"; else ok "no typed-ahead key ran"; fi
T send-keys -t b n
check_gone "n now answers the question" "Cancel 1111 marked" 10
[ "$("$ALLOT" --db "$DB" export backorders)" = "$before" ] && ok "nothing changed" \
    || bad "the store changed"
T send-keys -t b Q
check "quits" "EXIT=0"
[ "$fails" -eq 0 ] && echo "all busy end-to-end checks passed" || echo "$fails failed"
exit $(( fails > 0 ))
