"""Sequential: a network as a list of layers, run forward in order and backward in reverse."""

import numpy as np

from ._checks import as_float_array
from .layers import BatchNorm, Dense, Dropout, make_activation


class Sequential:
    """A stack of layers.

    ``forward(X, train=True)`` feeds ``X`` of shape ``(N, D)`` through every layer;
    ``backward(dout)`` sends the gradient of the loss back through them in reverse order and
    returns the gradient with respect to ``X``. After a backward pass, ``gradients()`` holds the
    gradient of every array in ``parameters()``, in the same order.
    """

    def __init__(self, layers, dtype=None):
        self.layers = list(layers)
        dense = [l for l in self.layers if isinstance(l, Dense)]
        self.dtype = np.dtype(dtype) if dtype is not None else (dense[0].W.dtype if dense else np.dtype(np.float64))
        for i, layer in enumerate(self.layers):
            layer.name = f"layers[{i}] {layer!r}"

    def forward(self, X, train=True):
        out = as_float_array(X, "X", dtype=self.dtype)
        for layer in self.layers:
            out = layer.forward(out, train=train)
        return out

    def backward(self, dout, input_grad=True):
        """Send ``dout`` back through the layers; return the gradient with respect to ``X``.

        ``input_grad=False`` (what :func:`~nnlib.train.fit` uses) returns None instead when the
        first layer is Dense: nothing trains on the gradient with respect to the data, and
        skipping it saves the first layer's ``dout @ W.T``, the largest product of the backward
        pass when there are many inputs (about 40% of the backward arithmetic for 784-256-128-10).
        """
        for i in reversed(range(len(self.layers))):
            layer = self.layers[i]
            if i == 0 and not input_grad and isinstance(layer, Dense):
                return layer.backward(dout, input_grad=False)
            dout = layer.backward(dout)
        return dout

    __call__ = forward

    def named_parameters(self):
        """List of ``(name, array)`` pairs such as ``("layers[0].W", W)``."""
        return [(f"layers[{i}].{k}", v) for i, l in enumerate(self.layers) for k, v in l.params.items()]

    def parameters(self):
        """All parameter arrays, in layer order (the arrays themselves, not copies)."""
        return [v for _, v in self.named_parameters()]

    def gradients(self):
        """The gradient arrays matching ``parameters()`` one to one."""
        return [g for l in self.layers for g in l.grads.values()]

    def num_parameters(self):
        return sum(p.size for p in self.parameters())

    def weight_matrices(self):
        """The ``(W, dW)`` pairs of the dense layers: what weight penalties and max-norm act on."""
        return [(l.W, l.dW) for l in self.layers if isinstance(l, Dense)]

    def predict(self, X):
        """Class predictions: the arg-max of the outputs, or ``output > 0`` for a single output."""
        out = self.forward(X, train=False)
        if out.shape[1] == 1:
            return (out[:, 0] > 0).astype(np.intp)
        return out.argmax(axis=1)

    def __repr__(self):
        rows = []
        for i, layer in enumerate(self.layers):
            shapes = ", ".join(f"{k} {tuple(v.shape)}" for k, v in layer.params.items())
            count = sum(v.size for v in layer.params.values())
            rows.append((f"({i}) {layer!r}", shapes, f"{count:,} params" if count else ""))
        w0 = max((len(r[0]) for r in rows), default=0)
        w1 = max((len(r[1]) for r in rows), default=0)
        body = "\n".join(f"  {a:<{w0}}  {b:<{w1}}  {c}".rstrip() for a, b, c in rows)
        return f"Sequential(\n{body}\n) {self.num_parameters():,} parameters, {self.dtype}"


def mlp(sizes, activation="relu", init="he", rng=None, dropout=0.0, batchnorm=False,
        bias=0.0, dtype=np.float64):
    """Build a multilayer perceptron from a list of layer sizes.

    ``mlp([2, 25, 50, 1], rng=rng)`` is ``Dense(2, 25)``, ReLU, ``Dense(25, 50)``, ReLU,
    ``Dense(50, 1)``: the last layer outputs raw scores (logits), because the loss functions
    apply softmax or sigmoid themselves.

    activation : str or list of str, one per hidden layer (``relu``, ``tanh``, ``sigmoid``,
        ``leaky_relu``).
    init : weight initializer for every dense layer (see :mod:`nnlib.init`).
    dropout : drop probability after every hidden activation (0 for none).
    batchnorm : insert :class:`BatchNorm` before every hidden activation.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"mlp needs at least an input and an output size, got {sizes}.")
    hidden = len(sizes) - 2
    acts = [activation] * hidden if isinstance(activation, str) else list(activation)
    if len(acts) != hidden:
        raise ValueError(f"mlp: {hidden} hidden layers but {len(acts)} activations given.")
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Dense(fan_in, fan_out, init=init, rng=rng, bias=bias, dtype=dtype))
        if i < hidden:
            if batchnorm:
                layers.append(BatchNorm(fan_out, dtype=dtype))
            layers.append(make_activation(acts[i]))
            if dropout:
                layers.append(Dropout(dropout, rng))
    return Sequential(layers, dtype=dtype)
