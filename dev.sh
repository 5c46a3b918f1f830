#!/usr/bin/env bash
# dev.sh — the project's two commands (README "Quick start"):
#   ./dev.sh run    install what is missing, build, open allot on the bundled demo data
#   ./dev.sh test   install what is missing, build with ASan+UBSan, run every test
#   ./dev.sh serve  install, build, and serve the demo data over HTTP (allot serve)
# Also: ./dev.sh setup | build | bench
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages allot needs to build, test and run.
PACKAGES=(build-essential cmake pkg-config libsqlite3-dev sqlite3 libncurses-dev
          libcmark-dev cmark libcriterion-dev libcsv-dev tmux python3 dpkg-dev file
          man-db binutils libpq-dev postgresql libmicrohttpd-dev libjansson-dev
          libhiredis-dev libunistring-dev redis-server python3-redis wrk clang curl
          systemd python3-prometheus-client)

setup() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "dev.sh: installing ${missing[*]}" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "dev.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

build() { # build DIR [cmake options...]
    local dir=$1; shift
    cmake -S . -B "$dir" "$@" >/dev/null
    cmake --build "$dir" -j"$(nproc)"
}

case "${1:-run}" in
setup) setup ;;
build) setup; build build -DCMAKE_BUILD_TYPE=RelWithDebInfo ;;
run|serve)
    what=${1:-run}
    setup
    build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALLOT_TESTS=OFF
    shift || true
    db=build/demo.db
    if [ ! -s "$db" ] && build/allot --help 2>/dev/null | grep -q '^ *demo'; then
        build/allot --db "$db" demo
    fi
    if [ "$what" = serve ]; then
        exec build/allot --db "$db" serve "$@"
    fi
    exec build/allot --db "$db" "$@"
    ;;
test)
    setup
    build build-test -DCMAKE_BUILD_TYPE=Debug -DALLOT_SANITIZE=ON -DALLOT_TESTS=ON
    # every target also builds optimised (as `build` and `bench` do), the benchmark
    # programs too: warnings that only the optimiser sees are errors there too
    build build-opt -DCMAKE_BUILD_TYPE=Release -DALLOT_TESTS=ON
    cmake --build build-opt -j"$(nproc)" --target bench_programs
    ctest --test-dir build-test --output-on-failure -j2
    ;;
bench)
    setup
    build build -DCMAKE_BUILD_TYPE=Release
    cmake --build build --target bench
    ;;
*) echo "usage: ./dev.sh run|test|serve|setup|build|bench" >&2; exit 2 ;;
esac
