"""Learner implementations of the whole-network exercises: ``forward_network`` (sheet 1),
``relative_error`` and ``backward_network`` (sheet 3) and ``train_network`` (sheet 4). Valid ones
must pass; mistakes must fail with a hint matching ``hint``. Run by
tests/grading/test_grading_catalog.py."""

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


@case("forward_network", False, hint=r"expected ValueError")
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
