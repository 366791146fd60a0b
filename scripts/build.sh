#!/usr/bin/env bash
# Configures and builds kefu into build/ (or $1) with ccache. Extra args go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}; shift || true
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/kefu-ccache}
# Paths relative to the checkout, so a fresh clone or a second worktree reuses the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=1
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
fi
cmake --build "$dir"
