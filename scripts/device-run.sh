#!/usr/bin/env bash
# Verifies Backprop on a GPU machine in one call, building nothing: everything comes from .device/
# (made by scripts/device-prepare.sh, carried by the device tool). See scripts/README-device.md.
#
#   bash scripts/device-run.sh        raw outputs under $OUT (default target/device-out)
#
# Steps, each under its own `timeout`, the whole within DEVICE_BUDGET_S (default 540 s); a step
# that fails or times out is recorded and the next one runs:
#   env      nvidia-smi, java -version, the cuBLAS libraries found, `backprop devices`   run.log
#   tests    JUnit console: every cuda-kernels test; cli TrainingParityTest, CommandLineTest tests.log
#   parity   backprop parity --large                                                   parity.log
#   train    reference MLP (784-1024-1024-10 sigmoid, SGD 0.1, batch 256, 3 epochs) on cuda
#            and on the CPU (all cores), then the default recipe on cuda               train.log
#   torch    bench/python/torch_train.py on the same MLP and data, CUDA and CPU       torch.log
#   bench    backprop bench gemm, ops, train, each apart (BENCH=parts, the default), or one
#            `backprop bench` (BENCH=all), or each --quick (BENCH=quick), or none  bench.log, bench.tar.gz
# At most 7 files land in $OUT (the device tool returns 8): run.log ends with the step table.
#
# Environment: JAVA=/path/to/java or JAVA=bundled (default: java on PATH when it is 17 or newer,
# else the runtime in .device/jre.tar.xz), PYTHON (default: the first python3 that imports torch),
# DEVICE_BUDGET_S, BENCH, THREADS (default: nproc), STEPS (default tests,parity,train,torch,bench:
# the steps to run; the env step always runs).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dev="$root/.device"
OUT="${OUT:-$root/target/device-out}"
mkdir -p "$OUT"
budget="${DEVICE_BUDGET_S:-540}"
reserve=15            # seconds kept for packing the outputs and the summary
t_start=$SECONDS
work="$(mktemp -d /tmp/backprop-device.XXXXXX)"
runlog="$OUT/run.log"
: > "$runlog"
threads="${THREADS:-$(nproc 2>/dev/null || echo 1)}"
steps=()              # "name|rc|seconds|note" per step, for the table at the end
wanted=",${STEPS:-tests,parity,train,torch,bench},"
noted=","
want() {   # true when step group $1 is in STEPS; otherwise one "not in STEPS" row for it
    case "$wanted" in *",$1,"*) return 0 ;; esac
    case "$noted" in *",$1,"*) ;; *) steps+=("$1|-|0|not in STEPS"); noted="$noted$1," ;; esac
    return 1
}

log() { echo "$*" | tee -a "$runlog"; }
section() { log ""; log "=== $* ==="; }
remaining() { echo $((budget - (SECONDS - t_start) - reserve)); }

# step NAME CAP MIN LOGFILE DIR CMD...: runs CMD in DIR under `timeout` (the smaller of CAP and the
# time left), appending its output to LOGFILE; skipped when less than MIN seconds are left.
step() {
    local name="$1" cap="$2" min="$3" logfile="$4" dir="$5"
    shift 5
    local left t rc t0 note
    left=$(remaining)
    t=$(( cap < left ? cap : left ))
    if [ "$t" -lt "$min" ]; then
        steps+=("$name|-|0|skipped: ${left}s left of the budget, needs ${min}s")
        echo "### $name: skipped, out of time (${left}s left)" >> "$logfile"
        return 0
    fi
    { echo; echo "### $name (timeout ${t}s): $*"; } >> "$logfile"
    t0=$SECONDS
    ( cd "$dir" && exec timeout -k 10 "$t" "$@" ) >> "$logfile" 2>&1
    rc=$?
    note=ok
    [ "$rc" -ne 0 ] && note="FAILED (exit $rc)"
    [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && note="TIMED OUT after ${t}s"
    echo "### $name: $note in $((SECONDS - t0))s" >> "$logfile"
    steps+=("$name|$rc|$((SECONDS - t0))|$note")
    echo "device-run: $name: $note ($((SECONDS - t0))s)" >&2
    return 0
}

section "machine"
log "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
log "host: $(hostname 2>/dev/null) | $(uname -srm) | $threads cpus | $(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB memory"}')"
log "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
log "commit (working tree): $(git rev-parse HEAD 2>/dev/null || echo 'no .git here')"
[ -f "$dev/BUILD-INFO.txt" ] && sed -n '1,6p' "$dev/BUILD-INFO.txt" | sed 's/^/.device /' | tee -a "$runlog"
[ -d "$dev/lib" ] || { log "device-run: $dev/lib missing: run scripts/device-prepare.sh and carry .device"; }

section "gpu"
if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm,power.limit \
        --format=csv 2>&1 | tee -a "$runlog"
    nvidia-smi 2>&1 | tee -a "$runlog"
else
    log "nvidia-smi: not found"
fi
log "nvcc: $(nvcc --version 2>/dev/null | tail -n 1 || echo 'not found')"
log "cuBLAS libraries:"
found=$(timeout 30 find /usr/local /usr/lib /opt -name 'libcublas.so*' 2>/dev/null | head -n 40)
{ ls /usr/local/cuda*/lib64 2>/dev/null | grep -i cublas
  ldconfig -p 2>/dev/null | grep -i cublas
  echo "$found"
} | grep -v '^$' | sort -u | sed 's/^/  /' | tee -a "$runlog"
# JCublas 12.6 links libcublas.so.12: where one exists (a pip wheel, an older toolkit), put its
# folder on the library path so that the cuBLAS GEMM path is tried; otherwise the PTX GEMM runs
cublas12=$(echo "$found" | grep 'libcublas\.so\.12' | head -n 1)
if [ -n "$cublas12" ]; then
    export LD_LIBRARY_PATH="$(dirname "$cublas12")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    log "libcublas.so.12 found: $cublas12 (added to LD_LIBRARY_PATH)"
else
    log "no libcublas.so.12 here: JCublas 12.6 cannot load, expect the PTX GEMM path"
fi
log "fonts: $(fc-list 2>/dev/null | wc -l) via fontconfig; libfontconfig: $(ldconfig -p 2>/dev/null | grep -c libfontconfig)"

section "java"
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
unpack_jre() {
    [ -f "$dev/jre.tar.xz" ] || { log "no $dev/jre.tar.xz"; return 1; }
    if command -v xz >/dev/null; then
        xz -dc "$dev/jre.tar.xz" | tar -C "$work" -xf -
    else   # no xz binary: Python's tarfile reads xz through lzma
        python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$dev/jre.tar.xz" "$work"
    fi && [ -x "$work/jre/bin/java" ]
}
java_bin=""
if [ -n "${JAVA:-}" ] && [ "$JAVA" != bundled ]; then
    java_bin="$JAVA"; why="JAVA=$JAVA"
elif [ -z "${JAVA:-}" ] && command -v java >/dev/null && [ "$(java_major java)" -ge 17 ] 2>/dev/null; then
    java_bin="$(command -v java)"; why="java on PATH is $(java_major java)"
else
    why="${JAVA:+JAVA=bundled}"
    [ -z "$why" ] && why="java on PATH: $(command -v java >/dev/null && echo "version $(java_major java), older than 17" || echo missing)"
    if unpack_jre; then java_bin="$work/jre/bin/java"; why="$why; bundled runtime unpacked to $work/jre"
    else why="$why; bundled runtime could not be unpacked"; fi
fi
log "java: ${java_bin:-none} ($why)"
[ -n "$java_bin" ] && "$java_bin" -version 2>&1 | tee -a "$runlog"
jopts=(--add-modules jdk.incubator.vector -Djava.awt.headless=true)
# JDK 22+ warns on every JNI library load (JCuda) unless native access is granted
[ -n "$java_bin" ] && "$java_bin" --enable-native-access=ALL-UNNAMED -version >/dev/null 2>&1 \
    && jopts+=(--enable-native-access=ALL-UNNAMED)
java_bin="${java_bin:-java-not-found}"
export BACKPROP_CACHE="$dev/cache"      # `--data mnist` and the tests' MNIST: the carried copy
mnist="$dev/cache/mnist"
run_cp="$dev/lib/*"
console=$(ls "$dev"/test/junit-platform-console-standalone-*.jar 2>/dev/null | head -n 1)
extra=""
for j in "$dev"/test/*.jar; do
    case "$(basename "$j")" in junit-platform-console-*|backprop-*-tests.jar) ;; *) extra="$extra:$j" ;; esac
done
bp=("$java_bin" "${jopts[@]}" -cp "$run_cp" org.backprop.cli.Main)   # `backprop` without the launcher

python=""
for p in "${PYTHON:-}" python3 /usr/bin/python3 /opt/torch/.venv/bin/python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null && "$p" -c 'import torch, numpy' 2>/dev/null && { python="$(command -v "$p")"; break; }
done
log "python with torch: ${python:-none} $([ -n "$python" ] && "$python" -c 'import torch; print(torch.__version__, "cuda", torch.cuda.is_available())' 2>&1)"

section "devices"
timeout 120 "${bp[@]}" devices 2>&1 | tee -a "$runlog"

# --- tests: the console launcher, one line per test (tree), output captured in tests.log
tests_log="$OUT/tests.log"
if want tests; then
junit=(org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests)
# cuda-kernels runs from its module folder, as under Maven (PtxStalenessTest reads src/main/cuda)
step tests-cuda-kernels 240 30 "$tests_log" "$root/cuda-kernels" \
    "$java_bin" "${jopts[@]}" -Xmx8g \
    -cp "$dev/test/backprop-cuda-kernels-tests.jar$extra:$run_cp:$console" \
    "${junit[@]}" --select-package org.backprop.cuda
step tests-cli 180 30 "$tests_log" "$root/cli" \
    "$java_bin" "${jopts[@]}" -Xmx8g \
    -cp "$dev/test/backprop-cli-tests.jar$extra:$run_cp:$console" \
    "${junit[@]}" --select-class org.backprop.cli.TrainingParityTest --select-class org.backprop.cli.CommandLineTest
fi

# --- parity: every op against the float64 reference, large shapes included
want parity && step parity 180 20 "$OUT/parity.log" "$work" "${bp[@]}" parity --large

# --- training: the reference MLP on cuda and on the CPU beside it, then the default recipe
train_log="$OUT/train.log"
ref=(--data "$mnist" --layers 1024,1024 --activation sigmoid --optimizer sgd --lr 0.1 --lr-decay 1
     --batch 256 --epochs 3 --no-progress)
want train && step train-cuda-reference 150 20 "$train_log" "$work" "${bp[@]}" train --backend cuda "${ref[@]}"
want train && step train-cpu-reference 180 20 "$train_log" "$work" "${bp[@]}" train --backend cpu --threads "$threads" "${ref[@]}"

# --- PyTorch on the same MLP, the data uploaded to the device once (bench/python/torch_train.py)
torch_log="$OUT/torch.log"
if ! want torch; then
    :
elif [ -n "$python" ]; then
    cat > "$work/torch_ref.sh" <<EOF
rc=0
# the Java side's view of MNIST: pixels / 255 as little-endian float32, labels as int32
"$python" - "$mnist" "$work" <<'PY'
import gzip, sys, numpy as np
src, dst = sys.argv[1], sys.argv[2]
def idx(name):
    with gzip.open(f"{src}/{name}.gz") as f:
        b = f.read()
    dims = b[3]
    shape = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
for split, pre in (("train", "train"), ("test", "t10k")):
    x = idx(f"{pre}-images-idx3-ubyte").reshape(-1, 784).astype("<f4") / 255.0
    x.astype("<f4").tofile(f"{dst}/x_{split}.f32")
    idx(f"{pre}-labels-idx1-ubyte").astype("<i4").tofile(f"{dst}/y_{split}.i32")
    print(split, x.shape, file=sys.stderr)
PY
[ \$? -eq 0 ] || exit 1
req() {  # req DEVICE THREADS: the JSON request of torch_train.py for the reference MLP, 3 epochs
  cat <<JSON
{"device": "\$1", "threads": [\$2],
 "data": {"x_train": "$work/x_train.f32", "y_train": "$work/y_train.i32",
          "x_test": "$work/x_test.f32", "y_test": "$work/y_test.i32",
          "n_train": 60000, "n_test": 10000, "features": 784, "classes": 10},
 "workloads": [{"name": "reference", "hidden": [1024, 1024], "activation": "sigmoid",
                "optimizer": "sgd", "lr": 0.1, "batch": 256, "epochs": 3, "max_samples": 0, "max_test": 0}]}
JSON
}
echo "--- torch cuda"
req cuda 1 | PYTHONUNBUFFERED=1 "$python" "$root/bench/python/torch_train.py" || rc=1
echo
echo "--- torch cpu, $threads threads"
req cpu $threads | PYTHONUNBUFFERED=1 "$python" "$root/bench/python/torch_train.py" || rc=1
exit \$rc
EOF
    step torch-reference 180 20 "$torch_log" "$work" bash "$work/torch_ref.sh"
else
    echo "no python3 with torch and numpy here" >> "$torch_log"
    steps+=("torch-reference|-|0|skipped: no python3 with torch")
fi

want train && step train-cuda-default 150 20 "$train_log" "$work" "${bp[@]}" train --backend cuda --data "$mnist" --no-progress

# --- bench: each part in its own folder (a part that fails leaves the others' results)
bench_log="$OUT/bench.log"
bench_mode="${BENCH:-parts}"
py=(--python "${python:-auto}")
want bench || bench_mode=none
case "$bench_mode" in
    parts|quick)   # gemm, ops, train apart: a part that fails or runs out of time keeps the others
        quick=(); [ "$bench_mode" = quick ] && quick=(--quick)
        for part in gemm ops train; do
            cap=200; [ "$part" = train ] && cap=600
            step "bench-$part" "$cap" 30 "$bench_log" "$work" "${bp[@]}" bench "$part" "${quick[@]}" \
                --out "$work/bench/$part" --data "$mnist" "${py[@]}"
        done ;;
    all)           # one `backprop bench`: one report, but nothing is written if any part fails
        step bench-all 600 60 "$bench_log" "$work" "${bp[@]}" bench --out "$work/bench/all" --data "$mnist" "${py[@]}" ;;
    none) ;;
    *) steps+=("bench|-|0|skipped: unknown BENCH=$bench_mode") ;;
esac
[ -d "$work/bench" ] && tar -C "$work" -czf "$OUT/bench.tar.gz" bench

# --- summary: the table, then the lines that carry the numbers (the device tool returns the end
# of stdout, so this comes last)
section "summary"
{
    printf '%-22s %5s %6s  %s\n' step exit secs result
    for s in "${steps[@]}"; do
        IFS='|' read -r n rc secs note <<< "$s"
        printf '%-22s %5s %6s  %s\n' "$n" "$rc" "$secs" "$note"
    done
    echo "total: $((SECONDS - t_start))s of a ${budget}s budget"
} | tee -a "$runlog"
short() { sed -E 's/^(### [^ ]+ \(timeout [0-9]+s\)): .*/\1/' | cut -c1-200; }
{
    echo
    echo "--- tests"
    # the counts of each launcher run, and every test or class that did not pass (✘ failed,
    # ■ aborted, ↷ skipped) with its reason
    grep -E '^### tests|^\[ +[0-9]+ tests (successful|failed|aborted|skipped)|^\[ +[0-9]+ containers failed|✘|■|↷' \
        "$tests_log" 2>/dev/null | short | head -n 40
    echo "--- parity"
    grep -E -v '^WARNING|^###' "$OUT/parity.log" 2>/dev/null | short | head -n 30
    echo "--- train (data, model, epochs)"
    grep -E '^###|^data:|^model:|^epoch|^done:|^backprop:|Exception' "$train_log" 2>/dev/null | short | head -n 40
    echo "--- torch"
    grep -E '^---|^torch |unavailable|Error' "$torch_log" 2>/dev/null | short | head -n 10
    echo "--- bench"
    grep -E '^###|^backprop:|Exception' "$bench_log" 2>/dev/null | short
    echo "--- files in \$OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
} | tee -a "$runlog"
rm -rf "$work"
exit 0
