"""Learner implementations of sheet 5 (ex05_init): valid ones that must pass and mistakes that
must fail with a hint matching ``hint`` (a regular expression, searched case-insensitively in the
whole report). Run by tests/test_grading_catalog.py."""

import math

import numpy as np

from nnlib import init

from .cases import case


# ---------------------------------------------------------------------------------------------
# xavier_init
# ---------------------------------------------------------------------------------------------


@case("xavier_init", True)
def xavier_init_ok_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


@case("xavier_init", True)
def xavier_init_ok_standard_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * math.sqrt(2 / (fan_in + fan_out))


@case("xavier_init", True)
def xavier_init_ok_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@case("xavier_init", True)
def xavier_init_ok_random_rescaled(fan_in, fan_out, rng):
    a = np.sqrt(6 / (fan_in + fan_out))
    return (2 * rng.random((fan_in, fan_out)) - 1) * a


@case("xavier_init", True)
def xavier_init_ok_float32(fan_in, fan_out, rng):
    std = np.float32(np.sqrt(2 / (fan_in + fan_out)))
    return rng.standard_normal((fan_in, fan_out), dtype=np.float32) * std


@case("xavier_init", True)
def xavier_init_ok_keywords(fan_in, fan_out, rng):
    return rng.normal(size=(fan_in, fan_out), scale=np.sqrt(2) / np.sqrt(fan_in + fan_out))


@case("xavier_init", False, hint=(r"standard deviation", r"square of the target"))
def xavier_init_bad_variance_as_std(fan_in, fan_out, rng):
    return rng.normal(0, 2 / (fan_in + fan_out), size=(fan_in, fan_out))


@case("xavier_init", False, hint=r"1 / fan_in")
def xavier_init_bad_fan_in_only(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(1 / fan_in), size=(fan_in, fan_out))


@case("xavier_init", False, hint=r"a\*\*2 / 3")
def xavier_init_bad_uniform_bound(fan_in, fan_out, rng):
    a = np.sqrt(3 / (fan_in + fan_out))  # the bound for variance 1 / (fan_in + fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@case("xavier_init", False, hint=(r"three times", r"bound a"))
def xavier_init_bad_uniform_bound_as_std(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(6 / (fan_in + fan_out)), size=(fan_in, fan_out))


@case("xavier_init", False, hint=r"global")
def xavier_init_bad_global_state(fan_in, fan_out, rng):
    return np.random.randn(fan_in, fan_out) * np.sqrt(2 / (fan_in + fan_out))


@case("xavier_init", False, hint=r"ignores rng")
def xavier_init_bad_fixed_seed(fan_in, fan_out, rng):
    rng = np.random.default_rng(0)
    return rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out))


@case("xavier_init", False, hint=r"rng")
def xavier_init_bad_unseeded_generator(fan_in, fan_out, rng):
    return np.random.default_rng().normal(0, np.sqrt(2 / (fan_in + fan_out)),
                                          size=(fan_in, fan_out))


@case("xavier_init", False, hint=r"\(fan_in, fan_out\)")
def xavier_init_bad_shape_swapped(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_out, fan_in))


@case("xavier_init", False, hint=r"centred")
def xavier_init_bad_not_centred(fan_in, fan_out, rng):
    return rng.random((fan_in, fan_out)) * np.sqrt(6 / (fan_in + fan_out))


@case("xavier_init", False, hint=r"0\.01")
def xavier_init_bad_small_constant(fan_in, fan_out, rng):
    return 0.01 * rng.standard_normal((fan_in, fan_out))


@case("xavier_init", False, hint=r"independently")
def xavier_init_bad_one_row_repeated(fan_in, fan_out, rng):
    row = rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=fan_out)
    return np.tile(row, (fan_in, 1))


@case("xavier_init", False, hint=(r"He", r"2 / fan_in"))
def xavier_init_bad_he_variance(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


@case("xavier_init", True)
def xavier_init_ok_init_xavier_init(fan_in, fan_out, rng):
    return init.xavier_init(fan_in, fan_out, rng)


@case("xavier_init", True)
def xavier_init_ok_init_xavier_normal(fan_in, fan_out, rng):
    return init.xavier_normal(fan_in, fan_out, rng)


@case("xavier_init", True)
def xavier_init_ok_init_xavier_uniform(fan_in, fan_out, rng):
    return init.xavier_uniform(fan_in, fan_out, rng)


@case("xavier_init", True)
def xavier_init_ok_xavier_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@case("xavier_init", True)
def xavier_init_ok_xavier_std_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))


@case("xavier_init", True)
def xavier_init_ok_xavier_transposed_draw(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_out, fan_in)).T


@case("xavier_init", False, hint=r"factor 2")
def xavier_init_bad_factor(fi, fo, rng):
    return rng.normal(0, np.sqrt(1 / (fi + fo)), size=(fi, fo))


@case("xavier_init", False, hint=r"a\*\*2 / 3")
def xavier_init_bad_a(fi, fo, rng):
    return rng.uniform(-np.sqrt(2 / (fi + fo)), np.sqrt(2 / (fi + fo)), size=(fi, fo))


@case("xavier_init", False, hint=r"global random state")
def xavier_init_bad_init_global(fan_in, fan_out, rng):
    return np.random.randn(fan_in, fan_out) * np.sqrt(2 / fan_in)


@case("xavier_init", False, hint=r"centred on 0")
def xavier_init_bad_centred_on(fi, fo, rng):
    return np.sqrt(2 / (fi + fo)) * rng.random((fi, fo))


@case("xavier_init", False, hint=r"independently")
def xavier_init_bad_independently(fi, fo, rng):
    return np.tile(rng.normal(0, np.sqrt(2 / (fi + fo)), size=fo), (fi, 1))


@case("xavier_init", False, hint=r"2 / fan_out")
def xavier_init_bad_fan_out(fi, fo, rng):
    return rng.normal(0, np.sqrt(2 / fo), size=(fi, fo))


# ---------------------------------------------------------------------------------------------
# he_init
# ---------------------------------------------------------------------------------------------


@case("he_init", True)
def he_init_ok_normal(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


@case("he_init", True)
def he_init_ok_uniform(fan_in, fan_out, rng):
    a = math.sqrt(6 / fan_in)
    return rng.uniform(low=-a, high=a, size=(fan_in, fan_out))


@case("he_init", True)
def he_init_ok_standard_normal(fan_in, fan_out, rng):
    return rng.standard_normal(size=(fan_in, fan_out)) * np.sqrt(2.0) / np.sqrt(fan_in)


@case("he_init", True)
def he_init_ok_float32(fan_in, fan_out, rng):
    W = rng.standard_normal((fan_in, fan_out), dtype=np.float32)
    W *= np.float32(np.sqrt(2 / fan_in))
    return W


@case("he_init", True)
def he_init_ok_random_rescaled(fan_in, fan_out, rng):
    return np.sqrt(6 / fan_in) * (rng.random(size=(fan_in, fan_out)) * 2 - 1)


@case("he_init", True)
def he_init_ok_element_loop(fan_in, fan_out, rng):
    W = np.empty((fan_in, fan_out))
    for i in range(fan_in):
        for j in range(fan_out):
            W[i, j] = rng.normal(0, math.sqrt(2 / fan_in))
    return W


@case("he_init", False, hint=(r"fan_out", r"fan_in"))
def he_init_bad_fan_out(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_out), size=(fan_in, fan_out))


@case("he_init", False, hint=(r"standard deviation", r"square of the target"))
def he_init_bad_variance_as_std(fan_in, fan_out, rng):
    return rng.normal(0, 2 / fan_in, size=(fan_in, fan_out))


@case("he_init", False, hint=r"a\*\*2 / 3")
def he_init_bad_uniform_bound(fan_in, fan_out, rng):
    a = np.sqrt(3 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@case("he_init", False, hint=(r"LeCun", r"1 / fan_in"))
def he_init_bad_lecun(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(1 / fan_in), size=(fan_in, fan_out))


@case("he_init", False, hint=r"Xavier")
def he_init_bad_xavier_variance(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), size=(fan_in, fan_out))


@case("he_init", False, hint=r"global")
def he_init_bad_global_state(fan_in, fan_out, rng):
    return np.random.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


@case("he_init", False, hint=r"ignores rng")
def he_init_bad_seeds_global(fan_in, fan_out, rng):
    np.random.seed(0)
    return np.random.randn(fan_in, fan_out) * np.sqrt(2 / fan_in)


@case("he_init", False, hint=r"\(fan_in, fan_out\)")
def he_init_bad_shape_swapped(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_out, fan_in))


@case("he_init", False, hint=r"centred")
def he_init_bad_absolute_values(fan_in, fan_out, rng):
    return np.abs(rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out)))


@case("he_init", False, hint=r"sqrt")
def he_init_bad_sqrt_twice(fan_in, fan_out, rng):
    return rng.normal(0, np.sqrt(np.sqrt(2 / fan_in)), size=(fan_in, fan_out))


@case("he_init", True)
def he_init_ok_init_he_init(fan_in, fan_out, rng):
    return init.he_init(fan_in, fan_out, rng)


@case("he_init", True)
def he_init_ok_init_he_normal(fan_in, fan_out, rng):
    return init.he_normal(fan_in, fan_out, rng)


@case("he_init", True)
def he_init_ok_init_he_uniform(fan_in, fan_out, rng):
    return init.he_uniform(fan_in, fan_out, rng)


@case("he_init", True)
def he_init_ok_he_uniform(fan_in, fan_out, rng):
    a = np.sqrt(6 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


@case("he_init", True)
def he_init_ok_he_float32(fan_in, fan_out, rng):
    return (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2 / fan_in)).astype(np.float32)


@case("he_init", False, hint=r"square root")
def he_init_bad_square_root(fi, fo, rng):
    return rng.normal(0, (2 / fi) ** 0.25, size=(fi, fo))


@case("he_init", False, hint=r"ignores rng")
def he_init_bad_init_own_rng(fan_in, fan_out, rng):
    return np.random.default_rng(0).normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


@case("he_init", False, hint=r"identically seeded")
def he_init_bad_init_unseeded(fan_in, fan_out, rng):
    return np.random.default_rng().normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))


@case("he_init", False, hint=r"0.01")
def he_init_bad_std_0_01(fi, fo, rng):
    return rng.normal(0, 0.01, size=(fi, fo))


# ---------------------------------------------------------------------------------------------
# layer_stats
# ---------------------------------------------------------------------------------------------


def _act(name):
    return {"relu": lambda s: np.maximum(s, 0.0), "tanh": np.tanh, "linear": lambda s: s}[name]


@case("layer_stats", True)
def layer_stats_ok_dict_of_functions(X, weights, activation):
    f = _act(activation)
    H, means, stds = X, [], []
    for W in weights:
        H = f(H @ W)
        means.append(H.mean())
        stds.append(H.std())
    return np.array(means), np.array(stds)


@case("layer_stats", True)
def layer_stats_ok_if_chain_and_formula(X, weights, activation):
    means, stds = np.zeros(len(weights)), np.zeros(len(weights))
    H = X
    for l, W in enumerate(weights):
        S = np.dot(H, W)
        if activation == "relu":
            H = S * (S > 0)
        elif activation == "tanh":
            H = np.tanh(S)
        else:
            H = S
        means[l] = np.sum(H) / H.size
        stds[l] = np.sqrt(np.sum((H - means[l]) ** 2) / H.size)
    return means, stds


@case("layer_stats", True)
def layer_stats_ok_keep_activations_then_measure(X, weights, activation):
    acts = [X]
    for W in weights:
        S = acts[-1] @ W
        acts.append(np.where(S > 0, S, 0.0) if activation == "relu" else
                    np.tanh(S) if activation == "tanh" else S)
    return np.array([a.mean() for a in acts[1:]]), np.array([a.std() for a in acts[1:]])


@case("layer_stats", True)
def layer_stats_ok_python_lists(X, weights, activation):
    H, means, stds = X, [], []
    for W in weights:
        H = _act(activation)(np.einsum("nd,dh->nh", H, W))
        means.append(float(np.mean(H)))
        stds.append(float(np.sqrt(np.var(H))))
    return means, stds


@case("layer_stats", True)
def layer_stats_ok_stacked(X, weights, activation):
    stats, H = [], X
    for W in weights:
        H = _act(activation)(H @ W)
        stats.append((H.mean(), H.std()))
    stats = np.array(stats)
    return stats[:, 0], stats[:, 1]


@case("layer_stats", False, hint=r"variances")
def layer_stats_bad_variance(X, weights, activation):
    H, means, vars_ = X, [], []
    for W in weights:
        H = _act(activation)(H @ W)
        means.append(H.mean())
        vars_.append(H.var())
    return np.array(means), np.array(vars_)


@case("layer_stats", False, hint=r"pre-activations")
def layer_stats_bad_pre_activations(X, weights, activation):
    H, means, stds = X, [], []
    for W in weights:
        S = H @ W
        means.append(S.mean())
        stds.append(S.std())
        H = _act(activation)(S)
    return np.array(means), np.array(stds)


@case("layer_stats", False, hint=r"ddof")
def layer_stats_bad_ddof_1(X, weights, activation):
    H, means, stds = X, [], []
    for W in weights:
        H = _act(activation)(H @ W)
        means.append(H.mean())
        stds.append(H.std(ddof=1))
    return np.array(means), np.array(stds)


@case("layer_stats", False, hint=r"std of each unit")
def layer_stats_bad_per_unit_std(X, weights, activation):
    H, means, stds = X, [], []
    for W in weights:
        H = _act(activation)(H @ W)
        means.append(H.mean(axis=0).mean())
        stds.append(H.std(axis=0).mean())
    return np.array(means), np.array(stds)


@case("layer_stats", False, hint=r"got X as its input")
def layer_stats_bad_not_chained(X, weights, activation):
    means, stds = [], []
    for W in weights:
        H = _act(activation)(X @ W)
        means.append(H.mean())
        stds.append(H.std())
    return np.array(means), np.array(stds)


@case("layer_stats", False, hint=r"activation came before")
def layer_stats_bad_activation_first(X, weights, activation):
    H, means, stds = X, [], []
    for W in weights:
        H = _act(activation)(H) @ W
        means.append(H.mean())
        stds.append(H.std())
    return np.array(means), np.array(stds)


@case("layer_stats", False, hint=r"one entry too many")
def layer_stats_bad_includes_input(X, weights, activation):
    H = X
    means, stds = [H.mean()], [H.std()]
    for W in weights:
        H = _act(activation)(H @ W)
        means.append(H.mean())
        stds.append(H.std())
    return np.array(means), np.array(stds)


@case("layer_stats", False, hint=r"network with relu")
def layer_stats_bad_always_relu(X, weights, activation):
    H, means, stds = X, [], []
    for W in weights:
        H = np.maximum(H @ W, 0)
        means.append(H.mean())
        stds.append(H.std())
    return np.array(means), np.array(stds)


@case("layer_stats", False, hint=r"order \(means, stds\)")
def layer_stats_bad_swapped(X, weights, activation):
    H, means, stds = X, [], []
    for W in weights:
        H = _act(activation)(H @ W)
        means.append(H.mean())
        stds.append(H.std())
    return np.array(stds), np.array(means)


# ---------------------------------------------------------------------------------------------
# batchnorm_forward
# ---------------------------------------------------------------------------------------------


@case("batchnorm_forward", True)
def batchnorm_forward_ok_in_place_operators(x, gamma, beta, mode, running_mean, running_var,
                                            momentum=0.9, eps=1e-5):
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean *= momentum
        running_mean += (1 - momentum) * mean
        running_var *= momentum
        running_var += (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    xhat = (x - mean) / np.sqrt(var + eps)
    return gamma * xhat + beta, (x, xhat, gamma, mean, var, eps)


@case("batchnorm_forward", True)
def batchnorm_forward_ok_slice_assignment_and_sums(x, gamma, beta, mode, running_mean,
                                                   running_var, momentum=0.9, eps=1e-5):
    n = x.shape[0]
    if mode == "test":
        mean, var = running_mean.copy(), running_var.copy()
    else:
        mean = x.sum(axis=0) / n
        var = ((x - mean) ** 2).sum(axis=0) / n
        running_mean[:] = momentum * running_mean + (1 - momentum) * mean
        running_var[:] = momentum * running_var + (1 - momentum) * var
    inv_std = (var + eps) ** -0.5
    xhat = (x - mean) * inv_std
    return xhat * gamma + beta, (x.copy(), xhat, gamma, mean, var, eps)


@case("batchnorm_forward", True)
def batchnorm_forward_ok_np_out(x, gamma, beta, mode, running_mean, running_var, momentum=0.9,
                                eps=1e-5):
    if mode not in ("train", "test"):
        raise ValueError(mode)
    if mode == "train":
        mean = np.mean(x, axis=0)
        var = np.mean((x - mean) ** 2, axis=0)
        np.add(momentum * running_mean, (1 - momentum) * mean, out=running_mean)
        np.add(momentum * running_var, (1 - momentum) * var, out=running_var)
    else:
        mean, var = running_mean, running_var
    xhat = (x - mean) / np.sqrt(var + eps)
    return np.multiply(gamma, xhat) + beta, tuple([x, xhat, gamma, mean, var, eps])


@case("batchnorm_forward", True)
def batchnorm_forward_ok_lerp_form(x, gamma, beta, mode, running_mean, running_var,
                                   momentum=0.9, eps=1e-5):
    training = mode == "train"
    mean = x.mean(axis=0) if training else running_mean
    var = x.var(axis=0) if training else running_var
    xhat = (x - mean) / np.sqrt(var + eps)
    cache = (x, xhat, gamma, mean, var, eps)
    if training:  # after normalizing: the same numbers, running stats moved towards the batch
        running_mean -= (1 - momentum) * (running_mean - mean)
        running_var -= (1 - momentum) * (running_var - var)
    return gamma * xhat + beta, cache


@case("batchnorm_forward", True)
def batchnorm_forward_ok_feature_loop(x, gamma, beta, mode, running_mean, running_var,
                                      momentum=0.9, eps=1e-5):
    n, d = x.shape
    out, xhat = np.empty_like(x), np.empty_like(x)
    mean, var = np.empty(d), np.empty(d)
    for j in range(d):
        column = x[:, j]
        if mode == "train":
            mean[j], var[j] = column.mean(), column.var()
            running_mean[j] = momentum * running_mean[j] + (1 - momentum) * mean[j]
            running_var[j] = momentum * running_var[j] + (1 - momentum) * var[j]
        else:
            mean[j], var[j] = running_mean[j], running_var[j]
        xhat[:, j] = (column - mean[j]) / np.sqrt(var[j] + eps)
        out[:, j] = gamma[j] * xhat[:, j] + beta[j]
    return out, (x, xhat, gamma, mean, var, eps)


def _bn_stats(x, mode, running_mean, running_var, momentum):
    """The right statistics (the running ones updated in place in training mode), for the cases
    whose mistake lies elsewhere."""
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean[...] = momentum * running_mean + (1 - momentum) * mean
        running_var[...] = momentum * running_var + (1 - momentum) * var
        return mean, var
    return running_mean, running_var


def _bn_core(x, gamma, beta, mean, var, eps):
    xhat = (x - mean) / np.sqrt(var + eps)
    return gamma * xhat + beta, (x, xhat, gamma, mean, var, eps)


@case("batchnorm_forward", True)
def batchnorm_forward_ok_eps_in_the_input_dtype(x, gamma, beta, mode, running_mean, running_var,
                                                momentum=0.9, eps=1e-5):
    eps = x.dtype.type(eps)  # keeps a float32 batch in float32; the same eps to float32 rounding
    mean, var = _bn_stats(x, mode, running_mean, running_var, momentum)
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=r"running_var is unchanged.*rebinds a local name")
def batchnorm_forward_bad_running_var_rebound(x, gamma, beta, mode, running_mean, running_var,
                                              momentum=0.9, eps=1e-5):
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean[...] = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var  # noqa: F841 - the mistake
    else:
        mean, var = running_mean, running_var
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=r"holds the standard deviation")
def batchnorm_forward_bad_cache_std(x, gamma, beta, mode, running_mean, running_var, momentum=0.9, eps=1e-5):
    mean, var = _bn_stats(x, mode, running_mean, running_var, momentum)
    out, (x, xhat, gamma, mean, var, eps) = _bn_core(x, gamma, beta, mean, var, eps)
    return out, (x, xhat, gamma, mean, np.sqrt(var), eps)


@case("batchnorm_forward", False, hint=r"unbiased variance")
def batchnorm_forward_bad_unbiased(x, gamma, beta, mode, running_mean, running_var,
                                   momentum=0.9, eps=1e-5):
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)
        running_mean[...] = momentum * running_mean + (1 - momentum) * mean
        running_var[...] = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=r"forget the eps")
def batchnorm_forward_bad_no_eps(x, gamma, beta, mode, running_mean, running_var,
                                 momentum=0.9, eps=1e-5):
    mean, var = _bn_stats(x, mode, running_mean, running_var, momentum)
    xhat = (x - mean) / np.sqrt(var)
    return gamma * xhat + beta, (x, xhat, gamma, mean, var, eps)


@case("batchnorm_forward", False, hint=r"inside the square root")
def batchnorm_forward_bad_eps_outside(x, gamma, beta, mode, running_mean, running_var,
                                      momentum=0.9, eps=1e-5):
    mean, var = _bn_stats(x, mode, running_mean, running_var, momentum)
    xhat = (x - mean) / (np.sqrt(var) + eps)
    return gamma * xhat + beta, (x, xhat, gamma, mean, var, eps)


@case("batchnorm_forward", False, hint=r"training mode only")
def batchnorm_forward_bad_updates_in_test_mode(x, gamma, beta, mode, running_mean, running_var,
                                               momentum=0.9, eps=1e-5):
    mean, var = x.mean(axis=0), x.var(axis=0)
    if mode == "test":
        mean_used, var_used = running_mean.copy(), running_var.copy()
    else:
        mean_used, var_used = mean, var
    running_mean[...] = momentum * running_mean + (1 - momentum) * mean
    running_var[...] = momentum * running_var + (1 - momentum) * var
    return _bn_core(x, gamma, beta, mean_used, var_used, eps)


@case("batchnorm_forward", False, hint=r"weight of the old running value")
def batchnorm_forward_bad_momentum_swapped(x, gamma, beta, mode, running_mean, running_var,
                                           momentum=0.9, eps=1e-5):
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean[...] = (1 - momentum) * running_mean + momentum * mean
        running_var[...] = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=(r"unchanged", r"in place"))
def batchnorm_forward_bad_rebinds_running_stats(x, gamma, beta, mode, running_mean, running_var,
                                                momentum=0.9, eps=1e-5):
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=r"In test mode normalize with running_mean")
def batchnorm_forward_bad_batch_stats_in_test_mode(x, gamma, beta, mode, running_mean,
                                                   running_var, momentum=0.9, eps=1e-5):
    mean, var = x.mean(axis=0), x.var(axis=0)
    if mode == "train":
        running_mean[...] = momentum * running_mean + (1 - momentum) * mean
        running_var[...] = momentum * running_var + (1 - momentum) * var
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=r"mean\(x\*\*2\) - mean\*\*2")
def batchnorm_forward_bad_naive_variance(x, gamma, beta, mode, running_mean, running_var,
                                         momentum=0.9, eps=1e-5):
    if mode == "train":
        mean = x.mean(axis=0)
        var = (x ** 2).mean(axis=0) - mean ** 2
        running_mean[...] = momentum * running_mean + (1 - momentum) * mean
        running_var[...] = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=r"normalized each sample")
def batchnorm_forward_bad_axis_1(x, gamma, beta, mode, running_mean, running_var, momentum=0.9,
                                 eps=1e-5):
    if mode == "train":
        mean, var = x.mean(axis=1, keepdims=True), x.var(axis=1, keepdims=True)
        running_mean[...] = momentum * running_mean + (1 - momentum) * x.mean(axis=0)
        running_var[...] = momentum * running_var + (1 - momentum) * x.var(axis=0)
    else:
        mean, var = running_mean, running_var
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=r"running_var blends in the unbiased")
def batchnorm_forward_bad_running_var_unbiased(x, gamma, beta, mode, running_mean, running_var,
                                               momentum=0.9, eps=1e-5):
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        running_mean[...] = momentum * running_mean + (1 - momentum) * mean
        running_var[...] = momentum * running_var + (1 - momentum) * x.var(axis=0, ddof=1)
    else:
        mean, var = running_mean, running_var
    return _bn_core(x, gamma, beta, mean, var, eps)


@case("batchnorm_forward", False, hint=r"tuple \(x, xhat, gamma, mean, var, eps\)")
def batchnorm_forward_bad_cache_order(x, gamma, beta, mode, running_mean, running_var,
                                      momentum=0.9, eps=1e-5):
    mean, var = _bn_stats(x, mode, running_mean, running_var, momentum)
    xhat = (x - mean) / np.sqrt(var + eps)
    return gamma * xhat + beta, (xhat, x, gamma, mean, var, eps)


# ---------------------------------------------------------------------------------------------
# batchnorm_backward
# ---------------------------------------------------------------------------------------------


@case("batchnorm_backward", True)
def batchnorm_backward_ok_compact(dout, cache):
    x, xhat, gamma, mean, var, eps = cache
    n = dout.shape[0]
    dxhat = dout * gamma
    dx = (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@case("batchnorm_backward", True)
def batchnorm_backward_ok_staged(dout, cache):
    x, xhat, gamma, mean, var, eps = cache
    n = x.shape[0]
    dxhat = dout * gamma
    dvar = np.sum(dxhat * (x - mean), axis=0) * -0.5 * (var + eps) ** -1.5
    dmean = -np.sum(dxhat, axis=0) / np.sqrt(var + eps) + dvar * np.mean(-2 * (x - mean), axis=0)
    dx = dxhat / np.sqrt(var + eps) + dvar * 2 * (x - mean) / n + dmean / n
    return dx, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)


@case("batchnorm_backward", True)
def batchnorm_backward_ok_means(dout, cache):
    _, xhat, gamma, _, var, eps = cache
    dxhat = dout * gamma
    dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / np.sqrt(var + eps)
    return dx, np.einsum("nd,nd->d", dout, xhat), dout.sum(0)


@case("batchnorm_backward", True)
def batchnorm_backward_ok_projection(dout, cache):
    # dx = inv_std * P dxhat with P the projection removing the mean and the xhat direction
    # (the xhat columns have squared norm N var / (var + eps), not exactly N).
    _, xhat, gamma, _, var, eps = cache
    n = dout.shape[0]
    dxhat = dout * gamma
    centred = dxhat - dxhat.mean(axis=0, keepdims=True)
    along = (dxhat * xhat).sum(axis=0, keepdims=True) / n
    return (centred - xhat * along) / np.sqrt(var + eps), (dout * xhat).sum(0), dout.sum(0)


@case("batchnorm_backward", True)
def batchnorm_backward_ok_column_loop(dout, cache):
    x, xhat, gamma, mean, var, eps = cache
    n, d = dout.shape
    dx, dgamma, dbeta = np.zeros((n, d)), np.zeros(d), np.zeros(d)
    for j in range(d):
        g, h = dout[:, j] * gamma[j], xhat[:, j]
        dgamma[j], dbeta[j] = np.dot(dout[:, j], h), dout[:, j].sum()
        dx[:, j] = (g - g.mean() - h * np.dot(g, h) / n) / np.sqrt(var[j] + eps)
    return dx, dgamma, dbeta


def _bwd_parts(dout, cache):
    x, xhat, gamma, mean, var, eps = cache
    return dout.shape[0], xhat, dout * gamma, 1 / np.sqrt(var + eps)


@case("batchnorm_backward", False, hint=(r"dx should be 0", r"term from the batch mean"))
def batchnorm_backward_bad_no_mean_terms(dout, cache):
    n, xhat, dxhat, inv_std = _bwd_parts(dout, cache)
    return dxhat * inv_std, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@case("batchnorm_backward", False, hint=r"dgamma and dbeta are swapped")
def batchnorm_backward_bad_swapped_order(dout, cache):
    dx, dgamma, dbeta = batchnorm_backward_ok_column_loop(dout, cache)
    return dx, dbeta, dgamma


@case("batchnorm_backward", False, hint=r"term from the batch variance")
def batchnorm_backward_bad_no_variance_term(dout, cache):
    n, xhat, dxhat, inv_std = _bwd_parts(dout, cache)
    return inv_std / n * (n * dxhat - dxhat.sum(axis=0)), (dout * xhat).sum(axis=0), dout.sum(axis=0)


@case("batchnorm_backward", False, hint=r"term from the batch mean")
def batchnorm_backward_bad_no_mean_term(dout, cache):
    n, xhat, dxhat, inv_std = _bwd_parts(dout, cache)
    dx = inv_std / n * (n * dxhat - xhat * (dxhat * xhat).sum(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@case("batchnorm_backward", False, hint=r"one value per sample")
def batchnorm_backward_bad_dgamma_axis_1(dout, cache):
    n, xhat, dxhat, inv_std = _bwd_parts(dout, cache)
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, (dout * xhat).sum(axis=1), dout.sum(axis=0)


@case("batchnorm_backward", False, hint=r"single number")
def batchnorm_backward_bad_dbeta_summed_over_all(dout, cache):
    n, xhat, dxhat, inv_std = _bwd_parts(dout, cache)
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum()


@case("batchnorm_backward", False, hint=r"not its mean")
def batchnorm_backward_bad_dbeta_mean(dout, cache):
    n, xhat, dxhat, inv_std = _bwd_parts(dout, cache)
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.mean(axis=0)


@case("batchnorm_backward", False, hint=r"gamma is missing")
def batchnorm_backward_bad_no_gamma(dout, cache):
    n, xhat, _, inv_std = _bwd_parts(dout, cache)
    dx = inv_std / n * (n * dout - dout.sum(axis=0) - xhat * (dout * xhat).sum(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@case("batchnorm_backward", False, hint=r"forget the eps")
def batchnorm_backward_bad_no_eps(dout, cache):
    x, xhat, gamma, mean, var, eps = cache
    n, dxhat = dout.shape[0], dout * gamma
    dx = (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (n * np.sqrt(var))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@case("batchnorm_backward", False, hint=r"with the normalized xhat")
def batchnorm_backward_bad_dgamma_from_x(dout, cache):
    x, xhat, gamma, mean, var, eps = cache
    n, dxhat = dout.shape[0], dout * gamma
    dx = (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return dx, (dout * x).sum(axis=0), dout.sum(axis=0)


@case("batchnorm_backward", False, hint=r"changed its input `dout` in place")
def batchnorm_backward_bad_scales_dout_in_place(dout, cache):
    x, xhat, gamma, mean, var, eps = cache
    n = dout.shape[0]
    dgamma, dbeta = (dout * xhat).sum(axis=0), dout.sum(axis=0)
    dout *= gamma  # dout now holds dxhat
    dx = (n * dout - dout.sum(axis=0) - xhat * (dout * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return dx, dgamma, dbeta


@case("batchnorm_backward", False, hint=r"forgets that the batch mean and variance")
def batchnorm_backward_bad_plain_scaling_after_recomputing(dout, cache):
    # The forgetful backward once more, recomputing the statistics from x: the hand-worked cases
    # name the missing term they show; a random case names both.
    x, xhat, gamma, mean, var, eps = cache
    if dout.shape[0] > 1 and np.allclose(dout, dout[0]) or np.allclose(dout, xhat):
        return np.zeros_like(dout), (dout * xhat).sum(axis=0), dout.sum(axis=0)
    return dout * gamma / np.sqrt(x.var(axis=0) + eps), (dout * xhat).sum(axis=0), dout.sum(axis=0)


@case("batchnorm_forward", False, hint=r"changed its input `x` in place")
def batchnorm_forward_bad_normalizes_x_in_place(x, gamma, beta, mode, running_mean, running_var,
                                                momentum=0.9, eps=1e-5):
    mean, var = _bn_stats(x, mode, running_mean, running_var, momentum)
    x -= mean
    x /= np.sqrt(var + eps)  # x now holds xhat, and the caller's batch is gone
    return gamma * x + beta, (x, x, gamma, mean, var, eps)


@case("batchnorm_forward", True)
def batchnorm_forward_ok_python_sums_reversed(x, gamma, beta, mode, running_mean, running_var,
                                              momentum=0.9, eps=1e-5):
    # Sums in another order: near 1e8 the mean differs in its last digits from np.mean's.
    n = x.shape[0]
    if mode == "train":
        mean = sum(x[i] for i in range(n - 1, -1, -1)) / n
        var = sum((x[i] - mean) ** 2 for i in range(n - 1, -1, -1)) / n
        running_mean[:] = momentum * running_mean + (1 - momentum) * mean
        running_var[:] = momentum * running_var + (1 - momentum) * var
    else:
        mean, var = running_mean, running_var
    xhat = (x - mean) / np.sqrt(var + eps)
    return gamma * xhat + beta, (x, xhat, gamma, mean, var, eps)


@case("batchnorm_backward", True)
def batchnorm_backward_ok_recomputes_from_x(dout, cache):
    x, _, gamma, _, _, eps = cache
    n = x.shape[0]
    mean = sum(x[i] for i in range(n)) / n
    var = sum((x[i] - mean) ** 2 for i in range(n)) / n
    xhat = (x - mean) / np.sqrt(var + eps)
    dxhat = dout * gamma
    dx = (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (n * np.sqrt(var + eps))
    return dx, sum(dout[i] * xhat[i] for i in range(n)), dout.sum(axis=0)
