"""What each of nnlib's optimizations buys: train one epoch with each one undone in turn.

    python benchmarks/ablation.py                  # 20,000 samples, batch sizes 32, 128, 512
    python benchmarks/ablation.py --batch-sizes 128 --repeats 9
    python benchmarks/ablation.py --pools          # also: two BLAS thread pools taking turns

The epoch loop below is ``nnlib.fit``'s inner loop (forward, loss, backward, SGD step), written
out so that every optimization can be switched back to the straightforward code it replaced:

=================  =============================================  ===================================
name               optimized (what nnlib does)                    undone (the straightforward code)
=================  =============================================  ===================================
input-grad         skip ``dx`` of the first layer                 ``dout @ W.T`` for the data too
relu-mask          ReLU backward ``dout * (z > 0)``               ``np.where(z > 0, dout, 0)``
relu-zeros         ReLU ``np.maximum(z, zeros)``, zeros kept      ``np.maximum(z, 0)``
take-buffer        ``np.take(X, idx, out=buffer, mode="clip")``   a fresh ``X[idx]`` every step
bias-inplace       ``out = x @ W; out += b``                      ``x @ W + b``
float32-onehot     loss gradient built by indexing, float32       ``np.eye(C)[y]`` one-hot (float64)
python-float-lr    ``float(lr) * grad``                           ``np.float64(lr) * grad``
=================  =============================================  ===================================

Every configuration runs in this one process, in a new order every repetition and each right
after a run with all optimizations on (a measurement during which other programs used the CPUs
is run again, as in bench_mlp.py); the table reports the median of those paired slowdowns. The first line times ``nnlib.fit`` itself, to show that
the loop here is the same thing.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import nnlib  # noqa: E402
from bench_mlp import LR, SIZES, cpu_seconds_used, make_data  # noqa: E402
from nnlib import functional as F  # noqa: E402
from nnlib.layers import Dense, ReLU  # noqa: E402
from nnlib.losses import softmax_cross_entropy  # noqa: E402

OPTIMIZATIONS = ["input-grad", "relu-mask", "relu-zeros", "take-buffer", "bias-inplace", "float32-onehot", "python-float-lr"]


def softmax_cross_entropy_eye(logits, y):
    """Softmax cross-entropy with the one-hot targets built by ``np.eye``: a float64 matrix, so for
    float32 logits the gradient, and with it the whole backward pass, becomes float64."""
    n, num_classes = logits.shape
    probs = F.softmax(logits)
    onehot = np.eye(num_classes)[y]
    loss = -float(np.mean(np.log(probs[np.arange(n), y])))
    return loss, (probs - onehot) / n


def dense_forward_with_temporary(self, x, train=True):
    """Dense.forward as it was: ``x @ W + b`` allocates the product, then a second array for the sum."""
    self.x = x
    return x @ self.W + self.b


def sgd_step(params, grads, lr):
    """Plain SGD as nnlib.SGD does it, ``p -= lr * g``, with ``lr`` as it is given (float or NumPy)."""
    for p, g in zip(params, grads):
        p -= lr * g


def train_epoch(model, X, y, batch_size, undo=()):
    """One epoch of fit's inner loop with the optimizations in ``undo`` switched off. Returns the loss."""
    n = len(X)
    order = np.random.default_rng(2).permutation(n)
    params, grads = model.parameters(), model.gradients()
    loss_fn = softmax_cross_entropy_eye if "float32-onehot" in undo else softmax_cross_entropy
    lr = np.float64(LR) if "python-float-lr" in undo else float(LR)
    buffer = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
    total = 0.0
    for first in range(0, n, batch_size):
        idx = order[first:first + batch_size]
        if "take-buffer" in undo:
            Xb = X[idx]
        else:
            Xb = np.take(X, idx, axis=0, out=buffer[:len(idx)], mode="clip")
        out = model.forward(Xb)
        loss, dout = loss_fn(out, y[idx])
        model.backward(dout, input_grad="input-grad" in undo)
        sgd_step(params, grads, lr)
        total += loss * len(idx)
    return total / n


def patched(undo):
    """Put the layer-level optimizations in ``undo`` back to the old code; returns a restore function."""
    saved = {"forward": Dense.forward, "relu": ReLU.__dict__["_f_backward"], "relu_f": ReLU.__dict__["_f"]}
    if "bias-inplace" in undo:
        Dense.forward = dense_forward_with_temporary
    if "relu-mask" in undo:
        ReLU._f_backward = staticmethod(F.relu_backward)
    if "relu-zeros" in undo:
        ReLU._f = staticmethod(F.relu)

    def restore():
        Dense.forward = saved["forward"]
        ReLU._f_backward = saved["relu"]
        ReLU._f = saved["relu_f"]
    return restore


def new_model(dtype):
    return nnlib.mlp(SIZES, rng=np.random.default_rng(1), dtype=dtype)


def time_config(config, X, y, X64, batch_size):
    """Seconds for one epoch of configuration ``config`` (a name) at ``batch_size``."""
    if config == "nnlib.fit":
        model = new_model(np.float32)
        start = time.perf_counter()
        nnlib.fit(model, X, y, epochs=1, batch_size=batch_size, optimizer=nnlib.SGD(lr=LR),
                  rng=np.random.default_rng(2))
        return time.perf_counter() - start
    if config == "float64 model":
        model = new_model(np.float64)
        start = time.perf_counter()
        train_epoch(model, X64, y, batch_size)
        return time.perf_counter() - start
    undo = OPTIMIZATIONS if config == "none (all undone)" else [] if config == "all on" else [config]
    model = new_model(np.float32)
    restore = patched(undo)
    try:
        start = time.perf_counter()
        train_epoch(model, X, y, batch_size, undo)
        return time.perf_counter() - start
    finally:
        restore()


def time_undisturbed(config, X, y, X64, batch_size, retries=3):
    """``time_config``, run again (at most ``retries`` times) while other programs used the CPUs."""
    for _ in range(retries + 1):
        before, own = cpu_seconds_used(), time.process_time()
        seconds = time_config(config, X, y, X64, batch_size)
        after, own = cpu_seconds_used(), time.process_time() - own
        if before is None or after is None:
            break
        others = (after[0] - before[0]) - own + (after[1] - before[1])
        if others <= max(0.1 * seconds, 0.03):
            break
    return seconds


def two_pools(repeats):
    """Alternate matrix products between NumPy's OpenBLAS and SciPy's own OpenBLAS pool."""
    try:
        import scipy.linalg.blas as scipy_blas
    except ImportError:
        print("\nscipy is not installed: skipping the two-pool experiment")
        return
    rng = np.random.default_rng(0)
    a = rng.standard_normal((128, 784), dtype=np.float32)
    w = rng.standard_normal((784, 256), dtype=np.float32)
    products = {"NumPy": lambda: a @ w, "SciPy": lambda: scipy_blas.sgemm(1.0, a, w)}
    print("\ntwo BLAS pools: a (128, 784) @ (784, 256) float32 product, 200 times in a row, "
          f"median of {repeats}")
    for first, second in [("NumPy", "NumPy"), ("NumPy", "SciPy"), ("SciPy", "SciPy")]:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(100):
                products[first]()
                products[second]()
            times.append((time.perf_counter() - start) / 200)
        print(f"  alternating {first} and {second}: {1e6 * statistics.median(times):8.1f} us per product")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for the test)")
    parser.add_argument("--repeats", type=int, default=None, help="alternated repetitions (default 7)")
    parser.add_argument("--batch-sizes", default=None, help="comma-separated (default 32,128,512)")
    parser.add_argument("--samples", type=int, default=None, help="training samples (default 20000)")
    parser.add_argument("--pools", action="store_true", help="also time two BLAS pools taking turns")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads (default: NumPy's)")
    args = parser.parse_args(argv)
    if args.threads:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            parser.error("--threads needs threadpoolctl (pip install threadpoolctl)")
        threadpool_limits(limits=args.threads)
    n = args.samples or (1024 if args.quick else 20000)
    repeats = args.repeats or (1 if args.quick else 7)
    retries = 0 if args.quick else 3
    batch_sizes = [int(b) for b in (args.batch_sizes or ("128" if args.quick else "32,128,512")).split(",")]

    X, y = make_data(n)
    X64 = X.astype(np.float64)
    configs = ["nnlib.fit"] + OPTIMIZATIONS + ["none (all undone)", "float64 model"]
    print(f"MLP {'-'.join(map(str, SIZES))}, float32, plain SGD, {n:,} samples, one epoch per "
          f"measurement, {repeats} repetitions after one warm-up round. Every configuration is timed "
          f"right after 'all on' (all optimizations on); 'slower' is the median of these paired ratios.")
    times, ratios = {}, {}
    for rep in range(repeats + 1):
        for batch_size in batch_sizes:
            for config in random.Random(rep).sample(configs, len(configs)):  # a new order every time
                base = time_undisturbed("all on", X, y, X64, batch_size, retries)
                seconds = time_undisturbed(config, X, y, X64, batch_size, retries)
                if rep > 0:
                    times.setdefault(("all on", batch_size), []).append(base)
                    times.setdefault((config, batch_size), []).append(seconds)
                    ratios.setdefault((config, batch_size), []).append(seconds / base)
    print(f"\n{'undone':<20}" + "".join(f"{f'batch {b}: samples/s  slower':>32}" for b in batch_sizes))
    for config in ["all on"] + configs:
        row = f"{config:<20}"
        for batch_size in batch_sizes:
            seconds = statistics.median(times[(config, batch_size)])
            ratio = statistics.median(ratios.get((config, batch_size), [1.0]))
            row += f"{n / seconds:>22,.0f} {ratio:>8.2f}x"
        print(row)
    if args.pools:
        two_pools(repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
