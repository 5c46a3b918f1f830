#!/usr/bin/env bash
# tui_cockpit_e2e.sh — the planner's cockpit in the real TUI on the demo database, in
# tmux (issue 13 acceptance), each task counting its keys from landing on Triage:
#   overdue shipments with their days overdue on landing (0 keys);
#   products worst first (<= 3 keys: P);
#   backorders filtered by a SKU as you type, the breadcrumb giving the filter and
#   the count (<= 8 keys: O / s k u : C a);
#   three marked shipments delayed by 7 days with ONE preview and one transaction
#   (<= 10 keys: l l l Space Space Space 7 d y);
# then the jumps (:order, :batch with Tab completion, :sku), :export of a filtered
# list and `a` on two marked lines (the store changes as previewed).
# Each asserts what the screen shows (and the last, the stored ETAs).
#
# usage: tui_cockpit_e2e.sh ALLOT
set -u
ALLOT=$1
command -v tmux >/dev/null || { echo "tmux missing: skipped"; exit 77; }
"$ALLOT" --help 2>/dev/null | grep -q demo || { echo "no demo command: skipped"; exit 77; }

SOCK="allot-cockpit-$$"
WORK=$(mktemp -d /tmp/allot-cockpit.XXXXXX)
DB="$WORK/demo.db"
PANE=c
. "$(dirname "$0")/tmux_lib.sh"
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
keys=0
key() { T send-keys -t c "$@"; keys=$((keys + $#)); }
within() { if [ "$keys" -le "$2" ]; then ok "$1 in $keys keys (at most $2)"; else bad "$1 took $keys keys (at most $2)"; fi; }
d() { date -u -d "$1 days" +%F; }

"$ALLOT" --db "$DB" demo >/dev/null || { echo "cannot load the demo"; exit 1; }
# what the screens must show, worked out from the exports
overdue=$("$ALLOT" --db "$DB" export batches | awk -F, -v t="$(d 0)" 'NR > 1 && $4 != "" && $4 < t {print $1}')
first_overdue=$("$ALLOT" --db "$DB" export batches | awk -F, -v t="$(d 0)" 'NR > 1 && $4 != "" && $4 < t {print $4, $1}' | sort | head -1)
worst_sku=$("$ALLOT" --db "$DB" export backorders | awk -F, 'NR > 1 {u[$2] += $3} END {for (s in u) print u[s] "\t" s}' | sort -k1,1nr -k2 | head -1 | cut -f2)
ca_lines=$("$ALLOT" --db "$DB" export backorders | awk -F, 'NR > 1 && tolower(substr($2, 1, 2)) == "ca"' | wc -l)
due3=$("$ALLOT" --db "$DB" export batches | awk -F, -v t="$(d 0)" -v e="$(d 14)" 'NR > 1 && $4 >= t && $4 <= e {print $4 "," $1}' | sort | head -3)

T -f /dev/null new-session -d -s c -x 160 -y 45 "env -i PATH=$PATH HOME=$HOME TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='c\$ ' bash --norc --noprofile -i"
T set-option -t c status off >/dev/null
wait_for 'c$' 5
T send-keys -t c "clear; $ALLOT --db $DB; echo EXIT=\$?" Enter
check "opens on Triage" "Live events"

# -- overdue shipments on landing, with days overdue (0 keys)
check "Triage has the overdue shipments panel" "Overdue shipments"
for ref in $overdue; do check "overdue shipment $ref is on the landing screen" "$ref"; done
days=$(( ( $(date -u -d "$(d 0)" +%s) - $(date -u -d "${first_overdue%% *}" +%s) ) / 86400 ))
check "it says how many days overdue ($days days)" "${days} days"
check "the header counts the overdue shipments" "Overdue shipments $(wc -w <<<"$overdue")"
within "overdue shipments seen" 0

# -- products worst first
keys=0
key P
check "Products" "[Products]"
row=$(screen | grep -F '▶' | head -1)
if grep -qF -- "$worst_sku" <<<"$row"; then ok "worst first: $worst_sku (most units short) on top"
else bad "worst first: '$row', not $worst_sku"; fi
check "the list says where the cursor is of how many" "1/77"
within "products worst first" 3

# -- backorders filtered by a SKU as you type
keys=0
key O
check "Backorders" "[Backorders]"
key / s k u : C a
check "the breadcrumb gives the filter" 'filter: "sku:Ca"'
check "and the count of matching rows (position/total)" "1/$ca_lines "
shown=$(screen | grep -cE '^ *[▶ ] *[0-9]{5} ')
rest=$(screen | grep -E '^ *[▶ ] *[0-9]{5} ' | grep -viE ' Ca' | wc -l)
[ "$shown" -eq "$ca_lines" ] && [ "$rest" -eq 0 ] && ok "only the $ca_lines lines of SKUs starting Ca" \
    || { bad "filtered rows: $shown shown, $rest of other SKUs"; screen; }
within "backorders of a SKU" 8
T send-keys -t c Enter q
wait_for "Live events" 5 >/dev/null

# -- three marked shipments delayed by 7 days, one preview, one transaction
T send-keys -t c T
wait_for "Shipments due in 14 days" 5 >/dev/null
keys=0
key l l l
key Space Space Space
check "three shipments marked" "3 marked"
key 7 d
check "ONE preview for the three" "Delay 3 marked shipments by 7 days"
check "it says it is one transaction" "all of them or none"
key y
check "done in one transaction" "3 commands done in one transaction"
within "delay three marked shipments by 7 days" 10
after=$("$ALLOT" --db "$DB" export batches)
for b in $due3; do
    ref=${b#*,} eta=${b%%,*}
    want=$(date -u -d "$eta + 7 days" +%F)
    if grep -q "^$ref,.*,$want," <<<"$after"; then ok "$ref: ETA $eta → $want"
    else bad "$ref: not at $want: $(grep "^$ref," <<<"$after")"; fi
done

# -- jumps: :order, :batch with Tab completion, :sku
order=$("$ALLOT" --db "$DB" export allocations | awk -F, 'NR == 2 {print $1}')
T send-keys -t c ":order $order" Enter
check ":order $order opens its Order screen" "Order $order · "
T send-keys -t c q
prefix=$("$ALLOT" --db "$DB" export batches | awk -F, 'NR > 1 && $1 ~ /^PO-0/ {print $1}' | sort)
T send-keys -t c ":batch PO-0" Tab
check "Tab lists the candidates of PO-0 from the read model" \
    "$(wc -l <<<"$prefix") candidates: $(paste -sd, <<<"$prefix" | sed 's/,/, /g')"
first=$(head -1 <<<"$prefix")
T send-keys -t c "${first#PO-0}" Enter
check ":batch $first opens its Batch screen" "Batch $first"
T send-keys -t c q
sku=$("$ALLOT" --db "$DB" export batches | awk -F, 'NR > 1 && $2 !~ / / {print $2}' | sort | uniq -c | sort -k1,1nr -k2 | awk 'NR == 1 {print $2}')
nsku=$("$ALLOT" --db "$DB" export batches | awk -F, -v s="$sku" 'NR > 1 && $2 == s' | wc -l)
T send-keys -t c ":sku $sku" Enter
check ":sku $sku opens Batches of that SKU, all $nsku of them" "1/$nsku "
others=$(screen | grep -E '^ *[▶ ] *(WH|PO)-[0-9]+ ' | grep -vF " $sku " | wc -l)
[ "$others" -eq 0 ] && ok "only batches of $sku" || { bad "$others rows of other SKUs"; screen; }
T send-keys -t c q

# -- :export of the list shown: Backorders filtered by sku:Ca, every matching row
T send-keys -t c O / s k u : C a Enter
wait_for 'filter: "sku:Ca"' 5 >/dev/null
T send-keys -t c ":export $WORK/ca.csv" Enter
check ":export says how many rows it wrote, and where" "$ca_lines rows of Backorders"
rows=$(($(wc -l <"$WORK/ca.csv") - 1))
notca=$(awk -F, 'NR > 1 && tolower(substr($2, 1, 2)) != "ca"' "$WORK/ca.csv" | wc -l)
[ "$rows" -eq "$ca_lines" ] && [ "$notca" -eq 0 ] && ok "the file has the $ca_lines rows shown, no other" \
    || bad "ca.csv: $rows rows, $notca of other SKUs"
T send-keys -t c q

# -- a on two marked lines of a batch: one preview, one transaction, as previewed
batch=$("$ALLOT" --db "$DB" export allocations | awk -F, 'NR > 1 && $4 ~ /^PO-/ {n[$4]++} END {for (b in n) if (n[b] >= 2) print b}' | sort | head -1)
before=$( { "$ALLOT" --db "$DB" export allocations; "$ALLOT" --db "$DB" export backorders; } | sort)
T send-keys -t c ":batch $batch" Enter
wait_for "Batch $batch" 5 >/dev/null
T send-keys -t c Space Space a
check "a on 2 marked lines: one preview" "Allocate 2 marked order lines again"
nmoved=$(screen | grep -oE '^[0-9]+ order lines? changes? place' | grep -oE '^[0-9]+' || echo 0)
T send-keys -t c y
check "its 4 commands (a deallocate and an allocate each) in one transaction" \
    "4 commands done in one transaction"
after=$( { "$ALLOT" --db "$DB" export allocations; "$ALLOT" --db "$DB" export backorders; } | sort)
changed=$(comm -13 <(echo "$before") <(echo "$after") | cut -d, -f1 | sort -u | wc -l)
[ "$changed" -eq "${nmoved:-0}" ] && ok "the store changed in the $changed lines the preview said move" \
    || bad "preview said ${nmoved:-0} lines move, the store changed $changed"

T send-keys -t c Q
check "quits" "EXIT=0"
[ "$fails" -eq 0 ] && echo "all cockpit end-to-end checks passed" || echo "$fails failed"
exit $(( fails > 0 ))
