#!/usr/bin/env bash
# Times the 12x2 micro-kernel written in C (scripts/kernel-ceiling.c) in CpuKernelRate's three
# settings, without and with a software prefetch of B: the ceiling a native kernel would reach on
# this core, to set beside `backprop bench`'s "micro-kernel" rows. Needs gcc and an AVX-512 CPU.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
grep -qw avx512f /proc/cpuinfo || { echo "kernel-ceiling: this CPU has no AVX-512" >&2; exit 1; }
command -v gcc >/dev/null || { echo "kernel-ceiling: gcc is not on PATH" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O3 -march=skylake-avx512 -o "$tmp/plain" "$here/kernel-ceiling.c"
gcc -O3 -march=skylake-avx512 -DPREFETCH=512 -o "$tmp/prefetch" "$here/kernel-ceiling.c"
echo "## C intrinsics, no prefetch"
"$tmp/plain"
echo "## C intrinsics, B prefetched 512 floats ahead"
"$tmp/prefetch"
