#!/usr/bin/env bash
# tui_summary_e2e.sh — the what-if summary (issue 13 point 8) in the real TUI, in tmux,
# on the demo (`allot demo`: Northwind on today's calendar):
#   w opens a session; two changes through the `:` prompt — PO-02 (Chang, today+6,
#   holding 11070 ×20 and 11075 ×10) set to arrive today+30, and WH-49 (Maxilaku, in
#   the warehouse, holding 11019 ×2) down to 0; W shows the orders whose complete
#   date changes, worst first — 11019 now waits (BACKORDER) before 11075 (+24 days;
#   11070 waited already and is not listed) — and the two steps; on step 1, d drops
#   it: the summary is worked out again from step 2 alone (only 11019); D discards
#   the session and the store is as it was (exports and event log).
#
# usage: tui_summary_e2e.sh ALLOT
set -u
ALLOT=$1
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }

SOCK="allot-summary-$$"
WORK=$(mktemp -d /tmp/allot-summary.XXXXXX)
DB="$WORK/demo.db"
PANE=s
. "$(dirname "$0")/tmux_lib.sh"
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
d() { date -u -d "+$1 days" +%F; }
store() {
    { "$ALLOT" --db "$DB" export batches; "$ALLOT" --db "$DB" export allocations
      "$ALLOT" --db "$DB" export backorders; "$ALLOT" --db "$DB" events --json; } 2>&1
}
# the row of the screen holding TEXT (first match), or nothing
row_of() { screen | grep -nF -- "$1" | head -1 | cut -d: -f1; }

out=$("$ALLOT" --db "$DB" demo 2>&1) || { echo "allot demo failed: $out"; exit 1; }
allocs=$("$ALLOT" --db "$DB" export allocations)
grep -q "^11075,Chang,10,PO-02," <<<"$allocs" && grep -q "^11019,Maxilaku,2,WH-49," <<<"$allocs" \
    && grep -q "^PO-02,Chang,40,$(d 6)," <<<"$("$ALLOT" --db "$DB" export batches)" \
    && ok "the demo as this test knows it (11075 on PO-02 due $(d 6), 11019 on WH-49)" \
    || { bad "the demo is not the one this test knows"; exit 1; }
before=$(store)

T -f /dev/null new-session -d -s s -x 100 -y 30 "env -i PATH=$PATH HOME=$HOME TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='s\$ ' bash --norc --noprofile -i"
T set-option -t s status off >/dev/null
wait_for 's$' 5
T send-keys -t s "clear; $ALLOT --db $DB; echo EXIT=\$?" Enter
check "opens on Triage" "[Triage]"

# -- a session and two changes
T send-keys -t s w
check "w starts a session" "WHAT-IF SESSION · 0 changes"
T send-keys -t s ":set-eta PO-02 $(d 30)" Enter
check "the first change runs in the sandbox (its lines only slip: nothing to ask)" "1 change"
T send-keys -t s ":change-qty WH-49 0" Enter
check "the second change asks: 11019 would wait" "→ BACKORDER"
T send-keys -t s y
check "the second change runs in the sandbox" "2 changes"

# -- the summary
T send-keys -t s W
check "W opens the summary" "What-if summary: 2 orders change, worst slip first · 2 steps"
check "11019 now waits: BACKORDER" "11019"
if screen | grep -E "11019 +$(d 0) +waits +BACKORDER" >/dev/null; then
    ok "11019: complete $(d 0) → waits, BACKORDER"
else bad "11019's row"; screen; fi
if screen | grep -E "11075 +$(d 6) +$(d 30) +\+24 days" >/dev/null; then
    ok "11075: complete $(d 6) → $(d 30), +24 days"
else bad "11075's row"; screen; fi
r19=$(row_of "11019 "); r75=$(row_of "11075 ")
[ -n "$r19" ] && [ -n "$r75" ] && [ "$r19" -lt "$r75" ] \
    && ok "the newly backordered order comes before the one that slips" \
    || bad "worst first: 11019 at row ${r19:-none}, 11075 at ${r75:-none}"
if screen | grep -E "^ +11070 " >/dev/null; then bad "11070 waited already: it is not listed"
else ok "11070 (waiting before and after) is not listed"; fi
check "step 1" " 1  set-eta PO-02 $(d 30)"
check "step 2" " 2  change-qty WH-49 0"
check "the footer names the drop key" "d/Delete drop step"

# -- drop step 1: worked out again from step 2 alone
T send-keys -t s l g d
check "d drops step 1" "dropped step 1 of 2 (set-eta PO-02 $(d 30))"
check "the summary is worked out again" "What-if summary: 1 order changes, worst slip first · 1 step"
check "the banner counts one change" "WHAT-IF SESSION · 1 change"
check "what is left is step 2, now step 1" " 1  change-qty WH-49 0"
if screen | grep -E "11019 +$(d 0) +waits +BACKORDER" >/dev/null; then ok "11019 still waits"
else bad "11019's row after the drop"; screen; fi
if screen | grep -F "11075 " >/dev/null; then bad "11075 is still listed"; screen
else ok "11075 no longer slips (PO-02 keeps its ETA)"; fi
if screen | grep -F "set-eta PO-02" | grep -v dropped >/dev/null; then bad "the dropped step is still listed"
else ok "the dropped step is gone from the steps"; fi

# -- leave without applying: the store is as it was
T send-keys -t s D
check "D asks" "Discard it?"
T send-keys -t s y
check "discarded" "what-if session discarded"
check_gone "the summary went with the session" "What-if summary"
after=$(store)
[ "$before" = "$after" ] && ok "the store is unchanged (exports and event log)" \
    || { bad "the store changed"; diff <(echo "$before") <(echo "$after") | head; }
T send-keys -t s Q
check "Q quits" "EXIT=0"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
