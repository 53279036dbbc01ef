"""Sheet 3 (chapter 3), third part: the `Dense` and `ReLU` layers as classes that keep their own
cache (CS231n's affine and ReLU layers, as objects).

The checkers live apart from ex03_backprop.py and ex03_backprop_part2.py only to keep each file
short; they belong to sheet 3 (``Exercise.sheet`` drops the ``_part3``), and ex03_backprop.py
imports this module after part 2, so that the exercises are registered in the order of the sheet.

After building a `Dense` layer (and checking its initialization) the checks set ``layer.W`` and
``layer.b`` to arrays of their own, so that forward and backward are compared with known values.
"""

import math
import re

import numpy as np

from .. import functional as F
from .common import _F32, _SIGMAS, _expect_value_error, _fmt, _Raised, _rng
from .registry import exercise
from .tester import _Errored

CHAPTER = "03_backpropagation"
_OWN_RNG = ("Turn the argument into a generator first, rng = np.random.default_rng(rng) (it "
            "accepts a Generator or an int seed), and draw W from it: "
            "rng.normal(0.0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)).")
_STORE_X = ("Store the input on every forward call (self.x = x), so that backward uses the input "
            "of the latest forward.")
_OWN_STATE = ("Keep the cache on the object (self.x = x, self.mask = ...), not in a class "
              "attribute or a global variable shared by every layer.")


class _Catching:
    """``forward`` of the learner's layer, with an exception coming back as a _Raised."""

    def __init__(self, layer):
        self._layer = layer

    def forward(self, x):
        try:
            return self._layer.forward(x)
        except Exception as exc:  # the learner's exception is what the case checks
            return _Raised(exc)


def _params(seed, d, h, dtype=np.float64):
    r = _rng(seed)
    return r.normal(size=(d, h)).astype(dtype), r.normal(size=h).astype(dtype)


def _attr(t, layer, name, shape, when):
    value = getattr(layer, name, None)
    if value is None:
        t.fail(f"{when}, the layer has no attribute `{name}`.",
               hint=f"Store it on the object: self.{name} = ... (this exact name).")
    t.is_array(value, f"layer.{name}", shape)
    if value.shape != shape:
        hints = {shape[::-1]: f"layer.{name} is transposed: it must have shape {shape} "
                              "(W and dW are (fan_in, fan_out), so that x @ W works).",
                 (1,) + shape: f"{name} must have shape {shape}: no keepdims=True, no extra axis."}
        t.fail(f"layer.{name} has shape {value.shape}, expected {shape}.",
               hint=hints.get(value.shape))
    return value


# ---------------------------------------------------------------------------------------------
# 3.10 Dense(fan_in, fan_out, rng)
# ---------------------------------------------------------------------------------------------


def _build(t, fan_in, fan_out, rng):
    """Construct the layer; check W (fan_in, fan_out) and b zeros (fan_out,)."""
    try:
        layer = t.call(fan_in, fan_out, rng)
    except _Errored as exc:
        if isinstance(rng, (int, np.integer)) and any(
                d.startswith("AttributeError") and "'int'" in d for d in exc.details):
            t.fail(f"Dense({fan_in}, {fan_out}, rng={rng}) with an int seed raised "
                   "AttributeError: an int has no methods like .normal.", hint=_OWN_RNG)
        raise
    when = f"after Dense({fan_in}, {fan_out}, rng)"
    W = _attr(t, layer, "W", (fan_in, fan_out), when)
    b = _attr(t, layer, "b", (fan_out,), when)
    if not np.all(np.isfinite(W)):
        t.fail("layer.W contains NaN or inf.")
    if np.any(b != 0):
        t.fail(f"layer.b is not all zeros: {np.round(b[:4], 4)}...",
               hint="Start the biases at zero, self.b = np.zeros(fan_out): only the weights are "
                    "drawn at random (their randomness already breaks the symmetry).")
    return layer


def _variance_hint(var, target, tol, fan_in, fan_out):
    named = [(2 / (fan_in + fan_out), "That is Xavier's variance 2 / (fan_in + fan_out); a "
                                      "layer followed by ReLU uses He's 2 / fan_in."),
             (2 / fan_out, "That is 2 / fan_out: He uses fan_in, the number of inputs of each "
                           "unit, W.shape[0]."),
             (1 / fan_in, "That is 1 / fan_in: He's variance has the factor 2, 2 / fan_in."),
             (target ** 2, "You used the variance as the standard deviation: scale standard "
                           "normal numbers by np.sqrt(2 / fan_in)."),
             (1.0, "The weights have variance 1: scale standard normal numbers by "
                   "np.sqrt(2 / fan_in)."),
             (1e-4, "That is the classic 0.01 * randn; He's variance is 2 / fan_in."),
             (target / 3, "A uniform on [-a, a] has variance a**2 / 3: a = np.sqrt(6 / fan_in).")]
    for value, hint in named:
        if abs(value / target - 1) > 0.15 and abs(var / value - 1) <= tol:
            return hint
    return "He: Var(w) = 2 / fan_in, so a normal needs the standard deviation np.sqrt(2 / fan_in)."


def _check_init(t):
    t.case("construction: Dense(3, 2, rng) has W of shape (3, 2) and b = zeros(2)")
    _build(t, 3, 2, _rng(300))
    t.case("an int seed is accepted: Dense(20, 30, rng=7)")
    _build(t, 20, 30, 7)

    t.case("randomness comes from rng only (int seeds 7 and 8)")

    def weights(seed, global_seed):
        np.random.seed(global_seed)  # the grader's own use; check() restores the global state
        return np.array(_build(t, 20, 30, seed).W, dtype=np.float64)

    a, b, c, d = weights(7, 1), weights(7, 2), weights(7, 1), weights(8, 1)
    if not np.array_equal(a, c):
        t.fail("two layers built with the same seed got different weights.", hint=_OWN_RNG)
    if not np.array_equal(a, b):
        t.fail("the weights change with NumPy's global random state (np.random.seed) although "
               "rng was the same.", hint="Use the generator, not np.random.randn or "
                                         "np.random.normal. " + _OWN_RNG)
    if np.array_equal(a, d):
        t.fail("layers built with different seeds got the same weights: rng is ignored.",
               hint=_OWN_RNG)

    for fan_in, fan_out, seed in [(400, 100, 301), (100, 400, 302)]:
        target, n = 2 / fan_in, fan_in * fan_out
        t.case(f"He initialization of Dense({fan_in}, {fan_out}, rng): W has mean 0 and "
               f"variance 2 / fan_in = {_fmt(target)}")
        W = _build(t, fan_in, fan_out, _rng(seed)).W.astype(np.float64)
        mean, var = float(W.mean()), float(W.var())
        mean_tol = _SIGMAS * math.sqrt(target / n)
        if abs(mean) > mean_tol:
            t.fail(f"the mean of W is {_fmt(mean)}, expected 0 (within {_fmt(mean_tol)}).",
                   hint="Draw the weights centred on 0: rng.normal(0.0, std, size=...).")
        if len(np.unique(W)) < 0.9 * n:
            t.fail(f"only {len(np.unique(W))} of the {n} weights are different.",
                   hint="Draw one random number per weight: size=(fan_in, fan_out).")
        tol = _SIGMAS * math.sqrt(2 / n)
        if abs(var / target - 1) > tol:
            t.fail(f"the variance of W is {_fmt(var)}, expected 2 / fan_in = {_fmt(target)} "
                   f"(ratio {var / target:.3g}; tolerance +-{tol:.2g}).",
                   hint=_variance_hint(var, target, tol, fan_in, fan_out))


def _forward(t, layer, x, W, b, rtol=None, atol=None):
    out = t.method(layer, "forward", x.copy())
    x64, W64 = x.astype(np.float64), W.astype(np.float64)
    t.array(out, x64 @ W64 + b.astype(np.float64), "forward(x)", rtol=rtol, atol=atol, variants=[
        (lambda: x64 @ W64, "The bias is missing: forward returns x @ self.W + self.b."),
        (lambda: x64 @ W64.T + b, "forward(x) is x @ self.W + self.b, with W of shape "
                                  "(fan_in, fan_out): no transpose."),
    ], shape_hints={(x.shape[0], W.shape[0]): "forward(x) is x @ self.W + self.b, of shape "
                                              "(N, fan_out)."})
    return out


def _backward(t, layer, dout, x, W, previous_x=None, rtol=None, atol=None):
    """backward(dout) returns dx; layer.dW and layer.db are compared with nnlib's."""
    dx = t.method(layer, "backward", dout.copy())
    if isinstance(dx, (tuple, list)):
        t.fail(f"backward(dout) returned a {type(dx).__name__} of {len(dx)} items, expected the "
               "array dx alone.",
               hint="A layer object keeps its parameter gradients: store them, self.dW = ... and "
                    "self.db = ..., and return only dx (this differs from 3.3's "
                    "dense_backward, which returned all three).")
    d64, x64, W64 = (a.astype(np.float64) for a in (dout, x, W))
    n = x.shape[0]
    dx_e, dW_e, db_e = F.dense_backward(d64, x64, W64)
    tol = dict(rtol=rtol, atol=atol)
    t.array(dx, dx_e, "backward(dout)", **tol, variants=[
        (lambda: d64 @ W64, "dx = dout @ self.W.T: W is (D, H) and dout is (N, H)."),
        (lambda: d64 @ W64.T / n, "Do not divide by N: dout already is the gradient of the "
                                  "mean loss.")],
        shape_hints={dx_e.shape[::-1]: "dx has the shape of x, (N, D): dout @ self.W.T."})
    stale = (lambda: previous_x.astype(np.float64).T @ d64) if previous_x is not None else None
    dW = _attr(t, layer, "dW", W.shape, "after backward(dout)")
    t.array(dW, dW_e, "layer.dW", **tol, variants=[
        (stale, "dW was computed from the input of an earlier forward call. " + _STORE_X),
        (lambda: d64.T @ x64, "dW is transposed: x.T @ dout has W's shape (D, H)."),
        (lambda: dW_e / n, "Do not divide by N: dout already is the gradient of the mean loss, "
                           "so dW = x.T @ dout."),
        (lambda: 2 * dW_e, "dW is twice x.T @ dout: assign the gradient of this backward call "
                           "(self.dW = x.T @ dout), do not add it to the previous one (+=).")])
    db = getattr(layer, "db", None)
    if isinstance(db, np.ndarray) and db.shape == dout.shape and db.shape != db_e.shape:
        t.fail(f"layer.db has shape {db.shape}, the shape of dout; expected {db_e.shape}.",
               hint="Sum over the batch: self.db = dout.sum(axis=0), one entry per output unit.")
    db = _attr(t, layer, "db", db_e.shape, "after backward(dout)")
    t.array(db, db_e, "layer.db", **tol, variants=[
        (lambda: d64.mean(axis=0), "db = dout.sum(axis=0): dout already holds the 1/N of the "
                                   "mean loss, so sum, do not average."),
        (lambda: 2 * db_e, "db is twice dout.sum(axis=0): assign the gradient of this backward "
                           "call, do not add it to the previous one (+=).")])
    return dx


def _check_shape_error(t):
    x = _rng(310).normal(size=(4, 5))
    t.case("a wrong input: Dense(3, 2).forward(x) with x of shape (4, 5) raises ValueError "
           "naming the layer and both shapes", x=x)
    out = t.method(_Catching(_build(t, 3, 2, _rng(311))), "forward", x)
    advice = ('Check at the start of forward: if x.ndim != 2 or x.shape[1] != self.W.shape[0]: '
              'raise ValueError(f"Dense: input of shape {x.shape} does not fit W of shape '
              '{self.W.shape}").')
    msg = _expect_value_error(t, out, hint=advice, what="forward")
    flat = msg.replace(" ", "")
    if "dense" not in msg.lower() or "(4,5)" not in flat or not (
            "(3,2)" in flat or re.search(r"\(N,3\)", flat)):
        t.fail(f"the ValueError's message does not name the layer and both shapes: {msg!r}.",
               hint="Without a check of your own the message is NumPy's, about matmul operands. "
                    "Name the layer (Dense), the shape of x, (4, 5), and the shape of W, "
                    "(3, 2). " + advice)


def check_dense(t):
    _check_init(t)

    x = np.array([[1.0, 2.0, 3.0]])
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    b = np.array([0.5, -1.0])
    dout = np.array([[1.0, -1.0]])
    t.case("hand-worked: a batch of one, W and b set by the check", x=x, W=W, b=b, dout=dout)
    layer = _build(t, 3, 2, _rng(303))
    layer.W, layer.b = W.copy(), b.copy()
    _forward(t, layer, x, W, b)
    _backward(t, layer, dout, x, W)

    for name, (n, d, h), seed in [("N = 4, D = 3, H = 5", (4, 3, 5), 304),
                                  ("square: N = D = H = 3 (a missing transpose shows)",
                                   (3, 3, 3), 305)]:
        W, b = _params(seed, d, h)
        r = _rng(seed + 10)
        x, dout = r.normal(size=(n, d)), r.normal(size=(n, h))
        t.case(name, x=x, W=W, b=b, dout=dout)
        layer = _build(t, d, h, _rng(seed + 20))
        layer.W, layer.b = W.copy(), b.copy()
        _forward(t, layer, x, W, b)
        _backward(t, layer, dout, x, W)

    W, b = _params(306, 4, 3)
    r = _rng(307)
    x1, x2, dout = r.normal(size=(5, 4)), r.normal(size=(5, 4)), r.normal(size=(5, 3))
    t.case("two forwards, then backward twice: the gradients belong to the latest input",
           x1=x1, x2=x2, dout=dout)
    layer = _build(t, 4, 3, _rng(308))
    layer.W, layer.b = W.copy(), b.copy()
    _forward(t, layer, x1, W, b)
    _forward(t, layer, x2, W, b)
    _backward(t, layer, dout, x2, W, previous_x=x1)
    _backward(t, layer, dout, x2, W, previous_x=x1)

    t.case("two layers keep separate caches", x1=x1, x2=x2, dout=dout)
    first, second = _build(t, 4, 3, _rng(309)), _build(t, 4, 3, _rng(319))
    for lay in (first, second):
        lay.W, lay.b = W.copy(), b.copy()
    _forward(t, first, x1, W, b)
    _forward(t, second, x2, W, b)
    t.method(first, "backward", dout.copy())
    dW = getattr(first, "dW", None)
    if isinstance(dW, np.ndarray) and dW.shape == W.shape and np.allclose(dW, x2.T @ dout) \
            and not np.allclose(dW, x1.T @ dout):
        t.fail("backward of the first layer used the input of the second layer's forward.",
               hint=_OWN_STATE)
    _backward(t, first, dout, x1, W)

    W, b = _params(312, 3, 4, np.float32)
    r = _rng(313)
    x, dout = r.normal(size=(2, 3)).astype(np.float32), r.normal(size=(2, 4)).astype(np.float32)
    t.case("float32: x, W, b and dout of dtype float32, out and dx stay float32",
           x=x, W=W, b=b, dout=dout)
    layer = _build(t, 3, 4, _rng(314))
    layer.W, layer.b = W.copy(), b.copy()
    out = _forward(t, layer, x, W, b, **_F32)
    dx = _backward(t, layer, dout, x, W, **_F32)
    for arr, what in ((out, "forward(x)"), (dx, "backward(dout)")):
        if arr.dtype != np.float32:
            t.fail(f"{what} has dtype {arr.dtype} for float32 inputs and parameters.",
                   hint="Compute with the arrays as they come (x @ self.W + self.b, "
                        "dout @ self.W.T): no .astype(float) or np.array(x, dtype=float).")

    _check_shape_error(t)


# ---------------------------------------------------------------------------------------------
# 3.11 ReLU()
# ---------------------------------------------------------------------------------------------


def _relu_forward(t, layer, x):
    out = t.method(layer, "forward", x.copy())
    x64 = x.astype(np.float64)
    t.array(out, np.maximum(x64, 0), "forward(x)", **(_F32 if x.dtype == np.float32 else {}),
            variants=[(lambda: np.abs(x64), "ReLU is max(0, x): negative inputs become 0, "
                                            "they do not change sign."),
                      (lambda: np.minimum(x64, 0), "ReLU keeps the positive part: "
                                                   "np.maximum(x, 0), not np.minimum.")])
    return out


def _relu_backward(t, layer, dout, x, previous_x=None):
    dx = t.method(layer, "backward", dout.copy())
    d64, x64 = dout.astype(np.float64), x.astype(np.float64)
    variants = []
    if previous_x is not None:
        variants.append((lambda: d64 * (previous_x > 0),
                         "backward used the mask of an earlier forward call. Compute and store "
                         "the mask on every forward call (self.mask = x > 0)."))
    variants += [
        (lambda: d64 * (x64 >= 0), "At x == 0 exactly the gradient is 0: the mask is x > 0, "
                                   "not x >= 0."),
        (lambda: d64 * (d64 > 0), "The mask comes from the input of forward (x > 0), not from "
                                  "dout: store it in forward, self.mask = x > 0."),
        (lambda: d64, "backward returned dout unchanged. Is the mask taken from the output with "
                      ">= 0 (always True)? Use the input: self.mask = x > 0."),
        (lambda: d64 * np.maximum(x64, 0), "Multiply dout by the mask (0 or 1), not by the "
                                           "output max(0, x)."),
    ]
    t.array(dx, F.relu_backward(d64, x64), "backward(dout)", variants=variants,
            **(_F32 if x.dtype == np.float32 else {}))
    return dx


def check_relu(t):
    x = np.array([[-1.0, 0.0, 2.0], [3.0, -0.5, 0.0]])
    dout = np.array([[1.0, 2.0, -3.0], [-4.0, 5.0, 6.0]])
    t.case("hand-worked, with inputs exactly 0 (their gradient is 0)", x=x, dout=dout)
    layer = t.call()
    _relu_forward(t, layer, x)
    _relu_backward(t, layer, dout, x)

    r = _rng(320)
    x, dout = r.normal(size=(4, 5)), r.normal(size=(4, 5))
    x[0, :2] = 0.0
    t.case("N = 4, D = 5, against nnlib", x=x, dout=dout)
    layer = t.call()
    _relu_forward(t, layer, x)
    _relu_backward(t, layer, dout, x)

    x1, x2, dout = r.normal(size=(6, 4)), r.normal(size=(6, 4)), r.normal(size=(6, 4))
    t.case("two forwards, then backward: the mask of the latest input", x1=x1, x2=x2, dout=dout)
    layer = t.call()
    _relu_forward(t, layer, x1)
    _relu_forward(t, layer, x2)
    _relu_backward(t, layer, dout, x2, previous_x=x1)

    t.case("two layers keep separate masks", x1=x1, x2=x2, dout=dout)
    first, second = t.call(), t.call()
    _relu_forward(t, first, x1)
    _relu_forward(t, second, x2)
    dx = t.method(first, "backward", dout.copy())
    if isinstance(dx, np.ndarray) and dx.shape == dout.shape and not np.allclose(
            dx, dout * (x1 > 0)) and np.allclose(dx, dout * (x2 > 0)):
        t.fail("backward of the first layer used the mask of the second layer's forward.",
               hint=_OWN_STATE)
    t.array(dx, F.relu_backward(dout, x1), "backward(dout)")

    x = np.array([[0.5, -2.0, 0.0, 3.0, -0.1, 1e-8]])
    dout = np.array([[1.0, 1.0, 1.0, -1.0, 2.0, 4.0]])
    t.case("a batch of one, tiny and zero inputs", x=x, dout=dout)
    layer = t.call()
    _relu_forward(t, layer, x)
    _relu_backward(t, layer, dout, x)

    x, dout = r.normal(size=(3, 4)).astype(np.float32), r.normal(size=(3, 4)).astype(np.float32)
    t.case("float32 inputs: out and dx stay float32", x=x, dout=dout)
    layer = t.call()
    out = _relu_forward(t, layer, x)
    dx = _relu_backward(t, layer, dout, x)
    for arr, what in ((out, "forward(x)"), (dx, "backward(dout)")):
        if arr.dtype != np.float32:
            t.fail(f"{what} has dtype {arr.dtype} for float32 inputs.",
                   hint="Keep the dtype of x: np.maximum(x, 0) and dout * self.mask keep it; "
                        ".astype(float) or a mask converted to float64 does not.")


# ---------------------------------------------------------------------------------------------
# Registration (after part 2's exercises, in the order of the sheet)
# ---------------------------------------------------------------------------------------------


@exercise("Dense", args=("fan_in", "fan_out", "rng"), chapter=CHAPTER,
          shape_hint="x is (N, D), W is (D, H), b is (H,): out = x @ W + b is (N, H); "
                     "dx = dout @ W.T is (N, D), dW = x.T @ dout is (D, H), "
                     "db = dout.sum(axis=0) is (H,).",
          mutation_hint="Return new arrays and leave x and dout alone: forward returns "
                        "x @ self.W + self.b, backward returns dout @ self.W.T.")
def _check_dense(t):
    check_dense(t)


@exercise("ReLU", args=(), chapter=CHAPTER,
          shape_hint="x, out, the mask, dout and dx all have the same shape.",
          mutation_hint="Return new arrays: np.maximum(x, 0) in forward and dout * self.mask in "
                        "backward. `x[x < 0] = 0` or `dout[...] = 0` changes the caller's array.")
def _check_relu(t):
    check_relu(t)
