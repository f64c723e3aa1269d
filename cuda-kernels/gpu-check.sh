#!/usr/bin/env bash
# Runs the cuda-kernels test suite (contract, PTX-GEMM contract, CPU/GPU parity, training contract,
# memory, wiring) on a GPU machine from prebuilt jars: no Maven needed there.
#
# Build once where Maven is (no GPU needed):
#   mvn -B -ntp -Pgpu-check -pl cuda-kernels -am package -DskipTests
# which leaves cuda-kernels/target/{classes,test-classes,gpu-check/lib}. Then on the GPU machine:
#   JAVA=/path/to/java OUT=/some/dir cuda-kernels/gpu-check.sh [extra JVM -D options]
# JAVA defaults to java on PATH (a jlink'ed runtime works: it needs java.base, java.logging,
# jdk.incubator.vector only if the CPU backend uses it). Output goes to $OUT/gpu-check.log.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
java="${JAVA:-java}"
out="${OUT:-$here/target/gpu-check}"
mkdir -p "$out"
lib="$here/target/gpu-check/lib"
[ -d "$lib" ] || { echo "gpu-check: $lib missing; build with: mvn -Pgpu-check -pl cuda-kernels -am package -DskipTests" >&2; exit 2; }
cp="$here/target/test-classes:$here/target/classes:$lib/*"
cd "$here"   # PtxStalenessTest reads src/main/cuda relative to the module, as under Maven
{
    echo "gpu-check: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname)"
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
    "$java" -version 2>&1 | head -1
    # the Vector API module is added when the runtime has it (the CPU backend may use it)
    vec=""
    "$java" --add-modules jdk.incubator.vector -version >/dev/null 2>&1 && vec="--add-modules jdk.incubator.vector"
    # shellcheck disable=SC2086
    "$java" $vec -Xmx8g "$@" -cp "$cp" org.backprop.cuda.GpuCheck
    rc=$?
    echo "gpu-check: exit $rc"
    echo "$rc" > "$out/gpu-check.rc"
} 2>&1 | tee "$out/gpu-check.log"
exit "$(cat "$out/gpu-check.rc" 2>/dev/null || echo 3)"
