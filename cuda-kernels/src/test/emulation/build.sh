#!/usr/bin/env bash
# Builds the emulated libcuda.so.1 and libcublas.so.12 into the folder given (Maven: during the
# test phase of cuda-kernels, into target/emulation). Needs g++ with C++20; without it this
# writes NOT-BUILT.txt with the reason, and the emulated CUDA tests skip showing it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build.sh OUTPUT_DIR [SKIP]}"
case "${2:-}" in *true*) echo "emulated CUDA driver: tests skipped, not built"; exit 0 ;; esac
resources="$here/../../main/resources/org/backprop/cuda/ptx/RESOURCES.txt"
mkdir -p "$out"
rm -f "$out/NOT-BUILT.txt"
not_built() {   # an old build must not be mistaken for this one
    rm -f "$out/libcuda.so.1" "$out/libcublas.so.12" "$out/.sources.sha256"
    echo "emulated CUDA driver not built: $1" | tee "$out/NOT-BUILT.txt"
    exit 0
}
rm -rf "$out/reports"
mkdir -p "$out/reports"   # one exit report per JVM of this run
cxx="${CXX:-g++}"
if ! command -v "$cxx" >/dev/null 2>&1; then
    not_built "no C++ compiler ($cxx) on this machine; the emulated CUDA tests skip"
fi
if [ "$(uname -m)" != "x86_64" ] || [ "$(uname -s)" != "Linux" ]; then
    not_built "written for Linux x86-64, this is $(uname -s) $(uname -m); the emulated CUDA tests skip"
fi
stamp="$out/.sources.sha256"
sources="$(cat "$here"/*.cpp "$here"/*.h "$here"/*.map "$here/build.sh" "$here"/../../main/cuda/* "$resources" | sha256sum)"
if [ -f "$out/libcuda.so.1" ] && [ -f "$out/libcublas.so.12" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sources" ]; then
    echo "emulated CUDA driver: up to date in $out"
    exit 0
fi
flags=(-std=c++20 -O2 -g -fPIC -shared -fvisibility=hidden -w -pthread)
log="$out/build.log"
if ! "$cxx" "${flags[@]}" -DEMU_RESOURCES="\"$resources\"" -I"$here" \
        "$here/driver.cpp" "$here/kernels.cpp" -Wl,-soname,libcuda.so.1 -Wl,--version-script="$here/libcuda.map" -o "$out/libcuda.so.1" > "$log" 2>&1; then
    cat "$log" >&2
    echo "emulated CUDA driver: g++ failed (see above)" >&2
    exit 1
fi
if ! "$cxx" "${flags[@]}" "$here/cublas.cpp" -Wl,-soname,libcublas.so.12 -Wl,--version-script="$here/libcublas.map" \
        -L"$out" -l:libcuda.so.1 -Wl,-rpath,'$ORIGIN' -o "$out/libcublas.so.12" >> "$log" 2>&1; then
    cat "$log" >&2
    echo "emulated cuBLAS: g++ failed (see above)" >&2
    exit 1
fi
echo "$sources" > "$stamp"
echo "emulated CUDA driver and cuBLAS built in $out (kernels from src/main/cuda, run on the CPU)"
