"""Two complete networks written out by hand, as in the chapters: every gradient is one line.

* :func:`two_layer_net`: dense, ReLU, dense, softmax cross-entropy (chapter 3).
* :func:`backprop`: Nielsen's all-sigmoid network with quadratic cost, where each of the four
  backpropagation equations BP1-BP4 is one visible line (chapter 3).
"""

import numpy as np

from .functional import sigmoid
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
