"""Weight penalties and constraints, usable from any training loop.

A penalty returns ``(value, gradient)``: add the value to the loss and the gradient to ``dW``.
A constraint modifies the weights after the update.
"""

import numpy as np


def l2_penalty(W, lam):
    """L2 penalty with the 1/2 convention: ``(0.5 * lam * sum(W**2), lam * W)``.

    The 1/2 is there so that the gradient is ``lam * W`` with no stray factor 2. With plain SGD,
    adding it gives ``W -= lr * (dW + lam * W)``, i.e. ``W *= (1 - lr * lam)`` before the
    ordinary step: that is why L2 is also called weight decay.
    """
    return 0.5 * lam * float(np.sum(W * W)), lam * W


def l1_penalty(W, lam):
    """L1 penalty ``(lam * sum(|W|), lam * sign(W))``; pushes small weights to exactly zero."""
    return lam * float(np.sum(np.abs(W))), lam * np.sign(W)


def max_norm(W, c, axis=0):
    """Max-norm constraint, in place: rescale every column of ``W`` whose L2 norm exceeds ``c``.

    With ``W`` of shape ``(fan_in, fan_out)``, column ``j`` holds the incoming weights of unit
    ``j``, so ``axis=0`` bounds each unit's incoming weight vector. Returns ``W``.
    """
    norms = np.sqrt(np.sum(W * W, axis=axis, keepdims=True))
    scale = np.minimum(1, c / np.maximum(norms, np.finfo(W.dtype).tiny))
    W *= scale
    return W
