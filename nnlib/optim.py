"""Update rules. Every optimizer has ``step(params, grads)``: it updates each array in ``params``
in place using the matching array in ``grads`` (as returned by ``Sequential.parameters()`` and
``Sequential.gradients()``).

Also here (chapter 8): three learning-rate schedules, each ``lr(epoch)`` for ``epoch = 0, 1, ...``
(pass one to :func:`~nnlib.train.fit` as ``lr_schedule=lambda epoch: step_decay(0.1, epoch)``), and
the update-to-weight ratio, the size of one update relative to the weights it changes."""

import math

import numpy as np


def sgd_step(param, grad, lr):
    """One plain gradient-descent step, in place: ``param -= lr * grad``. Returns ``param``.

    Note the minus sign and the ``-=``: ``param = lr * grad`` would throw the weights away.
    """
    param -= lr * grad
    return param


class SGD:
    """Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay.

    With velocity ``v`` (starting at 0) and ``g = grad + weight_decay * param``:

    * plain: ``param -= lr * g``
    * momentum: ``v = momentum * v - lr * g``; ``param += v``
    * Nesterov: the same ``v``, then ``param += momentum * v - lr * g`` (a look-ahead step)
    """

    def __init__(self, lr=0.01, momentum=0.0, nesterov=False, weight_decay=0.0):
        if lr <= 0:
            raise ValueError(f"SGD: the learning rate must be positive, got {lr}.")
        self.lr, self.momentum, self.nesterov, self.weight_decay = lr, momentum, nesterov, weight_decay
        self.velocity = None

    def step(self, params, grads):
        if self.momentum and self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        # Python floats, so that a NumPy float64 learning rate (from np.logspace, say) cannot turn
        # float32 arithmetic into float64: under NumPy 2's rules np.float64(0.1) * float32 array
        # gives a float64 array, while 0.1 * float32 array stays float32.
        lr, momentum, weight_decay = float(self.lr), float(self.momentum), float(self.weight_decay)
        for i, (p, g) in enumerate(zip(params, grads)):
            if weight_decay:
                g = g + weight_decay * p
            if not momentum:
                p -= lr * g
                continue
            v = self.velocity[i]
            v *= momentum
            v -= lr * g
            if self.nesterov:
                p += momentum * v - lr * g
            else:
                p += v

    def __repr__(self):
        extra = f", momentum={self.momentum}" if self.momentum else ""
        extra += ", nesterov=True" if self.nesterov else ""
        extra += f", weight_decay={self.weight_decay}" if self.weight_decay else ""
        return f"SGD(lr={self.lr}{extra})"


class Adam:
    """Adam: momentum on the gradient (``m``) and a per-parameter scale from its square (``v``),
    both bias-corrected for the first steps.

    ``m = b1 m + (1-b1) g``; ``v = b2 v + (1-b2) g**2``;
    ``param -= lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1-b1**t)``,
    ``v_hat = v / (1-b2**t)``.

    The code folds the bias correction into the step size (the Adam paper's section 2 form):
    ``param -= lr * sqrt(1-b2**t) / (1-b1**t) * m / (sqrt(v) + eps)``. It differs from the formula
    above only in where ``eps`` enters (added to the uncorrected ``sqrt(v)``), which matters
    only while ``sqrt(v)`` is as small as ``eps``.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        if lr <= 0:
            raise ValueError(f"Adam: the learning rate must be positive, got {lr}.")
        self.lr, self.beta1, self.beta2, self.eps, self.weight_decay = lr, beta1, beta2, eps, weight_decay
        self.m = self.v = None
        self.t = 0

    def step(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.t += 1
        # Python floats throughout (see SGD.step): no NumPy float64 scalar may meet a float32 array.
        b1, b2, eps = float(self.beta1), float(self.beta2), float(self.eps)
        weight_decay = float(self.weight_decay)
        # math.sqrt returns a Python float; np.sqrt would return np.float64, which would make
        # every `step * m` below a float64 array for a float32 model (NumPy 2 promotion rules).
        step = float(self.lr) * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            if weight_decay:
                g = g + weight_decay * p
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            # Bias correction folded into the step size (the form of the Adam paper, section 2).
            p -= step * m / (np.sqrt(v) + eps)

    def __repr__(self):
        return f"Adam(lr={self.lr})"


def step_decay(lr0, epoch, drop=0.5, every=10):
    """Step schedule: ``lr0 * drop ** (epoch // every)``, the rate multiplied by ``drop`` every ``every`` epochs."""
    return lr0 * drop ** (epoch // every)


def exponential_decay(lr0, epoch, k=0.1):
    """Exponential schedule: ``lr0 * exp(-k * epoch)``."""
    return lr0 * math.exp(-k * epoch)


def inverse_time_decay(lr0, epoch, k=0.1):
    """The "1/t" schedule: ``lr0 / (1 + k * epoch)``."""
    return lr0 / (1 + k * epoch)


def update_ratio(before, after):
    """``||after - before|| / ||before||``: how large one update was relative to the weights.

    ``before`` is a copy of a weight array taken before the optimizer's step, ``after`` the array
    after it. About 1e-3 per step is the usual sign of a healthy learning rate; 1e-5 learns slowly,
    1e-1 and above is usually too large (chapter 8).
    """
    return float(np.linalg.norm(after - before) / np.linalg.norm(before))


OPTIMIZERS = {"sgd": SGD, "adam": Adam}


def get_optimizer(optimizer, **kwargs):
    """Return an optimizer given an instance or a name (``"sgd"``, ``"adam"``) and its options."""
    if hasattr(optimizer, "step"):
        return optimizer
    try:
        return OPTIMIZERS[optimizer](**kwargs)
    except KeyError:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}") from None
