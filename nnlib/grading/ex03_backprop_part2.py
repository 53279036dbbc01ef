"""Sheet 3 (chapter 3), second part: the relative error, the gradient check of a whole dense
layer, and the backward pass of a network built from layer descriptions (sheet 1's
``forward_network``).

These checkers live apart from ex03_backprop.py only to keep each file short; they belong to
sheet 3 (``Exercise.sheet`` drops the ``_part2``), and ex03_backprop.py imports this module at
its end, so that the exercises are registered in the order of the sheet.
"""

import numpy as np

from .. import gradcheck, nets
from .common import _F32, _check_uses_rng, _rng
from .ex01_forward import _IS_BUG, _describe_layers, _network_params, _runtime
from .registry import exercise
from .tester import _Errored

CHAPTER = "03_backpropagation"



# ---------------------------------------------------------------------------------------------
# 3.7 relative_error
# ---------------------------------------------------------------------------------------------

_FLOOR = 1e-12  # any floor up to 1e-8 (CS231n's) gives the same answers in the cases below


def _relative_error(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), _FLOOR)))


def _relerr_variants(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    diff = np.abs(a - b)
    return [
        (lambda: np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)),
         "That is the norm form ||a - b|| / (||a|| + ||b||) (as nnlib.gradcheck.rel_error "
         "computes it). This exercise asks for CS231n's entrywise form: the largest of "
         "|a_i - b_i| / (|a_i| + |b_i|)."),
        (lambda: np.mean(diff / np.maximum(np.abs(a) + np.abs(b), _FLOOR)),
         "Take the largest entry, np.max(...), not the mean: one wrong entry must show."),
        (lambda: np.max(diff / np.maximum(np.abs(a + b), _FLOOR)),
         "The denominator is |a| + |b|, each taken absolute first, not |a + b|: entries of "
         "opposite signs would make it almost zero."),
        (lambda: np.max(diff / np.maximum(a + b, _FLOOR)),
         "Take absolute values in the denominator: max(|a| + |b|, tiny). Negative entries make "
         "a + b negative, and max(a + b, tiny) then picks the tiny floor."),
        (lambda: np.max(diff / np.maximum(np.abs(a), _FLOOR)),
         "Divide by |a| + |b|, not by |a| alone: the relative error must not depend on which "
         "argument comes first."),
        (lambda: np.max(diff) / np.max(np.abs(a) + np.abs(b)),
         "Divide entry by entry, then take the maximum: np.max(|a - b| / max(|a| + |b|, tiny)), "
         "not the largest difference over the largest sum."),
        (lambda: np.max(a - b) / np.max(np.abs(a) + np.abs(b)),
         "Use the absolute difference |a - b| (np.abs): a - b is negative where b is larger."),
    ]


def _scalar(t, out, expected, a, b, **tol):
    if isinstance(out, (float, np.floating, np.ndarray)) and np.size(out) == 1 \
            and np.isnan(out):
        t.fail(f"relative_error(a, b) is nan, expected {expected:.6g}.",
               hint="0 / 0 gave NaN where both arrays hold a 0: divide by max(|a| + |b|, tiny) "
                    "with a tiny floor such as 1e-12 (np.maximum(np.abs(a) + np.abs(b), 1e-12)),"
                    " so that equal zeros count as an error of 0.")
    t.scalar(out, expected, "relative_error(a, b)", variants=_relerr_variants(a, b), **tol)


@exercise("relative_error", args=("a", "b"), chapter=CHAPTER)
def _check_relative_error(t):
    cases = [
        ("hand-worked: [1, 2] against [1, 2.2]", np.array([1.0, 2.0]), np.array([1.0, 2.2]),
         0.2 / 4.2),
        ("hand-worked: negative entries, [-1, 3] against [-1.1, 3]", np.array([-1.0, 3.0]),
         np.array([-1.1, 3.0]), 0.1 / 2.1),
        ("identical arrays give 0", np.array([[0.5, -2.0], [3.0, 1e-3]]),
         np.array([[0.5, -2.0], [3.0, 1e-3]]), 0.0),
        ("entries that are 0 in both arrays count as equal (0 / 0 is defined as 0)",
         np.array([0.0, 0.0, 1.0]), np.array([0.0, 0.0, 1.1]), 0.1 / 2.1),
        ("a zero against a nonzero entry is the largest possible error, 1",
         np.array([0.0, 1.0]), np.array([1e-3, 1.0]), 1.0),
        ("entries of opposite signs", np.array([1.0, 2.0]), np.array([-1.0, 2.0]), 1.0),
    ]
    for name, a, b, expected in cases:
        t.case(name, a=a, b=b)
        _scalar(t, t.call(a, b), expected, a, b)

    r = _rng(120)
    a = r.normal(size=(4, 5))
    b = a * (1 + 1e-6 * r.normal(size=(4, 5)))
    b[2, 3] = a[2, 3] + 0.5
    t.case("a (4, 5) gradient with one entry far off", a=a, b=b)
    _scalar(t, t.call(a.copy(), b.copy()), _relative_error(a, b), a, b)

    t.case("symmetric: relative_error(b, a) == relative_error(a, b)", a=b, b=a)
    _scalar(t, t.call(b.copy(), a.copy()), _relative_error(a, b), b, a)

    a = np.array([[0.0, 0.0], [0.0, 0.0]])
    t.case("two all-zero gradients (a layer whose units are all dead)", a=a, b=a.copy())
    _scalar(t, t.call(a, a.copy()), 0.0, a, a)

    a, b = r.normal(size=3).astype(np.float32), r.normal(size=3).astype(np.float32)
    t.case("float32 inputs", a=a, b=b)
    _scalar(t, t.call(a.copy(), b.copy()), _relative_error(a, b), a, b, **_F32)

    a, b = r.normal(size=3), r.normal(size=(3, 1))
    t.case("shapes (3,) and (3, 1) must raise ValueError, not broadcast to (3, 3)", a=a, b=b)
    try:
        out = t.call(a, b)
    except _Errored as exc:
        if any(d.startswith("ValueError") for d in exc.details):
            return
        raise
    t.fail(f"the call returned {out!r} instead of raising ValueError.",
           hint="Gradients of different shapes are a bug of the caller; broadcasting would "
                "compare every entry with every other one. Start with `if a.shape != b.shape: "
                "raise ValueError(...)` (after np.asarray).")


# ---------------------------------------------------------------------------------------------
# 3.8 check_layer_gradient
# ---------------------------------------------------------------------------------------------


def _layer_errors(forward, backward, x, W, b, rng):
    """The reference gradient check: the relative errors of dx, dW, db for a random dout."""
    x, W, b = x.copy(), W.copy(), b.copy()
    dout = rng.standard_normal(forward(x, W, b).shape)
    dx, dW, db = backward(dout, x, W)

    def f():
        return float(np.sum(forward(x, W, b) * dout))
    return {"dx": _relative_error(dx, gradcheck.numerical_gradient(f, x)),
            "dW": _relative_error(dW, gradcheck.numerical_gradient(f, W)),
            "db": _relative_error(db, gradcheck.numerical_gradient(f, b))}


def _dense_forward(x, W, b):
    return x @ W + b


def _dense_backward(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _backward_bad_dW(dout, x, W):
    """dW of the summed loss divided by 2: the wrong factor, the right shape."""
    return dout @ W.T, 0.5 * x.T @ dout, dout.sum(axis=0)


def _backward_bad_db(dout, x, W):
    """db averaged instead of summed."""
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


def _backward_bad_dx(dout, x, W):
    """dx with W instead of W.T (fits only because W is square)."""
    return dout @ W, x.T @ dout, dout.sum(axis=0)


def _backward_ignores_dout(dout, x, W):
    """Right only when dout is all ones."""
    ones = np.ones_like(dout)
    return ones @ W.T, x.T @ ones, ones.sum(axis=0)


_LAYERS = [("a correct dense layer", _dense_backward, ()),
           ("a dense layer whose backward halves dW", _backward_bad_dW, ("dW",)),
           ("a dense layer whose backward averages db instead of summing", _backward_bad_db,
            ("db",)),
           ("a dense layer whose backward uses W instead of W.T for dx (W is square)",
            _backward_bad_dx, ("dx",)),
           ("a dense layer whose backward ignores dout (right only for dout = ones)",
            _backward_ignores_dout, ("dx", "dW", "db"))]


def _check_errors(t, out, expected, broken, seed):
    keys = ("dx", "dW", "db")
    if out is None:
        t.fail("check_layer_gradient returned None.", hint="Return the dict of the three "
                                                          "relative errors.")
    if not isinstance(out, dict):
        t.fail(f"the result should be a dict with keys 'dx', 'dW', 'db', got "
               f"{type(out).__name__}.",
               hint='Return {"dx": relative_error(dx, num_dx), "dW": ..., "db": ...}.')
    missing = [k for k in keys if k not in out]
    if missing:
        t.fail(f"the result has no key(s) {', '.join(missing)}; it has {sorted(map(str, out))}.",
               hint='Check all three gradients: {"dx": ..., "dW": ..., "db": ...}.')
    for key in keys:
        got = out[key]
        if isinstance(got, np.ndarray) and got.size > 1:
            t.fail(f"result[{key!r}] is an array of shape {got.shape}, expected one number.",
                   hint="Return the relative errors (your relative_error of 3.7, a single "
                        "number each), not the gradients.")
        try:
            value = float(got)
        except (TypeError, ValueError):
            t.fail(f"result[{key!r}] should be a number, got {type(got).__name__}.",
                   hint="Return relative_error(analytic, numerical) for each gradient.")
        details = [f"{k}: expected {expected[k]:.3g}, got "
                   f"{float(out[k]) if np.isscalar(out[k]) or np.size(out[k]) == 1 else out[k]}"
                   for k in keys]
        if key not in broken and not value < 1e-6:
            hint = ("The layer is correct, so analytic and numerical gradients must agree to "
                    "about 1e-8. Does f multiply by the same dout that you pass to backward, "
                    "f = lambda: np.sum(forward(x, W, b) * dout)? Does f read the arrays that "
                    "numerical_gradient nudges (x, W and b themselves, not copies)?")
            t.fail(f"result[{key!r}] = {value:.3g} for a correct gradient; expected below 1e-6.",
                   hint=hint, details=details)
        if key in broken and not value > 1e-2:
            hint = None
            if len(broken) == 3:
                hint = ("This backward pass is right only for dout = ones: draw a random upstream "
                        "gradient, dout = rng.standard_normal(out.shape). With np.ones (or the "
                        "loss np.sum(out)) a backward that ignores dout passes unnoticed.")
            t.fail(f"result[{key!r}] = {value:.3g} for a wrong gradient; a check must report it "
                   "(expected above 1e-2).", hint=hint or (
                       "Compare the analytic gradient of that same key with its numerical "
                       "gradient, numerical_gradient(f, W) for dW, and so on."), details=details)
        if key in broken and not abs(value - expected[key]) <= 1e-4 * expected[key]:
            t.fail(f"result[{key!r}] = {value:.6g}, expected {expected[key]:.6g}.", details=details,
                   hint="Use your relative_error of 3.7 (the entrywise form), and draw dout "
                        f"first and once, dout = rng.standard_normal(out.shape) (here rng = "
                        f"np.random.default_rng({seed})).")


@exercise("check_layer_gradient", args=("forward", "backward", "x", "W", "b", "rng"),
          chapter=CHAPTER, mutation_hint="numerical_gradient may nudge x, W and b while it "
                                         "works, but must put every entry back.",
          shape_hint="forward(x, W, b) is (N, H) like dout; backward(dout, x, W) returns "
                     "(dx, dW, db) shaped like x, W and b.")
def _check_check_layer_gradient(t):
    for i, (name, backward, broken) in enumerate(_LAYERS):
        r = _rng(150 + i)
        x, W, b = r.normal(size=(4, 3)), r.normal(size=(3, 3)), r.normal(size=3)
        seed = 250 + i
        t.case(f"{name}: forward(x, W, b) = x @ W + b", x=x, W=W, b=b,
               rng=f"np.random.default_rng({seed})")
        expected = _layer_errors(_dense_forward, backward, x, W, b, _rng(seed))
        out = t.call(_dense_forward, backward, x, W, b, _rng(seed), restore_tol=1e-12)
        _check_errors(t, out, expected, broken, seed)

    r = _rng(160)
    x, W, b = r.normal(size=(2, 5)), r.normal(size=(5, 3)), r.normal(size=3)

    def args(rng):
        return (_dense_forward, _backward_bad_dW, x.copy(), W.copy(), b.copy(), rng)

    class _Values:
        """t.call with the result as a tuple of numbers, to compare two runs exactly."""

        def __init__(self, t):
            self.t = t

        def call(self, *a):
            out = self.t.call(*a, restore_tol=1e-12)
            return tuple(float(out[k]) for k in ("dx", "dW", "db")) if isinstance(out, dict) \
                else out

        def __getattr__(self, name):
            return getattr(self.t, name)
    _check_uses_rng(_Values(t), args, "check_layer_gradient (the upstream gradient dout)")


# ---------------------------------------------------------------------------------------------
# 3.9 backward_network
# ---------------------------------------------------------------------------------------------


def _backward(dout, cache, params, layers, last_linear=False, hidden_linear=False,
              mask_from_grad=False, sigma_of_z=False, mean=False, act_shift=False):
    """The backward pass with switches that reproduce common mistakes (defaults: correct)."""
    grads, dA, L = {}, dout, len(layers)
    n = dout.shape[0]
    for l in range(L, 0, -1):
        A_prev, Z = cache[l - 1]
        name = layers[min(l, L - 1) if act_shift else l - 1]["activation"]
        if (last_linear and l == L) or (hidden_linear and l < L):
            name = None
        if name == "relu":
            dZ = dA * ((dA if mask_from_grad else Z) > 0)
        elif name == "sigmoid":
            s = Z if sigma_of_z else 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = dA
        grads[f"W{l}"] = A_prev.T @ dZ / (n if mean else 1)
        grads[f"b{l}"] = dZ.sum(axis=0) / (n if mean else 1)
        dA = dZ @ params[f"W{l}"].T
    return grads


def _backward_variants(args, key, layers):
    last = layers[-1]["activation"]
    return [(lambda kw=kw: _backward(*args, **kw)[key], hint) for kw, hint in [
        (dict(last_linear=True), f"The last layer's activation is {last!r}: its backward "
                                 "step (the derivative of the activation) is missing; only a "
                                 "'linear' or None layer passes dA through unchanged."),
        (dict(hidden_linear=True), "The hidden layers' activations are skipped: every layer "
                                   "needs dZ = its activation's backward(dA, Z) before the "
                                   "dense backward."),
        (dict(mask_from_grad=True), "The ReLU mask comes from the forward pass, Z > 0 (Z from "
                                    "the cache), not from the gradient dA."),
        (dict(sigma_of_z=True), "sigmoid'(Z) = s * (1 - s) with s = sigmoid(Z): Z from the cache "
                                "is the pre-activation, apply the sigmoid first (your "
                                "sigmoid_backward(dA, Z) does it)."),
        (dict(mean=True), "Do not divide by N: dout already is the gradient of the mean loss, so "
                          "dW = A_prev.T @ dZ and db = dZ.sum(axis=0)."),
        (dict(act_shift=True), "Off by one: layer l's backward uses layer l's own activation, "
                               "layers[l - 1]['activation'] with l counted from 1, and its own "
                               "cache entry cache[l - 1]."),
    ]]


def _compare_grads(t, out, args, layers):
    expected = nets.backward_network(*args)
    if out is None:
        t.fail("backward_network returned None.", hint="Is the `return grads` missing?")
    if not isinstance(out, dict):
        t.fail(f"backward_network should return a dict of gradients, got "
               f"{type(out).__name__}.", hint='Return {"W1": dW1, "b1": db1, "W2": ...}, '
                                              "the keys of params.")
    missing = [k for k in expected if k not in out]
    if missing:
        t.fail(f"grads has no key(s) {', '.join(missing)}; it has {sorted(map(str, out))}.",
               hint='Use the keys of params: f"W{l}" and f"b{l}" with l counted from 1.')
    n = args[0].shape[0]
    for key in list(expected)[::-1]:  # the last layer first, as the backward pass goes
        shape = expected[key].shape
        hints = ({(1,) + shape: f"grads[{key!r}] must have shape {shape}: drop keepdims=True.",
                  (n,) + shape: f"grads[{key!r}]: sum over the batch axis 0."}
                 if len(shape) == 1 else {shape[::-1]: f"grads[{key!r}] must have the shape of "
                                                       f"params[{key!r}], {shape}: A_prev.T @ dZ."})
        t.array(out[key], expected[key], f"grads[{key!r}]",
                variants=_backward_variants(args, key, layers), shape_hints=hints)


def _case_args(spec, n, seed, zeros=False, runtime=False):
    layers = [{"input_dim": a, "output_dim": b, "activation": _runtime(c) if runtime else c}
              for a, b, c in spec]
    params = _network_params(layers, seed)
    r = _rng(seed + 200)
    X = r.normal(size=(n, spec[0][0]))
    if zeros:  # hidden pre-activations exactly 0 (ReLU's kink): b1 = 0 and the first row of X 0
        params["b1"][:] = 0.0
        X[0] = 0.0
    _, cache = nets.forward_network(X, params, layers)
    dout = r.normal(size=(n, spec[-1][1]))
    return (dout, cache, params, layers), X


def _fresh(args):
    dout, cache, params, layers = args
    return (dout.copy(), [(A.copy(), Z.copy()) for A, Z in cache],
            {k: v.copy() for k, v in params.items()}, [dict(d) for d in layers])


@exercise("backward_network", args=("dout", "cache", "params", "layers"), chapter=CHAPTER,
          shape_hint="dout is (N, output_dim of the last layer); cache[l - 1] = (A_prev, Z) of "
                     "layer l; dZ = the activation's backward(dA, Z) has Z's shape; "
                     "dW = A_prev.T @ dZ has W's shape; dA_prev = dZ @ W.T has A_prev's shape.")
def _check_backward_network(t):
    X = np.array([[1.0, -1.0]])
    layers = [{"input_dim": 2, "output_dim": 3, "activation": "relu"},
              {"input_dim": 3, "output_dim": 1, "activation": None}]
    params = {"W1": np.array([[1.0, -1.0, 0.0], [1.0, 1.0, 2.0]]), "b1": np.array([0.5, 0.0, 3.0]),
              "W2": np.array([[2.0], [1.0], [-1.0]]), "b2": np.array([0.25])}
    cache = [(X, np.array([[0.5, -2.0, 1.0]])), (np.array([[0.5, 0.0, 1.0]]), np.array([[0.25]]))]
    dout = np.array([[1.0]])
    hand = {"W1": np.array([[2.0, 0.0, -1.0], [-2.0, 0.0, 1.0]]), "b1": np.array([2.0, 0.0, -1.0]),
            "W2": np.array([[0.5], [0.0], [1.0]]), "b2": np.array([1.0])}
    args = (dout, cache, params, layers)
    assert all(np.allclose(nets.backward_network(*args)[k], hand[k]) for k in hand)
    t.case("hand-worked: sheet 1's 2 -> 3 (relu) -> 1 (None) network, dout = [[1]]",
           dout=dout, cache=cache, params=params, layers=layers)
    _compare_grads(t, t.call(*_fresh(args)), args, layers)

    article = [(2, 4, "relu"), (4, 6, "relu"), (6, 6, "relu"), (6, 4, "relu"), (4, 1, "sigmoid")]
    for name, spec, n, seed, zeros in [
            ("three layers: relu, sigmoid, None (logits), N = 5",
             [(3, 5, "relu"), (5, 4, "sigmoid"), (4, 3, None)], 5, 130, False),
            ("the seed article's 2-4-6-6-4-1 network, sigmoid output, N = 6", article, 6, 131,
             False),
            ("one layer, 'linear'", [(4, 2, "linear")], 3, 132, False),
            ("square layers 3 -> 3 -> 3, sigmoid then 'linear', a batch of one",
             [(3, 3, "sigmoid"), (3, 3, "linear")], 1, 133, False),
            ("relu layers, the last one too, with pre-activations exactly 0 (the gradient "
             "there is 0)", [(3, 4, "relu"), (4, 2, "relu")], 4, 134, True)]:
        args, X = _case_args(spec, n, seed, zeros)
        t.case(name, dout=args[0], cache=f"forward_network(X, params, layers)[1] for X "
                                         f"{X.shape}", params=args[2],
               layers=_describe_layers(args[3]))
        _compare_grads(t, t.call(*_fresh(args)), args, args[3])

    args, X = _case_args([(2, 5, "relu"), (5, 5, "sigmoid"), (5, 3, "linear")], 4, 135,
                         runtime=True)
    t.case("activation names read from a configuration file (built at run time)",
           dout=args[0], params=args[2], layers=_describe_layers(args[3]))
    try:
        out = t.call(*_fresh(args))
    except _Errored as exc:
        t.fail("the call raised an exception for activation names built at run time.",
               hint=_IS_BUG, details=exc.details[len(t.case_inputs):])
    ok = isinstance(out, dict) and all(
        isinstance(out.get(k), np.ndarray) and out[k].shape == v.shape and np.allclose(out[k], v)
        for k, v in nets.backward_network(*args).items())
    if not ok:
        t.fail("the function works for activation names typed as literals but not for the same "
               "names built at run time.", hint=_IS_BUG)
