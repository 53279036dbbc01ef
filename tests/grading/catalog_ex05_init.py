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
