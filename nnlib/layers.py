"""Layers: objects that remember what their forward pass saw, so that their backward pass can use it.

Every layer has the same two methods (the CS231n pattern, as objects):

* ``forward(x, train=True)`` takes a batch ``x`` of shape ``(N, D)`` and returns the output;
* ``backward(dout)`` takes the gradient of the loss with respect to that output and returns
  the gradient with respect to ``x``; a layer with parameters also fills in their gradients.

A layer with parameters lists them in ``params`` and their gradients, of the same shapes and in
the same order, in ``grads``. Optimizers update the parameter arrays *in place*, so the arrays a
layer exposes are always the ones it computes with. A backward pass may write the gradients into
the existing arrays (as nnlib's layers do) or assign new ones (``self.dW = x.T @ dout``): ``grads``
returns whichever are current, and :func:`~nnlib.fit` works with both.
"""

import numpy as np

from . import functional as F
from ._checks import ShapeError, as_float_array, as_rng, check_drop_probability
from .init import get_initializer


class Layer:
    """Base class: a layer with no parameters that passes its input through unchanged."""

    #: Set by :class:`~nnlib.model.Sequential` to say where the layer sits, for error messages.
    name = None

    @property
    def params(self):
        """Dict of parameter arrays (empty for a layer without parameters)."""
        return {}

    @property
    def grads(self):
        """Dict of gradient arrays, same keys and shapes as ``params``."""
        return {}

    def forward(self, x, train=True):
        return x

    def backward(self, dout):
        return dout

    def _where(self):
        return self.name or type(self).__name__

    def _require_forward(self, attr):
        if getattr(self, attr, None) is None:
            raise RuntimeError(f"{self._where()}: backward() was called before forward().")

    def _check_dout(self, dout, expected_shape):
        if dout.shape != expected_shape:
            raise ShapeError(
                f"{self._where()}: backward got dout of shape {dout.shape}, but the forward "
                f"output had shape {expected_shape}; they must match."
            )

    def __repr__(self):
        return f"{type(self).__name__}()"


class Dense(Layer):
    """Fully connected layer ``out = x @ W + b``.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of inputs ``D`` and outputs ``H``. ``W`` has shape ``(fan_in, fan_out)``, ``b`` has
        shape ``(fan_out,)``.
    init : str or callable
        Weight initializer (see :mod:`nnlib.init`), default ``"he"``.
    rng : np.random.Generator or int seed
        Source of randomness for the initializer (required for random initializers).
    bias : float
        Initial value of every bias (default 0).
    dtype : NumPy float type, default float64.

    After ``backward``, ``dW`` (D, H) and ``db`` (H,) hold the gradients of the loss.
    """

    def __init__(self, fan_in, fan_out, init="he", rng=None, bias=0.0, dtype=np.float64):
        if rng is None and init not in ("zeros", "constant"):
            raise ValueError(
                f"Dense({fan_in}, {fan_out}) with init={init!r} needs a random generator: "
                "pass rng=np.random.default_rng(seed) or an int seed."
            )
        if rng is not None:
            rng = as_rng(rng, f"Dense({fan_in}, {fan_out})")
        self.fan_in, self.fan_out = int(fan_in), int(fan_out)
        self.W = np.asarray(get_initializer(init)(fan_in, fan_out, rng=rng, dtype=dtype), dtype=dtype)
        self.b = np.full(fan_out, bias, dtype=dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.x = None

    @property
    def params(self):
        return {"W": self.W, "b": self.b}

    @property
    def grads(self):
        return {"W": self.dW, "b": self.db}

    def forward(self, x, train=True):
        x = as_float_array(x, f"{self._where()} input", dtype=self.W.dtype)
        if x.ndim != 2 or x.shape[1] != self.fan_in:
            raise ShapeError(
                f"{self._where()}: expected input of shape (N, {self.fan_in}), got {x.shape}."
                + (" Did the previous layer produce the wrong number of features?" if x.ndim == 2 else
                   " Inputs must be 2-D with one sample per row.")
            )
        self.x = x
        out = x @ self.W
        out += self.b  # in place, one (N, fan_out) array fewer than `x @ W + b`
        return out

    def backward(self, dout, input_grad=True):
        """Fill ``dW = x.T @ dout`` and ``db = dout.sum(axis=0)``; return ``dx = dout @ W.T``.

        ``input_grad=False`` skips ``dx`` and returns None: training needs no gradient with respect
        to the data, and for a first layer with many inputs (784 for MNIST) that product is the
        largest of the backward pass. :meth:`Sequential.backward` uses it for the first layer.
        """
        self._require_forward("x")
        self._check_dout(dout, (self.x.shape[0], self.fan_out))
        # Written into the existing arrays (why these forms: benchmarks/README.md, "Why the code looks this way").
        np.matmul(self.x.T, dout, out=self.dW)
        dout.sum(axis=0, out=self.db)
        return dout @ self.W.T if input_grad else None

    def __repr__(self):
        return f"Dense({self.fan_in} -> {self.fan_out})"


class _Activation(Layer):
    """An elementwise activation: remembers its input ``z`` and applies ``f`` / ``f_backward``."""

    def forward(self, x, train=True):
        self.z = np.asarray(x)
        return self._f(self.z)

    def backward(self, dout):
        self._require_forward("z")
        self._check_dout(dout, self.z.shape)
        return self._f_backward(dout, self.z)


class ReLU(_Activation):
    """``max(0, z)``; the gradient passes where ``z > 0``."""

    z = None
    _zeros = None

    def _f(self, z):
        # F.relu(z), np.maximum(z, 0), against a kept array of zeros: faster, bit for bit the same
        # (benchmarks/README.md, "Why the code looks this way").
        if self._zeros is None or self._zeros.shape != z.shape or self._zeros.dtype != z.dtype:
            self._zeros = np.zeros_like(z)
        return np.maximum(z, self._zeros)

    @staticmethod
    def _f_backward(dout, z):
        # F.relu_backward as a product with the 0/1 mask: the same numbers, much faster than np.where.
        return dout * (z > 0)


class LeakyReLU(_Activation):
    """``z`` where ``z > 0`` else ``alpha * z``: a small slope keeps 'dead' units learning."""

    z = None

    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def _f(self, z):
        return F.leaky_relu(z, self.alpha)

    def _f_backward(self, dout, z):
        return F.leaky_relu_backward(dout, z, self.alpha)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Sigmoid(Layer):
    """Logistic sigmoid. Stores its *output* ``s``: the derivative is ``s * (1 - s)``."""

    s = None

    def forward(self, x, train=True):
        self.s = F.sigmoid(x)
        return self.s

    def backward(self, dout):
        self._require_forward("s")
        self._check_dout(dout, self.s.shape)
        return dout * self.s * (1 - self.s)


class Tanh(Layer):
    """Hyperbolic tangent. Stores its output ``t``: the derivative is ``1 - t**2``."""

    t = None

    def forward(self, x, train=True):
        self.t = np.tanh(x)
        return self.t

    def backward(self, dout):
        self._require_forward("t")
        self._check_dout(dout, self.t.shape)
        return dout * (1 - self.t * self.t)


class Dropout(Layer):
    """Inverted dropout: at training time drop each unit with probability ``p`` and scale the
    survivors by ``1 / (1 - p)``; at test time (``train=False``) do nothing.

    The scaling keeps the expected activation the same in both modes, so the network needs no
    change at test time. ``p`` is the probability of *dropping* a unit; ``rng`` is a
    ``np.random.Generator`` or an int seed.
    """

    def __init__(self, p, rng):
        self.p = check_drop_probability(p, "Dropout")
        self.rng = as_rng(rng, "Dropout")
        self.mask = None

    def forward(self, x, train=True):
        if not train or self.p == 0:
            self.mask = None
            return x
        out, self.mask = F.dropout_forward(x, self.p, self.rng)
        return out

    def backward(self, dout):
        if self.mask is None:  # the last forward was in test mode (or p == 0): identity
            return dout
        self._check_dout(dout, self.mask.shape)
        return F.dropout_backward(dout, self.mask)

    def __repr__(self):
        return f"Dropout(p={self.p})"


class BatchNorm(Layer):
    """Batch normalization over the batch axis for inputs of shape ``(N, D)``.

    Training: normalize each feature with the batch mean and variance, then scale by ``gamma`` and
    shift by ``beta``; keep exponential running averages of mean and variance. Test
    (``train=False``): normalize with the running averages instead.
    """

    def __init__(self, num_features, momentum=0.9, eps=1e-5, dtype=np.float64):
        self.num_features, self.momentum, self.eps = num_features, momentum, eps
        self.gamma = np.ones(num_features, dtype=dtype)
        self.beta = np.zeros(num_features, dtype=dtype)
        self.dgamma = np.zeros_like(self.gamma)
        self.dbeta = np.zeros_like(self.beta)
        self.running_mean = np.zeros(num_features, dtype=dtype)
        self.running_var = np.ones(num_features, dtype=dtype)
        self.xhat = None

    @property
    def params(self):
        return {"gamma": self.gamma, "beta": self.beta}

    @property
    def grads(self):
        return {"gamma": self.dgamma, "beta": self.dbeta}

    def forward(self, x, train=True):
        if x.ndim != 2 or x.shape[1] != self.num_features:
            raise ShapeError(f"{self._where()}: expected input of shape (N, {self.num_features}), got {x.shape}.")
        if train:
            mean, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.running_mean[...] = m * self.running_mean + (1 - m) * mean
            self.running_var[...] = m * self.running_var + (1 - m) * var
        else:
            mean, var = self.running_mean, self.running_var
        self.train = train
        self.inv_std = 1 / np.sqrt(var + self.eps)
        self.xhat = (x - mean) * self.inv_std
        return self.gamma * self.xhat + self.beta

    def backward(self, dout):
        self._require_forward("xhat")
        self._check_dout(dout, self.xhat.shape)
        n = dout.shape[0]
        self.dgamma[...] = np.sum(dout * self.xhat, axis=0)
        self.dbeta[...] = np.sum(dout, axis=0)
        dxhat = dout * self.gamma
        if not self.train:  # test mode: mean and variance are constants, the layer is affine
            return dxhat * self.inv_std
        # Training mode: the batch mean and variance depend on x too; this is the compact form.
        return (self.inv_std / n) * (n * dxhat - dxhat.sum(axis=0) - self.xhat * np.sum(dxhat * self.xhat, axis=0))

    def __repr__(self):
        return f"BatchNorm({self.num_features})"


ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh, "leaky_relu": LeakyReLU}


def make_activation(name):
    """Return a new activation layer from its name (``relu``, ``sigmoid``, ``tanh``, ``leaky_relu``)."""
    try:
        return ACTIVATIONS[name]()
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}") from None
