#!/usr/bin/env bash
# Side-by-side epoch times (ours vs PyTorch, 1 and 2 threads) and GEMM GFLOP/s (ours vs numpy),
# interleaved in rounds so drifting load hits every runner alike. Run from the repository root
# after `mvn -B -ntp -o -q -DskipTests package` and `mvn -B -ntp -o -q test-compile -pl cpu-fallback -am`.
set -u
here=bench/results/cpu-perf-2026-11-22
rounds=${ROUNDS:-3}
# PyTorch with 2 threads is ~3x slower than with 1 here; TORCH2_ROUNDS limits how many rounds run it
torch2_rounds=${TORCH2_ROUNDS:-$rounds}
gemm=${GEMM:-1}
train() {
  ./backprop train --layers 1024,1024 --activation sigmoid --optimizer sgd --lr 0.1 --batch 256 \
    --epochs 2 --lr-decay 1 --backend cpu --threads "$1" --no-progress 2>&1 | grep -E "^epoch"
}
for r in $(seq 1 "$rounds"); do
  for t in 2 1; do
    echo "round $r ours threads=$t load $(cut -d' ' -f1-3 /proc/loadavg)"
    s=$(date +%s.%N); train "$t"; echo "  process wall $(echo "$(date +%s.%N) - $s" | bc) s"
  done
  for t in 1 2; do
    if [ "$t" = 2 ] && [ "$r" -gt "$torch2_rounds" ]; then continue; fi
    echo "round $r torch threads=$t load $(cut -d' ' -f1-3 /proc/loadavg)"
    s=$(date +%s.%N); /usr/bin/python3 "$here/torch_epoch.py" "$t" 2; echo "  process wall $(echo "$(date +%s.%N) - $s" | bc) s"
  done
done
cp=cpu-fallback/target/test-classes:cpu-fallback/target/classes:core/target/classes
[ "$gemm" = 1 ] || exit 0
for t in 1 2; do
  echo "gemm ours threads=$t load $(cut -d' ' -f1-3 /proc/loadavg)"
  java --add-modules jdk.incubator.vector -cp "$cp" org.backprop.cpu.GemmBench "$t" 2>&1 | grep -v WARNING
  echo "gemm numpy threads=$t load $(cut -d' ' -f1-3 /proc/loadavg)"
  OPENBLAS_NUM_THREADS=$t /usr/bin/python3 "$here/numpy_gemm.py"
done
