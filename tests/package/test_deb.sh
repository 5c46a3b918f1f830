#!/usr/bin/env bash
# test_deb SRC WORK
# Builds allot (RelWithDebInfo, stripped by CPack) in WORK/build (kept between runs: incremental), checks
# `cmake --install`'s layout, builds the .deb with CPack, and checks it: contents
# (binary, man page, help pages, notices), Depends (every shared library the
# binary needs is named through its Debian package), then unpacks it with
# `dpkg -x` into a temporary root and runs `allot --version` and `allot help`.
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
trap 'rm -rf "$inst" "$tmproot"' EXIT
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

[ $fail -eq 0 ] && echo "ok: .deb contents, Depends, dpkg -x, --version, help"
exit $fail
