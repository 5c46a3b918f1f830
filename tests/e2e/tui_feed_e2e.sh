#!/usr/bin/env bash
# tui_feed_e2e.sh — the feed (issue 13 point 7) in the real TUI on the demo database,
# in tmux at 80×24:
#   `F` opens the event log full height (the rows of the feed panel hold events too);
#   `/sku:Chang` in it keeps the events of that SKU, and only those;
#   a change made by another process (`allot change-qty` on the same database)
#   makes the panel say "+N new since you looked" (N = its events, from
#   `allot events --since`) and shows the command with its events grouped under it;
#   looking at the feed (F, then F to close it) starts the count again.
#
# usage: tui_feed_e2e.sh ALLOT
set -u
ALLOT=$1
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }
"$ALLOT" --help 2>/dev/null | grep -q demo || { echo "no demo command: skipped"; exit 77; }

SOCK="allot-feed-$$"
WORK=$(mktemp -d /tmp/allot-feed.XXXXXX)
DB="$WORK/demo.db"
PANE=f
. "$(dirname "$0")/tmux_lib.sh"
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$ALLOT" --db "$DB" demo >/dev/null || { echo "cannot load the demo"; exit 1; }
chang=$("$ALLOT" --db "$DB" events | grep -c ' Chang ')
before=$("$ALLOT" --db "$DB" events | tail -1 | cut -d' ' -f1)

T -f /dev/null new-session -d -s f -x 80 -y 24 "env -i PATH=$PATH HOME=$HOME TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='f\$ ' bash --norc --noprofile -i"
T set-option -t f status off >/dev/null
wait_for 'f$' 5
T send-keys -t f "clear; $ALLOT --db $DB; echo EXIT=\$?" Enter
check "opens on Triage with the feed panel" "── Live events"
if screen | grep -qF "new since you looked"; then bad "nothing is new at the start"; screen
else ok "nothing is new at the start"; fi

# -- F: the event log, full height
ROW='^[▶ ] +[0-9]+ [0-9:-]+( [0-9:]+)? +[A-Z][A-Za-z]+ ' # an event's row in the list
events_rows() { screen | grep -cE "$ROW"; }
T send-keys -t f F
check "F opens the feed" "Feed"
check_gone "no panel under the feed: it is the feed" "── Live events" 5
n=$(events_rows)
# 24 rows: top bar, counts, breadcrumb, heading, then events down to the status line
# and the footer: 18 rows (the Events screen with the panel under it has 13)
if [ "$n" -ge 18 ]; then ok "the feed is full height: $n events on 24 rows"
else bad "the feed shows $n events (want 18, full height)"; screen; fi

# -- filter it by SKU
T send-keys -t f / s k u : C h a n g Enter
check "the breadcrumb gives the filter" 'filter: "sku:Chang"'
n=$(events_rows)
other=$(screen | grep -E "$ROW" | grep -vcF ' Chang ')
if [ "$n" -eq "$chang" ] && [ "$other" -eq 0 ]; then ok "only the $chang events of Chang"
else bad "filtered: $n events shown ($chang of Chang in the log), $other of others"; screen; fi
T send-keys -t f F
check "F again closes the feed" "── Live events" 5

# -- another process changes the data: +N new, grouped under its command
"$ALLOT" --db "$DB" change-qty WH-71 0 >/dev/null || bad "change-qty by another process"
new=$("$ALLOT" --db "$DB" events --since "$before" | wc -l)
check "the panel counts the other process's $new events" "+$new new since you looked (F)"
check "and groups them under the command" "change-qty WH-71 0: $new events"
check "its newest event under it" "└ Deallocated"

# -- looking resets it
T send-keys -t f F
check "F opens the feed again" "Feed"
check "the feed shows the change" "BatchQuantityChanged"
T send-keys -t f F
check "back to Triage" "── Live events"
if never_for "new since you looked" 1000; then ok "looked: nothing new any more"
else bad "still counting after the feed was looked at"; fi
mark=$("$ALLOT" --db "$DB" events | tail -1 | cut -d' ' -f1)
"$ALLOT" --db "$DB" set-eta PO-02 2027-01-15 >/dev/null || bad "set-eta by another process"
new=$("$ALLOT" --db "$DB" events --since "$mark" | wc -l)
check "a new change counts from the look: its $new events" "+$new new since you looked (F)"

T send-keys -t f Q
check "quits" "EXIT=0"
echo "$fails failed"
[ "$fails" -eq 0 ]
