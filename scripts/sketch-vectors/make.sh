#!/usr/bin/env bash
# Regenerates the Theta sketch test vectors (test/fixtures/theta/) and the binomial-bound
# constants (src/sketch/binomial-bounds-tables.ts) with Apache DataSketches' C++ headers.
# Usage: scripts/sketch-vectors/make.sh <path to a datasketches-cpp checkout>
set -euo pipefail
if [ $# -ne 1 ] || [ ! -f "$1/theta/include/theta_sketch.hpp" ]; then
  echo "usage: $0 <path to a datasketches-cpp checkout (with theta/include and common/include)>" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
g++ -std=c++17 -O2 -Wall -I "$1/common/include" -I "$1/theta/include" -o "$build/make_vectors" "$here/make_vectors.cpp"
out="$root/test/fixtures/theta"
rm -f "$out"/*.bin
mkdir -p "$out"
"$build/make_vectors" "$out" "$root/src/sketch/binomial-bounds-tables.ts"
