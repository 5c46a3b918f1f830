#!/usr/bin/env bash
# tui_whatif_e2e.sh — the what-if session in the real TUI, in tmux (issue 6 acceptance):
#   w starts a session (banner); on batch B1, d 14 Enter shows the affected lines and
#   their slips; y runs it in the sandbox; the screens mark the moved line and the
#   slipped one; D asks, y discards → the live data is unchanged (exports, event log,
#   file); again w, d 14, y, then A, y → applied as predicted, live changed, the
#   events are in the feed; A's question follows another process's change and y
#   never applies an outcome not shown; Q with a session open asks.
#
# usage: tui_whatif_e2e.sh TUI_CMD ALLOT
#   TUI_CMD  the program that opens the TUI with `--db PATH` (allot-tui, or allot)
#   ALLOT    the allot executable (builds the database, exports it)
set -u
TUI=$1
ALLOT=$2
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }

SOCK="allot-whatif-$$"
WORK=$(mktemp -d /tmp/allot-whatif.XXXXXX)
DB="$WORK/w.db"
PANE=w
. "$(dirname "$0")/tmux_lib.sh"
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
live_state() {
    { "$ALLOT" --db "$DB" export batches; "$ALLOT" --db "$DB" export allocations
      "$ALLOT" --db "$DB" export backorders; "$ALLOT" --db "$DB" events --json; } 2>&1
}

# B1 (today+3) holds o1, o2; B2 (today+10) holds o3 with room 6; B3 (today+30).
# Delaying B1 by 14 days (→ today+17): o1 moves to B2 (slip +7), o2 finds no room
# before B1 and stays (slip +14).
d() { date -u -d "+$1 days" +%F; }
cat > "$WORK/seed.txt" <<SEED
add-batch B1 LAMP 10 $(d 3)
add-batch B2 LAMP 10 $(d 10)
add-batch B3 LAMP 10 $(d 30)
allocate o1 LAMP 4
allocate o2 LAMP 4
allocate o3 LAMP 4
SEED
"$ALLOT" --db "$DB" exec "$WORK/seed.txt" >/dev/null || { echo "cannot build the database"; exit 1; }
before=$(live_state)

T -f /dev/null new-session -d -s w -x 100 -y 30 "env -i PATH=$PATH HOME=$HOME TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='w\$ ' bash --norc --noprofile -i"
T set-option -t w status off >/dev/null
wait_for 'w$' 5
T send-keys -t w "clear; $TUI --db $DB; echo EXIT=\$?" Enter
check "opens on Triage" "Live events"

# -- a session, a delay, the marks
T send-keys -t w w
check "w starts a session with a banner" "WHAT-IF SESSION"
T send-keys -t w B
check "Batches in the sandbox" "[Batches]"
T send-keys -t w / B1 Enter
check "filtered to B1" "filtered: B1"
T send-keys -t w d
check "d asks for the days" "by how many days"
T send-keys -t w 14 Enter
check "the delay shows the new ETA" "Delay B1 by 14 days: ETA $(d 3) → $(d 17)"
check "the moved line and its slip" "+7d"
check "the line that stays and its slip" "+14d"
T send-keys -t w y
check "the banner counts the change" "1 change"
check "B1 is marked with its ETA change" "Δ ETA+14d"
T send-keys -t w Enter
check "B1's remaining line is marked as slipped" "Δ slips +14d"
T send-keys -t w q
check "back on the list" "[Batches]"
T send-keys -t w /
check "the filter prompt" "Filter"
T send-keys -t w C-u B2 Enter
check "filtered to B2" "filtered: B2"
T send-keys -t w Enter
check "the line that moved to B2 is marked" "Δ moved from B1 +7d"
T send-keys -t w q

# -- quitting with a session open asks
T send-keys -t w Q
check "Q with a session open asks" "Quit and discard it?"
T send-keys -t w n
check_gone "n keeps the session" "Quit and discard it?"
check "the session is still open" "WHAT-IF SESSION"

# -- discard (it asks first): live unchanged, the screen and its filter kept
T send-keys -t w D
check "D asks before discarding" "Discard it?"
T send-keys -t w y
check "y discards" "what-if session discarded"
check "the screen and its filter stay" 'filter: "B2"' 
check_gone "the banner is gone" "WHAT-IF SESSION"
after=$(live_state)
[ "$before" = "$after" ] && ok "after discard the live data is unchanged (exports and event log)" \
    || { bad "the live data changed"; diff <(echo "$before") <(echo "$after") | head; }

# -- again, and apply
T send-keys -t w w
check "a new session" "WHAT-IF SESSION"
T send-keys -t w B
check "Batches again" "[Batches]"
T send-keys -t w /
check "the filter prompt again" "Filter"
T send-keys -t w C-u B1 Enter
check "Batches filtered to B1 again" "filtered: B1"
T send-keys -t w d 14 Enter
check "the delay preview again" "Delay B1 by 14 days"
T send-keys -t w y
check "run in the sandbox" "1 change"
mid=$(live_state)
[ "$before" = "$mid" ] && ok "the sandbox has not touched the live data" || bad "live changed before apply"
T send-keys -t w A
check "A asks before applying" "to the LIVE data"
T send-keys -t w y
check "applied, as predicted" "as predicted: 1 line moved, 1 slipped in place"
check_gone "the session has ended" "WHAT-IF SESSION"
check "the events appear in the live feed" "o1 LAMP ×4 B1 → B2"
check "BatchEtaChanged in the live feed" "B1 LAMP $(d 3) → $(d 17)"
after=$(live_state)
grep -q "^o1,LAMP,4,B2," <<<"$after" && ok "live: o1 is on B2" || { bad "live: o1 not on B2"; echo "$after"; }
grep -q "^B1,LAMP,10,$(d 17)," <<<"$after" && ok "live: B1 arrives $(d 17)" || bad "live: B1's ETA"
grep -q '"type":"BatchEtaChanged"' <<<"$after" && ok "live: the event log has BatchEtaChanged" \
    || bad "live: no BatchEtaChanged in the log"

# -- another process changes live while A's question is open: y shows the new
#    outcome and asks again; the second y applies it, as predicted
T send-keys -t w w
check "a third session" "WHAT-IF SESSION"
T send-keys -t w B
check "Batches a third time" "[Batches]"
T send-keys -t w /
check "the filter prompt a third time" "Filter"
T send-keys -t w C-u B2 Enter
check "filtered to B2 a third time" "filtered: B2"
T send-keys -t w d 5 Enter
check "delaying B2 by 5 days: its lines slip" "Delay B2 by 5 days"
T send-keys -t w y
check "run in the sandbox again" "1 change"
T send-keys -t w A
check "A asks again" "to the LIVE data"
if screen | grep -E "o1 +LAMP +×4 +B2 +→ B2 +\+5d" >/dev/null; then ok "A shows o1 slipping 5 days on B2"
else bad "A does not show o1's slip"; screen; fi
# meanwhile another planner brings B1 forward: B1 now sorts before B2's new ETA
"$ALLOT" --db "$DB" set-eta B1 "$(d 4)" >/dev/null || bad "the other process failed"
T send-keys -t w y
check "y works the outcome out again and shows it" "UPDATED (data changed)"
if screen | grep -E "o1 +LAMP +×4 +B2 +→ B1" >/dev/null; then ok "o1 now goes to B1, and that is shown"
else bad "o1's new outcome is not shown"; screen; fi
grep -q "^B2,LAMP,10,$(d 10)," <<<"$(live_state)" && ok "nothing was applied on the first y" \
    || bad "applied an outcome that was not shown"
T send-keys -t w y
check "the second y applies what was shown, as predicted" "as predicted"
check_gone "the session has ended after the apply" "WHAT-IF SESSION"
after=$(live_state)
grep -q "^o1,LAMP,4,B1," <<<"$after" && ok "live: o1 is on B1" || { bad "live: o1 not on B1"; echo "$after"; }

T send-keys -t w Q
check "Q without a session quits" "EXIT=0"

echo "$fails failed"
[ $fails -eq 0 ]
