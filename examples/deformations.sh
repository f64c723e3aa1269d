#!/usr/bin/env bash
# The gap deformations buy: 784-1000-500-10 ReLU, softmax + cross-entropy, Adam 1e-3 with the
# default cosine schedule, batch 128, EPOCHS epochs (default 20), trained twice with the same seed:
# once on the plain training images, once with affine + elastic deformations drawn anew every
# epoch (the defaults of --augment). Writes each run's log, history and curves under OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${OUT:-examples/results/deformations}"
epochs="${EPOCHS:-20}"
mkdir -p "$out"
for run in plain affine+elastic; do
  extra=()
  [ "$run" = plain ] || extra=(--augment "$run")
  ./backprop train --data mnist --layers 1000,500 --activation relu --output softmax --loss ce \
    --optimizer adam --lr 0.001 --lr-schedule cosine --batch 128 --epochs "$epochs" --seed 42 \
    --backend "${BACKEND:-auto}" "${extra[@]}" --history "$out/$run.csv" --plot "$out/$run.png" \
    --overwrite 2>&1 | tee "$out/$run.log"
done
