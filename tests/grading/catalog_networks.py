"""Learner implementations of the whole-network exercises: ``forward_network`` and ``init_network``
(sheet 1),
``relative_error``, ``check_layer_gradient`` and ``backward_network`` (sheet 3) and ``train_network`` (sheet 4). Valid ones
must pass; mistakes must fail with a hint matching ``hint``. Run by
tests/test_grading_catalog.py."""

import numpy as np

from .cases import case


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _act(name, Z):
    if name == "relu":
        return np.maximum(Z, 0)
    if name == "sigmoid":
        return _sigmoid(Z)
    if name is None or name == "linear":
        return Z
    raise ValueError(f"unknown activation {name!r}")


def _validate(X, layers):
    if X.shape[1] != layers[0]["input_dim"]:
        raise ValueError(f"X has {X.shape[1]} columns, layer 1 expects {layers[0]['input_dim']}")
    for l in range(1, len(layers)):
        if layers[l]["input_dim"] != layers[l - 1]["output_dim"]:
            raise ValueError(f"layer {l + 1}: input_dim {layers[l]['input_dim']} != output_dim "
                             f"{layers[l - 1]['output_dim']} of layer {l}")


# ---------------------------------------------------------------------------------------------
# forward_network
# ---------------------------------------------------------------------------------------------


@case("forward_network", True)
def forward_network_ok_loop(X, params, layers):
    _validate(X, layers)
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        A = _act(layer["activation"], Z)
    return A, cache


@case("forward_network", True)
def forward_network_ok_dispatch_dict_lists_zero_based(X, params, layers):
    acts = {"relu": lambda z: np.where(z > 0, z, 0.0), "sigmoid": lambda z: 0.5 * (1 + np.tanh(z / 2)),
            "linear": lambda z: z, None: lambda z: z}
    dims = [X.shape[1]] + [d["output_dim"] for d in layers]
    for i, d in enumerate(layers):
        if d["input_dim"] != dims[i]:
            raise ValueError(f"layers[{i}]: expected input_dim {dims[i]}, got {d['input_dim']}")
    A, cache = X, []
    for i, d in enumerate(layers):
        Z = np.dot(A, params["W" + str(i + 1)]) + params["b" + str(i + 1)]
        cache.append([A, Z])
        A = acts[d["activation"]](Z)
    return A, cache


@case("forward_network", True)
def forward_network_ok_recursive(X, params, layers):
    _validate(X, layers)

    def go(A, l):
        if l > len(layers):
            return A, []
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        out, rest = go(_act(layers[l - 1]["activation"], Z), l + 1)
        return out, [(A, Z)] + rest
    out, cache = go(X, 1)
    return out, tuple(cache)


@case("forward_network", True)
def forward_network_ok_zip_pairs_and_stable_sigmoid(X, params, layers):
    for k, (a, b) in enumerate(zip(layers, layers[1:]), start=2):
        if a["output_dim"] != b["input_dim"]:
            raise ValueError(f"Layer {k} wants {b['input_dim']} inputs but gets {a['output_dim']}")
    if layers[0]["input_dim"] != X.shape[1]:
        raise ValueError("X does not fit layer 1")
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        kind = layer.get("activation") or "linear"
        if kind == "sigmoid":
            A = np.exp(-np.logaddexp(0, -Z))
        elif kind == "relu":
            A = Z * (Z > 0)
        else:
            A = Z
    return A, cache


@case("forward_network", False, hint=r"==, not `is`")
def forward_network_bad_is_for_strings(X, params, layers):
    _validate(X, layers)
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        lit = {"relu": "relu", "sigmoid": "sigmoid", "linear": "linear"}  # `is "relu"` warns here
        if layer["activation"] is lit["relu"]:  # the seed article's bug
            A = np.maximum(Z, 0)
        elif layer["activation"] is lit["sigmoid"]:
            A = _sigmoid(Z)
        elif layer["activation"] is None or layer["activation"] is lit["linear"]:
            A = Z
        else:
            raise Exception("Nonsupported activation function")
    return A, cache


@case("forward_network", False, hint=r"no ReLU")
def forward_network_bad_relu_on_logits(X, params, layers):
    _validate(X, layers)
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        A = _sigmoid(Z) if layer["activation"] == "sigmoid" else np.maximum(Z, 0)
    return A, cache


@case("forward_network", False, hint=r"needs its input A_prev")
def forward_network_bad_cache_holds_outputs(X, params, layers):
    _validate(X, layers)
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = _act(layer["activation"], Z)
        cache.append((A, Z))
    return A, cache


@case("forward_network", False, hint=(r"does not name the layer", r"layer 4"))
def forward_network_bad_no_validation(X, params, layers):
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        A = _act(layer["activation"], Z)
    return A, cache


@case("forward_network", False, hint=r"does not name the layer and both sizes")
def forward_network_bad_vague_message(X, params, layers):
    for a, b in zip(layers, layers[1:]):
        if a["output_dim"] != b["input_dim"]:
            raise ValueError("the layers do not fit together")
    return forward_network_bad_no_validation(X, params, layers)


@case("forward_network", False, hint=r"instead of raising ValueError|expected ValueError")
def forward_network_bad_assert(X, params, layers):
    for a, b in zip(layers, layers[1:]):
        assert a["output_dim"] == b["input_dim"], f"{a['output_dim']} != {b['input_dim']}"
    return forward_network_bad_no_validation(X, params, layers)


@case("forward_network", False, hint=r"stop one layer early")
def forward_network_bad_one_layer_short(X, params, layers):
    _validate(X, layers)
    A, cache = X, []
    for l in range(1, len(layers)):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        A = _act(layers[l - 1]["activation"], Z)
    return A, cache


@case("forward_network", False, hint=r"minus sign")
def forward_network_bad_sigmoid_without_minus(X, params, layers):
    _validate(X, layers)
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        A = 1 / (1 + np.exp(Z)) if layer["activation"] == "sigmoid" else _act(layer["activation"], Z)
    return A, cache


@case("forward_network", False, hint=r"Add each layer's bias")
def forward_network_bad_no_bias(X, params, layers):
    _validate(X, layers)
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"]
        cache.append((A, Z))
        A = _act(layer["activation"], Z)
    return A, cache


# ---------------------------------------------------------------------------------------------
# init_network
# ---------------------------------------------------------------------------------------------


def _check_fit(layers):
    for l in range(1, len(layers)):
        if layers[l]["input_dim"] != layers[l - 1]["output_dim"]:
            raise ValueError(f"layer {l + 1} does not fit layer {l}")


@case("init_network", True)
def init_network_ok_normal(layers, rng):
    rng = np.random.default_rng(rng)
    _check_fit(layers)
    params = {}
    for l, d in enumerate(layers, start=1):
        gain = 2.0 if d["activation"] == "relu" else 1.0
        params[f"W{l}"] = rng.normal(0.0, np.sqrt(gain / d["input_dim"]),
                                     size=(d["input_dim"], d["output_dim"]))
        params[f"b{l}"] = np.zeros(d["output_dim"])
    return params


@case("init_network", True)
def init_network_ok_uniform_same_variance(layers, rng):
    rng = np.random.default_rng(rng)
    _check_fit(layers)
    params = {}
    for l, d in enumerate(layers, start=1):
        limit = np.sqrt((6.0 if d["activation"] == "relu" else 3.0) / d["input_dim"])
        params["W" + str(l)] = rng.uniform(-limit, limit, size=(d["input_dim"], d["output_dim"]))
        params["b" + str(l)] = np.zeros((d["output_dim"],))
    return params


@case("init_network", True)
def init_network_ok_standard_normal_gain_table(layers, rng):
    gains = {"relu": 2.0, "sigmoid": 1.0, "linear": 1.0, None: 1.0}
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    for a, b in zip(layers, layers[1:]):
        if a["output_dim"] != b["input_dim"]:
            raise ValueError(f"{a['output_dim']} outputs cannot feed {b['input_dim']} inputs")
    out = {}
    for i, d in enumerate(layers):
        n_in, n_out = d["input_dim"], d["output_dim"]
        out[f"W{i + 1}"] = rng.standard_normal((n_in, n_out)) * np.sqrt(gains[d["activation"]] / n_in)
        out[f"b{i + 1}"] = np.zeros(n_out)
    return out


@case("init_network", True)
def init_network_ok_biases_first_then_weights(layers, rng):
    from nnlib.nets import check_layers
    check_layers(layers)
    rng = np.random.default_rng(rng)
    params = {f"b{l}": np.zeros(d["output_dim"]) for l, d in enumerate(layers, start=1)}
    for l, d in enumerate(layers, start=1):
        scale = np.sqrt(2 / d["input_dim"]) if d["activation"] == "relu" else 1 / np.sqrt(d["input_dim"])
        params[f"W{l}"] = scale * rng.normal(size=(d["input_dim"], d["output_dim"]))
    return params


def _init(layers, rng, std=None, shape_T=False, bias=None, checked=True):
    rng = np.random.default_rng(rng)
    if checked:
        _check_fit(layers)
    params = {}
    for l, d in enumerate(layers, start=1):
        n_in, n_out = d["input_dim"], d["output_dim"]
        s = std(d) if std else np.sqrt((2.0 if d["activation"] == "relu" else 1.0) / n_in)
        params[f"W{l}"] = rng.normal(0.0, s, size=(n_out, n_in) if shape_T else (n_in, n_out))
        params[f"b{l}"] = rng.normal(size=n_out) if bias else np.zeros(n_out)
    return params


@case("init_network", False, hint=r"article's `\* 0.1`")
def init_network_bad_article_scale(layers, rng):
    return _init(layers, rng, std=lambda d: 0.1)


@case("init_network", False, hint=r"sqrt\(1 / fan_in\) for the others")
def init_network_bad_he_everywhere(layers, rng):
    return _init(layers, rng, std=lambda d: np.sqrt(2 / d["input_dim"]))


@case("init_network", False, hint=r"column vectors")
def init_network_bad_column_major_shapes(layers, rng):
    return _init(layers, rng, shape_T=True)


@case("init_network", False, hint=r"Start every bias at zero")
def init_network_bad_random_biases(layers, rng):
    return _init(layers, rng, bias=True)


@case("init_network", False, hint=r"global random state")
def init_network_bad_np_random(layers, rng):
    _check_fit(layers)
    params = {}
    for l, d in enumerate(layers, start=1):
        gain = 2.0 if d["activation"] == "relu" else 1.0
        params[f"W{l}"] = np.random.randn(d["input_dim"], d["output_dim"]) * np.sqrt(gain / d["input_dim"])
        params[f"b{l}"] = np.zeros(d["output_dim"])
    return params


@case("init_network", False, hint=r"int seed")
def init_network_bad_no_seed_conversion(layers, rng):
    _check_fit(layers)
    return {k: v for l, d in enumerate(layers, start=1) for k, v in (
        (f"W{l}", rng.normal(0.0, np.sqrt((2.0 if d["activation"] == "relu" else 1.0)
                                          / d["input_dim"]), size=(d["input_dim"], d["output_dim"]))),
        (f"b{l}", np.zeros(d["output_dim"])))}


@case("init_network", False, hint=r"==, not `is`")
def init_network_bad_is_relu(layers, rng):
    lit = {"relu": "relu"}  # `is "relu"` itself warns here
    return _init(layers, rng, std=lambda d: np.sqrt((2.0 if d["activation"] is lit["relu"] else 1.0)
                                                    / d["input_dim"]))


@case("init_network", False, hint=r"instead of raising ValueError")
def init_network_bad_no_check(layers, rng):
    return _init(layers, rng, checked=False)


@case("init_network", False, hint=r"Glorot")
def init_network_bad_xavier(layers, rng):
    return _init(layers, rng, std=lambda d: np.sqrt(2 / (d["input_dim"] + d["output_dim"])))


# ---------------------------------------------------------------------------------------------
# relative_error
# ---------------------------------------------------------------------------------------------


def _same_shape(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    return a, b


@case("relative_error", True)
def relative_error_ok_cs231n(a, b):
    a, b = _same_shape(a, b)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


@case("relative_error", True)
def relative_error_ok_where_zero(a, b):
    a, b = _same_shape(a, b)
    den = np.abs(a) + np.abs(b)
    ratio = np.divide(np.abs(a - b), den, out=np.zeros_like(den), where=den > 0)
    return ratio.max()


@case("relative_error", True)
def relative_error_ok_loop(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if np.shape(a) != np.shape(b):
        raise ValueError("a and b must have the same shape")
    worst = 0.0
    for x, y in zip(a.ravel().tolist(), b.ravel().tolist()):
        if x != y:
            worst = max(worst, abs(x - y) / (abs(x) + abs(y)))
    return worst


@case("relative_error", True)
def relative_error_ok_tiny_floor_numpy_scalar(a, b):
    a, b = _same_shape(a, b)
    return np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), np.finfo(float).tiny))


@case("relative_error", False, hint=r"norm form")
def relative_error_bad_norm_form(a, b):
    a, b = _same_shape(a, b)
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12))


@case("relative_error", False, hint=r"not the mean")
def relative_error_bad_mean(a, b):
    a, b = _same_shape(a, b)
    return float(np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


@case("relative_error", False, hint=r"absolute values in the denominator")
def relative_error_bad_no_abs_in_denominator(a, b):
    a, b = _same_shape(a, b)
    return float(np.max(np.abs(a - b) / np.maximum(a + b, 1e-12)))


@case("relative_error", False, hint=r"0 / 0 gave NaN")
def relative_error_bad_no_floor(a, b):
    a, b = _same_shape(a, b)
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))


@case("relative_error", False, hint=r"not by \|a\| alone")
def relative_error_bad_divides_by_a(a, b):
    a, b = _same_shape(a, b)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-12)))


@case("relative_error", False, hint=r"raise ValueError")
def relative_error_bad_broadcasts(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


@case("relative_error", False, hint=r"single number")
def relative_error_bad_elementwise_array(a, b):
    a, b = _same_shape(a, b)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)


# ---------------------------------------------------------------------------------------------
# check_layer_gradient
# ---------------------------------------------------------------------------------------------


def _relerr(a, b):
    a, b = _same_shape(a, b)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


def _numgrad(f, x, h=1e-5):
    from nnlib.gradcheck import numerical_gradient
    return numerical_gradient(f, x, h)


@case("check_layer_gradient", True)
def check_layer_gradient_ok_plain(forward, backward, x, W, b, rng):
    dout = rng.standard_normal(forward(x, W, b).shape)
    dx, dW, db = backward(dout, x, W)

    def f():
        return np.sum(forward(x, W, b) * dout)
    return {"dx": _relerr(dx, _numgrad(f, x)), "dW": _relerr(dW, _numgrad(f, W)),
            "db": _relerr(db, _numgrad(f, b))}


@case("check_layer_gradient", True)
def check_layer_gradient_ok_rng_normal_own_loop_small_h(forward, backward, x, W, b, rng):
    out = forward(x, W, b)
    dout = rng.normal(0.0, 1.0, size=out.shape)
    analytic = dict(zip(("dx", "dW", "db"), backward(dout, x, W)))
    errors = {}
    for key, arr in (("dx", x), ("dW", W), ("db", b)):
        num = np.zeros(arr.shape)
        it = np.nditer(arr, flags=["multi_index"])
        for _ in it:
            i = it.multi_index
            old = arr[i]
            arr[i] = old + 1e-7
            up = np.sum(forward(x, W, b) * dout)
            arr[i] = old - 1e-7
            down = np.sum(forward(x, W, b) * dout)
            arr[i] = old
            num[i] = (up - down) / 2e-7
        errors[key] = _relerr(analytic[key], num)
    return errors


@case("check_layer_gradient", True)
def check_layer_gradient_ok_closures_per_array(forward, backward, x, W, b, rng):
    dout = rng.standard_normal(size=forward(x, W, b).shape)
    grads = backward(dout, x, W)
    loss = lambda: float((forward(x, W, b) * dout).sum())  # noqa: E731
    names = ["dx", "dW", "db"]
    return {n: _relerr(g, _numgrad(loss, a, 1e-4)) for n, g, a in zip(names, grads, (x, W, b))}


@case("check_layer_gradient", True)
def check_layer_gradient_ok_cs231n_floor_numpy_values(forward, backward, x, W, b, rng):
    dout = rng.standard_normal(forward(x, W, b).shape)
    dx, dW, db = backward(dout, x, W)

    def f():
        return np.sum(forward(x, W, b) * dout)

    def err(a, n):
        return np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))
    return {"dx": err(dx, _numgrad(f, x)), "dW": err(dW, _numgrad(f, W)),
            "db": err(db, _numgrad(f, b))}


@case("check_layer_gradient", False, hint=r"right only for dout = ones")
def check_layer_gradient_bad_ones_upstream(forward, backward, x, W, b, rng):
    out = forward(x, W, b)
    dout = np.ones_like(out)
    dx, dW, db = backward(dout, x, W)

    def f():
        return np.sum(forward(x, W, b))
    return {"dx": _relerr(dx, _numgrad(f, x)), "dW": _relerr(dW, _numgrad(f, W)),
            "db": _relerr(db, _numgrad(f, b))}


@case("check_layer_gradient", False, hint=r"same dout that you pass to backward")
def check_layer_gradient_bad_loss_without_dout(forward, backward, x, W, b, rng):
    dout = rng.standard_normal(forward(x, W, b).shape)
    dx, dW, db = backward(dout, x, W)

    def f():
        return np.sum(forward(x, W, b))
    return {"dx": _relerr(dx, _numgrad(f, x)), "dW": _relerr(dW, _numgrad(f, W)),
            "db": _relerr(db, _numgrad(f, b))}


@case("check_layer_gradient", False, hint=r"not copies")
def check_layer_gradient_bad_nudges_copies(forward, backward, x, W, b, rng):
    dout = rng.standard_normal(forward(x, W, b).shape)
    dx, dW, db = backward(dout, x, W)
    x0, W0, b0 = x.copy(), W.copy(), b.copy()

    def f():
        return np.sum(forward(x0, W0, b0) * dout)
    return {"dx": _relerr(dx, _numgrad(f, x)), "dW": _relerr(dW, _numgrad(f, W)),
            "db": _relerr(db, _numgrad(f, b))}


@case("check_layer_gradient", False, hint=r"not the gradients")
def check_layer_gradient_bad_returns_gradients(forward, backward, x, W, b, rng):
    dout = rng.standard_normal(forward(x, W, b).shape)
    dx, dW, db = backward(dout, x, W)
    return {"dx": dx, "dW": dW, "db": db}


@case("check_layer_gradient", False, hint=r"entrywise form")
def check_layer_gradient_bad_norm_form(forward, backward, x, W, b, rng):
    dout = rng.standard_normal(forward(x, W, b).shape)
    dx, dW, db = backward(dout, x, W)

    def f():
        return np.sum(forward(x, W, b) * dout)

    def err(a, n):
        return float(np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)))
    return {"dx": err(dx, _numgrad(f, x)), "dW": err(dW, _numgrad(f, W)),
            "db": err(db, _numgrad(f, b))}


@case("check_layer_gradient", False, hint=r"global random state|draw dout first and once")
def check_layer_gradient_bad_np_random(forward, backward, x, W, b, rng):
    return check_layer_gradient_ok_plain(forward, backward, x, W, b,
                                         np.random.default_rng(np.random.randint(1 << 30)))


@case("check_layer_gradient", False, hint=r"Check all three gradients")
def check_layer_gradient_bad_skips_db(forward, backward, x, W, b, rng):
    errors = check_layer_gradient_ok_plain(forward, backward, x, W, b, rng)
    del errors["db"]
    return errors


@case("check_layer_gradient", False, hint=r"changed its input `W` in place")
def check_layer_gradient_bad_no_restore(forward, backward, x, W, b, rng):
    dout = rng.standard_normal(forward(x, W, b).shape)
    dx, dW, db = backward(dout, x, W)
    errors = {}
    for key, arr, g in (("dx", x, dx), ("dW", W, dW), ("db", b, db)):
        num = np.zeros(arr.shape)
        for i in np.ndindex(arr.shape):
            arr[i] += 1e-5
            up = np.sum(forward(x, W, b) * dout)
            arr[i] -= 2e-5
            down = np.sum(forward(x, W, b) * dout)
            arr[i] += 1e-5 if key != "dW" else 0.0   # forgets to put W back
            num[i] = (up - down) / 2e-5
        errors[key] = _relerr(g, num)
    return errors


# ---------------------------------------------------------------------------------------------
# backward_network
# ---------------------------------------------------------------------------------------------


def _act_backward(name, dA, Z):
    if name == "relu":
        return dA * (Z > 0)
    if name == "sigmoid":
        s = _sigmoid(Z)
        return dA * s * (1 - s)
    return dA


@case("backward_network", True)
def backward_network_ok_loop(dout, cache, params, layers):
    grads, dA = {}, dout
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        dZ = _act_backward(layers[l - 1]["activation"], dA, Z)
        grads[f"W{l}"] = A_prev.T @ dZ
        grads[f"b{l}"] = dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"].T
    return grads


@case("backward_network", True)
def backward_network_ok_reversed_zip_mask_from_output(dout, cache, params, layers):
    grads, dA = {}, dout
    L = len(layers)
    for i, (layer, (A_prev, Z)) in reversed(list(enumerate(zip(layers, cache)))):
        kind = layer["activation"] or "linear"
        if kind == "relu":
            dZ = np.where(np.maximum(Z, 0) > 0, dA, 0.0)
        elif kind == "sigmoid":
            dZ = dA * np.exp(-Z) / (1 + np.exp(-Z)) ** 2
        else:
            dZ = dA.copy()
        grads["W" + str(i + 1)] = np.dot(A_prev.T, dZ)
        grads["b" + str(i + 1)] = np.sum(dZ, axis=0, keepdims=True).reshape(-1)
        if i > 0:
            dA = np.dot(dZ, params["W" + str(i + 1)].T)
    assert len(grads) == 2 * L
    return grads


@case("backward_network", True)
def backward_network_ok_in_place_on_copies(dout, cache, params, layers):
    grads, dA = {}, dout.copy()
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        if layers[l - 1]["activation"] == "relu":
            dA[Z <= 0] = 0.0
        elif layers[l - 1]["activation"] == "sigmoid":
            s = _sigmoid(Z)
            dA *= s * (1 - s)
        grads[f"W{l}"] = np.einsum("nd,nk->dk", A_prev, dA)
        grads[f"b{l}"] = dA.sum(axis=0)
        dA = dA @ params[f"W{l}"].T
    return {k: grads[k] for k in sorted(grads)}


@case("backward_network", True)
def backward_network_ok_recomputes_A_from_Z(dout, cache, params, layers):
    # uses the input X = cache[0][0] and every Z, rebuilds the activations itself
    grads, dA = {}, dout
    acts = [cache[0][0]] + [_act(d["activation"], Z) for d, (_, Z) in zip(layers, cache)]
    for l in range(len(layers), 0, -1):
        dZ = _act_backward(layers[l - 1]["activation"], dA, cache[l - 1][1])
        grads[f"W{l}"], grads[f"b{l}"] = acts[l - 1].T @ dZ, dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"].T
    return grads


@case("backward_network", False, hint=r"==, not `is`")
def backward_network_bad_is_for_strings(dout, cache, params, layers):
    grads, dA = {}, dout
    lit = {"relu": "relu", "sigmoid": "sigmoid"}  # `is "relu"` itself warns here
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        name = layers[l - 1]["activation"]
        dZ = dA * (Z > 0) if name is lit["relu"] else (
            _act_backward("sigmoid", dA, Z) if name is lit["sigmoid"] else dA)
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"].T
    return grads


@case("backward_network", False, hint=r"backward step \(the derivative of the activation\)")
def backward_network_bad_last_layer_as_logits(dout, cache, params, layers):
    grads, dA = {}, dout
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        dZ = dA if l == len(layers) else _act_backward(layers[l - 1]["activation"], dA, Z)
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"].T
    return grads


@case("backward_network", False, hint=r"not from the gradient dA")
def backward_network_bad_mask_from_gradient(dout, cache, params, layers):
    grads, dA = {}, dout
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        name = layers[l - 1]["activation"]
        dZ = dA * (dA > 0) if name == "relu" else _act_backward(name, dA, Z)
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"].T
    return grads


@case("backward_network", False, hint=r"apply the sigmoid first")
def backward_network_bad_sigmoid_of_z(dout, cache, params, layers):
    grads, dA = {}, dout
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        name = layers[l - 1]["activation"]
        dZ = dA * Z * (1 - Z) if name == "sigmoid" else _act_backward(name, dA, Z)
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"].T
    return grads


@case("backward_network", False, hint=r"Do not divide by N")
def backward_network_bad_divides_by_n(dout, cache, params, layers):
    grads, dA = {}, dout
    n = dout.shape[0]
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        dZ = _act_backward(layers[l - 1]["activation"], dA, Z)
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ / n, dZ.sum(axis=0) / n
        dA = dZ @ params[f"W{l}"].T
    return grads


@case("backward_network", False, hint=r"Off by one|hidden layers' activations are skipped")
def backward_network_bad_activation_of_the_layer_above(dout, cache, params, layers):
    grads, dA = {}, dout
    L = len(layers)
    for l in range(L, 0, -1):
        A_prev, Z = cache[l - 1]
        dZ = _act_backward(layers[min(l, L - 1)]["activation"], dA, Z)
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dZ, dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"].T
    return grads


@case("backward_network", False, hint=r"keys of params")
def backward_network_bad_zero_based_keys(dout, cache, params, layers):
    grads = backward_network_ok_loop(dout, cache, params, layers)
    return {k[0] + str(int(k[1:]) - 1): v for k, v in grads.items()}


@case("backward_network", False, hint=r"changed its input `dout` in place")
def backward_network_bad_changes_dout(dout, cache, params, layers):
    grads, dA = {}, dout
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        if layers[l - 1]["activation"] == "relu":
            dA[Z <= 0] = 0.0
        elif layers[l - 1]["activation"] == "sigmoid":
            dA = _act_backward("sigmoid", dA, Z)
        grads[f"W{l}"], grads[f"b{l}"] = A_prev.T @ dA, dA.sum(axis=0)
        dA = dA @ params[f"W{l}"].T
    return grads


# ---------------------------------------------------------------------------------------------
# train_network (sheet 4), around nnlib's reference network: the loop is what is graded
# ---------------------------------------------------------------------------------------------


def _step_batches(X, y, params, layers, idx):
    from nnlib.losses import softmax_cross_entropy
    from nnlib.nets import backward_network, forward_network
    out, cache = forward_network(X[idx], params, layers)
    loss, dout = softmax_cross_entropy(out, y[idx])
    return loss, backward_network(dout, cache, params, layers)


def _train(X, y, layers, epochs, lr, batch_size, rng, update=None, history_of=np.mean,
           order=None, reinit=False, return_initial=False):
    """The loop with switches for the mistakes (defaults: correct)."""
    from nnlib.nets import init_network
    params = init_network(layers, rng)
    initial = {k: v.copy() for k, v in params.items()}
    history = []
    for _ in range(epochs):
        if reinit:
            params = init_network(layers, rng)
        perm = order(X.shape[0]) if order else rng.permutation(X.shape[0])
        losses = []
        for start in range(0, X.shape[0], batch_size):
            loss, grads = _step_batches(X, y, params, layers, perm[start:start + batch_size])
            for k in params:
                params[k] = update(params[k], grads[k], lr) if update else params[k] - lr * grads[k]
            losses.append(loss)
        history.append(history_of(losses))
    return (initial if return_initial else params), history


@case("train_network", True)
def train_network_ok_reference_loop(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, lr, batch_size, rng)


@case("train_network", True)
def train_network_ok_weighted_mean_new_dicts(X, y, layers, epochs, lr, batch_size, rng):
    from nnlib.nets import init_network
    params, history, n = init_network(layers, rng), [], X.shape[0]
    for epoch in range(epochs):
        order = rng.permutation(n)
        batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
        total = 0.0
        for idx in batches:
            loss, grads = _step_batches(X, y, params, layers, idx)
            params = {k: v - lr * grads[k] for k, v in params.items()}
            total += loss * len(idx)
        history.append(total / n)
    return params, np.array(history)


@case("train_network", True)
def train_network_ok_own_he_init_full_loss_history(X, y, layers, epochs, lr, batch_size, rng):
    from nnlib.losses import softmax_cross_entropy
    from nnlib.nets import forward_network
    params = {}
    for l, d in enumerate(layers, start=1):
        params[f"W{l}"] = rng.standard_normal((d["input_dim"], d["output_dim"])) * np.sqrt(
            2.0 / d["input_dim"])
        params[f"b{l}"] = np.zeros(d["output_dim"])
    history = []
    for epoch in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            _, grads = _step_batches(X, y, params, layers, order[start:start + batch_size])
            for k in params:
                params[k] -= lr * grads[k]
        # the loss on the whole training set after the epoch (valid: graded on behaviour)
        history.append(softmax_cross_entropy(forward_network(X, params, layers)[0], y)[0])
    return params, history


@case("train_network", True)
def train_network_ok_while_loops_and_sgd_step(X, y, layers, epochs, lr, batch_size, rng):
    from nnlib.nets import init_network

    def sgd_step(param, grad, lr):
        param -= lr * grad
        return param
    params, history, epoch = init_network(layers, rng), [], 0
    while epoch < epochs:
        order, start, losses = rng.permutation(X.shape[0]), 0, []
        while start < X.shape[0]:
            loss, grads = _step_batches(X, y, params, layers, order[start:start + batch_size])
            params.update({k: sgd_step(params[k], grads[k], lr) for k in params})
            losses.append(loss)
            start += batch_size
        history.append(sum(losses) / len(losses))
        epoch += 1
    return params, tuple(history)


@case("train_network", False, hint=r"global random state")
def train_network_bad_np_random_permutation(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, lr, batch_size, rng, order=np.random.permutation)


@case("train_network", False, hint=r"ignores rng")
def train_network_bad_fixed_generator(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, lr, batch_size, np.random.default_rng(0))


@case("train_network", False, hint=r"throws the weights away")
def train_network_bad_article_update(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, lr, batch_size, rng, update=lambda p, g, lr: lr * g)


@case("train_network", False, hint=r"wrong sign")
def train_network_bad_gradient_ascent(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, lr, batch_size, rng, update=lambda p, g, lr: p + lr * g)


@case("train_network", False, hint=r"not per mini-batch")
def train_network_bad_history_per_batch(X, y, layers, epochs, lr, batch_size, rng):
    from nnlib.nets import init_network
    params, history = init_network(layers, rng), []
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            loss, grads = _step_batches(X, y, params, layers, order[start:start + batch_size])
            for k in params:
                params[k] -= lr * grads[k]
            history.append(loss)
    return params, history


@case("train_network", False, hint=r"not the last batch's")
def train_network_bad_history_last_batch(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, lr, batch_size, rng, history_of=lambda ls: ls[-1])


@case("train_network", False, hint=r"Use the lr that is passed in")
def train_network_bad_fixed_lr(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, 0.3, batch_size, rng)


@case("train_network", False, hint=r"Re-initializing params")
def train_network_bad_reinit_every_epoch(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, lr, batch_size, rng, reinit=True)


@case("train_network", False, hint=r"return the trained dict")
def train_network_bad_returns_initial_params(X, y, layers, epochs, lr, batch_size, rng):
    return _train(X, y, layers, epochs, lr, batch_size, rng, return_initial=True)
