"""Sheet 1 (chapter 1): activations and the dense layer."""

import math

import numpy as np

from .. import functional as F
from .common import _F32, _rng
from .registry import exercise


def _sigmoid_variants(z):
    return [
        (lambda: 1 / (1 + np.exp(z)),
         "Your values are sigmoid(-z): is the minus sign in np.exp(-z) missing?"),
        (lambda: 1 + np.exp(-z),
         "`1 / 1 + np.exp(-z)` computes (1/1) + exp(-z): put the denominator in parentheses, "
         "1 / (1 + np.exp(-z))."),
        (lambda: 1 / (1 - np.exp(-z)), "The denominator is 1 + exp(-z), not 1 - exp(-z)."),
        (lambda: np.tanh(z), "That is tanh(z); the sigmoid is 1 / (1 + exp(-z))."),
        (lambda: np.exp(-z), "Only the numerator-free part: sigmoid(z) = 1 / (1 + exp(-z))."),
    ]


@exercise("sigmoid", args=("z",), chapter="01_forward_propagation")
def _check_sigmoid(t):
    z = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    expected = np.array([1 / (1 + math.exp(2)), 1 / (1 + math.exp(1)), 0.5,
                         1 / (1 + math.exp(-1)), 1 / (1 + math.exp(-2))])
    t.case("hand-worked values", z=z)
    t.array(t.call(z), expected, "sigmoid(z)", variants=_sigmoid_variants(z))

    z = _rng(1).normal(0, 3, size=(3, 4))
    t.case("a (3, 4) batch", z=z)
    t.array(t.call(z.copy()), F.sigmoid(z), "sigmoid(z)", variants=_sigmoid_variants(z))

    # Large enough to saturate, small enough that exp(+-z) stays finite in float64 (exp
    # overflows above 709), so every correct formula passes.
    z = np.array([-500.0, -50.0, -20.0, 20.0, 50.0, 500.0])
    expected = np.array([1 / (1 + math.exp(500)), 1 / (1 + math.exp(50)), 1 / (1 + math.exp(20)),
                         1 / (1 + math.exp(-20)), 1 / (1 + math.exp(-50)), 1.0])
    t.case("large inputs", z=z)
    t.array(t.call(z), expected, "sigmoid(z)", variants=_sigmoid_variants(z))

    z = _rng(2).normal(0, 2, size=(1, 5)).astype(np.float32)
    t.case("float32 input, a batch of one", z=z)
    t.array(t.call(z.copy()), F.sigmoid(z.astype(np.float64)), "sigmoid(z)",
            variants=_sigmoid_variants(z), **_F32)


def _relu_variants(z):
    return [
        (lambda: np.abs(z), "np.abs keeps negative inputs (flipped); ReLU sets them to 0."),
        (lambda: np.minimum(z, 0), "That is min(0, z); ReLU is max(0, z)."),
        (lambda: z, "Negative inputs must become 0: np.maximum(z, 0)."),
        (lambda: (z > 0).astype(float), "That is the mask z > 0 (the derivative); ReLU returns "
                                        "z itself where z > 0."),
    ]


@exercise("relu", args=("z",), chapter="01_forward_propagation")
def _check_relu(t):
    np_max_hint = ("np.max(z, 0) reduces z along axis 0 (it finds the largest value); "
                   "np.maximum(z, 0) compares elementwise.")
    z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    t.case("hand-worked values", z=z)
    out = t.call(z)
    if np.isscalar(out) or (isinstance(out, np.ndarray) and out.ndim == 0):
        t.fail("relu(z) returned a single number instead of an array.", hint=np_max_hint)
    t.array(out, np.array([0.0, 0.0, 0.0, 0.5, 3.0]), "relu(z)", variants=_relu_variants(z))

    z = _rng(3).normal(size=(3, 5))
    t.case("a (3, 5) batch", z=z)
    t.array(t.call(z.copy()), F.relu(z), "relu(z)", variants=_relu_variants(z),
            shape_hints={(5,): np_max_hint, (3,): np_max_hint})

    z = _rng(4).normal(size=(2, 3)).astype(np.float32)
    t.case("float32 input", z=z)
    t.array(t.call(z.copy()), F.relu(z).astype(np.float64), "relu(z)", variants=_relu_variants(z),
            **_F32)


def _dense_variants(x, W, b):
    return [
        (lambda: x @ W.T + b, "x @ W.T: W already has shape (D, H) = (fan_in, fan_out); "
                              "use x @ W."),
        (lambda: W @ x + b, "W @ x is the column-vector order; with one sample per row it is "
                            "x @ W."),
        (lambda: W.T @ x + b, "W.T @ x is the column-vector order; with one sample per row it is "
                              "x @ W."),
        (lambda: x @ W, "The bias b is missing: x @ W + b."),
        (lambda: x @ W + b[:, None], "b must be added to every row (b has shape (H,)): x @ W + b."),
        (lambda: x @ W * b, "Add the bias, do not multiply: x @ W + b."),
    ]


@exercise("dense_forward", args=("x", "W", "b"), chapter="01_forward_propagation",
          shape_hint="x is (N, D), W is (D, H) = (fan_in, fan_out), b is (H,); x @ W + b has "
                     "shape (N, H).")
def _check_dense_forward(t):
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    b = np.array([0.5, 0.0, -0.5])
    t.case("hand-worked values, a batch of one", x=x, W=W, b=b)
    t.array(t.call(x, W, b), np.array([[5.5, 2.0, -1.5]]), "dense_forward(x, W, b)",
            variants=_dense_variants(x, W, b))

    for name, (n, d, h), seed in [("N=4, D=3, H=5", (4, 3, 5), 5),
                                  ("square: N = D = H = 3", (3, 3, 3), 6)]:
        r = _rng(seed)
        x, W, b = r.normal(size=(n, d)), r.normal(size=(d, h)), r.normal(size=h)
        t.case(name, x=x, W=W, b=b)
        t.array(t.call(x.copy(), W.copy(), b.copy()), F.dense_forward(x, W, b),
                "dense_forward(x, W, b)", variants=_dense_variants(x, W, b))

    r = _rng(7)
    x, W, b = (r.normal(size=(2, 4)).astype(np.float32), r.normal(size=(4, 3)).astype(np.float32),
               r.normal(size=3).astype(np.float32))
    t.case("float32 inputs", x=x, W=W, b=b)
    x64, W64, b64 = x.astype(np.float64), W.astype(np.float64), b.astype(np.float64)
    t.array(t.call(x.copy(), W.copy(), b.copy()), F.dense_forward(x64, W64, b64),
            "dense_forward(x, W, b)", variants=_dense_variants(x64, W64, b64), **_F32)
