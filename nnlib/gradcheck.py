"""Gradient checking: compare analytic gradients with centered finite differences.

The centered difference ``(f(x + h) - f(x - h)) / (2h)`` has an error of order ``h**2``; the
one-sided ``(f(x + h) - f(x)) / h`` only of order ``h``. In float64 with ``h`` around 1e-5 to 1e-6
a correct gradient typically agrees to a relative error of 1e-8 or better. Check in float64:
float32 carries only about 7 significant digits, and the subtraction ``f(x + h) - f(x - h)``
loses most of them.
"""

import numpy as np

from ._checks import as_rng


def numerical_gradient(f, x, h=1e-5):
    """Centered-difference gradient of a scalar function ``f`` at the array ``x``.

    ``f`` is called with no arguments and must read ``x`` (which this function nudges in place,
    one entry at a time, and always restores). Returns an array shaped like ``x``.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        try:
            x[i] = old + h
            f_plus = float(f())
            x[i] = old - h
            f_minus = float(f())
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Relative error ``||a - b|| / max(||a|| + ||b||, tiny)`` (Euclidean norms over all entries).

    0 means identical; around 1e-7 or below is a correct gradient in float64; 1e-2 or more is a
    bug. The norm form does not blow up when individual entries are near zero.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}.")
    denom = max(np.linalg.norm(a) + np.linalg.norm(b), np.finfo(np.float64).tiny)
    return float(np.linalg.norm(a - b) / denom)


def _layer_states(layers):
    """What a forward pass changes besides its output: dropout's generator state and batch
    norm's running statistics. Restoring it makes every pass of a check see the same layer."""
    states = []
    for layer in layers:
        if getattr(layer, "rng", None) is not None:
            states.append((layer.rng.bit_generator, "state", layer.rng.bit_generator.state))
        for attr in ("running_mean", "running_var"):
            if hasattr(layer, attr):
                states.append((layer, attr, getattr(layer, attr).copy()))
    return states


def _restore(states):
    for obj, attr, value in states:
        if isinstance(value, np.ndarray):
            getattr(obj, attr)[...] = value
        else:
            setattr(obj, attr, value)


def check_layer(layer, x, rng, h=1e-6, train=True):
    """Gradient-check one layer on input ``x``.

    Uses the scalar ``L = sum(forward(x) * g)`` with a fixed random ``g``, whose gradient with
    respect to the output is ``g``. A layer that draws random numbers (dropout) gets its generator
    reset before every forward pass, so all passes use the same mask; batch norm's running
    statistics are put back as they were when the check ends. ``rng`` (a ``np.random.Generator``
    or an int seed) draws ``g``. Returns a dict ``{"x": rel_error, "W": rel_error, ...}``.
    """
    rng = as_rng(rng, "check_layer")
    x = np.array(x, dtype=np.float64)
    states = _layer_states([layer])
    _restore(states)
    out = layer.forward(x, train=train)
    g = rng.standard_normal(out.shape)
    dx = layer.backward(g)
    analytic = {"x": dx, **{k: v.copy() for k, v in layer.grads.items()}}

    def loss():
        _restore(states)
        return np.sum(layer.forward(x, train=train) * g)

    errors = {"x": rel_error(analytic["x"], numerical_gradient(loss, x, h))}
    for name, p in layer.params.items():
        errors[name] = rel_error(analytic[name], numerical_gradient(loss, p, h))
    _restore(states)
    return errors


def check_model(model, X, y, loss="softmax_cross_entropy", h=1e-6, train=True):
    """Gradient-check every parameter of a model against a loss.

    Returns a dict ``{"layers[0].W": rel_error, ...}``. Use small models: this costs two forward
    passes per parameter.
    """
    from .losses import get_loss

    loss_fn = get_loss(loss)
    states = _layer_states(model.layers)
    _restore(states)
    _, dout = loss_fn(model.forward(X, train=train), y)
    model.backward(dout)
    analytic = [g.copy() for g in model.gradients()]

    def f():
        _restore(states)
        return loss_fn(model.forward(X, train=train), y)[0]

    errors = {name: rel_error(a, numerical_gradient(f, p, h))
              for (name, p), a in zip(model.named_parameters(), analytic)}
    _restore(states)
    return errors
