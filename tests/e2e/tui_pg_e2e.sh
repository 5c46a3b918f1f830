#!/usr/bin/env bash
# tui_pg_e2e.sh — two terminal UIs on one PostgreSQL database, in tmux (issue 10
# acceptance): a change made in one appears in the other's live feed within 1 s;
# the server is stopped under both, they say "reconnecting…", and once it is back
# they catch up with an event committed meanwhile.
#
# usage: tests/support/pg_cluster.sh tui_pg_e2e.sh ALLOT
# Every wait polls `tmux capture-pane` with a timeout.
set -u
ALLOT=$1
command -v tmux >/dev/null || { echo "SKIPPED: tmux missing"; exit 77; }
[ -n "${ALLOT_TEST_PG_DIR:-}" ] || { echo "SKIPPED: run through tests/support/pg_cluster.sh"; exit 77; }

SOCK="allot-pg-e2e-$$"
WORK=$(mktemp -d /tmp/allot-pg-e2e.XXXXXX)
T() { tmux -L "$SOCK" "$@"; }
cleanup() { T kill-server 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
fails=0
ok() { echo "ok   - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_for PANE TEXT [TIMEOUT_MS]: polls the pane every 20 ms; prints the ms waited.
wait_for() {
    local pane=$1 text=$2 timeout=${3:-10000} start=$(ms)
    while :; do
        if T capture-pane -p -t "$pane" | grep -qF -- "$text"; then echo $(( $(ms) - start )); return 0; fi
        if (( $(ms) - start > timeout )); then
            echo "---- $pane while waiting for '$text':" >&2; T capture-pane -p -t "$pane" >&2; echo "----" >&2
            return 1
        fi
        sleep 0.02
    done
}
pg_ctl() { $ALLOT_TEST_PG_AS "$ALLOT_TEST_PG_BIN/pg_ctl" -D "$ALLOT_TEST_PG_DATA" -w "$@" >/dev/null; }

createdb tui_e2e || exit 1
DB=postgresql:///tui_e2e
"$ALLOT" --db "$DB" add-batch B1 LAMP 100 >/dev/null || exit 1

for p in one two; do
    T -f /dev/null new-session -d -s "$p" -x 100 -y 30 \
        "env PATH=$PATH HOME=$HOME PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 $ALLOT --db $DB"
    T set-option -t "$p" status off >/dev/null
    wait_for "$p" "Live events" >/dev/null && ok "TUI $p opens on the PostgreSQL database" || bad "TUI $p did not open"
done

# a change made in one appears in the other within 1 s
T send-keys -t one ":allocate o-from-one LAMP 3" Enter
if wait_for one "o-from-one" 5000 >/dev/null; then ok "TUI one shows its own Allocated"; else bad "TUI one: no event"; fi
if t=$(wait_for two "o-from-one" 5000); then
    if (( t < 1000 )); then ok "TUI two shows the change of TUI one within 1 s (${t} ms)"
    else bad "TUI two showed it after ${t} ms"; fi
else bad "TUI two never showed the change of TUI one"; fi
T send-keys -t two ":allocate o-from-two LAMP 2" Enter
if t=$(wait_for one "o-from-two" 5000); then
    if (( t < 1000 )); then ok "and back: TUI one shows TUI two's within 1 s (${t} ms)"
    else bad "TUI one showed it after ${t} ms"; fi
else bad "TUI one never showed the change of TUI two"; fi

# the server goes away: both say reconnecting; back: both catch up
pg_ctl -m immediate stop
for p in one two; do
    wait_for "$p" "reconnecting" 10000 >/dev/null && ok "TUI $p says reconnecting… while the server is down" \
        || bad "TUI $p did not say reconnecting"
done
pg_ctl -l "$ALLOT_TEST_PG_DIR/server.log" -o "$ALLOT_TEST_PG_OPTS" start
"$ALLOT" --db "$DB" allocate o-while-away LAMP 1 >/dev/null || bad "a command after the restart failed"
for p in one two; do
    wait_for "$p" "o-while-away" 10000 >/dev/null && ok "TUI $p catches up after the restart" \
        || bad "TUI $p did not catch up"
done
T send-keys -t one Q
T send-keys -t two Q

echo "$fails failed"
[ "$fails" -eq 0 ]
