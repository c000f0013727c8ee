#!/usr/bin/env bash
# Regenerates the demo catalog's sketches (the block between the markers in
# scripts/demo-catalog.sql) with Apache DataSketches' C++ headers.
# Usage: scripts/sketch-vectors/make-demo.sh <path to a datasketches-cpp checkout>
set -euo pipefail
if [ $# -ne 1 ] || [ ! -f "$1/theta/include/theta_sketch.hpp" ]; then
  echo "usage: $0 <path to a datasketches-cpp checkout (with theta/include and common/include)>" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
seed="$here/../demo-catalog.sql"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
g++ -std=c++17 -O2 -Wall -I "$1/common/include" -I "$1/theta/include" -o "$build/make_demo_sketches" "$here/make_demo_sketches.cpp"
"$build/make_demo_sketches" > "$build/sketches.sql"
begin='-- BEGIN demo sketches (written by make-demo.sh in sketch-vectors)'
end='-- END demo sketches'
{
  sed "/^$begin\$/,\$d" "$seed"
  echo "$begin"
  cat "$build/sketches.sql"
  echo "$end"
  sed "1,/^$end\$/d" "$seed"
} > "$build/seed.sql"
mv "$build/seed.sql" "$seed"
