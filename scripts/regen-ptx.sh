#!/usr/bin/env bash
# Regenerates the committed PTX of cuda-kernels from its CUDA C sources, and the manifest of
# source hashes that PtxStalenessTest checks (so CI, which has no nvcc, still notices a .cu edited
# without regenerating). Needs nvcc (CUDA 12.x or 13.x); users and CI never run this.
#   scripts/regen-ptx.sh            compile every src/main/cuda/*.cu
#   NVCC=/path/to/nvcc scripts/regen-ptx.sh
# Also reachable as: mvn -Pregen-ptx -pl cuda-kernels -am package -DskipTests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/cuda-kernels/src/main/cuda"
out="$root/cuda-kernels/src/main/resources/org/backprop/cuda/ptx"
nvcc="${NVCC:-nvcc}"
arch="compute_75"   # Turing and newer; the driver JIT-compiles it for the GPU it finds

command -v "$nvcc" >/dev/null || { echo "regen-ptx: nvcc not found (set NVCC=...)" >&2; exit 1; }
version="$("$nvcc" --version | grep -o 'release [0-9.]*, V[0-9.]*' || true)"
mkdir -p "$out"
rm -f "$out"/*.ptx
for cu in "$src"/*.cu; do
    name="$(basename "$cu" .cu)"
    "$nvcc" -ptx -arch="$arch" -O3 -I"$src" "$cu" -o "$out/$name.ptx"
    if command -v ptxas >/dev/null; then   # the closest check to a real load we can do here
        ptxas -arch=sm_75 "$out/$name.ptx" -o /dev/null
        ptxas -arch=sm_90 "$out/$name.ptx" -o /dev/null
    fi
    echo "regen-ptx: $name.ptx"
done
{
    echo "# SHA-256 of every CUDA source the PTX in this folder was compiled from."
    echo "# nvcc $version, -arch=$arch -O3. Regenerate with scripts/regen-ptx.sh."
    (cd "$src" && sha256sum -- *.cu *.cuh)
} > "$out/SOURCES.sha256"
echo "regen-ptx: wrote $out/SOURCES.sha256"
