"""Train the same MLP with nnlib, PyTorch, scikit-learn and a seed-style NumPy loop; compare speeds.

    python benchmarks/bench_mlp.py                 # the full run (a few minutes on 2 cores)
    python benchmarks/bench_mlp.py --quick         # tiny sizes: checks that everything runs
    python benchmarks/bench_mlp.py --repeats 9 --batch-sizes 128 --threads 1 --only nnlib,torch

Workload: MLP 784-256-128-10 (ReLU, softmax cross-entropy, plain SGD, float32) on synthetic
MNIST-shaped data (60,000 samples, labels from a fixed random linear teacher), one epoch per
measurement, every implementation starting from the same weights (scikit-learn excepted: it
draws its own) and, where it can, visiting the samples in the same order.

How it measures (see README.md): every implementation runs in its own worker process, so only
its own BLAS / OpenMP thread pools exist there; the workers take turns (one at a time, the order
shuffled every repetition); each number is the median over the repetitions. A single timing means
nothing on a 2-core machine, where two-thread timings are bimodal.
"""

import argparse
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # seed_style.py, and nnlib even when not installed

SIZES = [784, 256, 128, 10]
LR = 0.1
DATA_SEED, INIT_SEED, ORDER_SEED = 0, 1, 2
IMPLEMENTATIONS = ["nnlib", "torch", "sklearn", "seed"]
LABELS = {"nnlib": "nnlib (fit)", "torch": "PyTorch", "sklearn": "scikit-learn MLPClassifier",
          "seed": "seed-style NumPy"}

# Digits capstone: the chapter 9 network and optimizer, trained until it reaches DIGITS_TARGET.
DIGITS_SIZES, DIGITS_BATCH, DIGITS_LR = [64, 128, 64, 10], 32, 1e-3
DIGITS_TARGET, DIGITS_MAX_EPOCHS = 0.98, 100


# ---------------------------------------------------------------------------------------------
# Counting FLOPs
# ---------------------------------------------------------------------------------------------

def training_flops(sizes, batch_size):
    """Exact multiply-add FLOPs of one training step of a dense net (2 per multiply-add).

    For every layer: the forward product ``x @ W`` and the weight gradient ``x.T @ dout``
    (``2 * B * fan_in * fan_out`` each); for every layer but the first, the input gradient
    ``dout @ W.T`` (the first layer's would be the gradient with respect to the data, which
    training never needs). Biases, activations and the loss are O(B * units) and left out.
    """
    products = [2 * batch_size * fan_in * fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:])]
    return 2 * sum(products) + sum(products[1:])


def six_n_params_flops(sizes, batch_size):
    """The popular estimate ``6 * B * parameters`` (weights and biases)."""
    params = sum(fan_in * fan_out + fan_out for fan_in, fan_out in zip(sizes[:-1], sizes[1:]))
    return 6 * batch_size * params


# ---------------------------------------------------------------------------------------------
# Data and the shared starting point
# ---------------------------------------------------------------------------------------------

def make_data(n, seed=DATA_SEED):
    """``n`` MNIST-shaped samples: X float32 (n, 784) standard normal, y = arg-max of a linear teacher."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, SIZES[0]), dtype=np.float32)
    teacher = rng.standard_normal((SIZES[0], SIZES[-1]), dtype=np.float32)
    y = np.argmax(X @ teacher, axis=1).astype(np.int64)
    return X, y


def initial_weights(sizes, dtype, seed=INIT_SEED):
    """The ``[(W, b), ...]`` of a fresh ``nnlib.mlp(sizes)`` (He normal weights, zero biases)."""
    import nnlib

    model = nnlib.mlp(sizes, rng=np.random.default_rng(seed), dtype=dtype)
    return [(layer.W.copy(), layer.b.copy()) for layer in model.layers if isinstance(layer, nnlib.Dense)]


def epoch_orders(n, count, seed=ORDER_SEED):
    """The sample orders ``nnlib.fit(..., rng=default_rng(seed))`` uses in its first ``count`` epochs."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(count)]


def load_digits_split(seed=0):
    """Standardized digits: (X_train, y_train, X_val, y_val), 80% / 20%, float64."""
    try:
        from nnlib.data import load_digits
    except ImportError:  # an older nnlib: scikit-learn ships the same data
        from sklearn.datasets import load_digits as _sk

        def load_digits():
            d = _sk()
            return d.data, d.target
    X, y = load_digits()
    order = np.random.default_rng(seed).permutation(len(X))
    n_train = int(0.8 * len(X))
    tr, va = order[:n_train], order[n_train:]
    mean, std = X[tr].mean(axis=0), X[tr].std(axis=0)
    std[std == 0] = 1.0
    return (X[tr] - mean) / std, y[tr], (X[va] - mean) / std, y[va]


# ---------------------------------------------------------------------------------------------
# The implementations. Each has epoch(batch_size) -> (seconds, mean training loss of the epoch).
# ---------------------------------------------------------------------------------------------

class NnlibRunner:
    """nnlib exactly as the course uses it: nnlib.mlp and nnlib.fit with plain SGD."""

    def __init__(self, X, y, threads):
        import nnlib

        self.nnlib, self.X, self.y = nnlib, X, y

    def info(self):
        return {"dtype": "float32", "library": f"nnlib {self.nnlib.__version__}"}

    def epoch(self, batch_size):
        nnlib = self.nnlib
        model = nnlib.mlp(SIZES, rng=np.random.default_rng(INIT_SEED), dtype=np.float32)
        start = time.perf_counter()
        history = nnlib.fit(model, self.X, self.y, epochs=1, batch_size=batch_size, optimizer=nnlib.SGD(lr=LR),
                            rng=np.random.default_rng(ORDER_SEED))
        return time.perf_counter() - start, history.loss[-1]

    def matmul_peak(self, n):
        """Median GFLOP/s of float32 matrix products: n x n, and the forward product at batch 512."""
        rng = np.random.default_rng(0)
        result = {}
        for name, (m, k, p) in {f"{n}x{n} sgemm": (n, n, n), "512x784 @ 784x256": (512, 784, 256)}.items():
            a = rng.standard_normal((m, k), dtype=np.float32)
            b = rng.standard_normal((k, p), dtype=np.float32)
            c = np.empty((m, p), dtype=np.float32)
            np.matmul(a, b, out=c)
            times = []
            for _ in range(20):
                t = time.perf_counter()
                np.matmul(a, b, out=c)
                times.append(time.perf_counter() - t)
            result[name] = 2 * m * k * p / statistics.median(times) / 1e9
        return result

    def digits(self, max_epochs):
        nnlib = self.nnlib
        X_tr, y_tr, X_va, y_va = load_digits_split()
        model = nnlib.mlp(DIGITS_SIZES, rng=np.random.default_rng(INIT_SEED))
        optimizer, rng = nnlib.Adam(lr=DIGITS_LR), np.random.default_rng(ORDER_SEED)
        start = time.perf_counter()
        for epoch in range(1, max_epochs + 1):
            nnlib.fit(model, X_tr, y_tr, epochs=1, batch_size=DIGITS_BATCH, optimizer=optimizer, rng=rng)
            acc = nnlib.accuracy(model, X_va, y_va)
            if acc >= DIGITS_TARGET:
                break
        return time.perf_counter() - start, epoch, acc


class TorchRunner:
    """A standard PyTorch loop: nn.Sequential, CrossEntropyLoss, torch.optim.SGD, index batches."""

    def __init__(self, X, y, threads):
        import torch

        torch.set_num_threads(threads)
        self.torch = torch
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(y)
        self.weights = initial_weights(SIZES, np.float32)

    def info(self):
        torch = self.torch
        return {"dtype": "float32", "library": f"torch {torch.__version__}",
                "threads": torch.get_num_threads()}

    def build(self, weights, dtype):
        torch = self.torch
        linears = [torch.nn.Linear(W.shape[0], W.shape[1], dtype=dtype) for W, _ in weights]
        with torch.no_grad():
            for linear, (W, b) in zip(linears, weights):
                linear.weight.copy_(torch.from_numpy(W.T))  # PyTorch stores W as (fan_out, fan_in)
                linear.bias.copy_(torch.from_numpy(b))
        layers = []
        for linear in linears:
            layers += [linear, torch.nn.ReLU()]
        return torch.nn.Sequential(*layers[:-1])

    def epoch(self, batch_size):
        torch = self.torch
        model = self.build(self.weights, torch.float32)
        optimizer = torch.optim.SGD(model.parameters(), lr=LR)
        loss_fn = torch.nn.CrossEntropyLoss()
        X, y, n = self.X, self.y, len(self.X)
        start = time.perf_counter()
        order = torch.from_numpy(epoch_orders(n, 1)[0])  # the order nnlib.fit uses
        total = 0.0
        for first in range(0, n, batch_size):
            idx = order[first:first + batch_size]
            xb, yb = X[idx], y[idx]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        return time.perf_counter() - start, total / n

    def matmul_peak(self, n):
        torch = self.torch
        a, b = torch.randn(n, n), torch.randn(n, n)
        c = a @ b
        times = []
        for _ in range(10):
            t = time.perf_counter()
            torch.mm(a, b, out=c)
            times.append(time.perf_counter() - t)
        return {f"{n}x{n} sgemm": 2 * n ** 3 / statistics.median(times) / 1e9}

    def digits(self, max_epochs):
        torch = self.torch
        X_tr, y_tr, X_va, y_va = load_digits_split()
        weights = initial_weights(DIGITS_SIZES, np.float64)
        model = self.build(weights, torch.float64)
        optimizer = torch.optim.Adam(model.parameters(), lr=DIGITS_LR)
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt, Xv, yv = (torch.from_numpy(a) for a in (X_tr, y_tr, X_va, y_va))
        orders = epoch_orders(len(X_tr), max_epochs)
        start = time.perf_counter()
        for epoch in range(1, max_epochs + 1):
            order = torch.from_numpy(orders[epoch - 1])
            for first in range(0, len(Xt), DIGITS_BATCH):
                idx = order[first:first + DIGITS_BATCH]
                optimizer.zero_grad()
                loss_fn(model(Xt[idx]), yt[idx]).backward()
                optimizer.step()
            with torch.no_grad():
                acc = (model(Xv).argmax(dim=1) == yv).double().mean().item()
            if acc >= DIGITS_TARGET:
                break
        return time.perf_counter() - start, epoch, acc


class SklearnRunner:
    """scikit-learn's MLPClassifier with the same architecture, plain SGD and one epoch."""

    def __init__(self, X, y, threads):
        import sklearn

        self.sklearn, self.X, self.y = sklearn, X, y
        self.dtype = "?"
        self.epoch(32, n=256)  # learns the dtype it trains in (recent versions keep float32 as it is)

    def info(self):
        return {"dtype": self.dtype, "library": f"scikit-learn {self.sklearn.__version__}"}

    def epoch(self, batch_size, n=None):
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        clf = MLPClassifier(hidden_layer_sizes=tuple(SIZES[1:-1]), activation="relu", solver="sgd",
                            learning_rate_init=LR, batch_size=batch_size, momentum=0.0,
                            nesterovs_momentum=False, alpha=0.0, max_iter=1, shuffle=True,
                            random_state=INIT_SEED)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(self.X[:n], self.y[:n])
        seconds = time.perf_counter() - start
        self.dtype = str(clf.coefs_[0].dtype)
        return seconds, float(clf.loss_curve_[-1])


class SeedRunner:
    """The seed article's style (seed_style.py): dictionaries of float64 arrays, np.eye one-hot."""

    def __init__(self, X, y, threads):
        self.X, self.y = X.astype(np.float64), y  # the article's data is float64 from the start

    def info(self):
        return {"dtype": "float64", "library": "seed_style.py"}

    def epoch(self, batch_size):
        import seed_style

        arch = seed_style.architecture(SIZES)
        params = {}
        for i, (W, b) in enumerate(initial_weights(SIZES, np.float64), start=1):
            params[f"W{i}"], params[f"b{i}"] = W, b[None, :]
        start = time.perf_counter()
        order = epoch_orders(len(self.X), 1)[0]
        loss = seed_style.train_epoch(self.X, self.y, params, arch, LR, batch_size, order)
        return time.perf_counter() - start, loss


RUNNERS = {"nnlib": NnlibRunner, "torch": TorchRunner, "sklearn": SklearnRunner, "seed": SeedRunner}


# ---------------------------------------------------------------------------------------------
# Worker processes: one per implementation, so that only its own thread pools exist there.
# ---------------------------------------------------------------------------------------------

def thread_pools():
    """A short description of the BLAS / OpenMP pools loaded in this process (threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    pools = []
    for p in threadpool_info():
        name = " ".join(x for x in (p["internal_api"], p.get("version"), p.get("architecture")) if x)
        threads = f"{p['num_threads']} thread{'s' if p['num_threads'] != 1 else ''}"
        pools.append(f"{name} ({threads}, {Path(p['filepath']).name})")
    return "; ".join(pools)


def _worker(conn, name, n_samples, threads):
    """Build one implementation, then run the commands the parent sends, one at a time."""
    try:
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=threads)
        except ImportError:
            pass  # the *_NUM_THREADS environment variables set by the parent still apply
        X, y = make_data(n_samples)
        runner = RUNNERS[name](X, y, threads)
        conn.send(("ok", {**runner.info(), "pools": thread_pools()}, 0.0))
    except Exception:  # report why this implementation cannot run (e.g. not installed)
        conn.send(("error", traceback.format_exc(limit=2), 0.0))
        return
    while True:  # an idle worker waits here and uses no CPU
        command, argument = conn.recv()
        if command == "stop":
            return
        cpu = time.process_time()  # all threads of this process, BLAS and OpenMP ones included
        try:
            value = getattr(runner, command)(argument)
            conn.send(("ok", value, time.process_time() - cpu))
        except Exception:
            conn.send(("error", traceback.format_exc(), 0.0))


class Worker:
    """A child process running one implementation (started with "spawn": a clean interpreter)."""

    def __init__(self, name, n_samples, threads):
        ctx = multiprocessing.get_context("spawn")
        self.name = name
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, name, n_samples, threads), daemon=True)
        self.process.start()
        self.ok = self.info = None

    def wait_ready(self):
        status, self.info, _ = self.conn.recv()
        self.ok = status == "ok"

    def call(self, command, argument=None):
        """Run ``command`` in the worker; returns ``(value, cpu_seconds_the_worker_used)``."""
        self.conn.send((command, argument))
        status, value, cpu = self.conn.recv()
        if status != "ok":
            raise RuntimeError(f"{self.name} failed:\n{value}")
        return value, cpu

    def stop(self):
        if self.process.is_alive():
            if self.ok:
                self.conn.send(("stop", None))
            self.process.join(timeout=10)


# ---------------------------------------------------------------------------------------------
# Measuring on a shared machine
# ---------------------------------------------------------------------------------------------

def cpu_seconds_used():
    """``(busy, stolen)`` CPU seconds of the whole machine since boot (Linux /proc/stat), or None.

    ``stolen`` is time a virtual machine's CPUs were ready to run but the host ran something else.
    """
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    hz = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    return (user + nice + system + irq + softirq) / hz, steal / hz


RERUNS = {}  # name -> how many measurements had to be repeated


def measure(worker, command, argument, retries):
    """Run one measurement; re-run it (at most ``retries`` times) if something else used the CPUs.

    While a worker trains, the machine's busy CPU time should be that worker's own. When other
    programs (or the host, for a virtual machine) take more than 10% of a core on top, a
    two-thread timing can come out several times too slow, so the measurement is repeated.
    Returns ``(value, disturbed)``: the last value, and whether it was still disturbed.
    """
    for attempt in range(retries + 1):
        if attempt:
            RERUNS[worker.name] = RERUNS.get(worker.name, 0) + 1
        before, start = cpu_seconds_used(), time.perf_counter()
        value, own_cpu = worker.call(command, argument)
        wall, after = time.perf_counter() - start, cpu_seconds_used()
        if before is None or after is None:
            return value, False
        others = (after[0] - before[0]) - own_cpu + (after[1] - before[1])
        disturbed = others > max(0.1 * wall, 0.03)  # 0.03 s: /proc/stat counts in 10 ms ticks
        if not disturbed:
            break
    return value, disturbed


def measure_training(workers, batch_sizes, repeats, warmup, peak_n, retries):
    """Alternate the workers, one epoch each per batch size, ``warmup + repeats`` times.

    Returns ``{(name, batch_size): [(seconds, loss), ...]}`` (one entry per repetition, the
    warm-up rounds dropped: first calls pay for lazy initialization) and ``{shape: [GFLOP/s]}``.
    """
    names = list(workers)
    results, peaks, disturbed = {}, {}, 0
    for rep in range(warmup + repeats):
        kept = rep >= warmup
        if "nnlib" in workers:
            for shape, gflops in measure(workers["nnlib"], "matmul_peak", peak_n, retries)[0].items():
                if kept:
                    peaks.setdefault(shape, []).append(gflops)
        # A new order every repetition: a fixed (or merely rotated) order would always give each
        # implementation the same predecessor, and with it the same leftovers (spinning threads).
        turn = random.Random(rep).sample(names, len(names))
        for batch_size in batch_sizes:
            for name in turn:
                run, still_disturbed = measure(workers[name], "epoch", batch_size, retries)
                if kept:
                    results.setdefault((name, batch_size), []).append(run)
                    disturbed += still_disturbed
        print(f"  {'repetition' if kept else 'warm-up'} {rep + 1 - warmup if kept else rep + 1}"
              f"/{repeats if kept else warmup} done", flush=True)
    if disturbed:
        print(f"  {disturbed} of {repeats * len(batch_sizes) * len(names)} measurements were disturbed by "
              f"other programs even after {retries} re-runs: take these numbers with care")
    return results, peaks


def measure_digits(workers, repeats, warmup, max_epochs, retries):
    """Time-to-accuracy on the digits for nnlib and PyTorch, alternated; the warm-up is dropped."""
    runs = {name: [] for name in ("nnlib", "torch") if name in workers}
    for rep in range(warmup + repeats):
        for name in runs:
            run, _ = measure(workers[name], "digits", max_epochs, retries)
            if rep >= warmup:
                runs[name].append(run)
    return runs


# ---------------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------------

def machine_description(threads):
    cpu = platform.processor() or platform.machine()
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        fields = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in lines if ":" in line)}
        cpu = (f"{fields.get('model name', cpu)} (family {fields.get('cpu family', '?')}, "
               f"model {fields.get('model', '?')})")
    except OSError:
        pass
    text = (f"CPU: {cpu}, {os.cpu_count()} logical cores; Python {platform.python_version()}, "
            f"NumPy {np.__version__}; {threads} thread(s) per library")
    if hasattr(os, "getloadavg"):
        text += f"; load average before the run {os.getloadavg()[0]:.2f}"
    return text


def default_threads():
    try:
        from threadpoolctl import threadpool_info

        blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
        if blas:
            return blas[0]["num_threads"]
    except ImportError:
        pass
    return os.cpu_count() or 1


def median(values):
    return statistics.median(values) if values else float("nan")


def paired_ratio(reference_runs, runs):
    """Median over repetitions of (reference time / time): each pair ran back to back."""
    return median([ref[0] / run[0] for ref, run in zip(reference_runs, runs)])


def print_throughput(results, batch_sizes, names, info, n_samples, peak):
    print(f"\n{'batch':>5}  {'implementation':<27} {'dtype':<8} {'samples/s':>10} {'vs PyTorch':>10} "
          f"{'(range)':>11} {'epoch loss':>10} {'GFLOP/s':>8} {'% of peak':>9}")
    for batch_size in batch_sizes:
        reference = results.get(("torch", batch_size))
        full, rest = divmod(n_samples, batch_size)  # the last batch may be short: count it exactly
        flops = full * training_flops(SIZES, batch_size) + training_flops(SIZES, rest)
        for i, name in enumerate(names):
            runs = results[(name, batch_size)]
            seconds = median([s for s, _ in runs])
            ratio, spread = "-", ""
            if reference:
                ratios = [ref[0] / run[0] for ref, run in zip(reference, runs)]
                ratio, spread = f"{median(ratios):.2f}x", f"{min(ratios):.2f}-{max(ratios):.2f}"
            gflops = flops / seconds / 1e9
            share = f"{100 * gflops / peak:.0f}%" if peak else "-"
            print(f"{batch_size if i == 0 else '':>5}  {LABELS[name]:<27} {info[name]['dtype']:<8} "
                  f"{n_samples / seconds:>10,.0f} {ratio:>10} {spread:>11} {runs[-1][1]:>10.4f} {gflops:>8.1f} "
                  f"{share:>9}")


def print_digits(runs, repeats, max_epochs):
    print(f"\ndigits {'-'.join(map(str, DIGITS_SIZES))} (the chapter 9 network), ReLU, Adam lr {DIGITS_LR}, "
          f"batch {DIGITS_BATCH}, float64, same weights and batches: time to {100 * DIGITS_TARGET:.0f}% "
          f"validation accuracy\n(at most {max_epochs} epochs; an evaluation after every epoch), "
          f"median of {repeats}")
    for name, name_runs in runs.items():
        _, epochs, acc = name_runs[-1]
        seconds = median([s for s, _, _ in name_runs])
        ratio = f"{paired_ratio(runs['torch'], name_runs):.2f}x PyTorch's speed" if "torch" in runs else ""
        print(f"  {LABELS[name]:<27} {seconds:7.3f} s = {epochs:3d} epochs x {1000 * seconds / epochs:5.1f} ms  "
              f"accuracy {100 * acc:.1f}%  {ratio}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition (for the test)")
    parser.add_argument("--repeats", type=int, default=None, help="repetitions per measurement (default 7)")
    parser.add_argument("--warmup", type=int, default=None, help="untimed rounds first (default 1)")
    parser.add_argument("--batch-sizes", default=None, help="comma-separated (default 32,128,512)")
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS / torch threads (default: NumPy's BLAS threads)")
    parser.add_argument("--samples", type=int, default=None, help="training samples (default 60000)")
    parser.add_argument("--only", default=",".join(IMPLEMENTATIONS),
                        help=f"comma-separated subset of {','.join(IMPLEMENTATIONS)}")
    parser.add_argument("--no-digits", action="store_true", help="skip the digits time-to-accuracy run")
    parser.add_argument("--retries", type=int, default=None,
                        help="re-runs of a measurement disturbed by other programs (default 3)")
    args = parser.parse_args(argv)

    n_samples = args.samples or (2048 if args.quick else 60000)
    repeats = args.repeats or (1 if args.quick else 7)
    warmup = args.warmup if args.warmup is not None else (0 if args.quick else 1)
    retries = args.retries if args.retries is not None else (0 if args.quick else 3)
    batch_sizes = [int(b) for b in (args.batch_sizes or ("32,128" if args.quick else "32,128,512")).split(",")]
    threads = args.threads or default_threads()
    peak_n = 1024 if args.quick else 2048
    digits_epochs = 2 if args.quick else DIGITS_MAX_EPOCHS
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)  # inherited by the workers, which also use threadpoolctl

    print(machine_description(threads))
    print(f"MLP {'-'.join(map(str, SIZES))}, ReLU, softmax cross-entropy, plain SGD (lr {LR}); "
          f"{n_samples:,} samples; one epoch per measurement; median of {repeats} alternated "
          f"repetition(s) after {warmup} warm-up")
    exact, popular = training_flops(SIZES, 1), six_n_params_flops(SIZES, 1)
    print(f"training FLOPs per sample: exact {exact:,} (forward + weight gradients + input gradients "
          f"of layers 2-{len(SIZES) - 1}); 6 x parameters = {popular:,}, {popular / exact:.2f}x the exact count")

    starting = [Worker(name, n_samples, threads) for name in args.only.split(",")]  # start in parallel
    workers, info = {}, {}
    for worker in starting:
        worker.wait_ready()
        if worker.ok:
            workers[worker.name], info[worker.name] = worker, worker.info
            print(f"  {LABELS[worker.name]:<27} {worker.info['library']}; pools: {worker.info['pools']}")
        else:
            print(f"  {LABELS[worker.name]:<27} not run: {worker.info.strip().splitlines()[-1]}")
    try:
        results, peaks = measure_training(workers, batch_sizes, repeats, warmup, peak_n, retries)
        peak_name = f"{peak_n}x{peak_n} sgemm"
        peak = median(peaks[peak_name]) if peaks else None
        if peaks:
            line = "; ".join(f"{shape} {median(v):.0f} GFLOP/s" for shape, v in peaks.items())
            if "torch" in workers:
                torch_peak = workers["torch"].call("matmul_peak", peak_n)[0][peak_name]
                line += f"; PyTorch {peak_name} {torch_peak:.0f} GFLOP/s"
            print(f"\nfloat32 matmul measured in this run (NumPy): {line}")
        print_throughput(results, batch_sizes, list(workers), info, n_samples, peak)
        if RERUNS:
            print("re-runs of disturbed measurements: "
                  + ", ".join(f"{LABELS[name]} {count}" for name, count in RERUNS.items()))
        print(f"'vs PyTorch': median over repetitions of PyTorch's time / this time (each pair ran back to back), "
              "and its lowest and highest value; "
              f"'% of peak': achieved GFLOP/s (exact count) / NumPy's {peak_name} GFLOP/s in this run; "
              "'epoch loss': mean training loss of the epoch")
        if not args.no_digits:
            runs = measure_digits(workers, repeats, warmup, digits_epochs, retries)
            if runs:
                print_digits(runs, repeats, digits_epochs)
    finally:
        for worker in workers.values():
            worker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
