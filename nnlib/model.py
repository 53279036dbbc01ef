"""Sequential: a network as a list of layers, run forward in order and backward in reverse."""

import numpy as np

from ._checks import as_float_array, as_rng
from .layers import BatchNorm, Dense, Dropout, Sigmoid, make_activation


class Sequential:
    """A stack of layers.

    ``forward(X, train=True)`` feeds ``X`` of shape ``(N, D)`` through every layer;
    ``backward(dout)`` sends the gradient of the loss back through them in reverse order and
    returns the gradient with respect to ``X``. After a backward pass, ``gradients()`` holds the
    gradient of every array in ``parameters()``, in the same order.

    ``layers`` is a list of layers (a single layer is accepted too). A layer is any object with
    ``forward(x, train)`` and ``backward(dout)``; one with parameters also has ``params`` and
    ``grads`` (see :mod:`nnlib.layers`).
    """

    def __init__(self, layers, dtype=None):
        self.layers = _check_layers(layers, dtype)
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
        pass when there are many inputs.
        """
        for i in reversed(range(len(self.layers))):
            layer = self.layers[i]
            # Only nnlib's own Dense.backward takes input_grad (a learner's subclass may not).
            if i == 0 and not input_grad and getattr(type(layer), "backward", None) is Dense.backward:
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

    def predict(self, X, threshold=None):
        """Class predictions of shape (N,): the arg-max of the outputs or, for a single output,
        1 where it is above ``threshold``.

        By default the threshold is 0.5 when the last layer is a :class:`~nnlib.Sigmoid` (the
        outputs are probabilities) and 0 otherwise (logits, as :func:`mlp` builds them); both
        mean "probability above one half".
        """
        out = self.forward(X, train=False)
        return classes_from_outputs(out, output_threshold(self) if threshold is None else threshold)

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


def _check_layers(layers, dtype):
    """``layers`` as a list, with a message a learner can act on for what is not a layer."""
    if dtype is not None and _is_layer(dtype):
        raise TypeError("Sequential takes the layers as one list: Sequential([Dense(2, 8, rng=0), ReLU(), ...]).")
    if _is_layer(layers):
        return [layers]
    try:
        layers = list(layers)
    except TypeError:
        raise TypeError(
            f"Sequential takes a list of layers, got {type(layers).__name__}: "
            "write Sequential([Dense(2, 8, rng=0), ReLU(), Dense(8, 3, rng=0)])."
        ) from None
    for i, layer in enumerate(layers):
        if isinstance(layer, type) and _is_layer(layer):
            raise TypeError(f"Sequential: layers[{i}] is the class {layer.__name__}, not a layer: "
                            f"write {layer.__name__}() with parentheses.")
        if not _is_layer(layer):
            raise TypeError(f"Sequential: layers[{i}] is {layer!r} ({type(layer).__name__}), not a layer "
                            "(an object with forward and backward methods).")
    return layers


def _is_layer(obj):
    return callable(getattr(obj, "forward", None)) and callable(getattr(obj, "backward", None))


def output_threshold(model, loss=None):
    """Where a single output separates class 0 from class 1: 0.5 for probabilities, 0 for logits.

    The outputs are probabilities when the model's last layer is a :class:`~nnlib.Sigmoid`, or
    else when ``loss`` (a name or a function) is ``binary_cross_entropy``, which takes
    probabilities; otherwise they are logits (``binary_cross_entropy_with_logits``, or an
    :func:`mlp`, whose last layer is Dense).
    """
    layers = getattr(model, "layers", None)
    if layers and isinstance(layers[-1], Sigmoid):
        return 0.5
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", None)
    return 0.5 if name == "binary_cross_entropy" else 0.0


def classes_from_outputs(outputs, threshold=0.0):
    """Predicted classes (N,) from network outputs (N, C): the arg-max of every row or, for a
    single output (N, 1), 1 where it is above ``threshold`` (see :func:`output_threshold`)."""
    if outputs.shape[1] == 1:
        return (outputs[:, 0] > threshold).astype(np.intp)
    return outputs.argmax(axis=1)


def mlp(sizes, activation="relu", init="he", rng=None, dropout=0.0, batchnorm=False,
        bias=0.0, dtype=np.float64):
    """Build a multilayer perceptron from a list of layer sizes.

    ``mlp([2, 25, 50, 1], rng=rng)`` is ``Dense(2, 25)``, ReLU, ``Dense(25, 50)``, ReLU,
    ``Dense(50, 1)``: the last layer outputs raw scores (logits), because the loss functions
    apply softmax or sigmoid themselves.

    activation : str or list of str, one per hidden layer (``relu``, ``tanh``, ``sigmoid``,
        ``leaky_relu``).
    init : weight initializer for every dense layer (see :mod:`nnlib.init`).
    rng : a ``np.random.Generator`` or an int seed, shared by every layer (initial weights, then
        dropout masks), so ``rng=0`` and ``rng=np.random.default_rng(0)`` build the same network.
    dropout : drop probability after every hidden activation (0 for none).
    batchnorm : insert :class:`BatchNorm` before every hidden activation.
    """
    if rng is not None:
        rng = as_rng(rng, "mlp")
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
