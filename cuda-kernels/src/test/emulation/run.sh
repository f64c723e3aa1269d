#!/usr/bin/env bash
# CPU emulation of the CUDA kernels (g++ with C++20 <barrier>; no GPU, no nvcc): each CUDA thread
# is a std::thread, __syncthreads a barrier, warp shuffles go through per-warp slots. It checks the
# kernels' logic (indices, tiles, bounds, reductions, tie-breaking) against double-precision loops;
# it says nothing about speed or the GPU memory model. Takes about a minute (thread start-up).
set -euo pipefail
cd "$(dirname "$0")"
out="${TMPDIR:-/tmp}/backprop-emulation"
mkdir -p "$out"
for t in gemm_test ops_test; do
    g++ -std=c++20 -O1 -pthread -w -x c++ "$t.cpp" -o "$out/$t"
    "$out/$t" | tail -1
done
