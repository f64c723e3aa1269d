#!/usr/bin/env bash
# Keras's mnist_mlp example as Backprop trains it: 784-512-512-10 ReLU, dropout 0.2 after each
# hidden layer, softmax + cross-entropy, RMSprop with Keras's defaults (lr 0.001, rho 0.9,
# epsilon 1e-7), Glorot-uniform weights, batch 128, 20 epochs at a constant rate. Keras reports
# 98.40 % test accuracy for it. Writes the log, the per-epoch history (CSV) and the curves (PNG)
# to OUT (default: examples/results/keras-mnist-mlp); SEED (default 42) picks the seed.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-examples/results/keras-mnist-mlp}"
mkdir -p "$out"
./backprop train --data mnist --layers 512,512 --activation relu --dropout 0.2 \
  --output softmax --loss ce --optimizer rmsprop --lr 0.001 --rho 0.9 --eps 1e-7 \
  --lr-schedule constant --weight-init xavier --batch 128 --epochs 20 --seed "${SEED:-42}" --backend cpu \
  --history "$out/history.csv" --plot "$out/curves.png" --overwrite 2>&1 | tee "$out/log.txt"
