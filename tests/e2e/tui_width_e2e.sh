#!/usr/bin/env bash
# tui_width_e2e.sh — columns share the terminal's width (issue 13 point 9) in the real
# TUI on the demo database, in tmux at 120 columns: the names of the demo (SKUs up to
# 31 columns, with ü and ß) are whole on Triage and on Products, Batches, Backorders
# and the Order screen; the column cursor is drawn in the headings ("[QTY]"); at 80
# columns a Triage panel too narrow for its table scrolls sideways with `>` / `<`,
# « and » saying columns are off screen; History's breadcrumb names its real order;
# Order, Availability and History show position/total.
#
# usage: tui_width_e2e.sh ALLOT
set -u
ALLOT=$1
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }
"$ALLOT" --help 2>/dev/null | grep -q demo || { echo "no demo command: skipped"; exit 77; }

SOCK="allot-width-$$"
WORK=$(mktemp -d /tmp/allot-width.XXXXXX)
DB="$WORK/demo.db"
PANE=w
. "$(dirname "$0")/tmux_lib.sh"
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
key() { T send-keys -t w "$@"; }
# the main area: from the row under the header counts to the feed's title
main_area() { screen | sed -n '4,/Live events/p' | sed '$d'; }

"$ALLOT" --db "$DB" demo >/dev/null || { echo "cannot load the demo"; exit 1; }
backorders=$("$ALLOT" --db "$DB" export backorders | awk -F, 'NR > 1 {print $1 "," $2}')
longest=$("$ALLOT" --db "$DB" export batches | awk -F, 'NR > 1 {print length($2) "\t" $2}' | sort -k1,1nr | head -1 | cut -f2)

T -f /dev/null new-session -d -s w -x 120 -y 40 "env -i PATH=$PATH HOME=$HOME TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='w\$ ' bash --norc --noprofile -i"
T set-option -t w status off >/dev/null
wait_for 'w$' 5
T send-keys -t w "clear; $ALLOT --db $DB; echo EXIT=\$?" Enter
check "opens on Triage at 120 columns" "Live events"

# -- Triage at 120: every backorder shown with its whole SKU, nothing scrolls
n=0
while IFS=, read -r order sku; do
    row=$(screen | grep -F -- "$order " | grep -F -- "${sku:0:6}" | head -1)
    [ -z "$row" ] && continue
    n=$((n + 1))
    if grep -qF -- "$sku" <<<"$row"; then ok "Triage: $order $sku whole"
    else bad "Triage: $order $sku cut: $row"; fi
done <<<"$backorders"
[ "$n" -ge 3 ] && ok "$n backorders checked on Triage" || bad "only $n backorders found on Triage"
if main_area | grep -qF '»'; then bad "a Triage panel scrolls at 120 columns"; main_area; else ok "no panel scrolls sideways at 120"; fi

# -- the screens of their own: nothing cut in the main area
for s in P B O; do
    key "$s"
    sleep 0.3
    wait_for "sort:" 5 >/dev/null
    if main_area | grep -qF '…'; then bad "screen $s cuts a text at 120 columns"; main_area
    else ok "screen $s: nothing cut at 120 columns"; fi
done
key P
check "Products" "[Products]"
check "the longest name of the demo is whole ($longest)" "$longest"

# -- the column cursor in the headings
check "the column cursor starts on SKU" "[SKU]"
key '>'
check "> moves it to QTY, drawn in the heading" "[QTY]"
if screen | grep -qF '[SKU]'; then bad "two column cursors"; else ok "one column cursor"; fi
key ']'
check "] sorts by it" "[QTY▼]"

# -- Order, Availability, History: position/total and the real order
key T
wait_for "Backorders, oldest first" 5 >/dev/null
key Enter
check "Enter opens the order of the oldest backorder" "Order 11008"
check "the Order screen shows position/total" "2/3   sort:"
key t
check "Availability shows position/total" "Availability of Rössle Sauerkraut   1/1   sort: date▲"
key q
key H
check "History shows position/total" "Rössle Sauerkraut   1/1   sort: ID▲"
check "and says oldest first" "oldest first"
key S
check "S turns it around, and the breadcrumb says so" "sort: ID▼"
check "the title too" "newest first"
key q q

# -- a Triage panel's title follows its sort
key s
check "after s the backorders panel names its new sort" "▶ Backorders  1/16  SKU▲"
if screen | grep -qF 'Backorders, oldest first'; then bad "the title still says oldest first"
else ok "the title no longer says oldest first"; fi

# -- 80 columns: the backorders panel scrolls sideways with the column cursor
T resize-window -t w -x 80 -y 24
key T
check "80 columns: the panel says columns are off screen on the right" "LATE»"
key '>' '>' '>' '>' '>'
check "> to STATE scrolls the panel: « on the left" "«"
check "STATE is in sight, under the cursor" "[STATE]"
row=$(screen | grep -F '11008' | head -1)
grep -qF 'BACKORDER' <<<"$row" && ok "the rows scroll with it: $row" || bad "rows did not scroll: $row"

key Q
check "quits" "EXIT=0"
[ "$fails" -eq 0 ] && echo "all width end-to-end checks passed" || echo "$fails failed"
exit $(( fails > 0 ))
