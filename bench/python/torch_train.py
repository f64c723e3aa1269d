#!/usr/bin/env python3
"""PyTorch peer for `backprop bench train`: trains the same networks on the same data.

Reads a JSON request on stdin, prints a JSON answer on stdout. The data arrive as raw
little-endian files written by the Java side (float32 features, int32 labels), so both trainers
see identical rows. Each epoch is a fresh permutation; minibatches are gathered by index from
tensors that live on the device (the GPU for CUDA: the data are uploaded once). Epoch time is the
training loop only, evaluation excluded, as on the Java side. On CUDA, TF32 is off (fp32 against
fp32) and the epoch is bracketed by torch.cuda.synchronize().

Request: {"device": "cpu"|"cuda", "threads": [1, 2],
          "data": {"x_train": PATH, "y_train": PATH, "x_test": PATH, "y_test": PATH,
                   "n_train": 60000, "n_test": 10000, "features": 784, "classes": 10},
          "workloads": [{"name": "reference", "hidden": [1024, 1024], "activation": "sigmoid",
                         "optimizer": "sgd", "lr": 0.1, "batch": 256, "epochs": 2,
                         "max_samples": 0, "max_test": 0}, ...],
          "target_accuracy": 0.98}
A workload named "time-to-*" stops at the first epoch whose test accuracy reaches the target.
"""
import json
import sys
import time


def main():
    req = json.load(sys.stdin)
    try:
        import numpy as np
        import torch
    except ImportError as e:
        json.dump({"unavailable": "cannot import: %s" % e}, sys.stdout)
        return
    device = req["device"]
    if device == "cuda":
        if not torch.cuda.is_available():
            json.dump({"unavailable": "torch %s sees no CUDA device" % torch.__version__}, sys.stdout)
            return
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    d = req["data"]
    f = d["features"]
    x_train = torch.from_numpy(np.fromfile(d["x_train"], dtype="<f4").reshape(d["n_train"], f))
    y_train = torch.from_numpy(np.fromfile(d["y_train"], dtype="<i4").astype(np.int64))
    x_test = torch.from_numpy(np.fromfile(d["x_test"], dtype="<f4").reshape(d["n_test"], f))
    y_test = torch.from_numpy(np.fromfile(d["y_test"], dtype="<i4").astype(np.int64))
    out = {"version": torch.__version__, "device": device, "runs": []}
    if device == "cuda":
        out["device_name"] = torch.cuda.get_device_name(0)
    for threads in req["threads"]:
        if device == "cpu":
            torch.set_num_threads(threads)
        for w in req["workloads"]:
            n = w["max_samples"] or d["n_train"]
            nt = w["max_test"] or d["n_test"]
            run = train(torch, device, w, x_train[:n], y_train[:n], x_test[:nt], y_test[:nt],
                        d["classes"], req.get("target_accuracy", 0.98))
            run["threads"] = threads if device == "cpu" else None
            if device == "cpu":
                # torch.set_num_threads sizes torch's own pool; the GEMMs run on OpenBLAS's, which
                # keeps its size (OPENBLAS_NUM_THREADS or one per CPU): say which it was
                run["blas_threads"] = openblas_threads()
            out["runs"].append(run)
            print("torch %s %s threads=%s: %s" % (device, w["name"], threads,
                  ["%.2fs acc %.4f" % (e["seconds"], e["test_accuracy"]) for e in run["epochs"]]),
                  file=sys.stderr, flush=True)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


def openblas_threads():
    """The thread count of the OpenBLAS this process loaded (None when it loaded another BLAS)."""
    try:
        import ctypes
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line and "/" in line})
        for path in paths:
            lib = ctypes.CDLL(path)
            if hasattr(lib, "openblas_get_num_threads"):
                return lib.openblas_get_num_threads()
    except OSError:
        pass
    return None


def build(torch, w, features, classes):
    nn = torch.nn
    act = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "tanh": nn.Tanh}[w["activation"]]
    layers = []
    fan_in = features
    for h in w["hidden"]:
        layers += [nn.Linear(fan_in, h), act()]
        fan_in = h
    layers.append(nn.Linear(fan_in, classes))
    model = nn.Sequential(*layers)
    # the same initialisation family as ours: Xavier for sigmoid nets, He for ReLU nets, zero biases
    for m in model:
        if isinstance(m, nn.Linear):
            if w["activation"] == "relu" and m.out_features != classes:
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            else:
                nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def train(torch, device, w, x, y, xt, yt, classes, target):
    torch.manual_seed(42)
    x, y, xt, yt = x.to(device), y.to(device), xt.to(device), yt.to(device)
    model = build(torch, w, x.shape[1], classes).to(device)
    compiled = model
    if w.get("compile"):
        # torch.compile where the install supports it; the first epoch then includes compile time
        if not hasattr(torch, "compile"):
            return {"workload": w["name"], "unavailable": "torch %s has no torch.compile" % torch.__version__,
                    "epochs": []}
        compiled = torch.compile(model)
    if w["optimizer"] == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=w["lr"])
    else:
        opt = torch.optim.Adam(model.parameters(), lr=w["lr"])
    # the same per-epoch exponential decay as ours (gamma 1 keeps the rate constant)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=w.get("lr_decay", 1.0))
    loss_fn = torch.nn.CrossEntropyLoss()
    gen = torch.Generator(device="cpu").manual_seed(42)
    n = x.shape[0]
    b = w["batch"]
    epochs = []
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for epoch in range(1, w["epochs"] + 1):
        perm = torch.randperm(n, generator=gen).to(device)
        model.train()
        total = torch.zeros((), device=device)
        sync()
        t0 = time.perf_counter()
        for s in range(0, n, b):
            idx = perm[s:s + b]
            xb = x.index_select(0, idx)
            yb = y.index_select(0, idx)
            loss = loss_fn(compiled(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach() * xb.shape[0]
        sync()
        seconds = time.perf_counter() - t0
        sched.step()
        test_loss, test_acc = evaluate(torch, model, xt, yt, loss_fn)
        epochs.append({"epoch": epoch, "seconds": seconds, "train_loss": float(total) / n,
                       "test_loss": test_loss, "test_accuracy": test_acc,
                       "samples_per_second": n / seconds})
        if w["name"].startswith("time-to") and test_acc >= target:
            break
    return {"workload": w["name"], "samples": n, "epochs": epochs}


def evaluate(torch, model, xt, yt, loss_fn):
    model.eval()
    with torch.no_grad():
        loss = 0.0
        correct = 0
        for s in range(0, xt.shape[0], 1024):
            out = model(xt[s:s + 1024])
            loss += float(loss_fn(out, yt[s:s + 1024])) * out.shape[0]
            correct += int((out.argmax(1) == yt[s:s + 1024]).sum())
    return loss / xt.shape[0], correct / xt.shape[0]


if __name__ == "__main__":
    main()
