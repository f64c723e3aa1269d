#!/usr/bin/env python3
"""GEMM peer for `backprop bench gemm`: numpy (OpenBLAS) on the CPU, torch.matmul on CPU or CUDA.

Reads a JSON request on stdin and prints a JSON answer on stdout, one result per shape, each with
the per-call seconds of every sample. The timing plan (warm-up, samples, least time per sample) is
the Java side's, so both sides are measured the same way. On CUDA the samples are timed with CUDA
events around a batch of calls; TF32 is switched off so the comparison is fp32 against fp32.

Request: {"lib": "numpy"|"torch", "device": "cpu"|"cuda", "threads": 2,
          "plan": {"warmup": 3, "samples": 9, "min_sample_s": 0.1},
          "shapes": [{"m": 256, "n": 1024, "k": 784, "trans_a": false, "trans_b": false}, ...]}

A line {"check": {"m":..,"n":..,"k":..,"a":[..],"b":[..]}} in serve mode answers {"c": [..]}, the
product A·B, so the Java side can verify the kernel this process runs (OPENBLAS_CORETYPE may force
one) before quoting its times.

With "serve": true and no shapes, the script answers its header line (library, version, BLAS) and
then one line per shape line it reads, until stdin closes: the Java side alternates its own
measurement with the peer's shape by shape, so drifting load on a shared machine hits both alike.

By hand (the request is one line):
  echo '{"lib":"numpy","device":"cpu","threads":1,"plan":{"warmup":1,"samples":3,"min_sample_s":0.05},"shapes":[{"m":1024,"n":1024,"k":1024,"trans_a":false,"trans_b":false}]}' | OPENBLAS_NUM_THREADS=1 python3 bench/python/gemm_peer.py
"""
import json
import sys
import time


def plan_calls(run, sync, plan):
    for _ in range(plan["warmup"]):
        run()
    sync()
    t0 = time.perf_counter()
    run()
    sync()
    one = max(1e-9, time.perf_counter() - t0)
    return max(1, min(100000, int(-(-plan["min_sample_s"] // one))))


def time_cpu(run, plan):
    calls = plan_calls(run, lambda: None, plan)
    samples = []
    for _ in range(plan["samples"]):
        t0 = time.perf_counter()
        for _ in range(calls):
            run()
        samples.append((time.perf_counter() - t0) / calls)
    return {"calls_per_sample": calls, "samples_s": samples}


def numpy_peer(req):
    import numpy as np
    rng = np.random.default_rng(42)
    info = {"lib": "numpy", "version": np.__version__, "device": "cpu", "blas": blas_name(np)}
    config = openblas_config()
    if config:
        info["blas_config"] = config
        core = config.split("core=")[-1].strip() if "core=" in config else ""
        if core:
            info["blas_core"] = core

    def one(s):
        m, n, k = s["m"], s["n"], s["k"]
        a = rng.standard_normal((k, m) if s["trans_a"] else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if s["trans_b"] else (k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        # transposed views reach sgemm as a transpose flag, not a copy
        opa = a.T if s["trans_a"] else a
        opb = b.T if s["trans_b"] else b
        return time_cpu(lambda: np.matmul(opa, opb, out=c), req["plan"])
    return info, one


def check(req, r):
    """The product of the matrices given in the request, row-major, so the caller can verify that
    the BLAS kernel in this process computes right before any of its times are quoted."""
    c = r["check"]
    m, n, k = c["m"], c["n"], c["k"]
    if req["lib"] == "numpy":
        import numpy as np
        a = np.array(c["a"], dtype=np.float32).reshape(m, k)
        b = np.array(c["b"], dtype=np.float32).reshape(k, n)
        return {"c": [float(v) for v in (a @ b).ravel()]}
    import torch
    a = torch.tensor(c["a"], dtype=torch.float32).reshape(m, k).to(req["device"])
    b = torch.tensor(c["b"], dtype=torch.float32).reshape(k, n).to(req["device"])
    return {"c": [float(v) for v in torch.matmul(a, b).cpu().reshape(-1).tolist()]}


def blas_name(np):
    try:
        with open("/proc/self/maps") as f:
            maps = f.read()
        for lib in ("openblas", "mkl", "blis", "libblas"):
            if lib in maps:
                return lib
    except OSError:
        pass
    return "unknown"


def openblas_config():
    """OpenBLAS's own description (version, kernel chosen, thread limit), when it is loaded."""
    try:
        import ctypes
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line and "/" in line}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            core = ""
            if hasattr(lib, "openblas_get_corename"):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                core = " core=" + lib.openblas_get_corename().decode()
            return lib.openblas_get_config().decode().strip() + core
    except (OSError, AttributeError):
        pass
    return None


def torch_peer(req):
    import torch
    device = req["device"]
    info = {"lib": "torch", "version": torch.__version__, "device": device}
    if device == "cuda":
        if not torch.cuda.is_available():
            return {"unavailable": "torch %s sees no CUDA device" % torch.__version__}, None
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        info["device_name"] = torch.cuda.get_device_name(0)
        info["cuda"] = torch.version.cuda
    else:
        torch.set_num_threads(req.get("threads", 1))
        info["threads"] = torch.get_num_threads()
    gen = torch.Generator(device="cpu").manual_seed(42)
    plan = req["plan"]

    def one(s):
        m, n, k = s["m"], s["n"], s["k"]
        a = torch.randn((k, m) if s["trans_a"] else (m, k), generator=gen).to(device)
        b = torch.randn((n, k) if s["trans_b"] else (k, n), generator=gen).to(device)
        c = torch.empty((m, n), device=device)
        opa = a.t() if s["trans_a"] else a
        opb = b.t() if s["trans_b"] else b
        run = lambda: torch.matmul(opa, opb, out=c)
        if device == "cuda":
            return time_cuda(torch, run, plan)
        return time_cpu(run, plan)
    return info, one


def time_cuda(torch, run, plan):
    calls = plan_calls(run, torch.cuda.synchronize, plan)
    samples = []
    for _ in range(plan["samples"]):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(calls):
            run()
        end.record()
        end.synchronize()
        samples.append(start.elapsed_time(end) / 1000.0 / calls)
    return {"calls_per_sample": calls, "samples_s": samples}


def main():
    req = json.loads(sys.stdin.readline())
    try:
        info, one = numpy_peer(req) if req["lib"] == "numpy" else torch_peer(req)
    except ImportError as e:
        info, one = {"unavailable": "cannot import: %s" % e}, None
    if req.get("serve"):
        answer(info)
        if one is None:
            return
        for line in sys.stdin:
            if line.strip():
                r = json.loads(line)
                answer(check(req, r) if "check" in r else one(r))
        return
    if one is not None:
        info["results"] = [one(s) for s in req["shapes"]]
    answer(info)


def answer(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
