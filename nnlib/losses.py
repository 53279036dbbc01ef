"""Loss functions. Each returns the mean loss over the batch (a Python float) and its gradient.

Classification: ``softmax_cross_entropy`` and ``multiclass_hinge`` take (N, C) scores and (N,)
labels; ``binary_cross_entropy_with_logits`` takes (N, K) scores and 0/1 targets (K = 1 for one
yes/no label, K > 1 for multi-label). Regression: ``mse`` (L2) and ``mae`` (L1) take predictions
and targets of the same shape.

The gradient is of the *mean*, which is where the ``/ N`` in every backward formula comes from.
"""

import numpy as np

from ._checks import ShapeError, check_labels
from .functional import log_softmax, sigmoid


def cross_entropy(probs, y):
    """Mean negative log-probability of the correct class.

    probs: (N, C) rows of probabilities; y: (N,) integer labels. Returns a float:
    ``-mean(log(probs[i, y[i]]))``. Probabilities of exactly 0 give ``inf`` (use
    :func:`softmax_cross_entropy` on logits to avoid that).
    """
    probs = np.asarray(probs)
    y = check_labels(y, probs.shape[1], probs.shape[0], where="cross_entropy")
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(probs[np.arange(len(y)), y])))


def softmax_cross_entropy_backward(probs, y):
    """Gradient of the mean cross-entropy with respect to the logits: ``(probs - onehot(y)) / N``.

    probs: (N, C) softmax outputs; y: (N,) integer labels. Returns (N, C) in the dtype of probs.
    The one-hot is subtracted by indexing, so no float64 one-hot matrix enters a float32 pass.
    """
    probs = np.asarray(probs)
    n = probs.shape[0]
    y = check_labels(y, probs.shape[1], n, where="softmax_cross_entropy_backward")
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    dscores /= n
    return dscores


def softmax_cross_entropy(logits, y):
    """Softmax followed by cross-entropy, computed stably from logits.

    logits: (N, C); y: (N,) integer labels. Returns ``(loss, dlogits)``: the mean loss as a float
    and its gradient ``(softmax(logits) - onehot(y)) / N`` of shape (N, C).
    """
    logits = np.asarray(logits)
    if logits.ndim != 2:
        raise ShapeError(f"softmax_cross_entropy: logits must be (N, C), got shape {logits.shape}.")
    n = logits.shape[0]
    y = check_labels(y, logits.shape[1], n, where="softmax_cross_entropy")
    logp = log_softmax(logits)
    rows = np.arange(n)
    loss = -float(logp[rows, y].sum()) / n  # the mean (a sum and a division: see benchmarks/README.md)
    # softmax_cross_entropy_backward(np.exp(logp), y), inlined: exp(logp) is a fresh array, so
    # it can become the gradient in place, without a copy or a second check of the labels.
    dlogits = np.exp(logp)
    dlogits[rows, y] -= 1
    dlogits /= n
    return loss, dlogits


def _check_same_shape(a, b, where):
    if a.shape != b.shape:
        hint = ""
        if {a.ndim, b.ndim} == {1, 2} and a.size == b.size:
            hint = " Reshape the 1-D one with .reshape(-1, 1) so that both are (N, 1)."
        raise ShapeError(f"{where}: predictions have shape {a.shape} but targets have {b.shape}.{hint}")


def binary_cross_entropy(probs, y, eps=1e-12):
    """Binary cross-entropy from probabilities ``probs`` in (0, 1) and 0/1 targets ``y``.

    Both arrays have the same shape, for example (N, 1). Returns ``(loss, dprobs)`` with
    loss ``-mean(y log p + (1 - y) log(1 - p))`` over all entries. ``p`` is clipped to
    ``[eps, 1 - eps]`` so that a saturated prediction gives a large, finite loss.
    """
    probs = np.asarray(probs)
    y = np.asarray(y, dtype=probs.dtype)
    _check_same_shape(probs, y, "binary_cross_entropy")
    p = np.clip(probs, eps, 1 - eps)
    loss = -float(np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
    dprobs = (p - y) / (p * (1 - p)) / probs.size
    return loss, dprobs


def binary_cross_entropy_with_logits(logits, y):
    """Sigmoid followed by binary cross-entropy, computed stably from logits ``z``.

    Uses ``loss = max(z, 0) - z*y + log(1 + exp(-|z|))``, which equals the textbook formula but
    never takes the log of 0 or exponentiates a large number. Returns ``(loss, dlogits)`` with
    ``dlogits = (sigmoid(z) - y) / size``: the same ``a - y`` simplification as softmax.

    logits and y have the same shape: (N, 1) for one yes/no label per sample, or (N, K) for K
    independent labels (multi-label: every column is its own sigmoid, and a sample may have any
    number of 1s). The mean runs over all ``N * K`` entries, so the gradient is divided by
    ``N * K``; the "sum over the K labels, mean over the N samples" convention is K times larger.
    """
    z = np.asarray(logits)
    y = np.asarray(y, dtype=z.dtype)
    _check_same_shape(z, y, "binary_cross_entropy_with_logits")
    loss = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    return loss, (sigmoid(z) - y) / z.size


def mse(pred, target):
    """Mean squared error (L2 regression loss) and its gradient.

    pred and target have the same shape, for example (N, 1) or (N, K). Returns ``(loss, dpred)``
    with ``loss = mean((pred - target)**2)`` over all entries and ``dpred = 2 (pred - target) / size``.
    The mean runs over every entry (``size = N * K``), and there is no factor 1/2: texts that
    write ``1/2 sum_k (pred - target)**2``, averaged over the N samples, get ``(pred - target) / N``,
    which differs by the constant ``2 / K`` (a rescaled learning rate, the same minimum).
    """
    pred = np.asarray(pred)
    target = np.asarray(target, dtype=pred.dtype)
    _check_same_shape(pred, target, "mse")
    diff = pred - target
    return float(np.mean(diff * diff)), 2 * diff / diff.size


def mae(pred, target):
    """Mean absolute error (L1 regression loss) and its gradient.

    pred and target have the same shape, for example (N, 1). Returns ``(loss, dpred)`` with
    ``loss = mean(|pred - target|)`` over all entries and ``dpred = sign(pred - target) / size``.
    ``|x|`` has no derivative at 0; where a prediction equals its target exactly, the gradient
    uses the subgradient 0 (``np.sign(0) = 0``). Every sample pulls with the same strength
    whatever the size of its error, so an outlier weighs no more than any other wrong sample.
    """
    pred = np.asarray(pred)
    target = np.asarray(target, dtype=pred.dtype)
    _check_same_shape(pred, target, "mae")
    diff = pred - target
    return float(np.mean(np.abs(diff))), np.sign(diff) / diff.size


def multiclass_hinge(scores, y, delta=1.0):
    """Multiclass SVM (hinge) loss, Weston-Watkins form as in CS231n, and its gradient.

    scores: (N, C); y: (N,) integer labels. Sample i loses
    ``sum over j != y[i] of max(0, scores[i, j] - scores[i, y[i]] + delta)``: every wrong class
    whose score comes within ``delta`` of the correct one costs the shortfall; the loss is the
    mean over the N samples. Returns ``(loss, dscores)`` of shape (N, C): 1/N for every wrong
    class with a positive margin term, minus (their number) / N for the correct class, 0
    elsewhere. A term exactly at its kink (margin 0) counts as inactive (subgradient 0). Unlike
    cross-entropy, the loss is exactly 0 once every wrong score is ``delta`` below the correct one.
    """
    scores = np.asarray(scores)
    if scores.ndim != 2:
        raise ShapeError(f"multiclass_hinge: scores must be (N, C), got shape {scores.shape}.")
    if not delta > 0:
        raise ValueError(f"multiclass_hinge: delta is the margin and must be positive, got {delta}.")
    n = scores.shape[0]
    y = check_labels(y, scores.shape[1], n, where="multiclass_hinge")
    rows = np.arange(n)
    margins = scores - scores[rows, y][:, None] + delta  # (N, C); the correct class gets exactly delta
    margins[rows, y] = 0
    active = margins > 0
    loss = float(np.maximum(margins, 0).sum()) / n
    dscores = active.astype(scores.dtype)
    dscores[rows, y] = -active.sum(axis=1)
    dscores /= n
    return loss, dscores


LOSSES = {
    "softmax_cross_entropy": softmax_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "binary_cross_entropy": binary_cross_entropy,
    "mse": mse,
    "mae": mae,
    "multiclass_hinge": multiclass_hinge,
}


def get_loss(loss):
    """Return a loss function given itself or its name (one of ``LOSSES``)."""
    if callable(loss):
        return loss
    try:
        return LOSSES[loss]
    except KeyError:
        raise ValueError(f"unknown loss {loss!r}; choose one of {sorted(LOSSES)}") from None
