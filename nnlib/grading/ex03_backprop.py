"""Sheet 3 (chapter 3): backward functions, two networks, the numerical gradient."""

import math

import numpy as np

from .. import functional as F
from .. import gradcheck, nets
from .common import _F32, _rng
from .registry import exercise


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


@exercise("numerical_gradient", args=("f", "x", "h=1e-5"), chapter="03_backpropagation",
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
from . import ex03_backprop_part2  # noqa: E402,F401  (its exercises follow this sheet's)
from . import ex03_backprop_part3  # noqa: E402,F401  (the layer classes, after part 2)
