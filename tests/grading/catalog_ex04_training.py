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


# ---------------------------------------------------------------------------------------------
# minibatch_indices (a list of index arrays; the order from rng)
# ---------------------------------------------------------------------------------------------


@case("minibatch_indices", True)
def minibatch_indices_ok_slices(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@case("minibatch_indices", True)
def minibatch_indices_ok_shuffle_in_place_while(n, batch_size, rng):
    order = np.arange(n)
    rng.shuffle(order)
    batches, start = [], 0
    while start < n:
        batches.append(order[start:start + batch_size])
        start += batch_size
    return batches


@case("minibatch_indices", True)
def minibatch_indices_ok_np_split(n, batch_size, rng):
    return np.split(rng.permutation(n), np.arange(batch_size, n, batch_size))


@case("minibatch_indices", True)
def minibatch_indices_ok_choice_lists_sorted(n, batch_size, rng):
    order = rng.choice(n, size=n, replace=False)
    return [sorted(order[i:i + batch_size].tolist()) for i in range(0, n, batch_size)]


@case("minibatch_indices", True)
def minibatch_indices_ok_default_rng_of_generator(n, batch_size, rng):
    rng = np.random.default_rng(rng)  # returns the Generator itself
    order = rng.permutation(n)
    n_batches = -(-n // batch_size)
    return [order[k * batch_size:(k + 1) * batch_size] for k in range(n_batches)]


@case("minibatch_indices", False, hint=r"stored order")
def minibatch_indices_bad_no_shuffle(n, batch_size, rng):
    order = np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@case("minibatch_indices", False, hint=r"with replacement")
def minibatch_indices_bad_integers(n, batch_size, rng):
    order = rng.integers(0, n, size=n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@case("minibatch_indices", False, hint=r"with replacement")
def minibatch_indices_bad_choice_replace(n, batch_size, rng):
    order = rng.choice(n, size=n, replace=True)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@case("minibatch_indices", False, hint=r"last, shorter batch|Keep the last batch")
def minibatch_indices_bad_drops_last(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[k * batch_size:(k + 1) * batch_size] for k in range(n // batch_size)]


@case("minibatch_indices", False, hint=r"Off by one")
def minibatch_indices_bad_off_by_one_slice(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size - 1] for i in range(0, n, batch_size)]


@case("minibatch_indices", False, hint=r"Keep the last batch")
def minibatch_indices_bad_range_stops_early(n, batch_size, rng):
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


@case("minibatch_indices", False, hint=r"np\.random\.permutation")
def minibatch_indices_bad_global_permutation(n, batch_size, rng):
    order = np.random.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@case("minibatch_indices", False, hint=r"fixed seed")
def minibatch_indices_bad_fixed_seed(n, batch_size, rng):
    order = np.random.default_rng(0).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@case("minibatch_indices", False, hint=r"without a seed")
def minibatch_indices_bad_unseeded(n, batch_size, rng):
    order = np.random.default_rng().permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@case("minibatch_indices", False, hint=r"array_split")
def minibatch_indices_bad_array_split(n, batch_size, rng):
    return np.array_split(rng.permutation(n), -(-n // batch_size))


@case("minibatch_indices", False, hint=r"Shuffle the samples, not the batches")
def minibatch_indices_bad_shuffles_blocks(n, batch_size, rng):
    order = np.arange(n)
    batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
    return [batches[k] for k in rng.permutation(len(batches))]


@case("minibatch_indices", False, hint=r"list of batches|Cut the shuffled order")
def minibatch_indices_bad_returns_order(n, batch_size, rng):
    return rng.permutation(n)


@case("minibatch_indices", False, hint=r"wrap it in list")
def minibatch_indices_bad_generator(n, batch_size, rng):
    order = rng.permutation(n)
    for i in range(0, n, batch_size):
        yield order[i:i + batch_size]


# ---------------------------------------------------------------------------------------------
# momentum_step (in place on param and velocity; returns None or param)
# ---------------------------------------------------------------------------------------------


@case("momentum_step", True)
def momentum_step_ok_in_place(param, grad, velocity, lr, mu):
    velocity *= mu
    velocity -= lr * grad
    param += velocity


@case("momentum_step", True)
def momentum_step_ok_slice_assign_returns_param(param, grad, velocity, lr, mu):
    velocity[:] = mu * velocity - lr * grad
    param[:] = param + velocity
    return param


@case("momentum_step", True)
def momentum_step_ok_param_first_from_old_velocity(param, grad, velocity, lr, mu):
    param += mu * velocity - lr * grad  # the new velocity, written out
    velocity[...] = mu * velocity - lr * grad


@case("momentum_step", True)
def momentum_step_ok_out_arguments(param, grad, velocity, lr, mu):
    np.multiply(velocity, mu, out=velocity)
    np.subtract(velocity, lr * grad, out=velocity)
    np.add(param, velocity, out=param)


@case("momentum_step", True)
def momentum_step_ok_loop(param, grad, velocity, lr, mu):
    for i in np.ndindex(param.shape):
        velocity[i] = mu * velocity[i] - lr * grad[i]
        param[i] += velocity[i]
    return param


@case("momentum_step", False, hint=r"Wrong sign")
def momentum_step_bad_sign(param, grad, velocity, lr, mu):
    velocity *= mu
    velocity += lr * grad
    param += velocity


@case("momentum_step", False, hint=r"velocity was not changed in place")
def momentum_step_bad_rebinds_velocity(param, grad, velocity, lr, mu):
    velocity = mu * velocity - lr * grad
    param += velocity


@case("momentum_step", False, hint=r"param was not changed in place")
def momentum_step_bad_rebinds_param(param, grad, velocity, lr, mu):
    velocity *= mu
    velocity -= lr * grad
    param = param + velocity
    return param


@case("momentum_step", False, hint=r"old velocity")
def momentum_step_bad_old_velocity(param, grad, velocity, lr, mu):
    param += velocity
    velocity *= mu
    velocity -= lr * grad


@case("momentum_step", False, hint=r"mu and lr are swapped")
def momentum_step_bad_swapped(param, grad, velocity, lr, mu):
    velocity *= lr
    velocity -= mu * grad
    param += velocity


@case("momentum_step", False, hint=r"Wrong sign.*not -=")
def momentum_step_bad_other_convention(param, grad, velocity, lr, mu):
    velocity *= mu
    velocity += lr * grad
    param -= velocity


@case("momentum_step", False, hint=r"momentum term mu \* velocity is missing")
def momentum_step_bad_no_momentum(param, grad, velocity, lr, mu):
    velocity[:] = -lr * grad
    param -= lr * grad


@case("momentum_step", False, hint=r"changed its input `grad`")
def momentum_step_bad_mutates_grad(param, grad, velocity, lr, mu):
    grad *= lr
    velocity *= mu
    velocity -= grad
    param += velocity


@case("momentum_step", False, hint=r"expected None \(or param\)")
def momentum_step_bad_returns_velocity(param, grad, velocity, lr, mu):
    velocity *= mu
    velocity -= lr * grad
    param += velocity
    return velocity


# ---------------------------------------------------------------------------------------------
# adam_step (in place on param, m and v; Kingma & Ba's Algorithm 1, t starting at 1)
# ---------------------------------------------------------------------------------------------


@case("adam_step", True)
def adam_step_ok_textbook(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    param -= lr * m_hat / (np.sqrt(v_hat) + eps)


@case("adam_step", True)
def adam_step_ok_slices_returns_param(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                      eps=1e-8):
    m[:] = beta1 * m + (1 - beta1) * grad
    v[:] = beta2 * v + (1 - beta2) * grad * grad
    param[:] = param - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return param


@case("adam_step", True)
def adam_step_ok_lerp_style(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m += (1 - beta1) * (grad - m)  # the same average, written as m moving towards grad
    v += (1 - beta2) * (np.square(grad) - v)
    denom = np.sqrt(v) / np.sqrt(1 - beta2 ** t) + eps
    param -= (lr / (1 - beta1 ** t)) * m / denom


@case("adam_step", True)
def adam_step_ok_loop(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    import math
    for i in np.ndindex(param.shape):
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i]
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] ** 2
        m_hat = m[i] / (1 - beta1 ** t)
        v_hat = v[i] / (1 - beta2 ** t)
        param[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)


@case("adam_step", False, hint=r"bias correction is missing")
def adam_step_bad_no_bias_correction(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                     eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    param -= lr * m / (np.sqrt(v) + eps)


@case("adam_step", False, hint=r"outside the square root")
def adam_step_bad_eps_inside_sqrt(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                  eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    param -= lr * (m / (1 - beta1 ** t)) / np.sqrt(v / (1 - beta2 ** t) + eps)


@case("adam_step", False, hint=r"beta1 and beta2 are swapped")
def adam_step_bad_betas_swapped(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta2
    m += (1 - beta2) * grad
    v *= beta1
    v += (1 - beta1) * grad ** 2
    param -= lr * (m / (1 - beta2 ** t)) / (np.sqrt(v / (1 - beta1 ** t)) + eps)


@case("adam_step", False, hint=r"t \+ 1")
def adam_step_bad_t_plus_one(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t += 1  # as if the caller's t started at 0
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    param -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)


@case("adam_step", False, hint=r"t starts at 1")
def adam_step_bad_t_minus_one(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    param -= lr * (m / (1 - beta1 ** (t - 1))) / (np.sqrt(v / (1 - beta2 ** (t - 1))) + eps)


@case("adam_step", False, hint=r"squared gradient")
def adam_step_bad_v_from_grad(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad
    param -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)


@case("adam_step", False, hint=r"folded into the step size")
def adam_step_bad_nnlib_folded_form(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                    eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    param -= lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t) * m / (np.sqrt(v) + eps)


@case("adam_step", False, hint=r"m holds the bias-corrected value")
def adam_step_bad_corrects_m_in_place(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                      eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    m /= 1 - beta1 ** t
    v /= 1 - beta2 ** t
    param -= lr * m / (np.sqrt(v) + eps)


@case("adam_step", False, hint=r"m was not changed in place")
def adam_step_bad_rebinds_moments(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    param -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)


@case("adam_step", False, hint=r"Wrong sign")
def adam_step_bad_sign(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad ** 2
    param += lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)


@case("adam_step", False, hint=r"changed its input `grad`")
def adam_step_bad_squares_grad_in_place(param, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999,
                                        eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    grad **= 2
    v *= beta2
    v += (1 - beta2) * grad
    param -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
