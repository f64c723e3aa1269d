#!/usr/bin/python3
"""One epoch of the reference MLP in PyTorch on the CPU: 784-1024-1024-10, sigmoid, softmax +
cross-entropy, SGD lr 0.1, batch 256, full MNIST (60000 rows, 235 batches), fp32.

Usage: /usr/bin/python3 torch_epoch.py THREADS [EPOCHS]; prints one line per epoch with the seconds
of the training loop alone (data already in memory, scaled to [0, 1], as on the Java side)."""
import gzip, os, sys, time
import numpy as np
import torch

def idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)

threads = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.set_num_threads(threads)
d = os.path.expanduser("~/.cache/backprop/mnist")
x = torch.from_numpy(idx(d + "/train-images-idx3-ubyte").reshape(60000, 784).astype(np.float32) / 255)
y = torch.from_numpy(idx(d + "/train-labels-idx1-ubyte").astype(np.int64))
torch.manual_seed(1)
model = torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.Sigmoid(), torch.nn.Linear(1024, 1024),
                            torch.nn.Sigmoid(), torch.nn.Linear(1024, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = torch.nn.CrossEntropyLoss()
for e in range(epochs):
    perm = torch.randperm(60000)
    t0 = time.perf_counter()
    for s in range(0, 60000, 256):
        i = perm[s:s + 256]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[i]), y[i])
        loss.backward()
        opt.step()
    print("torch threads=%d epoch %.3f s loss %.4f" % (threads, time.perf_counter() - t0, loss.item()), flush=True)
