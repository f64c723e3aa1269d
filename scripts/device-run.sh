#!/usr/bin/env bash
# First light for Backprop on one GPU, in two device calls that together fit 15 minutes of device
# time, building nothing there: everything comes from .device/ (made by scripts/device-prepare.sh,
# carried by the device tool). See scripts/README-device.md.
#
#   bash scripts/device-run.sh            call 1 (PHASE=1, ~6 minutes of work): the evidence
#   PHASE=2 bash scripts/device-run.sh    call 2 (~4 minutes), made at once while the machine is warm
#
# Call 1, in this order, each step under its own `timeout`, the whole within DEVICE_BUDGET_S
# (default 390 s); a step that fails or times out is recorded and the next one runs:
#   env           date, CPU, nvidia-smi, cuBLAS libraries found, java, python            run.log
#   jit           ptxas -v of every committed PTX module for sm_90 (registers, spills), then
#                 `backprop devices`, whose CUDA probe loads every module through the driver's JIT
#   tests-cuda    the GPU test classes (contract on both GEMM paths, CPU/CUDA parity, training
#                 contract, device memory, availability), -Dbackprop.cuda.syncEachOp=true  tests.log
#   train-parity  cli TrainingParityTest: 200 SGD steps of the reference MLP on CPU and CUDA
#   parity        backprop parity: the op catalogue on cpu and cuda against the reference parity.log
#   train-*       the reference MLP (784-1024-1024-10 sigmoid, SGD 0.1, batch 256, 3 epochs) on
#                 cuda and on the CPU (all cores), then the default recipe on both         train.log
#   torch-cuda    bench/python/torch_train.py: the same MLP on CUDA, data on the device   torch.log
# Call 2:
#   bench-gemm, bench-ops   backprop bench gemm|ops --backend cuda, torch.matmul beside
#                           bench.log, bench-gemm.tar.gz, bench-ops.tar.gz
# Every step appends to its file in $OUT while it runs, so a call cut short still returns what ran.
# Left to CI, which runs them on every commit: the PTX wiring and staleness tests, NativeErrorsTest,
# CommandLineTest, the CPU suites, and `bench train` (whose large CPU half would eat the budget).
#
# Environment: PHASE (1 or 2), STEPS (comma list that replaces the phase's steps: any of jit,
# tests, trainparity, parity, train, torch, bench; env always runs), DEVICE_BUDGET_S (default 390
# for call 1, 240 for call 2), JAVA=/path/to/java or JAVA=bundled (default: java on PATH when it
# is 17 or newer, else the runtime in .device/jre.tar.xz), PYTHON (default: the first python3
# that imports torch), THREADS (default: nproc), OUT (default target/device-out).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" || exit 2
dev="$root/.device"
OUT="${OUT:-$root/target/device-out}"
mkdir -p "$OUT"
phase="${PHASE:-1}"
case "$phase" in
    1) default_steps=jit,tests,trainparity,parity,train,torch; default_budget=390 ;;
    2) default_steps=bench; default_budget=240 ;;
    3) default_steps=graph,torchgraph,floors; default_budget=300 ;;
    *) echo "device-run: PHASE must be 1, 2 or 3, not '$phase'" >&2; exit 2 ;;
esac
budget="${DEVICE_BUDGET_S:-$default_budget}"
reserve=10            # seconds kept for the summary
t_start=$SECONDS
work="$(mktemp -d /tmp/backprop-device.XXXXXX)"
runlog="$OUT/run.log"
: > "$runlog"
threads="${THREADS:-$(nproc 2>/dev/null || echo 1)}"
steps=()              # "name|rc|seconds|note" per step, for the table at the end
wanted=",${STEPS:-$default_steps},"
noted=","
want() {   # true when step group $1 is in STEPS; otherwise one "not in STEPS" row for it
    case "$wanted" in *",$1,"*) return 0 ;; esac
    [ -n "${STEPS:-}" ] || return 1   # the phase's own choice needs no row per step left out
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

section "machine (call $phase)"
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
{ for f in /usr/local/cuda*/lib64/*cublas*; do [ -e "$f" ] && echo "$f"; done
  ldconfig -p 2>/dev/null | grep -i cublas
  echo "$found"
} | grep -v '^$' | sort -u | sed 's/^/  /' | tee -a "$runlog"
# JCublas 12.6 links libcublas.so.12: where one exists (a pip wheel, an older toolkit), put its
# folder on the library path so that the cuBLAS GEMM path is tried; otherwise the PTX GEMM runs
cublas12=$(echo "$found" | grep 'libcublas\.so\.12' | head -n 1)
if [ -n "$cublas12" ]; then
    LD_LIBRARY_PATH="$(dirname "$cublas12")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
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
    # every other jar there (core's test-jar: the contracts) joins both test class paths
    case "$(basename "$j")" in junit-platform-console-*|backprop-cuda-kernels-tests.jar|backprop-cli-tests.jar) ;;
        *) extra="$extra:$j" ;; esac
done
bp=("$java_bin" "${jopts[@]}" -cp "$run_cp" org.backprop.cli.Main)   # `backprop` without the launcher

python=""
for p in "${PYTHON:-}" python3 /usr/bin/python3 /opt/torch/.venv/bin/python3; do
    [ -n "$p" ] && command -v "$p" >/dev/null && "$p" -c 'import torch, numpy' 2>/dev/null && { python="$(command -v "$p")"; break; }
done
log "python with torch: ${python:-none} $([ -n "$python" ] && "$python" -c 'import torch; print(torch.__version__, "cuda", torch.cuda.is_available())' 2>&1)"



# --- jit: our PTX through ptxas for this GPU (register and spill report), then the driver's JIT
# (the CUDA probe behind `backprop devices` loads every module)
ptx_dir="$root/cuda-kernels/src/main/resources/org/backprop/cuda/ptx"
ptxas_bin=$(command -v ptxas || ls /usr/local/cuda*/bin/ptxas 2>/dev/null | head -n 1)
if want jit; then
    if [ -n "$ptxas_bin" ]; then
        cat > "$work/ptxas.sh" <<EOF
rc=0
"$ptxas_bin" --version | tail -n 1
for f in "$ptx_dir"/*.ptx; do
    echo "--- \$(basename "\$f"): \$(grep -m1 '^\.version' "\$f")"
    "$ptxas_bin" -arch=sm_90 -v -o /dev/null "\$f" 2>&1 | grep -E 'Compiling|registers|spill|rror' || rc=1
done
exit \$rc
EOF
        step ptxas-sm90 60 10 "$runlog" "$work" bash "$work/ptxas.sh"
    else
        log "ptxas: not found here (the driver's JIT in the devices step still compiles our PTX)"
    fi
    step devices 90 10 "$runlog" "$work" "${bp[@]}" devices
else
    timeout 60 "${bp[@]}" devices >> "$runlog" 2>&1
fi

# --- tests: the console launcher, one line per test (tree); only the classes that need a GPU
tests_log="$OUT/tests.log"
junit=(org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree
       --fail-if-no-tests)
sync=(-Dbackprop.cuda.syncEachOp=true)   # one fault is pinned on its op, not on every later test
gpu_classes=(CudaContractTest CudaPtxGemmContractTest CpuCudaParityTest CudaTrainingTest CudaDeviceMemoryTest
             CudaAvailabilityTest CudaGraphStepTest)
if want tests; then
    select=()
    tests_jar="$dev/test/backprop-cuda-kernels-tests.jar"
    listing=$(unzip -Z1 "$tests_jar" 2>/dev/null || "$(dirname "$java_bin")/jar" tf "$tests_jar" 2>/dev/null \
              || python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$tests_jar")
    for c in "${gpu_classes[@]}"; do
        if echo "$listing" | grep -qx "org/backprop/cuda/$c.class"; then
            select+=(--select-class "org.backprop.cuda.$c")
        else
            echo "### $c: not in the test jar, left out" >> "$tests_log"
        fi
    done
    # cuda-kernels runs from its module folder, as under Maven
    step tests-cuda 210 30 "$tests_log" "$root/cuda-kernels" \
        "$java_bin" "${jopts[@]}" "${sync[@]}" -Xmx16g \
        -cp "$tests_jar$extra:$run_cp:$console" "${junit[@]}" "${select[@]}"
fi
want trainparity && step train-parity 120 20 "$tests_log" "$root/cli" \
    "$java_bin" "${jopts[@]}" "${sync[@]}" -Xmx16g \
    -cp "$dev/test/backprop-cli-tests.jar$extra:$run_cp:$console" \
    "${junit[@]}" --select-class org.backprop.cli.TrainingParityTest

# --- parity: every op of the catalogue on cpu and cuda against the float64 reference
want parity && step parity 120 20 "$OUT/parity.log" "$work" "${bp[@]}" parity

# --- training on full MNIST: the reference MLP, then the default recipe, each on cuda and the CPU
train_log="$OUT/train.log"
# shellcheck disable=SC2054  # 1024,1024 is one argument: the hidden layer sizes
ref=(--data "$mnist" --layers 1024,1024 --activation sigmoid --optimizer sgd --lr 0.1 --lr-decay 1
     --batch 256 --epochs 3 --no-progress)
if want train; then
    step train-cuda-reference 75 20 "$train_log" "$work" "${bp[@]}" train --backend cuda "${ref[@]}"
    step train-cpu-reference 75 20 "$train_log" "$work" "${bp[@]}" train --backend cpu --threads "$threads" "${ref[@]}"
    step train-cuda-default 60 15 "$train_log" "$work" "${bp[@]}" train --backend cuda --data "$mnist" --no-progress
    step train-cpu-default 75 15 "$train_log" "$work" "${bp[@]}" train --backend cpu --threads "$threads" \
        --data "$mnist" --no-progress
fi

# the Java side's view of MNIST for the PyTorch runs: pixels / 255 as little-endian float32,
# labels as int32, written as x_train.f32, y_train.i32, x_test.f32 and y_test.i32 into a folder
cat > "$work/mnist_f32.py" <<'PY'
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
# the rows it writes, as torch_train.py's "data" entry
torch_data='"data": {"x_train": "'"$work"'/x_train.f32", "y_train": "'"$work"'/y_train.i32",
          "x_test": "'"$work"'/x_test.f32", "y_test": "'"$work"'/y_test.i32",
          "n_train": 60000, "n_test": 10000, "features": 784, "classes": 10}'

# --- PyTorch on CUDA: the same MLP and rows, the data uploaded to the device once, TF32 off
torch_log="$OUT/torch.log"
if ! want torch; then
    :
elif [ -n "$python" ]; then
    cat > "$work/torch_ref.sh" <<EOF
"$python" "$work/mnist_f32.py" "$mnist" "$work" || exit 1
echo "--- torch cuda"
PYTHONUNBUFFERED=1 "$python" "$root/bench/python/torch_train.py" <<JSON && echo
{"device": "cuda", "threads": [1], $torch_data,
 "workloads": [{"name": "reference", "hidden": [1024, 1024], "activation": "sigmoid",
                "optimizer": "sgd", "lr": 0.1, "batch": 256, "epochs": 3, "max_samples": 0, "max_test": 0}]}
JSON
EOF
    step torch-cuda 90 20 "$torch_log" "$work" bash "$work/torch_ref.sh"
else
    echo "no python3 with torch and numpy here" >> "$torch_log"
    steps+=("torch-cuda|-|0|skipped: no python3 with torch")
fi

# --- call 2, bench: the GEMM sweep and per-op times on cuda with torch.matmul beside; each part
# is packed into $OUT as soon as it ends, so a part that runs out of time keeps the other's results
bench_log="$OUT/bench.log"
if want bench; then
    for part in gemm ops; do
        step "bench-$part" 110 30 "$bench_log" "$work" "${bp[@]}" bench "$part" --backend cuda \
            --out "$work/bench/$part" --python "${python:-auto}"   # --data is bench train's only
        [ -d "$work/bench/$part" ] && tar -C "$work/bench" -czf "$OUT/bench-$part.tar.gz" "$part"
    done
fi

# --- call 3, graph: the reference MLP epoch with the step replayed as a CUDA graph and
# with every op issued (--no-cuda-graph), the launch counts (CudaGraphStepTest), the large MLP
graph_log="$OUT/graph.log"
# shellcheck disable=SC2054
large=(--data "$mnist" --layers 4096,4096,4096 --activation sigmoid --optimizer sgd --lr 0.1 --lr-decay 1
       --batch 1024 --epochs 2 --no-progress)
if want graph; then
    step graph-launches 60 15 "$graph_log" "$root/cuda-kernels" \
        "$java_bin" "${jopts[@]}" -cp "$dev/test/backprop-cuda-kernels-tests.jar$extra:$run_cp:$console" \
        "${junit[@]}" --select-class org.backprop.cuda.CudaGraphStepTest
    step train-cuda-graph 60 20 "$graph_log" "$work" "${bp[@]}" train --backend cuda "${ref[@]}"
    step train-cuda-nograph 60 20 "$graph_log" "$work" "${bp[@]}" train --backend cuda --no-cuda-graph "${ref[@]}"
    step train-cuda-large 60 20 "$graph_log" "$work" "${bp[@]}" train --backend cuda "${large[@]}"
fi

# --- call 3, torch: eager and torch.compile on the reference MLP, eager on the large MLP, TF32 off
if want torchgraph && [ -n "$python" ]; then
    cat > "$work/torch_graph.sh" <<EOF
"$python" "$work/mnist_f32.py" "$mnist" "$work"
for w in '"name": "reference-eager", "hidden": [1024, 1024], "batch": 256, "epochs": 3' \\
         '"name": "reference-compile", "hidden": [1024, 1024], "batch": 256, "epochs": 3, "compile": true' \\
         '"name": "large-eager", "hidden": [4096, 4096, 4096], "batch": 1024, "epochs": 2'; do
    echo "--- torch cuda \$w"
    PYTHONUNBUFFERED=1 "$python" "$root/bench/python/torch_train.py" <<JSON && echo
{"device": "cuda", "threads": [1], $torch_data,
 "workloads": [{\$w, "activation": "sigmoid", "optimizer": "sgd", "lr": 0.1, "max_samples": 0, "max_test": 0}]}
JSON
done
EOF
    step torch-graph 120 30 "$graph_log" "$work" bash "$work/torch_graph.sh"
elif want torchgraph; then
    steps+=("torch-graph|-|0|skipped: no python3 with torch")
fi

# --- call 3, floors: this GPU's copy bandwidth and fp32 matmul rate (TF32 off), measured here,
# and each workload's floor from them: max(FLOPs / rate, bytes / bandwidth)
if want floors && [ -n "$python" ]; then
    cat > "$work/floors.py" <<'PY'
import time, torch
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
def best(f, n=5):
    f(); torch.cuda.synchronize()
    t = []
    for _ in range(n):
        torch.cuda.synchronize(); t0 = time.perf_counter(); f(); torch.cuda.synchronize(); t.append(time.perf_counter() - t0)
    return min(t)
a = torch.empty(256 << 20, dtype=torch.float32, device="cuda"); b = torch.empty_like(a)
bw = 2 * a.numel() * 4 / best(lambda: b.copy_(a))
m = torch.randn(8192, 8192, device="cuda"); out = torch.empty_like(m)
rate = 2 * 8192 ** 3 / best(lambda: torch.matmul(m, m, out=out), 3)
print("floors: copy bandwidth %.0f GB/s, torch.matmul fp32 8192^3 %.1f TFLOP/s (TF32 off)" % (bw / 1e9, rate / 1e12))
def mlp(name, sizes, batch, n=60000):
    flops = bytes_ = 0
    for i, o in zip(sizes, sizes[1:]):
        flops += 6 * n * i * o                       # forward, input gradient, weight gradient
        bytes_ += (n // batch) * 3 * 4 * i * o       # each step reads W twice and writes it once
        bytes_ += 4 * 4 * n * o                      # activations and deltas, written and read
    print("floors: %s epoch: %.3g FLOP -> %.1f ms at that rate; %.3g bytes -> %.1f ms at that bandwidth; floor %.1f ms"
          % (name, flops, 1e3 * flops / rate, bytes_, 1e3 * bytes_ / bw, 1e3 * max(flops / rate, bytes_ / bw)))
mlp("reference 784-1024-1024-10 batch 256", [784, 1024, 1024, 10], 256)
mlp("large 784-4096-4096-4096-10 batch 1024", [784, 4096, 4096, 4096, 10], 1024)
print("floors: gemm 4096^3: %.2f ms at that rate" % (1e3 * 2 * 4096 ** 3 / rate))
PY
    step floors 60 15 "$graph_log" "$work" "$python" "$work/floors.py"
elif want floors; then
    steps+=("floors|-|0|skipped: no python3 with torch")
fi

# --- summary: the table, then the lines that carry the numbers (the device tool returns the end
# of stdout, so this comes last)
section "summary (call $phase)"
{
    printf '%-22s %5s %6s  %s\n' step exit secs result
    for s in "${steps[@]}"; do
        IFS='|' read -r n rc secs note <<< "$s"
        printf '%-22s %5s %6s  %s\n' "$n" "$rc" "$secs" "$note"
    done
    echo "total: $((SECONDS - t_start))s of a ${budget}s budget"
} | tee -a "$runlog"
short() { sed -E 's/^(### [^ ]+ \(timeout [0-9]+s\)): .*/\1/' | cut -c1-200; }
# a section of the summary, where its log exists: title, log, how many lines, the pattern they match
section() {
    [ -f "$2" ] || return 0
    echo "--- $1"
    grep -E "$4" "$2" | short | head -n "$3"
}
{
    echo
    echo "--- jit and devices"
    grep -E '^--- .*\.ptx|registers|spill|rror|^(cuda|cpu) |^  (device|driver|kernels|cuBLAS|GEMM)' "$runlog" \
        2>/dev/null | short | head -n 40
    # the counts of each launcher run, and every test or class that did not pass (✘ failed,
    # ■ aborted, ↷ skipped) with its reason
    section tests "$tests_log" 40 \
        '^### |^\[ +[0-9]+ tests (successful|failed|aborted|skipped)|^\[ +[0-9]+ containers failed|✘|■|↷'
    if [ -f "$OUT/parity.log" ]; then
        echo "--- parity"
        grep -E -v '^WARNING|^###' "$OUT/parity.log" | short | tail -n 12
    fi
    section "train (data, model, epochs)" "$train_log" 50 '^###|^data:|^model:|^epoch|^done:|^backprop:|Exception'
    section torch "$torch_log" 10 '^---|^torch |unavailable|Error'
    section "graph (launch counts, epochs with and without CUDA graphs, torch, floors)" "$graph_log" 60 \
        '^###|^\[ +[0-9]+ tests|✘|^steps:|^model:|^epoch|^done:|^backprop:|^--- torch|^torch |^floors:|Exception'
    section bench "$bench_log" 60 '^###|^backprop:|Exception|^\|'
    echo "--- files in \$OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
} | tee -a "$runlog"
rm -rf "$work"
exit 0
