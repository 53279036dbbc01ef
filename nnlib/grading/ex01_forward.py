"""Sheet 1 (chapter 1): activations, the dense layer, and a whole network from layer
descriptions (its forward pass and its initial parameters)."""

import math
import re

import numpy as np

from .. import functional as F
from .common import (_F32, _SIGMAS, _call_expecting_error, _check_uses_rng, _expect_value_error, _Raised, _rng,
                     _same)
from .registry import exercise
from .tester import _Errored


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
# 1.4 forward_network (a whole network from the seed article's layer descriptions)
# ---------------------------------------------------------------------------------------------


def _runtime(text):
    """The same text as a new string object (as if read from a file), not the interned literal."""
    return None if text is None else "".join(list(text))


def _describe_layers(layers):
    return "[" + ", ".join(f"({d['input_dim']} -> {d['output_dim']}, {d['activation']!r})"
                           for d in layers) + "]"


def _net(X, params, layers, last_act=True, bias=True, minus=True, only_relu=False):
    """The forward pass with switches that reproduce common mistakes (defaults: correct)."""
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + (params[f"b{l}"] if bias else 0)
        cache.append((A, Z))
        name = layer["activation"]
        if only_relu or (name is None or name == "linear") and not last_act:
            name = "relu"
        if name == "relu":
            A = np.maximum(Z, 0)
        elif name == "sigmoid":
            A = 1 / (1 + np.exp(-Z if minus else Z))
        else:
            A = Z
    return A, cache


_IS_BUG = ("Compare strings with ==, not `is`: `activation is \"relu\"` asks whether two names "
           "point at the same object, which holds for some literals but not for the same text "
           "read from a file or built at run time (the seed article's own bug; Python warns about it "
           "with SyntaxWarning: \"is\" with a literal).")


def _network_params(layers, seed):
    r = _rng(seed)
    return {k: r.normal(0, 0.8, size=s) for l, d in enumerate(layers, start=1)
            for k, s in ((f"W{l}", (d["input_dim"], d["output_dim"])), (f"b{l}", (d["output_dim"],)))}


def _check_forward_out(t, out, X, params, layers):
    A_e, cache_e = _net(X, params, layers)
    A, cache = t.tuple_of(out, 2, "forward_network(X, params, layers)", ("A", "cache"))
    last = layers[-1]["activation"]
    t.array(A, A_e, "the output A", variants=[
        (lambda: _net(X, params, layers, last_act=False)[0],
         f"The last layer's activation is {last!r}: its output is Z itself (the logits), "
         "with no ReLU."),
        (lambda: _net(X, params, layers, only_relu=True)[0],
         "Every layer got a ReLU: use each layer's own layers[l]['activation']."),
        (lambda: _net(X, params, layers, minus=False)[0],
         "The sigmoid is 1 / (1 + exp(-z)): the minus sign is missing."),
        (lambda: _net(X, params, layers, bias=False)[0], "Add each layer's bias: Z = A_prev @ W + b."),
        (lambda: cache_e[-1][0] if len(layers) > 1 else X,
         "That is the input of the last layer: loop over every layer, "
         "for l in range(1, len(layers) + 1)."),
    ], shape_hints={cache_e[-1][0].shape: "That has the shape of the last layer's input: did the "
                                          "loop stop one layer early?"})
    if not isinstance(cache, (list, tuple)) or len(cache) != len(layers):
        got = f"{len(cache)} items" if isinstance(cache, (list, tuple)) else type(cache).__name__
        t.fail(f"cache should be a list of {len(layers)} (A_prev, Z) pairs, one per layer, got "
               f"{got}.", hint="Append (A_prev, Z) once per layer, in the order of the layers.")
    for l, (entry, (Ap_e, Z_e)) in enumerate(zip(cache, cache_e), start=1):
        pair = t.tuple_of(entry, 2, f"cache[{l - 1}]", ("A_prev", "Z"))
        A_next = cache_e[l][0] if l < len(layers) else A_e
        t.array(pair[0], Ap_e, f"cache[{l - 1}][0], the input A_prev of layer {l}", variants=[
            (lambda A_next=A_next: A_next, f"cache[{l - 1}] holds the layer's output; a backward "
                                           "pass needs its input A_prev (for dW = A_prev.T @ dZ): "
                                           "append (A_prev, Z) before A is overwritten."),
            (lambda Z_e=Z_e: Z_e, "Store the pair as (A_prev, Z): the layer's input first."),
        ])
        t.array(pair[1], Z_e, f"cache[{l - 1}][1], the pre-activation Z of layer {l}", variants=[
            (lambda A_next=A_next: A_next, f"cache[{l - 1}][1] holds the activation; store Z = "
                                           "A_prev @ W + b, before the activation: the backward "
                                           "pass of ReLU and sigmoid needs it."),
        ])


@exercise("forward_network", args=("X", "params", "layers"), chapter="01_forward_propagation",
          shape_hint="X is (N, input_dim of layer 1); W{l} is (input_dim, output_dim) and b{l} "
                     "(output_dim,) of layer l; Z = A_prev @ W + b is (N, output_dim).")
def _check_forward_network(t):
    X = np.array([[1.0, -1.0]])
    layers = [{"input_dim": 2, "output_dim": 3, "activation": "relu"},
              {"input_dim": 3, "output_dim": 1, "activation": None}]
    params = {"W1": np.array([[1.0, -1.0, 0.0], [1.0, 1.0, 2.0]]), "b1": np.array([0.5, 0.0, 3.0]),
              "W2": np.array([[2.0], [1.0], [-1.0]]), "b2": np.array([0.25])}
    assert np.allclose(_net(X, params, layers)[0], [[0.25]])  # Z1 = [0.5, -2, 1], A1 = [0.5, 0, 1]
    t.case("hand-worked: 2 -> 3 (relu) -> 1 (None), a batch of one", X=X, params=params,
           layers=layers)
    _check_forward_out(t, t.call(X, params, layers), X, params, layers)

    article = [(2, 4, "relu"), (4, 6, "relu"), (6, 6, "relu"), (6, 4, "relu"), (4, 1, "sigmoid")]
    for name, spec, n, seed in [
            ("three layers: relu, sigmoid, None (logits), N = 5",
             [(3, 5, "relu"), (5, 4, "sigmoid"), (4, 3, None)], 5, 110),
            ("the seed article's 2-4-6-6-4-1 network, sigmoid output, N = 6", article, 6, 111),
            ("one layer, activation 'linear' spelled out", [(4, 2, "linear")], 3, 112),
            ("square layers 3 -> 3 -> 3, sigmoid then 'linear'",
             [(3, 3, "sigmoid"), (3, 3, "linear")], 3, 113)]:
        layers = [{"input_dim": a, "output_dim": b, "activation": c} for a, b, c in spec]
        params = _network_params(layers, seed)
        X = _rng(seed + 100).normal(size=(n, spec[0][0]))
        t.case(name, X=X, params=params, layers=_describe_layers(layers))
        _check_forward_out(t, t.call(X.copy(), params, layers), X, params, layers)

    spec = [(2, 6, "relu"), (6, 6, "sigmoid"), (6, 2, "linear")]
    layers = [{"input_dim": a, "output_dim": b, "activation": _runtime(c)} for a, b, c in spec]
    params = _network_params(layers, 114)
    X = _rng(214).normal(size=(4, 2))
    t.case("activation names read from a configuration file (built at run time)", X=X,
           params=params, layers=_describe_layers(layers))
    out = _call_expecting_error(t, X.copy(), params, layers)
    if isinstance(out, _Raised) or not (
            isinstance(out, (tuple, list)) and len(out) == 2 and isinstance(out[0], np.ndarray)
            and out[0].shape == (4, 2) and np.allclose(out[0], _net(X, params, layers)[0])):
        raised = (f" (it raised {type(out.exc).__name__}: {out.exc})"
                  if isinstance(out, _Raised) else "")
        t.fail("the function works for activation names typed as literals but not for the same "
               f"names built at run time{raised}.", hint=_IS_BUG)
    _check_forward_out(t, out, X, params, layers)

    _check_mismatch(t)


def _check_mismatch(t):
    spec = [(3, 8, "relu"), (8, 12, "relu"), (12, 7, "sigmoid"), (9, 2, None)]
    layers = [{"input_dim": a, "output_dim": b, "activation": c} for a, b, c in spec]
    params = _network_params(layers, 115)
    X = _rng(215).normal(size=(5, 3))
    t.case("a description that does not fit: layer 3 gives 7 values, layer 4 expects 9", X=X,
           params=params, layers=_describe_layers(layers))
    out = _call_expecting_error(t, X.copy(), params, layers)
    validate = ("Before the loop, compare every layer's input_dim with the output_dim of the "
                "layer before it and raise ValueError(f\"layer {l} has input_dim ..., but layer "
                "{l - 1} has output_dim ...\").")
    msg = _expect_value_error(t, out, hint=validate)
    named = [bool(re.search(rf"(?<![\d.]){v}(?![\d.])", msg)) for v in ("9", "7")]
    layer = re.search(r"(?<![\d.])[34](?![\d.])", msg)
    if not all(named) or not layer:
        t.fail(f"the ValueError's message does not name the layer and both sizes: {msg!r}.",
               hint="A learner reading the message must find the mistake without a debugger: "
                    "say which layer (here layer 4, or index 3) and both numbers (its input_dim "
                    "9 and the output_dim 7 of the layer before). " + validate)

    t.case("X has 4 columns, but layer 1 expects input_dim 3", layers=_describe_layers(layers[:1]))
    layers = layers[:1]
    out = _call_expecting_error(t, _rng(216).normal(size=(2, 4)), _network_params(layers, 116),
                                layers)
    _expect_value_error(t, out, hint="Compare X.shape[1] with layers[0]['input_dim'] and raise ValueError.")


# ---------------------------------------------------------------------------------------------
# 1.5 init_network (parameters for a description; statistics with fixed seeds, so no flakes)
# ---------------------------------------------------------------------------------------------


def _check_layer_weights(t, W, d, l):
    fan_in, fan_out = d["input_dim"], d["output_dim"]
    relu = d["activation"] == "relu"
    std_e = math.sqrt((2.0 if relu else 1.0) / fan_in)
    name = f"W{l}"
    if np.all(W == W.flat[0]):
        t.fail(f"every entry of {name} is {float(W.flat[0]):.4g}.",
               hint="Equal weights make every unit of a layer compute the same thing, and they "
                    "stay equal during training: draw them at random from rng.")
    n = W.size
    if abs(float(W.mean())) > _SIGMAS * std_e / math.sqrt(n):
        t.fail(f"the entries of {name} have mean {float(W.mean()):.4g}, expected 0.",
               hint="Draw weights centred at 0, rng.normal(0.0, std, size=...), not rng.random "
                    "(which is in [0, 1)).")
    std, tol = float(W.std()), _SIGMAS * math.sqrt(1 / (2 * n))
    if abs(std / std_e - 1) <= tol:
        return
    other = math.sqrt((1.0 if relu else 2.0) / fan_in)
    named = [(other, f"Layer {l} is a {d['activation']!r} layer: std = sqrt(2 / fan_in) (He) for "
                     "ReLU layers, sqrt(1 / fan_in) for the others."),
             (math.sqrt(2 / fan_out), "Use the fan-in, input_dim, the number of inputs of the "
                                      "layer, not its output_dim."),
             (math.sqrt(2 / (fan_in + fan_out)), "That is Glorot/Xavier's sqrt(2 / (fan_in + "
                                                 "fan_out)); this sheet uses the fan-in alone."),
             (std_e ** 2, "np.sqrt is missing: the variance is 2 / fan_in (or 1 / fan_in), the "
                          "standard deviation its square root."),
             (0.1, "The seed article's `* 0.1` gives std 0.1 whatever the layer's size; scale "
                   "with the fan-in instead."),
             (0.01, "std 0.01 makes the signal shrink layer by layer; scale with the fan-in."),
             (1.0, "rng.standard_normal draws with std 1: multiply by sqrt(gain / fan_in).")]
    hint = next((h for v, h in named if abs(std / v - 1) <= tol), None)
    t.fail(f"the entries of {name} {W.shape} have std {std:.4g}, expected "
           f"sqrt({'2' if relu else '1'} / fan_in) = {std_e:.4g} (tolerance +-{tol:.1%}).",
           hint=hint)


def _check_init_out(t, out, layers):
    if not isinstance(out, dict):
        t.fail(f"init_network should return a dict, got {type(out).__name__}.",
               hint='Return {"W1": ..., "b1": ..., "W2": ..., ...}.')
    keys = [k for l in range(1, len(layers) + 1) for k in (f"W{l}", f"b{l}")]
    missing = [k for k in keys if k not in out]
    if missing:
        t.fail(f"params has no key(s) {', '.join(missing)}; it has {sorted(map(str, out))}.",
               hint='Count the layers from 1, as forward_network does: f"W{l}" and f"b{l}" for '
                    "l = 1 ... L.")
    for l, d in enumerate(layers, start=1):
        shape = (d["input_dim"], d["output_dim"])
        W, b = out[f"W{l}"], out[f"b{l}"]
        t.is_array(W, f"params['W{l}']", shape)
        if W.shape != shape:
            t.fail(f"params['W{l}'] has shape {W.shape}, expected {shape} = (input_dim, "
                   "output_dim).", hint="Row-major: W is (fan_in, fan_out) so that A_prev @ W "
                                        "works; the seed article's (output_dim, input_dim) is "
                                        "for column vectors." if W.shape == shape[::-1] else None)
        t.is_array(b, f"params['b{l}']", (shape[1],))
        if b.shape != (shape[1],):
            t.fail(f"params['b{l}'] has shape {b.shape}, expected ({shape[1]},).",
                   hint="One bias per output unit, a 1-D array: np.zeros(output_dim).")
        if np.any(b != 0):
            t.fail(f"params['b{l}'] is not all zero.",
                   hint="Start every bias at zero, np.zeros(output_dim): the random weights "
                        "already break the symmetry.")
        _check_layer_weights(t, W, d, l)


@exercise("init_network", args=("layers", "rng"), chapter="01_forward_propagation",
          shape_hint="W{l} is (input_dim, output_dim) and b{l} (output_dim,) of layer l.")
def _check_init_network(t):
    for name, spec, seed in [
            ("two large layers, relu then None", [(400, 300, "relu"), (300, 10, None)], 170),
            ("a sigmoid layer and a 'linear' one", [(500, 200, "sigmoid"), (200, 50, "linear")],
             171),
            ("square layers, relu, relu, None", [(250, 250, "relu"), (250, 250, "relu"),
                                                 (250, 250, None)], 172)]:
        layers = [{"input_dim": a, "output_dim": b, "activation": c} for a, b, c in spec]
        t.case(name, layers=_describe_layers(layers), rng=f"np.random.default_rng({seed})")
        _check_init_out(t, t.call(layers, _rng(seed)), layers)

    layers = [{"input_dim": 400, "output_dim": 300, "activation": _runtime("relu")},
              {"input_dim": 300, "output_dim": 10, "activation": None}]
    t.case("activation names built at run time: the relu layer still gets sqrt(2 / fan_in)",
           layers=_describe_layers(layers), rng="np.random.default_rng(173)")
    out = t.call(layers, _rng(173))
    W1 = out.get("W1") if isinstance(out, dict) else None
    if isinstance(W1, np.ndarray) and W1.shape == (400, 300) and \
            abs(float(W1.std()) / math.sqrt(1 / 400) - 1) < 0.02:
        t.fail("layer 1 is 'relu' (the name built at run time), but W1 has the std of a "
               "non-ReLU layer, sqrt(1 / fan_in).", hint=_IS_BUG)
    _check_init_out(t, out, layers)

    layers = [{"input_dim": 20, "output_dim": 30, "activation": "relu"},
              {"input_dim": 30, "output_dim": 5, "activation": None}]

    def args(rng):
        return ([dict(d) for d in layers], rng)
    _check_uses_rng(_FlatParams(t), args, "init_network")

    t.case("an int seed works like np.random.default_rng(seed)", layers=_describe_layers(layers))
    try:
        a = t.call([dict(d) for d in layers], 7)
    except _Errored as exc:
        t.fail("calling it with the int seed 7 raised an exception.", details=exc.details,
               hint="Turn the argument into a generator first, rng = np.random.default_rng(rng): "
                    "that accepts an int seed and passes a Generator through unchanged.")
    b = t.call([dict(d) for d in layers], _rng(7))
    if not _same(_flat_params(a), _flat_params(b)):
        t.fail("init_network(layers, 7) differs from init_network(layers, "
               "np.random.default_rng(7)).",
               hint="rng = np.random.default_rng(rng) turns the seed into the same generator.")

    spec = [(3, 8, "relu"), (8, 12, "relu"), (12, 7, "sigmoid"), (9, 2, None)]
    layers = [{"input_dim": a, "output_dim": b, "activation": c} for a, b, c in spec]
    t.case("a description that does not fit: layer 3 gives 7 values, layer 4 expects 9",
           layers=_describe_layers(layers))
    out = _call_expecting_error(t, layers, _rng(174))
    _expect_value_error(t, out, returned="returned parameters",
                        hint="Check the description as forward_network does (1.4): W4 of shape (9, 2) "
                             "could never take layer 3's 7 outputs.")


def _flat_params(out):
    if isinstance(out, dict):
        return tuple(np.asarray(out[k]) for k in sorted(out, key=str))
    return out


class _FlatParams:
    """t.call with a params dict flattened to a tuple of arrays, to compare two runs exactly."""

    def __init__(self, t):
        self.t = t

    def call(self, *args):
        return _flat_params(self.t.call(*args))

    def __getattr__(self, name):
        return getattr(self.t, name)
