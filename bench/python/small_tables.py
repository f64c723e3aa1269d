"""Backprop's defaults on small real tables, beside scikit-learn on the identical split.

Writes each table's training and test rows as CSV files (raw features, a header, the label last),
fits scikit-learn on them with StandardScaler fitted on the training rows (Backprop standardises
the same way), runs `backprop train` with the defaults plus only the options a newcomer would give
(`--layers none|100 --epochs 200 --batch 32`), and prints a Markdown table of test accuracy (R² for
the regression). Run from the repository root with Debian's python3 (it has sklearn):

    /usr/bin/python3 bench/python/small_tables.py --out /tmp/small-tables [--seeds 3]
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import time

import warnings

import numpy as np
from sklearn import datasets
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler

TABLES = {
    "iris": lambda: datasets.load_iris(),
    "wine": lambda: datasets.load_wine(),
    "breast-cancer": lambda: datasets.load_breast_cancer(),
    "digits": lambda: datasets.load_digits(),
    "diabetes": lambda: datasets.load_diabetes(scaled=False),
}


def write_csv(path, names, x, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(names) + ["target"])
        for row, label in zip(x, y):
            w.writerow([repr(float(v)) for v in row] + [label])


def split(name, out):
    d = TABLES[name]()
    x = np.asarray(d.data, dtype=np.float64)
    regression = name == "diabetes"
    if regression:
        y = np.asarray(d.target, dtype=np.float64)
        labels = [str(int(v)) if float(v).is_integer() else repr(float(v)) for v in y]
    else:
        names = list(getattr(d, "target_names", [])) or [str(i) for i in range(int(d.target.max()) + 1)]
        labels = [str(names[int(t)]).replace(" ", "_") for t in d.target]
        y = np.asarray(d.target)
    features = [re.sub(r"[^A-Za-z0-9_]+", "_", str(n)).strip("_") for n in
                (d.feature_names if getattr(d, "feature_names", None) is not None else range(x.shape[1]))]
    idx = np.arange(len(x))
    tr, te = train_test_split(idx, test_size=0.2, random_state=0, stratify=None if regression else y)
    os.makedirs(out, exist_ok=True)
    write_csv(os.path.join(out, name + "-train.csv"), features, x[tr], [labels[i] for i in tr])
    write_csv(os.path.join(out, name + "-test.csv"), features, x[te], [labels[i] for i in te])
    scaler = StandardScaler().fit(x[tr])
    return scaler.transform(x[tr]), y[tr], scaler.transform(x[te]), y[te], regression


def sklearn_scores(xtr, ytr, xte, yte, regression, seeds):
    if regression:
        lin = LinearRegression().fit(xtr, ytr)
        mlp = [r2_score(yte, MLPRegressor(hidden_layer_sizes=(100,), random_state=s, max_iter=200)
                        .fit(xtr, ytr).predict(xte)) for s in range(seeds)]
        return r2_score(yte, lin.predict(xte)), float(np.mean(mlp))
    log = LogisticRegression(max_iter=1000).fit(xtr, ytr).score(xte, yte)
    mlp = [MLPClassifier(hidden_layer_sizes=(100,), random_state=s, max_iter=200).fit(xtr, ytr).score(xte, yte)
           for s in range(seeds)]
    return 100 * log, 100 * float(np.mean(mlp))


DONE = re.compile(r"done: .*?(?:accuracy (\d+\.\d+)%|R² (-?\d+\.\d+))")


def backprop(name, out, layers, seed, extra):
    cmd = ["./backprop", "train", "--data", os.path.join(out, name + "-train.csv"),
           "--test", os.path.join(out, name + "-test.csv"), "--label", "target", "--layers", layers,
           "--epochs", "200", "--batch", "32", "--seed", str(seed), "--backend", "cpu"] + extra
    t = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("backprop failed: " + " ".join(cmd) + "\n" + r.stdout + r.stderr)
    m = DONE.search(r.stdout)
    if not m:
        sys.exit("no done line: " + r.stdout[-2000:])
    return float(m.group(1) or m.group(2)), time.time() - t


def main():
    warnings.filterwarnings("ignore")
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--extra", default="", help="more backprop train options, for comparisons")
    a = p.parse_args()
    extra = a.extra.split()
    print("| table | rows (train/test) | features | classes | model | scikit-learn | Backprop (mean of %d seeds) | runs |"
          % a.seeds)
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in TABLES:
        xtr, ytr, xte, yte, regression = split(name, a.out)
        lin, mlp = sklearn_scores(xtr, ytr, xte, yte, regression, a.seeds)
        classes = "regression" if regression else str(len(set(ytr.tolist())))
        for layers, peer, label in (("none", lin, "LinearRegression" if regression else "LogisticRegression"),
                                    ("100", mlp, "MLPRegressor(100)" if regression else "MLPClassifier(100)")):
            ours = [backprop(name, a.out, layers, s, extra)[0] for s in range(a.seeds)]
            unit = "" if regression else "%"
            fmt = "%.3f" if regression else "%.2f"
            print("| %s | %d/%d | %d | %s | --layers %s vs %s | %s | %s | %s |" % (
                name, len(xtr), len(xte), xtr.shape[1], classes, layers, label, (fmt % peer) + unit,
                (fmt % float(np.mean(ours))) + unit, ", ".join(fmt % v for v in ours)), flush=True)


if __name__ == "__main__":
    main()
