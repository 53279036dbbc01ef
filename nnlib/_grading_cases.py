"""The cases behind ``nnlib.grading.check``: one checker per exercise.

Each checker runs the learner's function (through ``t.call``) on a few cases, in this order:
hand-worked values whose answers are written out here (so agreeing with nnlib is not the only
evidence), then seeded random cases compared with nnlib's reference, then edge cases that expose
the usual mistakes (square shapes hide a missing transpose, huge logits, a batch of one, float32).
A wrong answer is compared with known wrong answers ("variants") to name the likely mistake.

Statistical checks (initializers, dropout) use a tolerance of ``_SIGMAS`` standard errors: a
correct implementation fails with probability far below 1e-12 per check, and every wrong variant
tested in tests/test_grading.py is at least 20 standard errors away.
"""

import math

import numpy as np

from . import functional as F
from . import gradcheck, losses, nets, optim, regularization
from .grading import exercise

_SIGMAS = 8.0
_F32 = dict(rtol=1e-4, atol=1e-5)  # tolerances when the inputs are float32


def _rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------------------------
# Chapter 1: activations and the dense layer
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Chapter 2: softmax and cross-entropy
# ---------------------------------------------------------------------------------------------


def _softmax_variants(z):
    def axis0():
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    def no_keepdims():
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1)

    def global_sum():
        e = np.exp(z - z.max())
        return e / e.sum()

    def shifted_by(shift):
        def variant():
            e = np.exp(z - shift)
            return e / e.sum(axis=1, keepdims=True)
        return variant

    def log_softmax():
        m = z.max(axis=1, keepdims=True)
        return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))

    return [
        (axis0, "You normalized each column (axis 0). Each row is one sample and must sum to 1: "
                "use axis=1 (with keepdims=True)."),
        (no_keepdims, "e / e.sum(axis=1) divides column j by the sum of row j. Keep the axis, "
                      "e.sum(axis=1, keepdims=True), so every row is divided by its own sum."),
        (global_sum, "You divided by the sum over the whole batch; each row must be divided by "
                     "its own sum (axis=1, keepdims=True)."),
        (lambda: np.exp(z), "The exponentials are not normalized: divide by the row sums."),
        (lambda: np.exp(z - z.max(axis=1, keepdims=True)),
         "The exponentials are not normalized: divide by the row sums."),
        (lambda: z / z.sum(axis=1, keepdims=True), "Take np.exp of the logits before normalizing."),
        (log_softmax, "These are the log-probabilities (log-softmax): take np.exp of them to get "
                      "the probabilities."),
        (shifted_by(z.max()), "Subtract each row's own maximum, z.max(axis=1, keepdims=True). "
                              "With the overall maximum z.max(), a row of much smaller logits "
                              "underflows to exp = 0 everywhere, and 0 / 0 is NaN."),
        (shifted_by(z.min(axis=1, keepdims=True)),
         "Subtract the row maximum, not the minimum: after z - min the exponents can be huge "
         "(exp(1000) = inf). After z - max every exponent is <= 0, so nothing overflows."),
        (shifted_by(z.mean(axis=1, keepdims=True)),
         "Subtract the row maximum, not the mean: after z - mean the exponents can still be huge "
         "(exp(1000) = inf). After z - max every exponent is <= 0, so nothing overflows."),
    ]


_UNSTABLE_HINT = ("np.exp overflows for large logits (exp(1000) = inf, and inf / inf = NaN). "
                  "Subtract each row's maximum first: z - z.max(axis=1, keepdims=True). "
                  "The result is unchanged because the factor cancels.")


@exercise("softmax", args=("z",), chapter="02_softmax_cross_entropy",
          shape_hint="z is (N, C); a row sum e.sum(axis=1) has shape (N,), and "
                     "e.sum(axis=1, keepdims=True) has shape (N, 1), which broadcasts over "
                     "the row.")
def _check_softmax(t):
    z = np.array([[0.0, math.log(2), math.log(3)], [5.0, 5.0, 5.0 + math.log(2)]])
    t.case("hand-worked values: exp gives 1:2:3 and 1:1:2", z=z)
    t.array(t.call(z.copy()), np.array([[1 / 6, 1 / 3, 1 / 2], [0.25, 0.25, 0.5]]), "softmax(z)",
            variants=_softmax_variants(z))


    z = np.array([[2.0, 2.0, 2.0, 2.0]])
    t.case("equal logits give a uniform row (a batch of one)", z=z)
    t.array(t.call(z), np.full((1, 4), 0.25), "softmax(z)", variants=_softmax_variants(z))

    for name, shape, seed in [("N=5 samples, C=3 classes", (5, 3), 8),
                              ("square: N = C = 4", (4, 4), 9)]:
        z = _rng(seed).normal(0, 2, size=shape)
        t.case(name, z=z)
        t.array(t.call(z.copy()), F.softmax(z), "softmax(z)", variants=_softmax_variants(z))

    z = np.array([[1000.0, 1001.0, 999.0], [1e4, 1e4, 1e4 - 1.0]])
    a, b = 1 / (1 + math.e + math.exp(-1)), 1 / (2 + math.exp(-1))
    expected = np.array([[a, math.e * a, math.exp(-1) * a], [b, b, math.exp(-1) * b]])
    t.case("huge logits (1e3, 1e4)", z=z)
    t.array(t.call(z.copy()), expected, "softmax(z)", variants=_softmax_variants(z),
            finite_hint=_UNSTABLE_HINT)

    z = np.array([[1e4, 1e4 + 1.0, 1e4 - 1.0], [0.0, 1.0, -1.0]])
    row = np.array([a, math.e * a, math.exp(-1) * a])
    t.case("rows of very different size", z=z)
    t.array(t.call(z.copy()), np.stack([row, row]), "softmax(z)", variants=_softmax_variants(z),
            finite_hint="Subtract each row's own maximum, z.max(axis=1, keepdims=True). With the "
                        "overall maximum z.max(), a row of small logits underflows to exp = 0 "
                        "everywhere, and 0 / 0 is NaN.")

    # Shifting by the row minimum or mean passes the cases above; a wide row exposes it.
    z = np.array([[-1000.0, 0.0, 1000.0], [5.0, -2000.0, 5.0]])
    t.case("logits far apart within a row (spread 2000)", z=z)
    t.array(t.call(z.copy()), np.array([[0.0, 0.0, 1.0], [0.5, 0.0, 0.5]]), "softmax(z)",
            variants=_softmax_variants(z), finite_hint=_UNSTABLE_HINT)

    z = _rng(10).normal(0, 3, size=(3, 5)).astype(np.float32)
    t.case("float32 logits", z=z)
    t.array(t.call(z.copy()), F.softmax(z.astype(np.float64)), "softmax(z)",
            variants=_softmax_variants(z.astype(np.float64)), finite_hint=_UNSTABLE_HINT, **_F32)


def _ce_variants(probs, y):
    n, c = probs.shape
    probs = probs.astype(np.float64)
    onehot = np.eye(c)[y]
    swapped = [(lambda: -np.mean(np.log(probs[y, np.arange(n)])),
                "Rows are samples and columns are classes: probs[np.arange(N), y].")]
    return (swapped if n == c else []) + [
        (lambda: -np.mean(np.log(probs[:, y])),
         "probs[:, y] picks the columns y for every row (an N x N block). Pick one entry per "
         "row: probs[np.arange(N), y]."),
        (lambda: -np.mean(np.log(probs.max(axis=1))),
         "Use the labels y, not the most probable class: probs[np.arange(N), y]."),
        (lambda: -np.mean(np.log(probs)),
         "Only the probability of the correct class enters the loss: probs[np.arange(N), y]."),
        (lambda: -np.mean(onehot * np.log(probs)),
         "np.mean over the (N, C) product divides by N * C; divide the sum by N only."),
        (lambda: -np.mean(np.log(1 - probs[np.arange(n), y])),
         "The loss is -log of the correct class's probability, not of 1 minus it."),
        (lambda: -np.log(np.mean(probs[np.arange(n), y])),
         "Take the log of each probability, then the mean: np.mean(-np.log(p)), not "
         "-np.log(np.mean(p))."),
        (lambda: -np.sum(y * np.log(probs)) / n,
         "y holds integer labels, not one-hot rows: pick probs[np.arange(N), y] instead of "
         "multiplying by y."),
    ]


def _ce_scales(n, c):
    return {
        n: "Divide by N: the loss is the mean over the batch (np.mean, not np.sum).",
        -1.0: "The minus sign is missing: the loss is -log(probability), a positive number.",
        1 / math.log(10): "Use the natural logarithm np.log, not np.log10.",
        1 / math.log(2): "Use the natural logarithm np.log, not np.log2.",
        1 / c: "You divided by N * C; divide the sum by N only.",
    }


@exercise("cross_entropy", args=("probs", "y"), chapter="02_softmax_cross_entropy",
          shape_hint="probs is (N, C) and y is (N,) integer labels; probs[np.arange(N), y] has "
                     "shape (N,).")
def _check_cross_entropy(t):
    probs = np.array([[0.5, 0.25, 0.25], [0.1, 0.2, 0.7]])
    y = np.array([0, 2])
    t.case("hand-worked values", probs=probs, y=y)
    t.scalar(t.call(probs, y), (math.log(2) - math.log(0.7)) / 2, "cross_entropy(probs, y)",
             variants=_ce_variants(probs, y), scales=_ce_scales(2, 3))

    probs = np.full((4, 5), 0.2)
    y = np.array([0, 1, 2, 3])
    t.case("uniform probabilities give log(C)", probs=probs, y=y)
    t.scalar(t.call(probs, y), math.log(5), "cross_entropy(probs, y)",
             variants=_ce_variants(probs, y), scales=_ce_scales(4, 5))

    probs = np.array([[0.2, 0.8]])
    y = np.array([1])
    t.case("a batch of one", probs=probs, y=y)
    t.scalar(t.call(probs, y), -math.log(0.8), "cross_entropy(probs, y)",
             variants=_ce_variants(probs, y), scales=_ce_scales(1, 2))

    for name, (n, c), seed, dtype in [("N=6 samples, C=4 classes", (6, 4), 11, np.float64),
                                      ("square: N = C = 3", (3, 3), 12, np.float64),
                                      ("float32 probabilities", (5, 3), 13, np.float32)]:
        r = _rng(seed)
        probs = F.softmax(r.normal(size=(n, c))).astype(dtype)
        y = r.integers(0, c, size=n)
        y[0] = (y[1] + 1) % c  # not all labels equal
        t.case(name, probs=probs, y=y)
        tol = _F32 if dtype == np.float32 else {}
        t.scalar(t.call(probs.copy(), y.copy()), losses.cross_entropy(probs.astype(np.float64), y),
                 "cross_entropy(probs, y)", variants=_ce_variants(probs, y),
                 scales=_ce_scales(n, c), **tol)


def _scebw_variants(probs, y):
    n, c = probs.shape
    onehot = np.eye(c)[y]

    def columns():
        d = probs.copy()
        d[:, y] -= 1
        return d / n

    return [
        (columns, "probs[:, y] -= 1 changes whole columns. Subtract 1 once per row, at the correct "
                  "class: d[np.arange(N), y] -= 1."),
        (lambda: probs / n - onehot, "Divide the whole difference by N: (probs - onehot) / N."),
        (lambda: (probs - 1) / n, "Subtract 1 only at the correct class of each row, not "
                                  "everywhere."),
        (lambda: probs / n, "Subtract the one-hot labels: (probs - onehot(y)) / N."),
        (lambda: (probs - onehot) / c, "Divide by N (the number of samples, probs.shape[0]), not "
                                       "by C."),
        (lambda: (probs - np.eye(c)[probs.argmax(axis=1)]) / n,
         "Use the labels y, not the most probable class probs.argmax(axis=1)."),
        (lambda: (probs - onehot) / n ** 2, "You divided by N twice: (probs - onehot(y)) / N."),
    ]


@exercise("softmax_cross_entropy_backward", args=("probs", "y"), chapter="02_softmax_cross_entropy",
          shape_hint="probs is (N, C), y is (N,); the result has the shape of probs, (N, C). "
                     "The one-hot labels are np.eye(C)[y] with C = probs.shape[1] (not N).")
def _check_softmax_cross_entropy_backward(t):
    name = "softmax_cross_entropy_backward(probs, y)"
    probs = np.array([[0.2, 0.3, 0.5]])
    y = np.array([2])
    t.case("hand-worked values, a batch of one", probs=probs, y=y)
    t.array(t.call(probs, y), np.array([[0.2, 0.3, -0.5]]), name,
            variants=_scebw_variants(probs, y),
            scales={-1.0: "The gradient is probs - onehot(y), not onehot(y) - probs."})

    probs = np.array([[0.1, 0.6, 0.3], [0.25, 0.25, 0.5]])
    y = np.array([1, 0])
    t.case("hand-worked values, N=2", probs=probs, y=y)
    t.array(t.call(probs, y), np.array([[0.05, -0.2, 0.15], [-0.375, 0.125, 0.25]]), name,
            variants=_scebw_variants(probs, y), scales={
                2.0: "Divide by N: the loss is a mean over the batch, so is its gradient.",
                -1.0: "The gradient is probs - onehot(y), not onehot(y) - probs."})

    for case, (n, c), seed, labels in [
            ("N=5 samples, C=3 classes", (5, 3), 14, None),
            ("square: N = C = 4, repeated labels", (4, 4), 15, [2, 2, 0, 1])]:
        r = _rng(seed)
        probs = F.softmax(r.normal(size=(n, c)))
        y = np.array(labels) if labels else r.integers(0, c, size=n)
        t.case(case, probs=probs, y=y)
        t.array(t.call(probs.copy(), y.copy()), losses.softmax_cross_entropy_backward(probs, y),
                name, variants=_scebw_variants(probs, y), scales={
                    n: "Divide by N: the loss is a mean over the batch, so is its gradient.",
                    -1.0: "The gradient is probs - onehot(y), not onehot(y) - probs."})

    r = _rng(16)
    probs = F.softmax(r.normal(size=(3, 5))).astype(np.float32)
    y = np.array([4, 0, 2])
    t.case("float32 probabilities", probs=probs, y=y)
    t.array(t.call(probs.copy(), y.copy()),
            losses.softmax_cross_entropy_backward(probs.astype(np.float64), y), name,
            variants=_scebw_variants(probs.astype(np.float64), y),
            scales={3: "Divide by N: the loss is a mean over the batch, so is its gradient."},
            **_F32)


# ---------------------------------------------------------------------------------------------
# Chapter 3: backward functions, two networks, the numerical gradient
# ---------------------------------------------------------------------------------------------


def _sigmoid_bw_variants(dout, z):
    s = F.sigmoid(z)
    return [
        (lambda: dout * z * (1 - z), "You used z as if it were sigmoid(z): compute s = sigmoid(z) "
                                     "first, then dout * s * (1 - s)."),
        (lambda: s * (1 - s), "Multiply by dout (the chain rule): dout * s * (1 - s)."),
        (lambda: dout * s, "The derivative of the sigmoid is s * (1 - s)."),
        (lambda: dout * (1 - s), "The derivative of the sigmoid is s * (1 - s)."),
        (lambda: dout * s * (1 + s), "The derivative of the sigmoid is s * (1 - s), with a minus."),
        (lambda: dout * (1 - s * s), "1 - s**2 is the tanh derivative; the sigmoid's is "
                                     "s * (1 - s)."),
        (lambda: dout * (1 - np.tanh(z) ** 2), "1 - tanh(z)**2 is the tanh derivative; the "
                                                "sigmoid's is s * (1 - s) with s = sigmoid(z)."),
        (lambda: dout * F.sigmoid(s) * (1 - F.sigmoid(s)),
         "You applied the sigmoid twice: s = sigmoid(z) once, then dout * s * (1 - s)."),
    ]


@exercise("sigmoid_backward", args=("dout", "z"), chapter="03_backpropagation",
          shape_hint="dout, z and the result all have the same shape: every operation is "
                     "elementwise (*, not @).")
def _check_sigmoid_backward(t):
    name = "sigmoid_backward(dout, z)"

    def ds(v):
        s = 1 / (1 + math.exp(-v))
        return s * (1 - s)

    z = np.array([[0.0, 2.0, -1.0]])
    dout = np.array([[1.0, 2.0, -3.0]])
    t.case("hand-worked values", dout=dout, z=z)
    t.array(t.call(dout, z), np.array([[0.25, 2 * ds(2.0), -3 * ds(-1.0)]]), name,
            variants=_sigmoid_bw_variants(dout, z))

    r = _rng(17)
    z, dout = r.normal(0, 2, size=(4, 3)), r.normal(size=(4, 3))
    t.case("a (4, 3) batch", dout=dout, z=z)
    t.array(t.call(dout.copy(), z.copy()), F.sigmoid_backward(dout, z), name,
            variants=_sigmoid_bw_variants(dout, z))

    z = np.array([[-500.0, -30.0, 30.0, 500.0]])
    dout = np.array([[1.0, 2.0, 1.0, 2.0]])
    t.case("large inputs", dout=dout, z=z)
    t.array(t.call(dout, z), np.array([[ds(-500.0), 2 * ds(-30.0), ds(30.0), 2 * ds(500.0)]]),
            name, variants=_sigmoid_bw_variants(dout, z),
            finite_hint="Compute s = sigmoid(z) with 1 / (1 + np.exp(-z)) and then "
                        "dout * s * (1 - s).")

    r = _rng(18)
    z, dout = r.normal(size=(2, 5)).astype(np.float32), r.normal(size=(2, 5)).astype(np.float32)
    t.case("float32 inputs", dout=dout, z=z)
    d64, z64 = dout.astype(np.float64), z.astype(np.float64)
    t.array(t.call(dout.copy(), z.copy()), F.sigmoid_backward(d64, z64), name,
            variants=_sigmoid_bw_variants(d64, z64), **_F32)


def _relu_bw_variants(dout, z):
    return [
        (lambda: dout * (z >= 0), "At z == 0 the gradient must be 0: use z > 0, not z >= 0."),
        (lambda: (z > 0).astype(float), "Multiply the mask by dout: dout * (z > 0)."),
        (lambda: dout * (dout > 0), "The mask comes from z, the input the forward pass saw, "
                                    "not from dout: dout * (z > 0)."),
        (lambda: dout * (z < 0), "The mask is inverted: the gradient passes where z > 0."),
        (lambda: dout * np.maximum(z, 0), "Multiply dout by the 0/1 mask (z > 0), not by relu(z)."),
        (lambda: dout, "The gradient must be 0 where z <= 0: dout * (z > 0)."),
    ]


@exercise("relu_backward", args=("dout", "z"), chapter="03_backpropagation",
          shape_hint="dout, z and the result all have the same shape: every operation is "
                     "elementwise (*, not @).")
def _check_relu_backward(t):
    name = "relu_backward(dout, z)"
    z = np.array([[-1.0, 0.0, 2.0], [3.0, -0.5, 0.0]])
    dout = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    t.case("hand-worked values, including z == 0", dout=dout, z=z)
    t.array(t.call(dout, z), np.array([[0.0, 0.0, 3.0], [4.0, 0.0, 0.0]]), name,
            variants=_relu_bw_variants(dout, z))

    r = _rng(19)
    z, dout = r.normal(size=(4, 6)), r.normal(size=(4, 6))
    z[0, :3] = 0.0
    t.case("a (4, 6) batch with some z exactly 0", dout=dout, z=z)
    t.array(t.call(dout.copy(), z.copy()), F.relu_backward(dout, z), name,
            variants=_relu_bw_variants(dout, z))

    r = _rng(20)
    z, dout = r.normal(size=(3, 2)).astype(np.float32), r.normal(size=(3, 2)).astype(np.float32)
    t.case("float32 inputs", dout=dout, z=z)
    t.array(t.call(dout.copy(), z.copy()), F.relu_backward(dout, z).astype(np.float64), name,
            variants=_relu_bw_variants(dout.astype(np.float64), z.astype(np.float64)), **_F32)


def _check_dense_grads(t, out, dout, x, W, expected=None):
    """Compare (dx, dW, db) with ``expected`` (nnlib's answer when not given)."""
    dx_e, dW_e, db_e = expected if expected is not None else F.dense_backward(dout, x, W)
    n = x.shape[0]
    got = t.tuple_of(out, 3, "dense_backward(dout, x, W)", ("dx", "dW", "db"))
    shapes = [np.shape(g) for g in got]
    want = [dx_e.shape, dW_e.shape, db_e.shape]
    if sorted(map(str, shapes)) == sorted(map(str, want)) and shapes != want:
        t.fail(f"the returned shapes are {shapes}; expected {want} for (dx, dW, db).",
               hint="Return the three gradients in the order (dx, dW, db).")
    order_hint = "Return the three gradients in the order (dx, dW, db)."
    dx, dW, db = got
    t.array(dx, dx_e, "dx", variants=[
        (lambda: dout @ W, "dx = dout @ W.T: W is (D, H) and dout is (N, H)."),
        (lambda: dout @ W.T / n, "Do not divide by N: dout already is the gradient of the mean."),
        (lambda: x.T @ dout, order_hint),
        (lambda: W @ dout.T, "dx is transposed: dout @ W.T has the shape of x, (N, D)."),
    ], shape_hints={(n, W.shape[1]): "dx must have the shape of x (N, D): dout @ W.T."})
    t.array(dW, dW_e, "dW", variants=[
        (lambda: dout.T @ x, "dW is transposed: x.T @ dout has W's shape (D, H)."),
        (lambda: x @ dout, "dW = x.T @ dout: the sum over samples needs x transposed."),
        (lambda: x.T @ dout / n, "Do not divide by N: dout already is the gradient of the mean "
                                 "loss, so dW = x.T @ dout."),
        (lambda: dout @ W.T, order_hint),
    ], shape_hints={dW_e.shape[::-1]: "dW must have W's shape (D, H): x.T @ dout."})
    t.array(db, db_e, "db", variants=[
        (lambda: dout.mean(axis=0), "db = dout.sum(axis=0): dout already holds the 1/N of the "
                                    "mean loss, so sum, do not average."),
        (lambda: dout.sum(axis=1), "Sum over the batch axis 0: db = dout.sum(axis=0)."),
    ], shape_hints={(1, db_e.shape[0]): "db must have shape (H,), like b: drop keepdims=True.",
                    (n,): "Sum over the batch axis 0: db = dout.sum(axis=0) has shape (H,).",
                    (): "db has one entry per output unit: dout.sum(axis=0), shape (H,)."})


@exercise("dense_backward", args=("dout", "x", "W"), chapter="03_backpropagation",
          shape_hint="dout is (N, H), x is (N, D), W is (D, H): dx = dout @ W.T is (N, D), "
                     "dW = x.T @ dout is (D, H), db = dout.sum(axis=0) is (H,).")
def _check_dense_backward(t):
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    W = np.array([[1.0, -1.0], [2.0, 0.0]])
    dout = np.array([[1.0, 0.0], [0.0, 2.0]])
    hand = (np.array([[1.0, 2.0], [-2.0, 0.0]]), np.array([[1.0, 6.0], [2.0, 8.0]]),
            np.array([1.0, 2.0]))
    t.case("hand-worked 2x2 values", dout=dout, x=x, W=W)
    _check_dense_grads(t, t.call(dout, x, W), dout, x, W, expected=hand)

    for name, (n, d, h), seed, dtype in [("N=4, D=3, H=5", (4, 3, 5), 21, np.float64),
                                         ("square: N = D = H = 3", (3, 3, 3), 22, np.float64),
                                         ("a batch of one", (1, 4, 2), 23, np.float64),
                                         ("float32 inputs", (3, 2, 4), 24, np.float32)]:
        r = _rng(seed)
        x, W, dout = (r.normal(size=(n, d)).astype(dtype), r.normal(size=(d, h)).astype(dtype),
                      r.normal(size=(n, h)).astype(dtype))
        t.case(name, dout=dout, x=x, W=W)
        out = t.call(dout.copy(), x.copy(), W.copy())
        _check_dense_grads(t, out, dout.astype(np.float64), x.astype(np.float64),
                           W.astype(np.float64))


def _two_layer(X, y, p, relu=True, mask=True, h_for_dW2=True, mean=True, w2_t=True,
               rows=True, mask_from_z=True):
    """The two-layer net with switches that reproduce common mistakes (all on: correct)."""
    r = X @ p["W1"] + p["b1"]
    h = np.maximum(r, 0) if relu else r
    scores = h @ p["W2"] + p["b2"]
    logp = F.log_softmax(scores) if rows else F.log_softmax(scores.T).T
    n = X.shape[0]
    loss = -float(np.sum(logp[np.arange(n), y]))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    if mean:
        loss, d = loss / n, d / n
    dW2 = (h if h_for_dW2 else r).T @ d
    dh = d @ (p["W2"].T if w2_t else p["W2"])
    dr = dh * ((r if mask_from_z else dh) > 0) if (relu and mask) else dh
    return loss, {"W1": X.T @ dr, "b1": dr.sum(axis=0), "W2": dW2, "b2": d.sum(axis=0)}


_TWO_LAYER_HINTS = [
    (dict(mask=False), "The gradient through the ReLU is missing: the gradient arriving at the "
                       "hidden layer must be zeroed wherever the hidden pre-activation was <= 0."),
    (dict(h_for_dW2=False), "dW2 uses the hidden activations after the ReLU, "
                            "h = relu(X @ W1 + b1): did you use the pre-activation, or forget "
                            "the ReLU?"),
    (dict(mean=False), "The gradients are those of the summed loss: divide dscores by N."),
    (dict(relu=False), "The hidden layer needs its ReLU: h = np.maximum(0, X @ W1 + b1)."),
    (dict(w2_t=False), "The gradient into the hidden layer needs W2 transposed: W2 is (H, C) and "
                       "dscores is (N, C), and the result must be (N, H)."),
    (dict(rows=False), "The softmax must normalize each row (one sample): use axis=1 with "
                       "keepdims=True."),
    (dict(mask_from_z=False), "The ReLU mask comes from the forward pass, z1 = X @ W1 + b1 > 0 "
                              "(or h > 0), not from the gradient dh."),
]


@exercise("two_layer_net", args=("X", "y", "params"), chapter="03_backpropagation",
          shape_hint="X is (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); the hidden layer is "
                     "(N, H), the scores (N, C), and every gradient has its parameter's shape.")
def _check_two_layer_net(t):
    X = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0]])
    y = np.array([1, 0])
    params = {"W1": np.array([[1.0, -1.0, 0.0, 2.0], [0.0, 1.0, 1.0, -1.0], [1.0, 0.0, -1.0, 0.0]]),
              "b1": np.array([0.0, 0.0, 0.5, 0.0]), "W2": np.zeros((4, 2)), "b2": np.zeros(2)}
    hand = (math.log(2), {"W1": np.zeros((3, 4)), "b1": np.zeros(4),
                          "W2": np.array([[0.75, -0.75], [-0.25, 0.25], [-0.625, 0.625],
                                          [0.5, -0.5]]),
                          "b2": np.zeros(2)})
    t.case("hand-worked: W2 = 0 gives uniform probabilities, loss = log 2", X=X, y=y, params=params)
    _compare_two_layer(t, t.call(X, y, params), hand, X, y, params)

    for name, (n, d, h, c), seed in [("N=5, D=4, H=6, C=3", (5, 4, 6, 3), 25),
                                     ("H = C = 3 (a square W2)", (4, 2, 3, 3), 26),
                                     ("a batch of one", (1, 4, 5, 3), 27)]:
        r = _rng(seed)
        X = r.normal(size=(n, d))
        y = r.integers(0, c, size=n)
        params = {"W1": r.normal(0, 0.8, size=(d, h)), "b1": r.normal(0, 0.5, size=h),
                  "W2": r.normal(0, 0.8, size=(h, c)), "b2": r.normal(0, 0.5, size=c)}
        t.case(name, X=X, y=y, params=params)
        out = t.call(X.copy(), y.copy(), {k: v.copy() for k, v in params.items()})
        _compare_two_layer(t, out, nets.two_layer_net(X, y, params), X, y, params)


def _compare_two_layer(t, out, reference, X, y, params):
    loss_e, grads_e = reference
    loss, grads = t.tuple_of(out, 2, "two_layer_net(X, y, params)", ("loss", "grads"))
    n = X.shape[0]
    t.scalar(loss, loss_e, "the loss", variants=[
        (lambda: _two_layer(X, y, params, relu=False)[0],
         "The hidden layer needs its ReLU: h = np.maximum(0, X @ W1 + b1)."),
        (lambda: _two_layer(X, y, params, rows=False)[0],
         "The softmax must normalize each row (one sample): use axis=1 with keepdims=True."),
    ], scales={n: "Divide by N: the loss is the mean over the batch."} if n > 1 else None)
    if not isinstance(grads, dict):
        t.fail(f"grads should be a dict with keys W1, b1, W2, b2, got a {type(grads).__name__}.",
               hint='Return the gradients as {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.')
    missing = [k for k in ("W1", "b1", "W2", "b2") if k not in grads]
    if missing:
        t.fail(f"grads has no key(s) {', '.join(missing)}; it has {sorted(map(str, grads))}.",
               hint='Use the same keys as params: {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}.')
    for key in ("W2", "b2", "W1", "b1"):
        variants = [(lambda kw=kw, key=key: _two_layer(X, y, params, **kw)[1][key], hint)
                    for kw, hint in _TWO_LAYER_HINTS]
        shape = params[key].shape
        hints = {(1,) + shape: f"grads[{key!r}] must have the shape of params[{key!r}], {shape}: "
                               "drop keepdims=True."} if len(shape) == 1 else {}
        t.array(grads[key], grads_e[key], f"grads[{key!r}]", variants=variants, shape_hints=hints,
                scales={n: "The gradients are those of the summed loss: divide dscores by N.",
                        1 / n: "You divided by N twice (or averaged a sum over the batch): "
                               "dscores already holds the 1/N, so sum over samples."}
                if n > 1 else None)


def _backprop_variants(weights, biases, X, Y, out_sigma=True, hidden_sigma=True, sigma_of_a=False,
                       mean=True, half=True, w_t=True, mean_once=True, a_for_grad_w=True):
    """Nielsen's backprop with switches that reproduce common mistakes (defaults: correct)."""
    acts, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(acts[-1] @ W + b)
        acts.append(F.sigmoid(zs[-1]))

    def sp(l):  # sigma'(z_l), or the mistaken sigma'(a_l)
        s = F.sigmoid(acts[l + 1]) if sigma_of_a else acts[l + 1]
        return s * (1 - s)

    scale = (1 / X.shape[0] if mean else 1.0) * (1.0 if half else 2.0)
    L = len(weights)
    gw, gb = [None] * L, [None] * L
    delta = (acts[-1] - Y) * scale * (sp(L - 1) if out_sigma else 1)
    for l in range(L - 1, -1, -1):
        gb[l] = delta.sum(axis=0)
        gw[l] = (acts[l] if a_for_grad_w or l == 0 else zs[l - 1]).T @ delta
        if l > 0:
            W = weights[l].T if w_t else weights[l]
            delta = (delta @ W) * (sp(l - 1) if hidden_sigma else 1)
            if not mean_once:
                delta = delta / X.shape[0]
    return gw, gb


_BACKPROP_HINTS = [
    (dict(out_sigma=False), "BP1: for the quadratic cost the output error is "
                            "delta_L = (a_L - y) * sigma'(z_L); the factor sigma'(z_L) is missing "
                            "((a_L - y) alone is the cross-entropy delta)."),
    (dict(hidden_sigma=False), "BP2: delta_l = (delta_{l+1} @ W_{l+1}.T) * sigma'(z_l); the factor "
                               "sigma'(z_l) is missing."),
    (dict(sigma_of_a=True), "sigma'(z) = s * (1 - s) with s = sigmoid(z) = a. You applied the "
                            "sigmoid once more: use a * (1 - a), or "
                            "sigmoid(z) * (1 - sigmoid(z))."),
    (dict(mean=False), "These are the gradients of the summed cost: the cost is a mean, so divide "
                       "by N (once)."),
    (dict(half=False), "The cost has a factor 1/2, so the derivative of (1/2)(a - y)**2 is "
                       "(a - y), without a 2."),
    (dict(w_t=False), "BP2: delta_l = (delta_{l+1} @ W_{l+1}.T) * sigma'(z_l); the transpose of "
                      "W is missing."),
    (dict(mean_once=False), "Divide by N once, in the output error delta_L; BP2 carries the 1/N "
                            "back to every layer, so dividing again at each layer shrinks the "
                            "earlier gradients by further factors of N."),
    (dict(a_for_grad_w=False), "BP4: grad_w[l] = a_{l-1}.T @ delta_l uses the activation "
                               "a = sigmoid(z) of the layer below, not its weighted input z."),
]


@exercise("backprop", args=("weights", "biases", "X", "Y"), chapter="03_backpropagation",
          shape_hint="weights[l] is (n_in, n_out), biases[l] is (n_out,), X is (N, n_0), "
                     "Y is (N, n_L); delta_l is (N, n_l); grad_w[l] = a_{l-1}.T @ delta_l.")
def _check_backprop(t):
    X = np.array([[2.0, -1.0]])
    Y = np.array([[1.0, 0.0, 0.5]])
    weights, biases = [np.zeros((2, 3))], [np.zeros(3)]
    hand_w = [np.array([[-0.25, 0.25, 0.0], [0.125, -0.125, 0.0]])]
    hand_b = [np.array([-0.125, 0.125, 0.0])]
    t.case("hand-worked: one layer, z = 0 so a = 1/2 and sigma'(z) = 1/4",
           weights=weights, biases=biases, X=X, Y=Y)
    _compare_backprop(t, t.call(weights, biases, X, Y), (hand_w, hand_b), weights, biases, X, Y)

    for name, sizes, n, seed in [("sizes [3, 4, 2], N=5", [3, 4, 2], 5, 28),
                                 ("two hidden layers, sizes [4, 5, 3, 2], N=6", [4, 5, 3, 2], 6,
                                  29),
                                 ("square layers [3, 3, 3], N=3", [3, 3, 3], 3, 30),
                                 ("a single layer [4, 2], N=4", [4, 2], 4, 31),
                                 ("a batch of one, sizes [2, 3, 2]", [2, 3, 2], 1, 32)]:
        r = _rng(seed)
        weights = [r.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
        biases = [r.normal(size=b) for b in sizes[1:]]
        X = r.normal(size=(n, sizes[0]))
        Y = r.random(size=(n, sizes[-1]))
        t.case(name, weights=weights, biases=biases, X=X, Y=Y)
        out = t.call([w.copy() for w in weights], [b.copy() for b in biases], X.copy(), Y.copy())
        _compare_backprop(t, out, nets.backprop(weights, biases, X, Y), weights, biases, X, Y)


def _compare_backprop(t, out, reference, weights, biases, X, Y):
    grad_w, grad_b = t.tuple_of(out, 2, "backprop(weights, biases, X, Y)", ("grad_w", "grad_b"))
    L = len(weights)
    n = X.shape[0]
    for grads, params, ref, what in ((grad_w, weights, reference[0], "grad_w"),
                                     (grad_b, biases, reference[1], "grad_b")):
        if not isinstance(grads, (list, tuple)) or len(grads) != L:
            got = (f"{len(grads)} items" if isinstance(grads, (list, tuple))
                   else f"a {type(grads).__name__}")
            t.fail(f"{what} should be a list of {L} arrays (one per layer), got {got}.",
                   hint=f"Collect one gradient per layer, in the order of "
                        f"{'weights' if what == 'grad_w' else 'biases'}.")
        if L > 1 and all(isinstance(g, np.ndarray) and g.shape == ref[L - 1 - i].shape
                         and np.allclose(g, ref[L - 1 - i]) for i, g in enumerate(grads)):
            t.fail(f"{what} is in reverse order.",
                   hint="Backprop runs from the last layer to the first, but return the gradients "
                        "in the order of the layers: grad_w[0] belongs to weights[0].")
    for l in range(L):
        for grads, ref, what, idx in ((grad_w, reference[0], "grad_w", 0),
                                      (grad_b, reference[1], "grad_b", 1)):
            variants = [(lambda kw=kw, l=l, idx=idx: _backprop_variants(
                weights, biases, X, Y, **kw)[idx][l], hint) for kw, hint in _BACKPROP_HINTS]
            shape = ref[l].shape
            if idx == 0:
                hints = {shape[::-1]: f"{what}[{l}] must have the shape of weights[{l}], {shape}: "
                                      f"a_prev.T @ delta."}
            else:
                hints = {(n,) + shape: f"{what}[{l}]: sum delta over the batch axis 0, "
                                       f"delta.sum(axis=0), shape {shape}.",
                         (1,) + shape: f"{what}[{l}] must have shape {shape}: drop keepdims=True."}
            t.array(grads[l], ref[l], f"{what}[{l}]", variants=variants, shape_hints=hints,
                    scales={n: _BACKPROP_HINTS[3][1], 2.0: _BACKPROP_HINTS[4][1],
                            1 / n: "You divided by N twice (or averaged a sum over the batch): "
                                   "delta already holds the 1/N, so sum over samples."} if n > 1
                    else {2.0: _BACKPROP_HINTS[4][1]})


def _make_f(x, w, description):
    """The test function. As in nnlib, f() reads the array x; for learners used to CS231n's
    convention, f(a) evaluates at the array a instead (both give correct gradients)."""
    def f(*args):
        if len(args) > 1:
            raise TypeError(f"f takes no arguments (it reads x), got {len(args)}.")
        a = np.asarray(args[0]) if args else x
        if a.shape != w.shape:
            raise ValueError(f"f was evaluated at an array of shape {a.shape}, but x has shape "
                             f"{w.shape}: nudge the entries of x, keep its shape.")
        return float(np.sum(w * a ** 3) + a.flat[0] * a.flat[-1])

    f.description = description
    return f


@exercise("numerical_gradient", args=("f", "x"), chapter="03_backpropagation",
          shape_hint="The gradient has the shape of x: one entry per entry of x.",
          mutation_hint="numerical_gradient may change x while it works, but must put every "
                        "entry back: save old = x[i] before nudging and end with x[i] = old "
                        "(x was not restored).")
def _check_numerical_gradient(t):
    desc = "f() = sum(w * x**3) + x.flat[0] * x.flat[-1], reading x"

    def variants(x, w, h):
        """Known wrong answers, computed on a private copy of x (f reads that copy)."""
        x = x.copy()
        f = _make_f(x, w, desc)

        def forward():
            g, base = np.zeros_like(x), f()
            for i in np.ndindex(x.shape):
                old = x[i]
                x[i] = old + h
                g[i] = (f() - base) / h
                x[i] = old
            return g

        def backward():
            g, base = np.zeros_like(x), f()
            for i in np.ndindex(x.shape):
                old = x[i]
                x[i] = old - h
                g[i] = (base - f()) / h
                x[i] = old
            return g

        def rows_at_once():
            g = np.zeros_like(x)
            for i in range(x.shape[0]):
                old = x[i].copy()
                x[i] = old + h
                fp = f()
                x[i] = old - h
                fm = f()
                x[i] = old
                g[i] = (fp - fm) / (2 * h)
            return g

        def all_at_once():
            old = x.copy()
            x[...] = old + h
            fp = f()
            x[...] = old - h
            fm = f()
            x[...] = old
            return np.full(x.shape, (fp - fm) / (2 * h))

        return [
            (forward, "This is the forward difference (f(x + h) - f(x)) / h, accurate only to "
                      "order h. Use the centered difference (f(x + h) - f(x - h)) / (2h)."),
            (backward, "This is the one-sided difference (f(x) - f(x - h)) / h, accurate only "
                       "to order h. Use the centered difference (f(x + h) - f(x - h)) / (2h)."),
            (lambda: gradcheck.numerical_gradient(f, x, 1e-5),
             "Use the step h that is passed in instead of a fixed number."),
            (rows_at_once, "You nudged a whole row at once. Nudge one entry at a time: loop over "
                           "every index of x (np.ndindex(x.shape), or np.nditer with "
                           "multi_index)."),
            (all_at_once, "You nudged every entry of x at once. Nudge one entry at a time."),
            (lambda: np.zeros_like(x),
             "All zeros: f reads x itself, so the nudge must happen in x (x[i] = old + h), not "
             "in a copy of x."),
        ]

    scales = {0.5: "Divide by 2h: the two points x + h and x - h are 2h apart.",
              2.0: "Divide by 2h, the distance between x + h and x - h, not by h.",
              -1.0: "The sign is flipped: (f(x + h) - f(x - h)) / (2h)."}

    # Hand-worked: for sum(w x^3) the centered difference is exactly 3 w x^2 + w h^2 (and the
    # cross term x.flat[0] * x.flat[-1] is differentiated exactly), while the forward
    # difference adds 3 w x h: far outside the tolerance with h = 0.1.
    x = np.array([[1.0, -2.0, 0.5], [2.0, 0.0, -1.0]])
    w = np.array([[1.0, 2.0, -1.0], [0.5, 3.0, 1.0]])
    h = 0.1
    hand = 3 * w * x ** 2 + w * h ** 2
    hand[0, 0] += x[1, 2]
    hand[1, 2] += x[0, 0]
    f = _make_f(x, w, desc)
    t.case("hand-worked cubic, h = 0.1", f=f, x=x, h=h)
    t.array(t.call(f, x, h=h, restore_tol=1e-12), hand, "numerical_gradient(f, x, h)",
            variants=variants(x, w, h), scales=scales, rtol=1e-9, atol=1e-9, keep_float64=True)

    r = _rng(33)
    for case, shape in [("a (3, 4) array, default h", (3, 4)), ("a 1-D array, default h", (5,))]:
        x, w = r.normal(size=shape), r.normal(size=shape)
        exact = 3 * w * x ** 2
        exact.flat[0] += x.flat[-1]
        exact.flat[-1] += x.flat[0]
        f = _make_f(x, w, desc)
        t.case(case, f=f, x=x)
        t.array(t.call(f, x, restore_tol=1e-12), exact, "numerical_gradient(f, x)",
                variants=variants(x, w, 1e-5), scales=scales, rtol=1e-5, atol=1e-7,
                keep_float64=True)

    x, w, h = r.normal(size=(2, 3)), r.normal(size=(2, 3)), 1e-3
    xe = x.copy()
    expected = gradcheck.numerical_gradient(_make_f(xe, w, desc), xe, h)
    f = _make_f(x, w, desc)
    t.case("compared with nnlib, h = 1e-3", f=f, x=x, h=h)
    t.array(t.call(f, x, h=h, restore_tol=1e-12), expected, "numerical_gradient(f, x, h)",
            variants=variants(x, w, h), scales=scales, rtol=1e-7, atol=1e-9, keep_float64=True)


# ---------------------------------------------------------------------------------------------
# Chapter 4: the update step
# ---------------------------------------------------------------------------------------------


@exercise("sgd_step", args=("param", "grad", "lr"), chapter="04_training", mutable=("param",))
def _check_sgd_step(t):
    cases = [("hand-worked values", np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1,
              np.array([0.95, 2.1])),
             ("a (3, 4) weight matrix", None, None, 0.05, None),
             ("float32 parameters", None, None, 0.01, None)]
    for i, (case, param, grad, lr, hand) in enumerate(cases):
        if param is None:
            r = _rng(34 + i)
            dtype = np.float32 if "float32" in case else np.float64
            param = r.normal(size=(3, 4)).astype(dtype)
            grad = r.normal(size=(3, 4)).astype(dtype)
        before = param.copy()
        # The reference step, on float64 copies (nnlib's sgd_step updates in place).
        expected = hand if hand is not None else optim.sgd_step(
            before.astype(np.float64), grad.astype(np.float64), lr)
        t.case(case, param=before, grad=grad, lr=lr)
        out = t.call(param, grad.copy(), lr)
        changed = not np.array_equal(param, before)
        if out is None:
            if changed and np.allclose(param, expected, rtol=1e-5):
                t.fail("sgd_step returned None.",
                       hint="You updated param in place, good: now also `return param`.")
            t.fail("sgd_step returned None.", hint="Return the updated parameter: "
                                                   "param - lr * grad (or update in place and "
                                                   "`return param`).")
        t.array(out, expected, "sgd_step(param, grad, lr)", variants=[
            (lambda: before + lr * grad, "Wrong sign: gradient descent steps against the gradient, "
                                         "param - lr * grad (`-=`, not `+=`)."),
            (lambda: lr * grad, "`param = lr * grad` throws the old weights away: the update is "
                                "param - lr * grad (use `-=`)."),
            (lambda: -lr * grad, "The step must be applied to param: param - lr * grad."),
            (lambda: before - grad, "Scale the gradient by the learning rate: param - lr * grad."),
            (lambda: before - lr, "Subtract lr * grad, not lr."),
            (lambda: before - grad / lr, "Multiply the gradient by the learning rate, do not "
                                         "divide: param - lr * grad."),
            (lambda: before - 2 * lr * grad, "The step was applied twice (in place and again in "
                                             "the return value)."),
        ])
        if changed and not np.allclose(param, expected, rtol=1e-4, atol=1e-7):
            t.fail("param was changed in place, but not to the updated value.",
                   hint="Either update in place (param -= lr * grad) and return param, or leave "
                        "param alone and return param - lr * grad.")


# ---------------------------------------------------------------------------------------------
# Chapter 5: initialization (statistical checks)
# ---------------------------------------------------------------------------------------------


def _same(a, b):
    """True when two outputs (arrays or tuples of arrays) are exactly equal."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b))
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))
    except (TypeError, ValueError):
        return False


def _check_uses_rng(t, make_args, what):
    """The result must depend on rng only: not on np.random's global state, and not be fixed."""
    def run(rng_seed, global_seed):
        np.random.seed(global_seed)  # the grader's own use; check() restores the global state
        return t.call(*make_args(_rng(rng_seed)))

    t.case("randomness comes from rng only")
    a, b, c, d = run(7, 1), run(7, 2), run(7, 1), run(8, 1)
    if not _same(a, c):
        t.fail("two calls with identically seeded generators gave different results.",
               hint=f"Draw every random number in {what} from the rng argument (rng.normal, "
                    "rng.uniform, rng.random, rng.standard_normal). A generator created inside "
                    "the function without a seed differs on every call.")
    if not _same(a, b):
        t.fail("the result changes with NumPy's global random state (np.random.seed) although "
               "rng was the same.",
               hint="Use the rng argument (rng.standard_normal, rng.normal, rng.uniform, "
                    "rng.random) instead of np.random.randn, np.random.rand or np.random.normal: "
                    "the course passes a Generator so that every result is reproducible.")
    if _same(a, d):
        t.fail("generators with different seeds gave the same result: the function ignores rng.",
               hint="Use the rng passed in. A generator created inside the function with a fixed "
                    "seed, or np.random.seed(...), makes every call return the same numbers.")


def _init_candidates(fan_in, fan_out, target, scheme):
    other = "2 / fan_in" if scheme == "He" else "2 / (fan_in + fan_out)"
    cands = [
        (target ** 2, "The variance came out as the square of the target: you used the variance "
                      "as the standard deviation. Scale standard normal numbers by "
                      "sqrt(variance)."),
        (math.sqrt(target), "The variance came out as the square root of the target: the "
                            "standard deviation is sqrt(variance), and the variance is its "
                            "square."),
        (target / 3, "A uniform distribution on [-a, a] has variance a**2 / 3, so "
                     "a = sqrt(3 * variance)."),
        (3 * target, "The variance came out three times too large: sqrt(3 * variance) is the "
                     "bound a of the uniform distribution, not a normal's standard deviation."),
        (2 / fan_in, "That is 2 / fan_in, He's variance; Xavier averages fan_in and fan_out."),
        (2 / fan_out, f"That is 2 / fan_out: {scheme} uses {other}. fan_in is the number of "
                      "inputs of each unit, W.shape[0]; fan_out is W.shape[1]."),
        (1 / fan_in, "That is 1 / fan_in (LeCun's variance)."),
        (1 / fan_out, "That is 1 / fan_out."),
        (2 / (fan_in + fan_out), "That is 2 / (fan_in + fan_out), Xavier's variance."),
        (1 / (fan_in + fan_out), "That is 1 / (fan_in + fan_out): the factor 2 is missing."),
        (1.0, "The weights have variance 1: scale them to the target variance."),
        (1 / 12, "Variance 1/12 is rng.random() unscaled: shift and scale it to [-a, a]."),
        (1e-4, "That is the classic 0.01 * randn initialization, not the target variance."),
    ]
    return [(v, h) for v, h in cands if abs(v / target - 1) > 0.15]


def _check_init(t, name, scheme, target_of, extra_hint):
    t.case("shape (fan_in, fan_out) = (3, 5), float values", fan_in=3, fan_out=5)
    W = t.call(3, 5, _rng(40))
    t.is_array(W, f"{name}(3, 5, rng)")
    if W.shape != (3, 5):
        hint = ("W must have shape (fan_in, fan_out) so that x @ W works for x of shape "
                "(N, fan_in)." if W.shape == (5, 3) else None)
        t.fail(f"{name}(3, 5, rng) has shape {W.shape}, expected (3, 5).", hint=hint)
    if not np.all(np.isfinite(W)):
        t.fail(f"{name}(3, 5, rng) contains NaN or inf.")

    _check_uses_rng(t, lambda rng: (20, 30, rng), name)

    for fan_in, fan_out in [(100, 400), (400, 100)]:
        target = target_of(fan_in, fan_out)
        n = fan_in * fan_out
        t.case(f"statistics of {name}({fan_in}, {fan_out}, rng): mean 0, variance "
               f"{_fmt(target)}", fan_in=fan_in, fan_out=fan_out)
        W = t.call(fan_in, fan_out, _rng(41))
        t.is_array(W, f"{name}({fan_in}, {fan_out}, rng)", (fan_in, fan_out))
        if W.shape != (fan_in, fan_out):
            t.fail(f"the result has shape {W.shape}, expected ({fan_in}, {fan_out}).",
                   hint="W must have shape (fan_in, fan_out)." if W.shape == (fan_out, fan_in)
                   else None)
        W = W.astype(np.float64)
        mean, var = float(W.mean()), float(W.var())
        if not np.isfinite(var):
            t.fail("the weights contain NaN or inf.")
        mean_tol = _SIGMAS * math.sqrt(target / n)
        if abs(mean) > mean_tol:
            t.fail(f"the mean of the weights is {_fmt(mean)}, expected 0 "
                   f"(within {_fmt(mean_tol)}).",
                   hint="The weights must be centred on 0: draw from a normal with mean 0 or a "
                        "uniform on [-a, a] (rng.random() alone lies in [0, 1)).")
        if len(np.unique(W)) < 0.9 * n:
            t.fail(f"only {len(np.unique(W))} of the {n} weights are different.",
                   hint="Draw every weight independently: one random number per entry, "
                        "size=(fan_in, fan_out).")
        var_tol = _SIGMAS * math.sqrt(2 / n)
        ratio = var / target
        if abs(ratio - 1) > var_tol:
            t.fail(f"the variance of the weights is {_fmt(var)}, expected {_fmt(target)} "
                   f"(ratio {ratio:.3g}; tolerance +-{var_tol:.2g}).",
                   hint=_variance_hint(W, var, var_tol, fan_in, fan_out, target, scheme,
                                       extra_hint))


def _variance_hint(W, var, var_tol, fan_in, fan_out, target, scheme, extra_hint):
    """Name the likely mistake behind a wrong variance. Uniform weights are told apart from
    normal ones by their kurtosis, E[(w - mean)^4] / var^2: 1.8 for a uniform, 3 for a normal
    (over 40 000 weights its standard error is below 0.03)."""
    candidates = _init_candidates(fan_in, fan_out, target, scheme)
    named = next((h for v, h in candidates if abs(var / v - 1) <= var_tol), None)
    kurtosis = float(np.mean((W - W.mean()) ** 4)) / var ** 2
    if kurtosis < 2.4:
        a = float(np.max(np.abs(W)))
        # With a uniform only a mix-up of fan_in and fan_out is worth naming; every other
        # wrong variance comes from a wrong bound.
        fans = named if named and named.startswith("That is 2 /") else ""
        return (f"{fans} Your weights look uniform on [-a, a] with a = {_fmt(a)}. A uniform "
                f"distribution on [-a, a] has variance a**2 / 3, so the variance {_fmt(target)} "
                f"needs a = sqrt(3 * {_fmt(target)}) = {_fmt(math.sqrt(3 * target))}, that is "
                f"{'sqrt(6 / fan_in)' if scheme == 'He' else 'sqrt(6 / (fan_in + fan_out))'}."
                ).strip()
    return f"{named} {extra_hint}" if named else extra_hint


def _fmt(x):
    return f"{x:.4g}"


@exercise("xavier_init", args=("fan_in", "fan_out", "rng"), chapter="05_initialization")
def _check_xavier_init(t):
    _check_init(t, "xavier_init", "Xavier", lambda fi, fo: 2 / (fi + fo),
                "Xavier: Var(w) = 2 / (fan_in + fan_out), so a normal distribution needs the "
                "standard deviation sqrt(2 / (fan_in + fan_out)).")


@exercise("he_init", args=("fan_in", "fan_out", "rng"), chapter="05_initialization")
def _check_he_init(t):
    _check_init(t, "he_init", "He", lambda fi, fo: 2 / fi,
                "He: Var(w) = 2 / fan_in, so a normal distribution needs the standard deviation "
                "sqrt(2 / fan_in).")


# ---------------------------------------------------------------------------------------------
# Chapter 6: dropout and the L2 penalty
# ---------------------------------------------------------------------------------------------


def _dropout_outputs(t, out, x, p):
    what = f"dropout_forward(x, p={p}, rng)"
    out_arr, mask = t.tuple_of(out, 2, what, ("out", "mask"))
    t.is_array(out_arr, "out")
    t.is_array(mask, "mask", dtype_hint="The mask holds the numbers 0 and 1/(1-p) as floats: "
                                        "divide the True/False keep decisions by (1 - p).")
    for arr, name in ((out_arr, "out"), (mask, "mask")):
        if arr.shape != x.shape:
            hint = None
            if arr.shape == x.shape[1:] or arr.shape == (1,) + x.shape[1:]:
                hint = ("Draw one decision per entry of x, rng.random(x.shape): every sample "
                        "needs its own mask.")
            t.fail(f"{name} has shape {arr.shape}, expected the shape of x, {x.shape}.", hint=hint)
    return out_arr.astype(np.float64), mask.astype(np.float64)


def _check_mask_values(t, mask, p):
    scale = 1 / (1 - p)
    kept = mask[mask != 0]
    if kept.size == 0:
        t.fail(f"every entry of the mask is 0 (p = {p}).",
               hint="p is the probability of dropping a unit; a unit is kept when "
                    "rng.random(x.shape) >= p.")
    values = np.unique(np.round(kept, 9))
    if np.allclose(kept, scale, rtol=1e-6):
        return
    if values.size == 1:
        v = float(values[0])
        named = [(1.0, "The kept entries of the mask must be 1/(1-p), not 1: inverted dropout "
                       "puts the scaling into the mask, mask = keep / (1 - p)."),
                 (1 / p if p else None, "You scaled by 1/p. p is the drop probability, so the "
                                        "keep probability is 1 - p: scale by 1/(1-p)."),
                 (1 - p, "Multiplying by (1 - p) is vanilla dropout's test-time scaling; inverted "
                         "dropout divides kept units by (1 - p) during training."),
                 (p, "Kept units are scaled by 1/(1-p), with p the drop probability.")]
        for value, hint in named:
            if value is not None and abs(v - value) < 1e-6 * max(1, value):
                t.fail(f"the kept entries of the mask are {_fmt(v)}, expected 1/(1-p) = "
                       f"{_fmt(scale)}.", hint=hint)
        t.fail(f"the kept entries of the mask are {_fmt(v)}, expected 1/(1-p) = {_fmt(scale)}.")
    t.fail(f"the mask holds {values.size} different non-zero values; expected only 0 and "
           f"1/(1-p) = {_fmt(scale)}.",
           hint="Build the mask from a True/False decision per entry: "
                "(rng.random(x.shape) >= p) / (1 - p).")


@exercise("dropout_forward", args=("x", "p", "rng"), chapter="06_regularization_dropout",
          shape_hint="x is (N, D); the mask has the shape of x: rng.random(x.shape).")
def _check_dropout_forward(t):
    x = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
    t.case("p = 0 keeps everything: out equals x, mask is all ones", x=x, p=0.0)
    out, mask = _dropout_outputs(t, t.call(x, 0.0, _rng(50)), x, 0.0)
    if not np.all(np.isfinite(mask)):
        t.fail("with p = 0 the mask contains inf or NaN.",
               hint="Did you divide by p? p is the drop probability; kept units are scaled by "
                    "1/(1-p), which is 1 for p = 0.")
    if np.all(mask == 0):
        t.fail("with p = 0 every unit was dropped.",
               hint="p is the probability of DROPPING a unit: keep where rng.random(x.shape) >= p "
                    "(with p = 0 nothing is dropped).")
    swapped = [(x, "Return the two arrays in the order (out, mask).")]
    t.array(mask, np.ones_like(x), "mask", variants=swapped, keep_float64=False)
    t.array(out, x, "out", variants=swapped)

    _check_uses_rng(t, lambda rng: (np.ones((20, 30)), 0.5, rng), "dropout_forward")

    for p, shape, seed in [(0.3, (400, 250), 51), (0.75, (200, 200), 52)]:
        r = _rng(seed)
        x = r.normal(size=shape) + 3.0  # no exact zeros, so a zero in out means a dropped unit
        t.case(f"statistics with p = {p} on a {shape} batch", x=x, p=p)
        out, mask = _dropout_outputs(t, t.call(x.copy(), p, _rng(seed + 100)), x, p)
        _check_mask_values(t, mask, p)
        dropped_rows = mask == 0
        if np.all(dropped_rows == dropped_rows[0]):
            t.fail("every sample (row) got the same mask.",
                   hint="Draw the mask with the full shape of x, rng.random(x.shape), not one row "
                        "that is repeated for every sample.")
        if np.all(dropped_rows == dropped_rows[:, :1]):
            t.fail("within each sample, all units were kept or all dropped together.",
                   hint="Draw one decision per entry, rng.random(x.shape), not one per sample.")
        per_row = dropped_rows.sum(axis=1)
        if np.all(per_row == per_row[0]):
            t.fail(f"every sample dropped exactly {per_row[0]} units.",
                   hint="Each unit is dropped independently with probability p, so the number "
                        "dropped varies from sample to sample: rng.random(x.shape) >= p.")
        identical = int(np.sum(np.all(dropped_rows[1:] == dropped_rows[:-1], axis=1)))
        if identical > 0:
            t.fail(f"{identical} pairs of neighbouring samples got identical masks.",
                   hint="Every sample needs its own, independent mask: rng.random(x.shape).")
        n = mask.size
        dropped = float(np.mean(mask == 0))
        tol = _SIGMAS * math.sqrt(p * (1 - p) / n)
        if abs(dropped - p) > tol:
            hint = ("The fraction dropped is about 1 - p: keep and drop are swapped. p is the "
                    "drop probability, so keep where rng.random(x.shape) >= p "
                    "(or < 1 - p)." if abs(dropped - (1 - p)) <= tol else None)
            t.fail(f"{dropped:.1%} of the units were dropped, expected p = {p:.0%} "
                   f"(tolerance +-{tol:.1%}).", hint=hint)
        t.array(out, x * mask, "out", variants=[
            (lambda: x * (mask != 0), "out must be x * mask, including the 1/(1-p) scaling."),
            (lambda: x * mask * (1 - p), "out must be x * mask; the mask already carries the "
                                         "1/(1-p)."),
        ])

    # Dropping exactly round(p * N * D) units (a permutation, rng.choice without replacement)
    # passes every statistic above; only the spread of the count over calls shows it. For a
    # correct function, ten equal counts out of 2000 units at p = 0.5 have probability < 1e-15.
    x = np.ones((40, 50))
    t.case("the number of dropped units varies between calls (10 calls, p = 0.5)", x=x, p=0.5)
    counts = set()
    for seed in range(60, 70):
        _, mask = _dropout_outputs(t, t.call(x.copy(), 0.5, _rng(seed)), x, 0.5)
        counts.add(int(np.sum(mask == 0)))
    if len(counts) == 1:
        t.fail(f"each of the 10 calls dropped exactly {counts.pop()} of the {x.size} units.",
               hint="Drop every unit independently with probability p, rng.random(x.shape) >= p; "
                    "then the number dropped varies from call to call. Choosing exactly "
                    "p * N * D units to drop makes the units depend on each other.")

    x = _rng(53).normal(size=(1, 6)).astype(np.float32) + 3
    t.case("float32 input, a batch of one", x=x, p=0.2)
    out, mask = _dropout_outputs(t, t.call(x.copy(), 0.2, _rng(54)), x, 0.2)
    _check_mask_values(t, mask, 0.2)
    t.array(out, x.astype(np.float64) * mask, "out", rtol=1e-5, atol=1e-6)


@exercise("dropout_backward", args=("dout", "mask"), chapter="06_regularization_dropout",
          shape_hint="dout, mask and the result all have the shape of x: dout * mask is "
                     "elementwise (*, not @).")
def _check_dropout_backward(t):
    name = "dropout_backward(dout, mask)"

    def variants(dout, mask):
        return [
            (lambda: dout * (mask != 0), "Multiply by the mask itself: it already carries the "
                                         "1/(1-p) scaling, so dout * mask."),
            (lambda: mask, "The gradient is dout * mask: multiply the upstream gradient by the "
                           "mask."),
            (lambda: dout, "Dropped units get no gradient: dout * mask."),
            (lambda: dout / np.where(mask == 0, np.inf, mask),
             "Multiply by the mask, do not divide: dout * mask."),
        ]

    def scales(mask):
        # dout * mask * mask (or an extra / (1 - p)) is the answer times 1/(1-p).
        return {float(mask.max()): "The mask already holds the 1/(1-p) scaling: multiply by it "
                                   "once, dout * mask, with no extra factor."}

    dout = np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
    mask = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])
    t.case("hand-worked values, p = 0.5", dout=dout, mask=mask)
    t.array(t.call(dout, mask), np.array([[2.0, 0.0, 6.0], [0.0, 10.0, -12.0]]), name,
            variants=variants(dout, mask), scales=scales(mask))

    r = _rng(55)
    dout = r.normal(size=(5, 4))
    mask = (r.random((5, 4)) >= 0.2) / 0.8
    t.case("a (5, 4) batch, p = 0.2", dout=dout, mask=mask)
    t.array(t.call(dout.copy(), mask.copy()), F.dropout_backward(dout, mask), name,
            variants=variants(dout, mask), scales=scales(mask))

    dout = r.normal(size=(2, 3)).astype(np.float32)
    mask = ((r.random((2, 3)) >= 0.6) / np.float32(0.4)).astype(np.float32)
    t.case("float32 inputs", dout=dout, mask=mask)
    d64, m64 = dout.astype(np.float64), mask.astype(np.float64)
    t.array(t.call(dout.copy(), mask.copy()), F.dropout_backward(d64, m64), name,
            variants=variants(d64, m64), scales=scales(m64), **_F32)


@exercise("l2_penalty", args=("W", "lam"), chapter="06_regularization_dropout")
def _check_l2_penalty(t):
    cases = [("hand-worked values", np.array([[1.0, -2.0, 0.0], [3.0, 0.5, -1.0]]), 0.1, 0.7625),
             ("a (4, 6) weight matrix, lam = 1e-3", _rng(56).normal(size=(4, 6)), 1e-3, None),
             ("lam = 0 gives no penalty", _rng(57).normal(size=(3, 2)), 0.0, 0.0),
             ("float32 weights", _rng(58).normal(size=(5, 3)).astype(np.float32), 0.05, None)]
    for case, W, lam, hand in cases:
        Wd = W.astype(np.float64)
        value_e, grad_e = regularization.l2_penalty(Wd, lam)
        if hand is not None:
            value_e = hand
        t.case(case, W=W, lam=lam)
        out = t.call(W.copy(), lam)
        value, grad = t.tuple_of(out, 2, "l2_penalty(W, lam)", ("penalty", "grad"))
        if np.shape(value) == W.shape and np.ndim(grad) == 0 and W.ndim:
            t.fail("the first item has the shape of W and the second is a single number.",
                   hint="Return the two results in the order (penalty, grad).")
        t.scalar(value, value_e, "the penalty", variants=[
            (lambda: lam * float(np.sum(np.abs(Wd))), "That is the L1 penalty; L2 squares the "
                                                       "weights: 0.5 * lam * np.sum(W ** 2)."),
            (lambda: 0.5 * lam * float(np.sqrt(np.sum(Wd ** 2))),
             "Use the squared norm, np.sum(W ** 2), not the norm itself."),
            (lambda: 0.5 * lam * float(np.mean(Wd ** 2)),
             "Sum the squares (np.sum), do not average them."),
            (lambda: 0.5 * float(np.sum(Wd ** 2)), "Multiply by lam."),
            (lambda: 0.5 * lam * float(np.sum(Wd)) ** 2,
             "np.sum(W) ** 2 squares the sum; square every weight first: np.sum(W ** 2)."),
        ], scales={2.0: "The penalty is 0.5 * lam * sum(W ** 2): the factor 1/2 is missing (it "
                        "makes the gradient exactly lam * W)."},
            atol=1e-12)
        t.array(grad, grad_e, "the gradient", variants=[
            (lambda: 2 * lam * Wd, "With the 1/2 in the penalty the gradient is lam * W, not "
                                   "2 * lam * W."),
            (lambda: Wd, "Multiply by lam: the gradient is lam * W."),
            (lambda: lam * np.sign(Wd), "lam * sign(W) is the L1 gradient; for L2 it is lam * W."),
            (lambda: np.full(Wd.shape, value_e), "The gradient is lam * W, an array like W."),
            (lambda: lam * Wd ** 2, "The derivative of 0.5 * lam * w**2 is lam * w, not "
                                    "lam * w**2."),
        ], shape_hints={(): "The gradient has the shape of W: lam * W."})
