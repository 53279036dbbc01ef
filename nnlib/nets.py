"""Complete networks written out by hand, as in the chapters: every gradient is one line.

* :func:`two_layer_net`: dense, ReLU, dense, softmax cross-entropy (chapter 3).
* :func:`backprop`: Nielsen's all-sigmoid network with quadratic cost, where each of the four
  backpropagation equations BP1-BP4 is one visible line (chapter 3).
* :func:`init_network`, :func:`forward_network`, :func:`backward_network`: a network of any
  depth built from a list of layer descriptions, the seed article's way of writing down an
  architecture, ``[{"input_dim": 2, "output_dim": 25, "activation": "relu"}, ...]``, in the
  course's row-major form (chapters 1 and 3; the exercise sheets 1, 3 and 4 build the same).
"""

import numpy as np

from ._checks import as_rng
from .functional import relu, relu_backward, sigmoid, sigmoid_backward
from .losses import softmax_cross_entropy


def two_layer_net(X, y, params):
    """Loss and gradients of a two-layer ReLU network with a softmax cross-entropy loss.

    X: (N, D); y: (N,) integer labels; params: dict with ``W1`` (D, H), ``b1`` (H,),
    ``W2`` (H, C), ``b2`` (C,). Returns ``(loss, grads)`` where ``grads`` has the same keys and
    shapes as ``params``.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = X @ W1 + b1               # (N, H) hidden pre-activation
    h = np.maximum(z1, 0)          # (N, H) ReLU
    scores = h @ W2 + b2           # (N, C) logits
    loss, dscores = softmax_cross_entropy(scores, y)   # dscores = (probs - onehot) / N
    dW2 = h.T @ dscores            # (H, C)
    db2 = dscores.sum(axis=0)      # (C,)
    dh = dscores @ W2.T            # (N, H)
    dz1 = dh * (z1 > 0)            # ReLU passes the gradient only where it was active
    dW1 = X.T @ dz1                # (D, H)
    db1 = dz1.sum(axis=0)          # (H,)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def backprop(weights, biases, X, Y):
    """Gradients of ``C = 1/(2N) * sum ||a_L - Y||**2`` for an all-sigmoid network.

    weights: list of ``W_l`` of shape (n_{l-1}, n_l); biases: list of ``b_l`` of shape (n_l,);
    X: (N, n_0) inputs; Y: (N, n_L) targets. Every layer computes ``a = sigmoid(a @ W + b)``.
    Returns ``(grad_w, grad_b)``: lists shaped like ``weights`` and ``biases``.

    In this row-major form ``delta_l`` is an (N, n_l) matrix: row ``i`` is Nielsen's error
    vector of sample ``i`` divided by N (the cost is a mean over the batch).
    """
    # Forward pass, keeping every weighted input z and activation a.
    activations, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(activations[-1] @ W + b)
        activations.append(sigmoid(zs[-1]))

    def sigmoid_prime(z):
        s = sigmoid(z)
        return s * (1 - s)

    n = X.shape[0]
    grad_w, grad_b = [None] * len(weights), [None] * len(biases)
    delta = (activations[-1] - Y) / n * sigmoid_prime(zs[-1])          # BP1 (of the mean cost)
    for l in range(len(weights) - 1, -1, -1):
        grad_b[l] = delta.sum(axis=0)                                   # BP3
        grad_w[l] = activations[l].T @ delta                           # BP4
        if l > 0:
            delta = (delta @ weights[l].T) * sigmoid_prime(zs[l - 1])    # BP2
    return grad_w, grad_b


# --- a network of any depth from layer descriptions ------------------------------------------

#: activation name -> (forward, backward); "linear" (or None) is the identity, for logits.
ACTIVATIONS = {
    "relu": (relu, relu_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
    "linear": (lambda z: z, lambda dout, z: dout),
}


def _activation(layer, l):
    name = "linear" if layer.get("activation") is None else layer["activation"]
    if name not in ACTIVATIONS:
        raise ValueError(f"layer {l}: unknown activation {name!r}; use one of "
                         f"{', '.join(map(repr, ACTIVATIONS))} or None.")
    return ACTIVATIONS[name]


def check_layers(layers, n_features=None):
    """Raise ValueError unless each layer's input_dim is the output_dim of the layer before it
    (and the first one's is ``n_features``, when given). Layers are counted from 1."""
    if n_features is not None and layers[0]["input_dim"] != n_features:
        raise ValueError(f"layer 1 has input_dim {layers[0]['input_dim']}, but X has "
                         f"{n_features} features (columns).")
    for l in range(2, len(layers) + 1):
        before, here = layers[l - 2]["output_dim"], layers[l - 1]["input_dim"]
        if before != here:
            raise ValueError(f"layer {l} has input_dim {here}, but layer {l - 1} has output_dim "
                             f"{before}: consecutive layers must fit together.")


def init_network(layers, rng):
    """Parameters for ``layers``: ``W1`` (input_dim, output_dim) and ``b1`` (output_dim,) for
    layer 1, then ``W2``, ``b2``, ... Weights are normal with variance 2 / fan_in for ReLU
    layers (He) and 1 / fan_in for the others; biases start at zero."""
    check_layers(layers)
    rng = as_rng(rng, "init_network")
    params = {}
    for l, layer in enumerate(layers, start=1):
        fan_in, fan_out = layer["input_dim"], layer["output_dim"]
        gain = 2.0 if layer.get("activation") == "relu" else 1.0
        params[f"W{l}"] = rng.normal(0.0, np.sqrt(gain / fan_in), size=(fan_in, fan_out))
        params[f"b{l}"] = np.zeros(fan_out)
    return params


def forward_network(X, params, layers):
    """Forward pass through every layer: ``Z = A_prev @ W + b``, ``A = activation(Z)``.

    X: (N, input_dim of layer 1). Returns ``(A_L, cache)``: the last layer's output (the logits
    when its activation is "linear" or None) and ``cache``, a list with one ``(A_prev, Z)``
    pair per layer, in order, which is all :func:`backward_network` needs.
    """
    check_layers(layers, X.shape[1])
    A, cache = X, []
    for l, layer in enumerate(layers, start=1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        cache.append((A, Z))
        A = _activation(layer, l)[0](Z)
    return A, cache


def backward_network(dout, cache, params, layers):
    """Gradients of every parameter, from the cache of :func:`forward_network`.

    dout: (N, output_dim of the last layer), the gradient of the loss with respect to the
    network's output A_L (for softmax cross-entropy on logits: ``(probs - onehot) / N``).
    Returns a dict with the keys and shapes of ``params``.
    """
    grads, dA = {}, dout
    for l in range(len(layers), 0, -1):
        A_prev, Z = cache[l - 1]
        dZ = _activation(layers[l - 1], l)[1](dA, Z)
        grads[f"W{l}"] = A_prev.T @ dZ
        grads[f"b{l}"] = dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"].T
    return {key: grads[key] for l in range(1, len(layers) + 1) for key in (f"W{l}", f"b{l}")}
