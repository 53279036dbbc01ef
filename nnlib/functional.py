"""Activation functions, softmax and the dense and dropout operations, as plain functions.

Conventions used everywhere in nnlib:

* row-major batches: ``x`` has shape ``(N, D)``, one sample per row;
* a backward function takes the upstream gradient ``dout`` (same shape as the forward output)
  and what the forward pass saw, and returns the gradient with respect to the forward input;
* nothing here modifies its inputs, and every result keeps the input's float dtype.
"""

import numpy as np

from ._checks import as_rng, check_drop_probability

# ---------------------------------------------------------------------------------------------
# Activations. Each `*_backward(dout, z)` receives the pre-activation `z` the forward pass saw.
# ---------------------------------------------------------------------------------------------


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))``, elementwise; never overflows.

    For ``z < 0`` it uses the equivalent ``exp(z) / (1 + exp(z))`` so ``exp`` only ever sees
    non-positive numbers.
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_backward(dout, z):
    """Gradient through the sigmoid: ``dout * s * (1 - s)`` with ``s = sigmoid(z)``."""
    s = sigmoid(z)
    return dout * s * (1 - s)


def tanh(z):
    """Hyperbolic tangent, elementwise."""
    return np.tanh(z)


def tanh_backward(dout, z):
    """Gradient through tanh: ``dout * (1 - tanh(z)**2)``."""
    t = np.tanh(z)
    return dout * (1 - t * t)


def relu(z):
    """Rectified linear unit ``max(0, z)``, elementwise."""
    return np.maximum(z, 0)


def relu_backward(dout, z):
    """Gradient through ReLU: ``dout`` where ``z > 0``, else 0 (the kink at 0 gets 0)."""
    return np.where(z > 0, dout, 0).astype(np.result_type(dout), copy=False)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: ``z`` where ``z > 0``, else ``alpha * z``."""
    return np.where(z > 0, z, alpha * z).astype(np.result_type(z), copy=False)


def leaky_relu_backward(dout, z, alpha=0.01):
    """Gradient through leaky ReLU: ``dout`` where ``z > 0``, else ``alpha * dout``."""
    return np.where(z > 0, dout, alpha * dout).astype(np.result_type(dout), copy=False)


# ---------------------------------------------------------------------------------------------
# Softmax family, row-wise over the last axis.
# ---------------------------------------------------------------------------------------------


def logsumexp(z):
    """``log(sum(exp(z)))`` over the last axis, computed without overflow. Shape ``z.shape[:-1]``.

    Uses ``log sum exp(z) = m + log sum exp(z - m)`` with ``m`` the row maximum, so the largest
    exponent is ``exp(0) = 1``.
    """
    z = np.asarray(z)
    m = z.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))[..., 0]


def softmax(z):
    """Row-wise softmax of logits ``z`` of shape ``(N, C)``; each row sums to 1.

    Subtracting the row maximum leaves the result unchanged mathematically (it cancels between
    numerator and denominator) but keeps ``exp`` from overflowing for large logits.
    """
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    """Row-wise ``log(softmax(z))``, finite even where the softmax underflows to 0."""
    z = np.asarray(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def one_hot(y, num_classes, dtype=np.float64):
    """One-hot matrix of shape ``(N, num_classes)`` for integer labels ``y`` of shape ``(N,)``.

    ``dtype`` matters: a float64 one-hot mixed into a float32 computation silently turns the
    whole computation into float64.
    """
    y = np.asarray(y)
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out


# ---------------------------------------------------------------------------------------------
# Dense (fully connected) layer and inverted dropout as functions.
# ---------------------------------------------------------------------------------------------


def dense_forward(x, W, b):
    """Affine map ``x @ W + b``.

    x: (N, D) inputs; W: (D, H) weights (fan_in, fan_out); b: (H,) biases. Returns (N, H).
    """
    return x @ W + b


def dense_backward(dout, x, W):
    """Gradients of a dense layer.

    dout: (N, H) upstream gradient; x: (N, D) the forward input; W: (D, H).
    Returns ``(dx, dW, db)`` of shapes (N, D), (D, H), (H,):
    ``dx = dout @ W.T``, ``dW = x.T @ dout``, ``db = dout.sum(axis=0)``.
    """
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def dropout_forward(x, p, rng):
    """Inverted dropout at training time.

    Each entry is dropped (set to 0) with probability ``p`` and kept otherwise, independently;
    kept entries are scaled by ``1 / (1 - p)`` so the expected output equals ``x``.
    Returns ``(out, mask)`` where ``mask`` holds 0 or ``1/(1-p)`` and ``out = x * mask``.
    ``rng`` is a ``np.random.Generator`` or an int seed.
    """
    check_drop_probability(p, "dropout")
    x = np.asarray(x)
    keep = as_rng(rng, "dropout").random(x.shape) >= p
    mask = keep.astype(x.dtype) / x.dtype.type(1 - p)
    return x * mask, mask


def dropout_backward(dout, mask):
    """Gradient through inverted dropout: the same mask, ``dout * mask``."""
    return dout * mask
