#!/bin/sh
# test_man MANPAGE COMMANDS.md
# `man -l` renders the generated allot(1); every "## allot NAME" of the command
# reference must show as "allot NAME" in it, under the .TH header's title.
set -eu
page=$1 commands=$2
out=$(MANWIDTH=80 man -l "$page" 2>&1)
fail=0
echo "$out" | head -1 | grep -q '^ALLOT(1) *User Commands *ALLOT(1)$' ||
    { echo "man header wrong: $(echo "$out" | head -1)"; fail=1; }
for section in NAME SYNOPSIS DESCRIPTION COMMANDS 'KEY BINDINGS' ENVIRONMENT FILES; do
    echo "$out" | grep -q "^$section\$" || { echo "no $section section"; fail=1; }
done
names=$(sed -n 's/^## allot \([a-z][a-z-]*\).*/\1/p' "$commands")
[ -n "$names" ] || { echo "no commands found in $commands"; exit 1; }
n=0
for name in $names; do
    n=$((n + 1))
    # (man justifies the line a heading starts: "allot  serve  [--listen ...")
    echo "$out" | grep -q "^ *allot  *$name\( \|\$\)" || { echo "man page lacks: allot $name"; fail=1; }
done
[ "$n" -ge 13 ] || { echo "only $n commands in $commands"; fail=1; }
[ $fail -eq 0 ] && echo "man page: $n subcommands shown"
exit $fail
