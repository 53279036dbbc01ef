"""Sheet 4 (chapter 4): the update step."""

import numpy as np

from .. import optim
from .common import _rng
from .registry import exercise


@exercise("sgd_step", args=("param", "grad", "lr"), chapter="04_training", mutable=("param",))
def _check_sgd_step(t):
    cases = [("hand-worked values", np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.1,
              np.array([0.95, 2.1])),
             ("a (3, 4) weight matrix", None, None, 0.05, None),
             ("float32 parameters", None, None, 0.01, None)]
    for i, (case, param, grad, lr, hand) in enumerate(cases):
        if param is None:
            r = _rng(34 + i)
            dtype = np.float32 if "float32" in case else np.float64
            param = r.normal(size=(3, 4)).astype(dtype)
            grad = r.normal(size=(3, 4)).astype(dtype)
        before = param.copy()
        # The reference step, on float64 copies (nnlib's sgd_step updates in place).
        expected = hand if hand is not None else optim.sgd_step(
            before.astype(np.float64), grad.astype(np.float64), lr)
        t.case(case, param=before, grad=grad, lr=lr)
        out = t.call(param, grad.copy(), lr)
        changed = not np.array_equal(param, before)
        if out is None:
            if changed and np.allclose(param, expected, rtol=1e-5):
                t.fail("sgd_step returned None.",
                       hint="You updated param in place, good: now also `return param`.")
            t.fail("sgd_step returned None.", hint="Return the updated parameter: "
                                                   "param - lr * grad (or update in place and "
                                                   "`return param`).")
        t.array(out, expected, "sgd_step(param, grad, lr)", variants=[
            (lambda: before + lr * grad, "Wrong sign: gradient descent steps against the gradient, "
                                         "param - lr * grad (`-=`, not `+=`)."),
            (lambda: lr * grad, "`param = lr * grad` throws the old weights away: the update is "
                                "param - lr * grad (use `-=`)."),
            (lambda: -lr * grad, "The step must be applied to param: param - lr * grad."),
            (lambda: before - grad, "Scale the gradient by the learning rate: param - lr * grad."),
            (lambda: before - lr, "Subtract lr * grad, not lr."),
            (lambda: before - grad / lr, "Multiply the gradient by the learning rate, do not "
                                         "divide: param - lr * grad."),
            (lambda: before - 2 * lr * grad, "The step was applied twice (in place and again in "
                                             "the return value)."),
        ])
        if changed and not np.allclose(param, expected, rtol=1e-4, atol=1e-7):
            t.fail("param was changed in place, but not to the updated value.",
                   hint="Either update in place (param -= lr * grad) and return param, or leave "
                        "param alone and return param - lr * grad.")
