"""The benchmarks must keep running, and the optimizations they measure must keep nnlib correct.

Tiny runs of benchmarks/bench_mlp.py, benchmarks/ablation.py and benchmarks/bench_explorers.py,
their FLOP count, the seed-style network, and the properties of nnlib the speed relies on
(float32 stays float32, no input gradient in fit, the ReLU mask). Correctness only: no timing is
asserted here (the benchmarks report speed, as ratios and medians).
"""

import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nnlib

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import ablation  # noqa: E402
import bench_mlp  # noqa: E402
import seed_style  # noqa: E402


def test_exact_flop_count_of_a_small_net():
    # sizes 4-3-2, batch 5: forward 2*5*(12 + 6) = 180, weight gradients 180 again,
    # input gradient of the second layer only 2*5*6 = 60.
    assert bench_mlp.training_flops([4, 3, 2], 5) == 420
    assert bench_mlp.six_n_params_flops([4, 3, 2], 5) == 6 * 5 * (12 + 3 + 6 + 2)


def test_flop_count_of_the_benchmark_net():
    exact = 2 * (784 * 256 + 256 * 128 + 128 * 10) * 2 + 2 * (256 * 128 + 128 * 10)
    assert bench_mlp.training_flops([784, 256, 128, 10], 1) == exact == 1_007_104
    assert 1.38 < bench_mlp.six_n_params_flops([784, 256, 128, 10], 1) / exact < 1.42


def test_seed_style_network_learns():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 20))
    y = np.argmax(X @ rng.standard_normal((20, 4)), axis=1)
    arch = seed_style.architecture([20, 32, 16, 4])
    params = seed_style.init_layers(arch, rng)
    losses = [seed_style.train_epoch(X, y, params, arch, 0.1, 32, rng.permutation(len(X))) for _ in range(15)]
    assert losses[-1] < 0.5 * losses[0]
    Y_hat, _ = seed_style.full_forward_propagation(X, params, arch)
    assert np.mean(Y_hat.argmax(axis=1) == y) > 0.9


def test_seed_style_gradients_match_nnlib():
    """Same weights, same batch: the seed-style backward pass gives nnlib's gradients."""
    rng = np.random.default_rng(1)
    model = nnlib.mlp([6, 5, 3], rng=rng, bias=0.1)
    X, y = rng.standard_normal((8, 6)), rng.integers(0, 3, 8)
    _, dout = nnlib.losses.softmax_cross_entropy(model.forward(X), y)
    model.backward(dout)
    arch = seed_style.architecture([6, 5, 3])
    params = {"W1": model.layers[0].W, "b1": model.layers[0].b[None], "W2": model.layers[2].W,
              "b2": model.layers[2].b[None]}
    Y_hat, cache = seed_style.full_forward_propagation(X, params, arch)
    grads = seed_style.full_backward_propagation(Y_hat, np.eye(3)[y], cache, params, arch)
    for key, g in [("dW1", model.layers[0].dW), ("db1", model.layers[0].db), ("dW2", model.layers[2].dW)]:
        np.testing.assert_allclose(grads[key].ravel(), g.ravel(), rtol=1e-10, atol=1e-12)


def test_quick_run_prints_every_implementation():
    proc = subprocess.run([sys.executable, str(BENCH / "bench_mlp.py"), "--quick", "--threads", "1"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "1,007,104" in out and "1.40x the exact count" in out
    expected = ["nnlib (fit)", "seed-style NumPy"]
    if importlib.util.find_spec("torch") is not None:
        expected.append("PyTorch")
    if importlib.util.find_spec("sklearn") is not None:
        expected.append("scikit-learn MLPClassifier")
    table = out.split("% of peak\n")[1].split("\n'vs PyTorch'")[0]  # from the header to the note below
    for label in expected:
        assert table.count(label) == 2, f"{label} missing from the table:\n{out}"  # batch 32 and 128
    # Same weights and batch order: nnlib, PyTorch and the seed-style loop report the same epoch loss.
    losses = {}
    for line in table.splitlines():
        for label in ("nnlib (fit)", "PyTorch", "seed-style NumPy"):
            if label in line:
                losses.setdefault(label, []).append(float(line.split()[-3]))
    assert np.allclose(losses["nnlib (fit)"], losses["seed-style NumPy"], atol=1e-3)
    if "PyTorch" in losses:
        assert np.allclose(losses["nnlib (fit)"], losses["PyTorch"], atol=1e-3)
    assert "digits" in out


def test_explorer_benchmark_quick_run():
    """benchmarks/bench_explorers.py on tiny sizes: every case prints its compute and draw times."""
    pytest.importorskip("matplotlib")
    pytest.importorskip("ipywidgets")
    proc = subprocess.run([sys.executable, str(BENCH / "bench_explorers.py"), "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "logical cores" in out and out.count("load average") == 2 and "of a core while measuring" in out
    rows = [line for line in out.splitlines() if " ms: " in line]  # "... | 500 ms: met, met"
    explorers = [row.split("  ")[0] for row in rows]
    assert explorers == ["learning rate"] * 2 + ["initialization"] * 5 + ["dropout"] * 3, out
    assert sum("PREFETCHED" in row for row in rows) == 1 and sum("COLD" in row for row in rows) == 1, out
    for row in rows:  # the COLD move's CPU time is two threads' work: only its wall time has a verdict
        assert row.endswith(", 2 threads" if "COLD" in row else "met"), row
    for row in rows:
        wall, cpu = row.split("|")[:2]
        assert len(wall.split()[-3:]) == 3 and all(float(v) >= 0 for v in wall.split()[-3:]), row
        assert all(float(v) >= 0 for v in cpu.split()), row


@pytest.mark.parametrize("undone", ablation.OPTIMIZATIONS)
def test_every_ablation_trains_the_same_network(undone):
    """Undoing an optimization changes the speed, never the arithmetic (beyond float rounding)."""
    X, y = bench_mlp.make_data(256)
    runs = {}
    for undo in ([], [undone]):
        model = ablation.new_model(np.float32)
        restore = ablation.patched(undo)
        try:
            loss = ablation.train_epoch(model, X, y, 32, undo)
        finally:
            restore()
        runs[bool(undo)] = (loss, [p.copy() for p in model.parameters()])
    assert abs(runs[True][0] - runs[False][0]) < 1e-4
    for a, b in zip(runs[True][1], runs[False][1]):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)
    from nnlib.layers import Dense, ReLU  # the original layer code is back

    assert Dense.forward is not ablation.dense_forward_with_temporary
    assert ReLU._f_backward is not nnlib.functional.relu_backward


def test_ablation_quick_run():
    proc = subprocess.run([sys.executable, str(BENCH / "ablation.py"), "--quick", "--samples", "512"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    for config in ["nnlib.fit", "all on", *ablation.OPTIMIZATIONS, "none (all undone)", "float64 model"]:
        assert f"\n{config} " in proc.stdout


# ---------------------------------------------------------------------------------------------
# The optimizations the benchmark relies on, as properties of nnlib
# ---------------------------------------------------------------------------------------------

def _record_dtypes(model, seen):
    """Wrap every layer's forward and backward to record the dtypes going in and out."""
    for layer in model.layers:
        def forward(x, train=True, _f=layer.forward):
            out = _f(x, train=train)
            seen.extend([x.dtype, out.dtype])
            return out

        def backward(dout, _b=layer.backward, **options):
            dx = _b(dout, **options)
            seen.extend([dout.dtype] + ([] if dx is None else [dx.dtype]))
            return dx

        layer.forward, layer.backward = forward, backward


@pytest.mark.parametrize("optimizer", [nnlib.SGD(lr=np.float64(0.1)), nnlib.Adam(lr=np.float64(1e-3))])
def test_float32_training_never_turns_float64(optimizer):
    """Every activation and gradient of a float32 fit stays float32, even with a NumPy float64 lr."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 20)).astype(np.float32)
    y = rng.integers(0, 3, 64)
    model = nnlib.mlp([20, 16, 8, 3], rng=rng, dtype=np.float32)
    seen = []
    _record_dtypes(model, seen)
    nnlib.fit(model, X, y, epochs=2, batch_size=16, optimizer=optimizer, rng=rng, l2=np.float64(1e-3))
    assert len(seen) > 100 and set(seen) == {np.dtype(np.float32)}
    assert all(p.dtype == np.float32 for p in model.parameters() + model.gradients())


def test_sgd_step_with_numpy_float64_lr_computes_in_float32():
    """np.float64(0.1) * float32 array is float64 under NumPy 2; SGD uses a Python float instead."""
    rng = np.random.default_rng(1)
    p0, g = rng.standard_normal(1000).astype(np.float32), rng.standard_normal(1000).astype(np.float32)
    p = p0.copy()
    nnlib.SGD(lr=np.float64(0.1)).step([p], [g])
    assert np.array_equal(p, p0 - np.float32(0.1) * g)  # the float32 product, rounded as float32
    assert not np.array_equal(p, (p0 - np.float64(0.1) * g).astype(np.float32))  # not the float64 one


def test_adam_step_computes_in_float32():
    """Adam's bias-corrected step size is a Python float (math.sqrt), not np.float64 (np.sqrt)."""
    rng = np.random.default_rng(5)
    p0, g = rng.standard_normal(1000).astype(np.float32), rng.standard_normal(1000).astype(np.float32)
    p = p0.copy()
    nnlib.Adam(lr=1e-3).step([p], [g])
    m, v = (1 - 0.9) * g, (1 - 0.999) * (g * g)  # float32, as after the first step
    step = 1e-3 * math.sqrt(1 - 0.999) / (1 - 0.9)
    assert np.array_equal(p, p0 - step * m / (np.sqrt(v) + 1e-8))


def test_fit_skips_the_input_gradient_but_backward_still_returns_it():
    rng = np.random.default_rng(2)
    model = nnlib.mlp([5, 4, 3], rng=rng)
    X, y = rng.standard_normal((6, 5)), rng.integers(0, 3, 6)
    _, dout = nnlib.losses.softmax_cross_entropy(model.forward(X), y)
    dX = model.backward(dout)
    grads = [g.copy() for g in model.gradients()]
    assert dX.shape == X.shape
    assert model.backward(dout, input_grad=False) is None
    assert all(np.array_equal(a, b) for a, b in zip(grads, model.gradients()))
    numeric = nnlib.gradcheck.numerical_gradient(
        lambda: nnlib.losses.softmax_cross_entropy(model.forward(X), y)[0], X)
    assert nnlib.gradcheck.rel_error(dX, numeric) < 1e-7


def test_relu_layer_gradient_equals_functional_relu_backward():
    rng = np.random.default_rng(3)
    z = rng.standard_normal((300, 200)).astype(np.float32)
    z[0, :5] = 0.0  # the kink gets gradient 0 in both
    dout = rng.standard_normal(z.shape).astype(np.float32)
    layer = nnlib.ReLU()
    layer.forward(z)
    dx = layer.backward(dout)
    assert dx.dtype == np.float32
    assert np.array_equal(dx, nnlib.functional.relu_backward(dout, z))


def test_fit_does_not_reuse_the_arrays_it_returns():
    """The batch buffer inside fit never leaks: forward outputs are fresh arrays every call."""
    rng = np.random.default_rng(4)
    model = nnlib.mlp([3, 4, 2], rng=rng)
    X = rng.standard_normal((10, 3))
    a = model.forward(X[:5])
    b = model.forward(X[5:])
    assert a is not b and not np.shares_memory(a, b)
    nnlib.fit(model, X, rng.integers(0, 2, 10), epochs=1, batch_size=4, rng=rng)
    assert not np.shares_memory(model.layers[0].x, X)


if __name__ == "__main__":
    pytest.main([__file__, "-v"])
