#!/usr/bin/env bash
# Srivastava et al. 2014 (JMLR, "Dropout"), Table 2, MNIST, 3x1024 ReLU: dropout on the input
# (p 0.2) and the hidden layers (p 0.5), then the same with a max-norm constraint (c 3.5) on each
# hidden unit's incoming weights; SGD with momentum ramped from 0.5 to 0.99, a decaying rate,
# batch 128 and lr 0.01 (the paper does not state all of it; one public reproduction of the
# max-norm row used lr 0.01, batch 128). The paper trains ~1 M updates (EPOCHS=2134 at batch 128):
# a GPU job (BACKEND=cuda). EPOCHS defaults to 50 for a CPU; RAMP is the ramp's length in updates;
# RUNS picks the runs (default both, one after the other); THREADS caps each run's CPU threads, so
# two cores can take both side by side: RUNS=dropout THREADS=1 ... & RUNS=dropout+max-norm ...
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-examples/results/srivastava-3x1024}"
epochs="${EPOCHS:-50}"
ramp="${RAMP:-10000}"
mkdir -p "$out"
for run in ${RUNS:-dropout dropout+max-norm}; do
  extra=()
  [ "$run" = dropout ] || extra=(--max-norm 3.5)
  ./backprop train --data mnist --layers 1024,1024,1024 --activation relu --input-dropout 0.2 \
    --dropout 0.5 "${extra[@]}" --output softmax --loss ce --optimizer momentum \
    --momentum-ramp "0.5:0.99:$ramp" --lr 0.01 --lr-schedule exponential --lr-decay 0.98 \
    --batch 128 --epochs "$epochs" --seed 42 --backend "${BACKEND:-auto}" \
    ${THREADS:+--threads "$THREADS"} \
    --history "$out/$run.csv" --plot "$out/$run.png" --overwrite 2>&1 | tee "$out/$run.log"
done
