"""Sheet 10 (chapter 10): fixing a broken network in the seed article's style, two sanity checks.

The four repair exercises know the bugs that the sheet plants (and a few the learner may add);
each report names the bug that is still there and the symptom it had. The two sanity checks are
run against small networks built here (``_TinyNet``), some healthy and some with one bug each.
"""

import math

import numpy as np

from .common import _F32, _rng
from .registry import exercise
from .tester import _Errored


def _sigmoid(z):
    with np.errstate(over="ignore"):  # exp(800) is inf, and 1 / (1 + inf) = 0 is right
        return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------------------------------------
# 10.1 sigmoid_fixed
# ---------------------------------------------------------------------------------------------

_SIGMOID_BUG = ("The bug is still there: the minus sign in exp(-z) is missing, so this is "
                "sigmoid(-z). Its symptom: the backward pass still uses s * (1 - s), the "
                "derivative of sigmoid(z), so the gradient of every layer below a sigmoid has "
                "the wrong sign (relative error exactly 1 in the gradient check) and the loss "
                "climbs instead of falling.")


def _sigmoid_variants(z):
    return [
        (lambda: 1 / (1 + np.exp(z)), _SIGMOID_BUG),
        (lambda: 1 + np.exp(-z), "`1 / 1 + np.exp(-z)` is (1/1) + exp(-z): put the whole "
                                 "denominator in parentheses, 1 / (1 + np.exp(-z))."),
        (lambda: 1 / (1 - np.exp(-z)), "The denominator is 1 + exp(-z), not 1 - exp(-z)."),
        (lambda: -1 / (1 + np.exp(z)), "The minus sign belongs inside the exponential, "
                                       "exp(-z), not in front of the fraction."),
        (lambda: np.tanh(z), "That is tanh(z); the sigmoid is 1 / (1 + exp(-z))."),
    ]


@exercise("sigmoid_fixed", args=("z",), chapter="10_debugging")
def _check_sigmoid_fixed(t):
    z = np.array([-2.0, 0.0, 2.0, 10.0])
    t.case("hand-worked values: sigmoid(0) = 0.5, sigmoid(10) close to 1", z=z)
    expected = np.array([1 / (1 + math.exp(2)), 0.5, 1 / (1 + math.exp(-2)),
                         1 / (1 + math.exp(-10))])
    t.array(t.call(z), expected, "sigmoid_fixed(z)", variants=_sigmoid_variants(z),
            keep_float64=True)

    z = _rng(90).normal(0, 3, size=(4, 5))
    t.case("a (4, 5) batch of pre-activations", z=z)
    t.array(t.call(z.copy()), _sigmoid(z), "sigmoid_fixed(z)", variants=_sigmoid_variants(z),
            keep_float64=True)

    z = np.array([[-800.0, -40.0], [40.0, 800.0]])
    t.case("large inputs (the outputs saturate at 0 and 1)", z=z)
    t.array(t.call(z.copy()), _sigmoid(z), "sigmoid_fixed(z)", variants=_sigmoid_variants(z),
            finite_hint="exp of a large number overflows to inf; 1 / (1 + inf) is 0, which is "
                        "fine, but inf / inf is nan: use 1 / (1 + np.exp(-z)).")

    z = _rng(91).normal(0, 2, size=(1, 6)).astype(np.float32)
    t.case("float32 input, a batch of one", z=z)
    z64 = z.astype(np.float64)
    t.array(t.call(z.copy()), _sigmoid(z64), "sigmoid_fixed(z)",
            variants=_sigmoid_variants(z64), **_F32)


# ---------------------------------------------------------------------------------------------
# 10.2 update_fixed
# ---------------------------------------------------------------------------------------------

_ASSIGN_BUG = ("Bug 1 is still there: `=` instead of `-=`. The weights are thrown away and "
               "replaced by lr * grad; its symptom: the loss sits at ln C (ln 10 = 2.30 on the "
               "digits) from the first epoch on, the hidden layers output almost nothing, and "
               "the gradient check passes, because the gradients are right.")
_SKIP_BUG = ("Bug 2 is still there: the loop `for l in range(1, n_layers)` stops one layer "
             "early, so the last layer is never updated; its symptom: the output layer keeps "
             "its random initial weights and the loss falls far more slowly than it should.")


def _classify_update(old, grad, new, lr):
    """What the learner's update did to one array: 'ok', 'assigned', 'unchanged', 'ascent', ..."""
    if not isinstance(new, np.ndarray) or new.shape != old.shape:
        return "replaced"
    new = new.astype(np.float64)
    kinds = [("ok", old - lr * grad), ("unchanged", old), ("assigned", lr * grad),
             ("ascent", old + lr * grad), ("negative step", -lr * grad),
             ("no lr", old - grad)]
    for kind, value in kinds:
        if np.allclose(new, value, rtol=1e-6, atol=1e-9):
            return kind
    return "wrong"


def _update_params(r, sizes):
    params, grads = {}, {}
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{l}"] = r.normal(size=(fan_in, fan_out))
        params[f"b{l}"] = r.normal(size=fan_out)
        grads[f"W{l}"] = r.normal(size=(fan_in, fan_out))
        grads[f"b{l}"] = r.normal(size=fan_out)
    return params, grads


def _check_update_result(t, before, grads, params, lr):
    kinds = {k: _classify_update(before[k], grads[k], params.get(k), lr) for k in before}
    if set(params) != set(before):
        extra = sorted(set(params) - set(before))
        missing = sorted(set(before) - set(params))
        t.fail(f"after the call params has the keys {sorted(params)}, expected "
               f"{sorted(before)}" + (f" (new: {extra})" if extra else "")
               + (f" (missing: {missing})" if missing else "") + ".",
               hint="Update the arrays that are already in params, under the same keys "
                    "(grads uses the same keys as params: 'W1', 'b1', ...).")
    bad = {k: v for k, v in kinds.items() if v != "ok"}
    if not bad:
        return
    by_kind = {}
    for k, v in bad.items():
        by_kind.setdefault(v, []).append(k)
    problems = [f"{', '.join(keys)}: {kind}" for kind, keys in by_kind.items()]
    hints = []
    n_layers = len(before) // 2
    last = {f"W{n_layers}", f"b{n_layers}"}
    if "assigned" in by_kind:
        hints.append(_ASSIGN_BUG + " (" + ", ".join(by_kind["assigned"]) + " were replaced.)")
    if set(by_kind.get("unchanged", [])) == last and len(before) > 2 \
            or (len(before) == 2 and set(by_kind.get("unchanged", [])) == last):
        hints.append(_SKIP_BUG + " (" + ", ".join(sorted(last)) + " did not change.)")
    elif "unchanged" in by_kind and set(by_kind["unchanged"]) == set(before):
        hints.append("Nothing in params changed. If you wrote `params = {...}` or "
                     "`params[k] = params[k] - ...` into a copy, the caller's dict is not "
                     "updated: change the dict you were given, params[key] -= lr * grads[key] "
                     "for every key.")
    elif "unchanged" in by_kind:
        hints.append(", ".join(by_kind["unchanged"]) + " did not change: update every "
                     "parameter, the weights and the biases of every layer.")
    if "ascent" in by_kind:
        hints.append("Wrong sign: gradient descent steps against the gradient, "
                     "params[key] -= lr * grads[key] (not +=); the loss would climb.")
    if "negative step" in by_kind:
        hints.append("params[key] = -lr * grads[key] still throws the weights away: subtract "
                     "the step from the weights, params[key] -= lr * grads[key].")
    if "no lr" in by_kind:
        hints.append("Multiply the gradient by the learning rate lr.")
    if "replaced" in by_kind:
        hints.append("Keep each parameter an array of its own shape.")
    t.fail("after the call, params does not hold params - lr * grads: "
           + "; ".join(problems) + ".",
           hint=" ".join(hints) or "Every parameter moves against its gradient: "
                                   "params[key] -= lr * grads[key].")


@exercise("update_fixed", args=("params", "grads", "lr"), chapter="10_debugging",
          mutable=("params",),
          mutation_hint="Change only params (in place); grads must stay as it was.")
def _check_update_fixed(t):
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([0.5, 0.0]),
              "W2": np.array([[3.0], [1.0]]), "b2": np.array([-1.0])}
    grads = {"W1": np.array([[2.0, 4.0]]), "b1": np.array([-1.0, 1.0]),
             "W2": np.array([[1.0], [0.0]]), "b2": np.array([2.0])}
    cases = [("hand-worked values, two layers, lr = 0.5", params, grads, 0.5)]
    r = _rng(92)
    cases.append(("three layers (sizes 4, 5, 3, 2), lr = 0.1", *_update_params(r, [4, 5, 3, 2]),
                  0.1))
    cases.append(("a single layer (sizes 3, 2), lr = 0.01", *_update_params(r, [3, 2]), 0.01))
    for case, params, grads, lr in cases:
        before = {k: v.copy() for k, v in params.items()}
        t.case(case, params=before, grads=grads, lr=lr)
        given = {k: v.copy() for k, v in params.items()}
        t.call(given, {k: v.copy() for k, v in grads.items()}, lr)
        _check_update_result(t, before, grads, given, lr)

    t.case("lr = 0 leaves every parameter as it was")
    params, grads = _update_params(_rng(93), [2, 3, 2])
    before = {k: v.copy() for k, v in params.items()}
    t.call(params, grads, 0.0)
    _check_update_result(t, before, grads, params, 0.0)


# ---------------------------------------------------------------------------------------------
# 10.3 single_layer_forward_fixed
# ---------------------------------------------------------------------------------------------

_IS_BUG = ("Bug 1 is still there: strings compared with `is`. `is` asks whether two names are "
           "the same object, not whether two strings are equal: it happens to work for a "
           "literal typed in the same code and fails for the same text built at run time (read "
           "from a file or a configuration). Its symptom: the function rejects 'relu' as an "
           "unsupported activation, and Python warns `SyntaxWarning: \"is\" with a literal` (or "
           "\"is\" with 'str' literal) when it compiles the code. Use ==.")
_COPY_BUG = ("Bug 2 is still there: the 'sigmoid' branch picks relu (a copy-and-paste slip). "
             "Its symptom: a layer declared as sigmoid outputs exact zeros and values above 1, "
             "and a network built from such layers behaves like a ReLU network.")


def _layer_variants(A_prev, W, b, Z):
    return [
        (lambda: np.maximum(Z, 0), _COPY_BUG),
        (lambda: _sigmoid(-Z), "The sigmoid is 1 / (1 + exp(-z)): the activation used here is "
                               "sigmoid(-z), the article's sigmoid without its minus sign. Use "
                               "your sigmoid_fixed."),
        (lambda: Z, "Apply the activation to Z: A = activation(Z)."),
        (lambda: _sigmoid(A_prev @ W), "The bias b is missing from Z = A_prev @ W + b."),
        (lambda: np.maximum(A_prev @ W, 0), "The bias b is missing from Z = A_prev @ W + b."),
    ]


def _runtime(text):
    """The same text as a new string object (as if read from a file), not the interned literal."""
    return "".join(list(text))


def _layer_call(t, A_prev, W, b, activation, *, hint_on_error=None):
    try:
        out = t.call(A_prev.copy(), W.copy(), b.copy(), activation)
    except _Errored as exc:
        if hint_on_error is None:
            raise
        t.fail(f"the call raised an exception for activation={activation!r}.",
               details=exc.details[len(t.case_inputs):], hint=hint_on_error)
    return t.tuple_of(out, 2, f"single_layer_forward_fixed(A_prev, W, b, {activation!r})",
                      ("A", "Z"))


def _check_layer(t, A_prev, W, b, activation, kind, hint_on_error=None):
    A, Z = _layer_call(t, A_prev, W, b, activation, hint_on_error=hint_on_error)
    Z_e = A_prev @ W + b
    A_e = np.maximum(Z_e, 0) if kind == "relu" else _sigmoid(Z_e)
    if isinstance(A, np.ndarray) and isinstance(Z, np.ndarray) and A.shape == Z.shape == Z_e.shape \
            and np.allclose(A, Z_e) and np.allclose(Z, A_e) and not np.allclose(A, A_e):
        t.fail("A and Z are swapped.", hint="Return them in the order (A, Z): the activation "
                                            "first, the pre-activation (for the cache) second.")
    t.array(Z, Z_e, "Z", variants=[
        (lambda: A_prev @ W, "Add the bias: Z = A_prev @ W + b."),
        (lambda: A_e, "Return (A, Z): Z is the pre-activation A_prev @ W + b, before the "
                      "activation."),
    ], shape_hints={(W.shape[1], A_prev.shape[0]): "Row-major: Z = A_prev @ W + b has shape "
                                                   "(N, fan_out); the article's W @ A_prev is "
                                                   "column-major."})
    if kind == "relu":
        variants = [(lambda: _sigmoid(Z_e), "The 'relu' branch applies the sigmoid: "
                                            "pick relu for activation == 'relu'."),
                    (lambda: Z_e, "Apply the activation to Z: A = relu(Z).")]
    else:
        variants = _layer_variants(A_prev, W, b, Z_e)
    t.array(A, A_e, f"A (activation {activation!r})", variants=variants)


@exercise("single_layer_forward_fixed", args=("A_prev", "W", "b", 'activation="relu"'),
          chapter="10_debugging",
          shape_hint="A_prev is (N, fan_in), W is (fan_in, fan_out), b is (fan_out,): "
                     "Z = A_prev @ W + b is (N, fan_out).")
def _check_single_layer_forward_fixed(t):
    A_prev = np.array([[1.0, -1.0], [2.0, 0.5]])
    W = np.array([[1.0, 2.0, -1.0], [3.0, 0.0, 1.0]])
    b = np.array([0.5, -1.0, 0.0])
    t.case("hand-worked values, activation 'relu' (typed as a literal)", A_prev=A_prev, W=W, b=b)
    _check_layer(t, A_prev, W, b, "relu", "relu")

    t.case("activation 'sigmoid' (typed as a literal)", A_prev=A_prev, W=W, b=b)
    _check_layer(t, A_prev, W, b, "sigmoid", "sigmoid")

    r = _rng(94)
    A_prev, W, b = r.normal(size=(6, 4)), r.normal(size=(4, 3)), r.normal(size=3)
    for name in ("relu", "sigmoid"):
        t.case(f"activation {name!r} read from a configuration (built at run time)",
               A_prev=A_prev, W=W, b=b)
        _check_layer(t, A_prev, W, b, _runtime(name), name, hint_on_error="The function works "
                     "for the literal but not for the same text built at run time. " + _IS_BUG)

    A_prev, W, b = r.normal(size=(5, 5)), r.normal(size=(5, 5)), r.normal(size=5)
    t.case("a square weight matrix (5, 5), 'sigmoid'", A_prev=A_prev, W=W, b=b)
    _check_layer(t, A_prev, W, b, "sigmoid", "sigmoid")

    A_prev, W, b = r.normal(size=(1, 3)), r.normal(size=(3, 2)), r.normal(size=2)
    t.case("a batch of one, the default activation", A_prev=A_prev, W=W, b=b)
    A, Z = t.tuple_of(t.call(A_prev.copy(), W.copy(), b.copy()), 2,
                      "single_layer_forward_fixed(A_prev, W, b)", ("A", "Z"))
    t.array(A, np.maximum(A_prev @ W + b, 0), "A (default activation 'relu')", variants=[
        (lambda: _sigmoid(A_prev @ W + b), "The default activation is 'relu': keep "
                                           "activation=\"relu\" in the def line.")])

    t.case("an unknown activation, 'tanh', must raise an exception", A_prev=A_prev, W=W, b=b)
    try:
        out = t.call(A_prev.copy(), W.copy(), b.copy(), "tanh")
    except _Errored:
        return
    t.fail(f"the call returned {type(out).__name__} instead of raising an exception.",
           hint="A name that is neither 'relu' nor 'sigmoid' is a mistake of the caller: end the "
                "chain with `else: raise ValueError(f\"unknown activation {activation!r}\")`, "
                "not with a fallback that hides a typo.")


# ---------------------------------------------------------------------------------------------
# 10.4 cost_fixed
# ---------------------------------------------------------------------------------------------

_MINUS_BUG = ("Bug 1 is still there: the minus sign in front of the mean is missing. Its "
              "symptom: the cost is negative, and as the network learns it rises towards 0, so "
              "a training curve looks as if the network got worse.")
_M_BUG = ("Bug 2 is still there: m = Y_hat.shape[1] is the number of columns, 1, a left-over "
          "of the article's column-major layout; in the course's row-major layout the number of "
          "samples is Y_hat.shape[0] (or len(Y)). Its symptom: the cost is the sum over the "
          "batch, not the mean: it grows with the batch size, and the right learning rate "
          "depends on the batch size.")


def _bce(Y_hat, Y):
    Y_hat, Y = np.asarray(Y_hat, np.float64), np.asarray(Y, np.float64)
    return float(-np.mean(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)))


def _cost_variants(Y_hat, Y):
    Y_hat, Y = np.asarray(Y_hat, np.float64), np.asarray(Y, np.float64)
    n = Y.shape[0]
    e = _bce(Y_hat, Y)
    out = [(lambda: -e, _MINUS_BUG)]
    if n > 1:
        out += [(lambda: n * e, _M_BUG),
                (lambda: -n * e, "Both planted bugs are still there. " + _MINUS_BUG + " " + _M_BUG)]
    out += [
        (lambda: float(-np.mean(Y * np.log(Y_hat))),
         "The term for the negative samples, (1 - Y) * log(1 - Y_hat), is missing."),
        (lambda: float(-np.mean((1 - Y) * np.log(Y_hat) + Y * np.log(1 - Y_hat))),
         "Y and 1 - Y are swapped: the positive samples (Y = 1) score log(Y_hat)."),
        (lambda: e / math.log(10), "Use the natural logarithm, np.log, not np.log10."),
        (lambda: float(np.mean((Y_hat - Y) ** 2)), "That is the squared error; the cost is the "
                                                   "binary cross-entropy."),
    ]
    return out


@exercise("cost_fixed", args=("Y_hat", "Y"), chapter="10_debugging",
          shape_hint="Y_hat and Y are both (N, 1), row-major: one sample per row; the number of "
                     "samples is Y_hat.shape[0].")
def _check_cost_fixed(t):
    Y_hat = np.array([[0.9], [0.2], [0.6]])
    Y = np.array([[1.0], [0.0], [1.0]])
    hand = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    r = _rng(95)
    Y_big = (r.random((50, 1)) < 0.4).astype(np.float64)
    Yh_big = np.clip(r.random((50, 1)), 0.02, 0.98)
    Y_int = np.array([[0], [1], [1], [0]])
    Yh_int = np.array([[0.3], [0.7], [0.95], [0.01]])
    Yh_32 = r.uniform(0.05, 0.95, size=(6, 1)).astype(np.float32)
    Y_32 = np.array([[1], [0], [0], [1], [1], [0]], dtype=np.float32)
    cases = [("hand-worked values, N = 3", Y_hat, Y, hand),
             ("a batch of 50", Yh_big, Y_big, None),
             ("a batch of one", np.array([[0.25]]), np.array([[1.0]]), math.log(4)),
             ("integer labels (dtype int)", Yh_int, Y_int, None),
             ("float32 inputs", Yh_32, Y_32, None)]
    for case, Yh, Yv, hand in cases:
        expected = _bce(Yh, Yv) if hand is None else hand
        t.case(case, Y_hat=Yh, Y=Yv)
        got = t.call(Yh.copy(), Yv.copy())
        if isinstance(got, np.ndarray) and got.size == 1:
            got = got.reshape(())  # np.squeeze's 0-d array, as in the article, is fine
        rtol = 1e-4 if Yh.dtype == np.float32 else None
        t.scalar(got, expected, "the cost", variants=_cost_variants(Yh, Yv), rtol=rtol)


# ---------------------------------------------------------------------------------------------
# The sanity checks: small networks, healthy and broken
# ---------------------------------------------------------------------------------------------


class _TinyNet:
    """D -> H -> C with a softmax output, row-major, implementing the sheet's `net` interface.

    ``bug`` plants one bug (None for a healthy network); ``describe`` is what the report says
    about the network."""

    def __init__(self, D, H, C, activation="relu", lr=1.0, bug=None, describe="",
                 out_scale=0.3):
        self.D, self.H, self.C = D, H, C
        self.activation, self.lr, self.bug, self.describe = activation, lr, bug, describe
        self.out_scale = out_scale

    def __repr__(self):
        return f"<a network {self.D} -> {self.H} -> {self.C}, {self.describe}>"

    def init_params(self, rng):
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        gain = 2.0 if self.activation == "relu" else 1.0
        scale = 10.0 if self.bug == "big init" else 1.0
        return {"W1": rng.standard_normal((self.D, self.H)) * math.sqrt(gain / self.D) * scale,
                "b1": np.zeros(self.H),
                "W2": rng.standard_normal((self.H, self.C)) * self.out_scale
                * math.sqrt(1.0 / self.H) * scale,
                "b2": np.zeros(self.C)}

    def _forward(self, params, X):
        z1 = X @ params["W1"] + params["b1"]
        h1 = np.maximum(z1, 0) if self.activation == "relu" else _sigmoid(z1)
        scores = h1 @ params["W2"] + params["b2"]
        axis = 0 if self.bug == "softmax axis 0" else 1
        e = np.exp(scores - scores.max(axis=axis, keepdims=True))
        probs = e / e.sum(axis=axis, keepdims=True)
        return z1, h1, scores, probs

    def _loss(self, scores, probs, y):
        rows = np.arange(len(y))
        if self.bug == "log of scores":
            return float(-np.mean(np.log(scores[rows, y])))
        logp = np.log(probs[rows, y])
        if self.bug == "loss without minus":
            return float(np.mean(logp))
        if self.bug == "loss summed":
            return float(-np.sum(logp))
        return float(-np.mean(logp))

    def loss(self, params, X, y):
        with np.errstate(all="ignore"):
            _, _, scores, probs = self._forward(params, X)
            return self._loss(scores, probs, y)

    def loss_and_grads(self, params, X, y):
        with np.errstate(all="ignore"):
            z1, h1, scores, probs = self._forward(params, X)
            loss = self._loss(scores, probs, y)
            dscores = probs.copy()
            dscores[np.arange(len(y)), y] -= 1
            dscores /= len(y)
            dW2 = h1.T @ dscores
            dh1 = dscores @ params["W2"].T
            if self.activation == "relu":
                dz1 = dh1 * (z1 > 0)
            else:
                s = _sigmoid(z1)
                dz1 = dh1 * s * (1 - s)
            grads = {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": dW2, "b2": dscores.sum(axis=0)}
            if self.bug == "weight gradients zero":
                grads["W1"], grads["W2"] = np.zeros_like(grads["W1"]), np.zeros_like(dW2)
            if self.bug == "exploding gradients":
                grads = {k: v * 1e300 for k, v in grads.items()}
            return loss, grads

    def update(self, params, grads, lr):
        with np.errstate(all="ignore"):
            for k in params:
                if self.bug == "update assigns":
                    params[k] = lr * grads[k]
                elif self.bug == "gradient ascent":
                    params[k] += lr * grads[k]
                else:
                    params[k] -= lr * grads[k]
        return params


def _batch(seed, n, D, C, labels=None):
    r = _rng(seed)
    X = r.normal(size=(n, D))
    y = np.arange(n) % C if labels is None else np.asarray(labels)
    return X, y.astype(np.int64)


def _verdict(t, got, what):
    if isinstance(got, (bool, np.bool_)):
        return bool(got)
    hint = "Return True or False (a comparison such as abs(a - b) < tol gives one)."
    if isinstance(got, (int, float, np.floating, np.integer)) and not isinstance(got, bool):
        hint = ("Return the verdict, True or False, not the loss itself: compare it with what "
                "a healthy network gives.")
    t.fail(f"{what} should return True or False, got {type(got).__name__} {got!r}.", hint=hint)


def _run_verdicts(t, name, nets, call):
    for net, X, y, extra, expected, why in nets:
        label = "healthy" if expected else "broken"
        t.case(f"{label}: {net.describe} (N = {len(y)}, C = {net.C})", X=X, y=y)
        got = _verdict(t, call(net, X, y, extra), name)
        if got != expected:
            t.fail(f"{name} returned {got} for {net.describe}; expected {expected}.", hint=why)


# Healthy networks start near ln C: the loss at initialization is within 0.3 of it. The broken
# ones are at least 1.3 away (or not finite), so any tolerance between about 0.3 and 1 works.
def _initial_loss_nets():
    within = ("A network that knows nothing spreads its probability evenly over the C classes, "
              "so its loss at initialization is close to ln C. Compare |loss - ln C| with a "
              "tolerance of about 0.5 (np.log(C), the natural logarithm of the number of "
              "classes, which is the argument C, not the batch size).")
    X3, y3 = _batch(96, 40, 5, 3)
    X10, y10 = _batch(97, 64, 6, 10)
    return [
        (_TinyNet(5, 16, 3, describe="a healthy ReLU network"), X3, y3, 3, True,
         "This network is healthy: its initial loss is close to ln 3 = 1.10. " + within),
        (_TinyNet(6, 20, 10, "sigmoid", describe="a healthy sigmoid network"), X10, y10, 10,
         True, "This network is healthy: its initial loss is close to ln 10 = 2.30. " + within),
        (_TinyNet(6, 20, 10, bug="exploding gradients",
                  describe="a network whose gradients are far too large (its forward pass and "
                           "loss are fine)"), X10, y10, 10, True,
         "Only the gradients of this network are broken, and the initial loss cannot see that "
         "(one update makes its loss nan): compute the loss of freshly initialized parameters, "
         "without training. " + within),
        (_TinyNet(5, 16, 3, bug="softmax axis 0", describe="a network with the softmax over "
                  "axis 0 (initial loss about ln N)"), X3, y3, 3, False,
         "This network normalizes over the batch: its initial loss is about ln N = ln 40 = 3.69, "
         "far from ln C = 1.10. " + within),
        (_TinyNet(6, 20, 10, bug="loss without minus",
                  describe="a network whose loss lost its minus sign (initial loss about -ln C)"),
         X10, y10, 10, False,
         "This network's initial loss is about -2.30: a one-sided test such as loss < ln C + 0.5 "
         "lets it through. " + within),
        (_TinyNet(5, 16, 3, bug="loss summed", describe="a network whose loss is a sum, not a "
                  "mean (initial loss about N ln C)"), X3, y3, 3, False,
         "This network's initial loss is about N ln C = 44: far too large. " + within),
        (_TinyNet(6, 20, 10, bug="big init", describe="a network initialized with weights 10 "
                  "times too large"), X10, y10, 10, False,
         "This network's initial scores are huge, so its initial loss is far above ln 10. "
         + within),
        (_TinyNet(5, 16, 3, bug="log of scores", describe="a network that takes the log of the "
                  "raw scores (initial loss nan)"), X3, y3, 3, False,
         "This network's initial loss is nan: a nan is never close to ln C. A test such as "
         "`not abs(loss - np.log(C)) > tol` lets it through; `abs(loss - np.log(C)) < tol` "
         "does not."),
    ]


@exercise("initial_loss_ok", args=("net", "X", "y", "C"), chapter="10_debugging")
def _check_initial_loss_ok(t):
    _run_verdicts(t, "initial_loss_ok", _initial_loss_nets(),
                  lambda net, X, y, C: t.call(net, X.copy(), y.copy(), C))


# Tiny batches of 8 samples. The healthy networks reach a loss below 1e-3 within 2000 steps of
# net.lr from any initialization (below 0.005 within 300); the broken ones stay above 0.5
# for thousands of steps or end in nan.
def _tiny_batch_nets():
    X, y = _batch(98, 8, 5, 4)
    Xs, ys = _batch(99, 8, 5, 4, labels=[0, 0, 0, 0, 0, 1, 2, 3])
    how = ("Train a fresh network on X, y with full-batch gradient descent: params = "
           "net.init_params(rng), then about 300 times loss, grads = net.loss_and_grads(params, "
           "X, y) and net.update(params, grads, net.lr); return True when the final loss is below "
           "0.01.")
    nonfinite = ("nan and inf are never below 0.01: `loss < 0.01` says False for them, but "
                 "`not loss >= 0.01` says True for nan, and so does a test that stops at the "
                 "first loss that is not finite and then looks at an older one.")
    return [
        (_TinyNet(5, 32, 4, lr=1.0, describe="a healthy ReLU network (net.lr = 1.0)"), X, y,
         None, True, "This network is healthy and memorizes the 8 samples. " + how),
        (_TinyNet(5, 32, 4, "sigmoid", lr=5.0, describe="a healthy sigmoid network "
                  "(net.lr = 5.0)"), X, y, None, True,
         "This network is healthy, but learns slowly with a small step: use net.lr, the "
         "learning rate the network comes with. " + how),
        (_TinyNet(5, 32, 4, lr=1.0, describe="a healthy ReLU network, unbalanced labels"), Xs,
         ys, None, True, "This network is healthy and memorizes the 8 samples. " + how),
        (_TinyNet(5, 32, 4, bug="update assigns", describe="a network whose update assigns "
                  "(loss stuck near ln C)"), X, y, None, False,
         "This network's loss never leaves ln C (about 1.4): it cannot memorize 8 samples. "
         "Train it and look at the loss at the end. " + how),
        (_TinyNet(5, 32, 4, bug="gradient ascent", describe="a network whose update adds the "
                  "gradient (the loss climbs)"), X, y, None, False,
         "This network's loss climbs to inf. " + nonfinite + " " + how),
        (_TinyNet(5, 32, 4, bug="weight gradients zero", describe="a network whose weight "
                  "gradients are zero (only the biases learn)"), Xs, ys, None, False,
         "This network's loss falls a little (the biases learn the label frequencies) and then "
         "stays far above 0 (around 0.8 to 1): 'the loss went down' is not enough, the loss must get close to 0. "
         + how),
        (_TinyNet(5, 32, 4, bug="exploding gradients", describe="a network whose gradients are "
                  "1e300 times too large (the loss becomes nan)"), X, y, None, False,
         "This network's loss becomes nan after a step or two. " + nonfinite + " " + how),
    ]


@exercise("can_overfit_tiny_batch", args=("net", "X", "y"), chapter="10_debugging")
def _check_can_overfit_tiny_batch(t):
    _run_verdicts(t, "can_overfit_tiny_batch", _tiny_batch_nets(),
                  lambda net, X, y, _: t.call(net, X.copy(), y.copy()))
