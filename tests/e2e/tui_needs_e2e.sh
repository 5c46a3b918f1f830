#!/usr/bin/env bash
# tui_needs_e2e.sh — issue 14's TUI acceptance in the real TUI, in tmux, on the demo
# (`allot demo`: Northwind on today's calendar, its RequiredDate the need date):
#   - on landing, with no key pressed, Triage's late lines panel lists the demo's late
#     lines, worst first, each with its days late, need date and promised date (or
#     `waits`), as many as `allot demo` counted, and its overdue shipments panel every
#     batch whose ETA is before today;
#   - `u` previews the undo of the latest change (its command id, what it did, the
#     line that goes) and changes nothing; `n` leaves it; `u` again and `y` undo it:
#     the store no longer has the line (`allot export allocations`), the log ends with
#     the undo's LineRemoved naming the command undone, the feed shows it;
#   - `U` previews the redo and `y` puts the line back.
#
# usage: tui_needs_e2e.sh ALLOT
set -u
ALLOT=$1
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }

SOCK="allot-needs-$$"
WORK=$(mktemp -d /tmp/allot-needs.XXXXXX)
DB="$WORK/demo.db"
PANE=n
. "$(dirname "$0")/tmux_lib.sh"
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

demo=$("$ALLOT" --db "$DB" demo 2>&1) || { echo "allot demo failed: $demo"; exit 1; }
nlate=$(sed -n 's/.* \([0-9][0-9]*\) lines late.*/\1/p' <<<"$demo")
[ -n "$nlate" ] && [ "$nlate" -gt 0 ] && ok "the demo has late lines ($nlate)" \
    || { bad "the demo reports no late lines: $demo"; }

# The latest event of the log, as `allot events --json` gives it: FIELD of the last line.
last_event() {
    "$ALLOT" --db "$DB" events --json | tail -1 |
        python3 -c 'import json,sys; e=json.load(sys.stdin); print(e.get(sys.argv[1], ""))' "$1"
}
latest_cmd=$(last_event command_id)
latest_type=$(last_event type)
latest_order=$(last_event orderid)
latest_sku=$(last_event sku)
[ "$latest_type" = Allocated ] && ok "the demo's latest change is an allocation ($latest_order $latest_sku)" \
    || bad "the demo's latest event is $latest_type, not an Allocated"
allocs_before=$("$ALLOT" --db "$DB" export allocations)
grep -qF "$latest_order,$latest_sku," <<<"$allocs_before" && ok "the store has that line" \
    || bad "the store does not have $latest_order $latest_sku"

T -f /dev/null new-session -d -s n -x 120 -y 40 "env -i PATH=$PATH HOME=$HOME TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='n\$ ' bash --norc --noprofile -i"
T set-option -t n status off >/dev/null
wait_for 'n$' 5
T send-keys -t n "clear; $ALLOT --db $DB; echo EXIT=\$?" Enter

# -- landing: the late lines panel, with no key pressed
check "opens on Triage" "[Triage]"
check "the late lines panel is on Triage" "Late lines, worst first"
check "its columns: days late, need date, promised date" "LATE▼ NEED  PROMISED"
# the panel is the right half under its title: every row ends "Nd MM-DD MM-DD|waits"
late_rows() {
    screen | awk '/Late lines, worst first/ {on=1; next} /── Live events/ {on=0}
        on && match($0, /[0-9]+d [0-9][0-9]-[0-9][0-9] ([0-9][0-9]-[0-9][0-9]|waits) *$/) {
            print substr($0, RSTART)
        }'
}
rows=$(late_rows)
n=$(grep -c . <<<"$rows")
[ "$n" = "$nlate" ] && ok "the panel lists the demo's $nlate late lines" \
    || { bad "the panel lists $n late lines, the demo counted $nlate"; screen; }
if sed 's/d .*//' <<<"$rows" | sort -n -r -c 2>/dev/null; then ok "worst first"
else bad "the late lines are not worst first"; echo "$rows"; fi
grep -q 'waits$' <<<"$rows" && ok "a late backorder waits (no promised date)" \
    || bad "no late backorder on the panel"
today_md=$(date -u +%m-%d)
grep -q " $today_md\$" <<<"$rows" && ok "a late line in the warehouse is promised today ($today_md)" \
    || bad "no late line promised today"

# -- landing, still no key: the overdue shipments (ETA before today) beside them
overdue=$("$ALLOT" --db "$DB" export batches | awk -F, -v t="$(date -u +%F)" 'NR > 1 && $4 != "" && $4 < t {print $1}')
[ -n "$overdue" ] && ok "the demo has overdue shipments ($(echo $overdue))" \
    || bad "the demo has no overdue shipment"
check "the overdue shipments panel is on Triage" "Overdue shipments"
for ref in $overdue; do check "overdue shipment $ref is on the landing screen" "$ref"; done

# -- u: the preview of the undo of the latest change; n changes nothing
T send-keys -t n u
check "u previews the undo of the latest command" "Undo command $latest_cmd (1 event)"
check "it says what that command did" "It did: Allocated $latest_order $latest_sku"
check "the line that would go" "→ cancelled"
check "and asks" "Apply? y = yes, n = no"
[ "$("$ALLOT" --db "$DB" export allocations)" = "$allocs_before" ] \
    && ok "the preview changed nothing in the store" || bad "the preview changed the store"
T send-keys -t n n
check_gone "n closes the question" "Apply? y = yes, n = no"
[ "$("$ALLOT" --db "$DB" export allocations)" = "$allocs_before" ] \
    && ok "n changed nothing in the store" || bad "n changed the store"
[ "$(last_event command_id)" = "$latest_cmd" ] && ok "n logged nothing" || bad "n logged a command"

# -- u, y: undone, on screen and in the store
T send-keys -t n u
check "u asks again" "Undo command $latest_cmd (1 event)"
T send-keys -t n y
check "y undoes it" "Undo of command $latest_cmd done: 1 event, last: LineRemoved $latest_order $latest_sku"
check "the feed shows the undo's event" "LineRemoved          $latest_order $latest_sku"
allocs_after=$("$ALLOT" --db "$DB" export allocations)
grep -qF "$latest_order,$latest_sku," <<<"$allocs_after" && bad "the store still has the line" \
    || ok "the store no longer has $latest_order $latest_sku"
[ "$(grep -vF "$latest_order,$latest_sku," <<<"$allocs_before")" = "$allocs_after" ] \
    && ok "every other line is where it was" || bad "other lines changed"
[ "$(last_event type)" = LineRemoved ] && [ "$(last_event undoes)" = "$latest_cmd" ] \
    && ok "the log ends with LineRemoved undoing command $latest_cmd" \
    || bad "the log's last event: $(last_event type) undoes $(last_event undoes)"
undo_cmd=$(last_event command_id)

# -- U: the redo, previewed, puts the line back
T send-keys -t n U
check "U previews the redo" "Redo: undo command $undo_cmd, which undid command $latest_cmd"
T send-keys -t n y
check "y redoes it, and says so" "Redo of command $latest_cmd done: 1 event, last: LineRestored $latest_order $latest_sku"
[ "$("$ALLOT" --db "$DB" export allocations | sort)" = "$(sort <<<"$allocs_before")" ] \
    && ok "the redo put the line back" || bad "the store differs after the redo"

T send-keys -t n Q
check "Q quits" "EXIT=0"

echo "$fails failed"
[ $fails -eq 0 ]
