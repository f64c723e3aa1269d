#!/usr/bin/env bash
# Regenerates the committed PTX of cuda-kernels from its CUDA C sources, and two files beside it
# that CI (no nvcc) reads: SOURCES.sha256, the hash of every source, which PtxStalenessTest
# checks, and RESOURCES.txt, the registers and shared memory ptxas gives each kernel, which the
# emulated driver's launch-limit checks use.
#
# The PTX is committed at ISA 8.0 (CUDA 12.0), so every driver since R525 loads it, whatever nvcc
# wrote it: nvcc 13 writes .version 9.0, which only R580+ accepts, and nothing in our kernels needs
# an ISA newer than 8.0. After rewriting the version, ptxas assembles every module at that ISA for
# each architecture we claim (sm_75 .. sm_120); a module that needs a newer ISA fails here.
#
# Needs nvcc and ptxas (CUDA 12.8 or newer, for sm_100 and sm_120); users and CI never run this.
#   scripts/regen-ptx.sh            compile every src/main/cuda/*.cu
#   NVCC=/path/to/nvcc PTXAS=/path/to/ptxas scripts/regen-ptx.sh
# Also reachable as: mvn -Pregen-ptx -pl cuda-kernels -am package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/cuda-kernels/src/main/cuda"
out="$root/cuda-kernels/src/main/resources/org/backprop/cuda/ptx"
nvcc="${NVCC:-nvcc}"
ptxas="${PTXAS:-ptxas}"
arch="compute_75"   # Turing and newer; the driver JIT-compiles it for the GPU it finds
isa="8.0"           # CUDA 12.0's PTX ISA: the oldest driver we support (R525)
targets="sm_75 sm_80 sm_86 sm_89 sm_90 sm_100 sm_120"

command -v "$nvcc" >/dev/null || { echo "regen-ptx: nvcc not found (set NVCC=...)" >&2; exit 1; }
command -v "$ptxas" >/dev/null || { echo "regen-ptx: ptxas not found (set PTXAS=...)" >&2; exit 1; }
version="$("$nvcc" --version | grep -o 'release [0-9.]*, V[0-9.]*' || true)"
mkdir -p "$out"
rm -f "$out"/*.ptx
resources="$(mktemp)"
trap 'rm -f "$resources" "$resources.log"' EXIT
for cu in "$src"/*.cu; do
    name="$(basename "$cu" .cu)"
    "$nvcc" -ptx -arch="$arch" -O3 -I"$src" "$cu" -o "$out/$name.ptx"
    sed -i -E "s/^\.version [0-9]+\.[0-9]+$/.version $isa/" "$out/$name.ptx"
    grep -qx "\.version $isa" "$out/$name.ptx" || { echo "regen-ptx: $name.ptx has no .version line" >&2; exit 1; }
    for sm in $targets; do
        # -v prints, per entry: "Compiling entry function 'x' for 'sm_nn'" then "Used R registers, S bytes smem"
        if ! "$ptxas" -v -arch="$sm" "$out/$name.ptx" -o /dev/null > "$resources.log" 2>&1; then
            cat "$resources.log" >&2
            echo "regen-ptx: ptxas -arch=$sm rejected $name.ptx at ISA $isa" >&2
            exit 1
        fi
        awk -v sm="$sm" -v mod="$name" '
            /Compiling entry function/ { match($0, /'"'"'[^'"'"']+'"'"'/); entry = substr($0, RSTART + 1, RLENGTH - 2) }
            /Used [0-9]+ registers/ {
                regs = $0; sub(/.*Used /, "", regs); sub(/ registers.*/, "", regs)
                smem = 0; if ($0 ~ /bytes smem/) { smem = $0; sub(/ bytes smem.*/, "", smem); sub(/.*, /, "", smem) }
                print sm, mod, entry, regs, smem
            }' "$resources.log" >> "$resources"
    done
    echo "regen-ptx: $name.ptx (ISA $isa, ptxas ok for $targets)"
done
{
    echo "# SHA-256 of every CUDA source the PTX in this folder was compiled from."
    echo "# nvcc $version, -arch=$arch -O3, .version rewritten to $isa; ptxas-checked for $targets."
    echo "# Regenerate with scripts/regen-ptx.sh."
    (cd "$src" && sha256sum -- *.cu *.cuh)
} > "$out/SOURCES.sha256"
{
    echo "# ptxas -v per target: arch module entry registers static-shared-bytes. Written by scripts/regen-ptx.sh;"
    echo "# the emulated driver checks registers x threads per block against 64K with the largest count here."
    sort -k1,1V -k2,2 -k3,3 "$resources"
} > "$out/RESOURCES.txt"
echo "regen-ptx: wrote $out/SOURCES.sha256 and RESOURCES.txt"
