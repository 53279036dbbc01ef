"""Correct implementations written independently of nnlib, used by several catalogs."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def two_layer_net(X, y, params, *, mask=True, h_for_dW2=True, mean_loss=True, mean_grad=True,
                  relu=True):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    z1 = X @ W1 + b1
    h = np.maximum(z1, 0) if relu else z1
    probs = softmax(h @ W2 + b2)
    loss = -np.sum(np.log(probs[np.arange(n), y])) / (n if mean_loss else 1)
    d = probs.copy()
    d[np.arange(n), y] -= 1
    d /= n if mean_grad else 1
    dW2 = (h if h_for_dW2 else z1).T @ d
    dh = d @ W2.T
    dz1 = dh * (z1 > 0) if mask else dh
    return loss, {"W1": X.T @ dz1, "b1": dz1.sum(axis=0), "W2": dW2, "b2": d.sum(axis=0)}


def backprop(weights, biases, X, Y, *, bp1_sigma=True, bp2_sigma=True, mean=True, half=True,
             sigma_of_a=False, reverse=False):
    acts, zs = [X], []
    for W, b in zip(weights, biases):
        zs.append(acts[-1] @ W + b)
        acts.append(sigmoid(zs[-1]))

    def sp(l):
        s = sigmoid(acts[l]) if sigma_of_a else acts[l]
        return s * (1 - s)

    L = len(weights)
    gw, gb = [None] * L, [None] * L
    delta = (acts[-1] - Y) * (sp(L) if bp1_sigma else 1)
    delta = delta / (X.shape[0] if mean else 1) * (1 if half else 2)
    for l in range(L - 1, -1, -1):
        gw[l] = acts[l].T @ delta
        gb[l] = delta.sum(axis=0)
        if l > 0:
            delta = (delta @ weights[l].T) * (sp(l) if bp2_sigma else 1)
    if reverse:
        return gw[::-1], gb[::-1]
    return gw, gb


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad
