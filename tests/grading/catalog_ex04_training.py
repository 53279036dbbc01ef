"""Learner implementations of sheet 4 (ex04_training): valid ones that must pass and mistakes that
must fail with a hint matching ``hint`` (a regular expression, searched case-insensitively in the
whole report). Run by tests/test_grading_catalog.py."""

import numpy as np

from nnlib import optim

from .cases import case


# ---------------------------------------------------------------------------------------------
# sgd_step (updating in place is allowed; returning a new array is allowed)
# ---------------------------------------------------------------------------------------------


@case("sgd_step", True)
def sgd_step_ok_in_place(param, grad, lr):
    param -= lr * grad
    return param


@case("sgd_step", True)
def sgd_step_ok_new_array(param, grad, lr):
    return param - lr * grad


@case("sgd_step", True)
def sgd_step_ok_subtract_out(param, grad, lr):
    np.subtract(param, lr * grad, out=param)
    return param


@case("sgd_step", True)
def sgd_step_ok_slice_assign(param, grad, lr):
    param[:] = param - lr * grad
    return param


@case("sgd_step", True)
def sgd_step_ok_ellipsis(param, grad, lr):
    param[...] -= lr * grad
    return param


@case("sgd_step", True)
def sgd_step_ok_loop(param, grad, lr):
    for i in np.ndindex(param.shape):
        param[i] = param[i] - lr * grad[i]
    return param


@case("sgd_step", True)
def sgd_step_ok_copy_then_update(param, grad, lr):
    new = param.copy()
    new -= lr * grad
    return new


@case("sgd_step", False, hint=r"Wrong sign")
def sgd_step_bad_plus(param, grad, lr):
    param += lr * grad
    return param


@case("sgd_step", False, hint=r"throws the old weights away")
def sgd_step_bad_assign(param, grad, lr):
    param = lr * grad
    return param


@case("sgd_step", False, hint=r"return param")
def sgd_step_bad_returns_none(param, grad, lr):
    param -= lr * grad


@case("sgd_step", False, hint=r"learning rate")
def sgd_step_bad_no_lr(param, grad, lr):
    return param - grad


@case("sgd_step", False, hint=r"twice")
def sgd_step_bad_double(param, grad, lr):
    param -= lr * grad
    return param - lr * grad


@case("sgd_step", False, hint=r"grad")
def sgd_step_bad_mutates_grad(param, grad, lr):
    grad *= lr
    param -= grad
    return param


@case("sgd_step", False, hint=r"do not divide")
def sgd_step_bad_divides_by_lr(param, grad, lr):
    return param - grad / lr


@case("sgd_step", False, hint=r"Return")
def sgd_step_bad_new_array_not_returned(param, grad, lr):
    param = param - lr * grad  # noqa: F841  (the learner forgot the return)


@case("sgd_step", True)
def sgd_step_ok_optim_sgd_step(param, grad, lr):
    return optim.sgd_step(param, grad, lr)


@case("sgd_step", False, hint=r"changed its input `grad`")
def sgd_step_bad_sgd_mutates_grad(param, grad, lr):
    grad *= lr
    return param - grad
