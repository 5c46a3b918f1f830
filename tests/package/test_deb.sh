#!/usr/bin/env bash
# test_deb SRC WORK
# Builds allot (RelWithDebInfo, stripped by CPack) in WORK/build (kept between runs: incremental), checks
# `cmake --install`'s layout, builds the .deb with CPack, and checks it: contents
# (binary, man page, help pages, notices), Depends (every shared library the
# binary needs is named through its Debian package), then unpacks it with
# `dpkg -x` into a temporary root and runs `allot --version` and `allot help`.
# The service (packaging/, issue 16): the unit, its user, settings and maintainer
# scripts are in the package and agree with each other; `systemd-analyze verify`
# passes the unpacked unit without a word, in a root that is the unpacked package
# beside systemd's own units; its offline security exposure stays low; the
# packaged /etc/default/allot starts the packaged binary as the unit would.
# Without systemd-analyze (Debian systemd) the rest is checked and the test
# reports SKIPPED (77).
set -euo pipefail
src=$1 work=$2
build=$work/build
fail=0
bad() { echo "FAIL: $*"; fail=1; }

mkdir -p "$work"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALLOT_TESTS=OFF -DALLOT_SANITIZE=OFF \
      -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON \
      >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; exit 1; }
cmake --build "$build" -j2 --target allot man >"$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }

version=$(sed -n 's/^#define ALLOT_VERSION "\(.*\)"$/\1/p' "$build/generated/version.h")
[ -n "$version" ] || { echo "no version in version.h"; exit 1; }

# --- cmake --install layout ---------------------------------------------------
inst=$(mktemp -d "$work/install.XXXXXX")
tmproot=$(mktemp -d "$work/root.XXXXXX")
vroot=$(mktemp -d "$work/vroot.XXXXXX")
srvdir=$(mktemp -d "$work/serve.XXXXXX")
trap 'rm -rf "$inst" "$tmproot" "$vroot" "$srvdir"' EXIT
cmake --install "$build" --prefix "$inst/usr" >/dev/null
for f in bin/allot share/man/man1/allot.1.gz share/doc/allot/NOTICE.md share/doc/allot/README.md; do
    [ -f "$inst/usr/$f" ] || bad "cmake --install: no $f"
done
for md in "$src"/assets/help/*.md; do
    [ -f "$inst/usr/share/allot/help/$(basename "$md")" ] || bad "install: no help $(basename "$md")"
done
if [ -d "$src/assets/demo" ]; then
    for f in "$src"/assets/demo/*; do
        [ -e "$inst/usr/share/allot/demo/$(basename "$f")" ] || bad "install: no demo $(basename "$f")"
    done
fi

# --- the .deb -----------------------------------------------------------------
rm -rf "$build/package"
(cd "$build" && cpack -G DEB >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$build"/package/allot_"$version"_*.deb)
echo "package: $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{print $6}' >"$work/contents"
need=(./usr/bin/allot ./usr/share/man/man1/allot.1.gz ./usr/share/doc/allot/NOTICE.md
      ./usr/share/doc/allot/README.md)
for md in "$src"/assets/help/*.md; do need+=("./usr/share/allot/help/$(basename "$md")"); done
for f in "$src"/assets/demo/NOTICE* "$src"/assets/demo/LICENSE* "$src"/assets/demo/SOURCE*; do
    [ -e "$f" ] && need+=("./usr/share/doc/allot/$(basename "$f")")
done
for f in "${need[@]}"; do
    grep -qx "$f" "$work/contents" || bad "the .deb lacks $f"
done
if grep -q 'test_\|allot-mkman' "$work/contents"; then bad "the .deb ships build tools or tests"; fi
# A plain `cmake --install` leaves the service out (it writes /etc); the .deb has it.
for f in lib/systemd/system/allot-serve.service lib/sysusers.d/allot.conf; do
    [ -e "$inst/usr/$f" ] && bad "cmake --install (no component) installed $f"
done
unit=./usr/lib/systemd/system/allot-serve.service
for f in $unit ./usr/lib/sysusers.d/allot.conf ./etc/default/allot ./usr/share/doc/allot/operate.md; do
    grep -qx "$f" "$work/contents" || bad "the .deb lacks $f"
done
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/allot/NOTICE.md | grep 'MIT License' >/dev/null ||
    bad "NOTICE.md lacks the demo data's licence"

[ "$(dpkg-deb -f "$deb" Package)" = allot ] || bad "Package is not allot"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || bad "Version is not $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
[ -n "$depends" ] || bad "no Depends"

dpkg -x "$deb" "$tmproot"
bin=$tmproot/usr/bin/allot
# Every NEEDED library of the binary must come through its package in Depends.
for lib in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    pkg=$(dpkg -S "*/$lib" 2>/dev/null | head -1 | cut -d: -f1)
    [ -n "$pkg" ] || { bad "no package owns $lib"; continue; }
    echo "$depends" | tr ',' '\n' | grep -q "^ *$pkg\( \|\$\)" || bad "Depends lacks $pkg (for $lib)"
done
# A sanitizer runtime in Depends would mean an instrumented binary was packaged.
if echo "$depends" | grep -q 'libasan\|libubsan'; then bad "sanitizer runtime in Depends"; fi

# --- maintainer scripts -------------------------------------------------------
ctl=$(mktemp -d "$work/control.XXXXXX")
dpkg-deb -e "$deb" "$ctl"
for f in postinst prerm postrm; do
    [ -x "$ctl/$f" ] || { bad "no executable $f"; continue; }
    sh -n "$ctl/$f" || bad "$f: not valid sh"
done
grep -qx '/etc/default/allot' "$ctl/conffiles" 2>/dev/null || bad "conffiles lacks /etc/default/allot"
grep -q 'systemd-sysusers allot.conf' "$ctl/postinst" || bad "postinst does not make the user with systemd-sysusers"
grep -q 'adduser --system' "$ctl/postinst" || bad "postinst has no adduser --system fallback"
rm -rf "$ctl"

# --- run it from the unpacked root --------------------------------------------
out=$("$bin" --version) || bad "allot --version exit $?"
[ "$out" = "allot $version" ] || bad "allot --version printed '$out'"
out=$("$bin" help </dev/null) || bad "allot help exit $?"
echo "$out" | grep 'triage' >/dev/null || bad "allot help: no topic list"
out=$("$bin" help getting-started </dev/null) || bad "allot help getting-started exit $?"
echo "$out" | grep '^Getting started$' >/dev/null || bad "allot help getting-started: wrong page"
out=$("$bin" help keys </dev/null) || bad "allot help keys exit $?"
echo "$out" | grep '^Key bindings$' >/dev/null || bad "allot help keys: wrong page"
"$bin" help no-such-topic >/dev/null 2>&1 && bad "unknown topic accepted"
MANWIDTH=80 man -l "$tmproot/usr/share/man/man1/allot.1.gz" 2>&1 | grep '^ *allot add-batch' >/dev/null ||
    bad "the packaged man page does not render"

man_text=$(MANWIDTH=80 man -l "$tmproot/usr/share/man/man1/allot.1.gz" 2>&1)
echo "$man_text" | grep -q '^SERVICE$' || bad "the man page has no SERVICE section"
echo "$man_text" | grep -q 'allot-serve' || bad "the man page does not name allot-serve"

# --- the service: unit, user, settings agree ------------------------------------
u=$tmproot/$unit
key() { sed -n "s/^$1=//p" "$u"; }
for kv in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
          User=allot Group=allot StateDirectory=allot ReadWritePaths=/var/lib/allot \
          EnvironmentFile=-/etc/default/allot 'ExecStart=/usr/bin/allot serve' \
          'ExecReload=/bin/kill -HUP $MAINPID' KillSignal=SIGTERM; do
    grep -qxF "$kv" "$u" || bad "the unit lacks $kv"
done
user=$(key User)
sed -n 's/^u \([^ ]*\) - "[^"]*" \([^ ]*\)$/\1 \2/p' "$tmproot/usr/lib/sysusers.d/allot.conf" |
    grep -qx "$user /var/lib/$(key StateDirectory)" ||
    bad "sysusers.d/allot.conf does not make user $user with home /var/lib/$(key StateDirectory)"
db_default=$(key Environment | sed -n 's/^ALLOT_DB=//p')
case "$db_default" in
    "$(key ReadWritePaths)"/*) ;;
    *) bad "the default ALLOT_DB ($db_default) is outside ReadWritePaths" ;;
esac
grep -qx "ALLOT_DB=$db_default" "$tmproot/etc/default/allot" || bad "/etc/default/allot names another ALLOT_DB"
grep -qx 'ALLOT_LISTEN=127.0.0.1:5005' "$tmproot/etc/default/allot" || bad "/etc/default/allot: not the default --listen"

# The packaged settings start the packaged binary as the unit does (EnvironmentFile
# semantics: VARIABLE=value lines, empty = unset), on a scratch database and port.
envs=()
while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    envs+=("$line")
done <"$tmproot/etc/default/allot"
env -i PATH=/usr/bin:/bin "${envs[@]}" ALLOT_DB="$srvdir/allot.db" ALLOT_LISTEN=127.0.0.1:0 \
    "$bin" serve 2>"$srvdir/log" &
pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$srvdir/log")
    [ -n "$port" ] && break
    sleep 0.1
done
if [ -z "$port" ]; then
    bad "allot serve did not start with /etc/default/allot: $(cat "$srvdir/log")"
else
    code=$(curl -s -o "$srvdir/health" -w '%{http_code}' "http://127.0.0.1:$port/healthz")
    [ "$code" = 200 ] || bad "GET /healthz: $code $(cat "$srvdir/health")"
fi
kill -TERM $pid 2>/dev/null || true
rc=0; wait $pid || rc=$?
[ $rc -eq 0 ] || bad "allot serve exit $rc after SIGTERM: $(cat "$srvdir/log")"
grep -q 'http: method=GET path=/healthz status=200' "$srvdir/log" || bad "no request line in the log: $(cat "$srvdir/log")"

# --- systemd-analyze on the unpacked unit --------------------------------------
if ! command -v systemd-analyze >/dev/null; then
    [ $fail -eq 0 ] || exit 1
    echo "SKIP: systemd-analyze is missing (Debian package systemd): the unit is not verified"
    exit 77
fi
# The root of a machine with the package installed: the unpacked .deb, systemd's
# own units (the targets the unit is ordered against) and kill(1) for ExecReload.
dpkg -x "$deb" "$vroot"
mkdir -p "$vroot/usr/lib/systemd/system" "$vroot/usr/bin"
for d in /usr/lib/systemd/system /lib/systemd/system; do
    [ -d "$d" ] && cp -rn "$d/." "$vroot/usr/lib/systemd/system/"
done
ln -sfn usr/bin "$vroot/bin"
cp "$(type -P kill)" "$vroot/usr/bin/kill"
# Documentation=man:allot(1) is looked up with man(1): in the package's pages.
if ! out=$(MANPATH="$vroot/usr/share/man" systemd-analyze verify --root="$vroot" \
                /usr/lib/systemd/system/allot-serve.service 2>&1); then
    bad "systemd-analyze verify failed: $out"
elif [ -n "$out" ]; then
    bad "systemd-analyze verify warns: $out"
fi
exposure=$(systemd-analyze security --offline=yes --root="$vroot" \
               /usr/lib/systemd/system/allot-serve.service 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
echo "systemd-analyze security: exposure ${exposure:-?} (0 safest, 10 none)"
[ -n "$exposure" ] || bad "systemd-analyze security gave no exposure level"
if [ -n "$exposure" ] && ! awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
    bad "the unit's exposure $exposure is above 2.0"
fi

[ $fail -eq 0 ] && echo "ok: .deb contents, Depends, dpkg -x, --version, help, the service unit (systemd-analyze verify)"
exit $fail
