#!/usr/bin/python3
"""numpy (OpenBLAS) SGEMM GFLOP/s at the workload's shapes; set OPENBLAS_NUM_THREADS before running.
Prints best and median of 9 samples per shape (each sample ~0.1 s of back-to-back calls)."""
import sys, time
import numpy as np
rng = np.random.default_rng(1)
shapes = [("NN", 256, 1024, 784), ("TN", 784, 1024, 256), ("NT", 256, 784, 1024), ("NT", 256, 1024, 1024),
          ("NN", 1024, 1024, 1024)]
for t, m, n, k in shapes:
    a = rng.standard_normal((k, m) if t[0] == "T" else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if t[1] == "T" else (k, n), dtype=np.float32)
    A = a.T if t[0] == "T" else a
    B = b.T if t[1] == "T" else b
    c = np.empty((m, n), dtype=np.float32)
    for _ in range(3):
        np.matmul(A, B, out=c)
    t0 = time.perf_counter(); np.matmul(A, B, out=c); one = time.perf_counter() - t0
    reps = max(1, int(0.1 / one))
    samples = []
    for _ in range(9):
        t0 = time.perf_counter()
        for _ in range(reps):
            np.matmul(A, B, out=c)
        samples.append((time.perf_counter() - t0) / reps)
    samples.sort()
    f = 2.0 * m * n * k
    print("numpy %s %dx%dx%d best %.1f median %.1f GFLOP/s" % (t, m, n, k, f / samples[0] / 1e9, f / samples[4] / 1e9), flush=True)
