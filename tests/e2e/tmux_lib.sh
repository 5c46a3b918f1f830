# tmux_lib.sh — what the tmux end-to-end tests of the TUI share.  Source it after
# setting SOCK (the private tmux server's socket name) and PANE (the target pane).
# Every wait polls `tmux capture-pane` every 50 ms with a timeout; no fixed sleep
# decides anything.
fails=0
T() { tmux -L "$SOCK" "$@"; }
ok() { echo "ok   - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
screen() { T capture-pane -p -t "$PANE"; }
# ms_since START_NS
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# wait_for TEXT [TIMEOUT_S]: until TEXT is on the screen; shows the screen if it never is.
wait_for() {
    local text=$1 timeout=${2:-10} start=$(date +%s%N)
    while ! screen | grep -qF -- "$text"; do
        if (( $(ms_since "$start") > timeout * 1000 )); then
            echo "---- screen while waiting for '$text':"; screen; echo "----"
            return 1
        fi
        sleep 0.05
    done
}
# wait_gone TEXT [TIMEOUT_S]: until TEXT is no longer on the screen.
wait_gone() {
    local text=$1 timeout=${2:-10} start=$(date +%s%N)
    while screen | grep -qF -- "$text"; do
        if (( $(ms_since "$start") > timeout * 1000 )); then
            echo "---- screen while waiting for '$text' to go:"; screen; echo "----"
            return 1
        fi
        sleep 0.05
    done
}
# never_for TEXT MS: TEXT does not appear during that many milliseconds.
never_for() {
    local text=$1 timeout=$2 start=$(date +%s%N)
    while (( $(ms_since "$start") < timeout )); do
        if screen | grep -qF -- "$text"; then echo "---- screen:"; screen; echo "----"; return 1; fi
        sleep 0.05
    done
}
check() { if wait_for "$2" "${3:-10}"; then ok "$1"; else bad "$1"; fi; }
check_gone() { if wait_gone "$2" "${3:-10}"; then ok "$1"; else bad "$1"; fi; }
