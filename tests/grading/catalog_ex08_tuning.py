"""Learner implementations of sheet 8 (ex08_tuning): valid ones that must pass and mistakes that
must fail with a hint matching ``hint`` (a regular expression, searched case-insensitively in the
whole report). Run by tests/test_grading_catalog.py."""

import itertools
import math

import numpy as np

from .cases import case

# ---------------------------------------------------------------------------------------------
# log_uniform
# ---------------------------------------------------------------------------------------------


def _bounds(low, high):
    if low <= 0 or high <= low:
        raise ValueError("need 0 < low < high")


@case("log_uniform", True)
def log_uniform_ok_power_of_ten(low, high, n, rng):
    _bounds(low, high)
    return 10 ** rng.uniform(np.log10(low), np.log10(high), size=n)


@case("log_uniform", True)
def log_uniform_ok_natural_log(low, high, n, rng):
    if not 0 < low < high:
        raise ValueError(f"bad range {low}, {high}")
    return np.exp(rng.uniform(math.log(low), math.log(high), n))


@case("log_uniform", True)
def log_uniform_ok_ratio_power(low, high, n, rng):
    _bounds(low, high)
    return low * (high / low) ** rng.random(n)


@case("log_uniform", True)
def log_uniform_ok_base_two(low, high, n, rng):
    _bounds(low, high)
    return np.exp2(rng.uniform(np.log2(low), np.log2(high), size=(n,)))


@case("log_uniform", True)
def log_uniform_ok_loop(low, high, n, rng):
    if low <= 0:
        raise ValueError("low must be positive")
    if high <= low:
        raise ValueError("high must exceed low")
    a, b = math.log10(low), math.log10(high)
    return np.array([10 ** (a + (b - a) * rng.random()) for _ in range(n)])


@case("log_uniform", False, hint=r"top decade.*uniform on a linear scale")
def log_uniform_bad_linear(low, high, n, rng):
    _bounds(low, high)
    return rng.uniform(low, high, size=n)


@case("log_uniform", False, hint=r"10 \*\* uniform\(low, high\)")
def log_uniform_bad_exponent_from_bounds(low, high, n, rng):
    _bounds(low, high)
    return 10 ** rng.uniform(low, high, size=n)


@case("log_uniform", False, hint=r"Negative values.*exponents themselves")
def log_uniform_bad_returns_exponents(low, high, n, rng):
    _bounds(low, high)
    return rng.uniform(np.log10(low), np.log10(high), size=n)


@case("log_uniform", False, hint=r"mixes base e and base 10")
def log_uniform_bad_mixed_bases(low, high, n, rng):
    _bounds(low, high)
    return np.exp(rng.uniform(np.log10(low), np.log10(high), size=n))


@case("log_uniform", False, hint=r"distinct values.*rng.integers")
def log_uniform_bad_integer_exponents(low, high, n, rng):
    _bounds(low, high)
    return 10.0 ** rng.integers(int(np.log10(low)), int(np.log10(high)) + 1, size=n)


@case("log_uniform", False, hint=r"generators with different seeds gave the same result|"
                                  r"distinct values")
def log_uniform_bad_logspace_grid(low, high, n, rng):
    _bounds(low, high)
    return np.logspace(np.log10(low), np.log10(high), n)


@case("log_uniform", False, hint=r"raise ValueError")
def log_uniform_bad_no_bound_check(low, high, n, rng):
    with np.errstate(divide="ignore"):
        return 10 ** rng.uniform(np.log10(max(low, 1e-300)), np.log10(high), size=n)


@case("log_uniform", False, hint=r"global random state")
def log_uniform_bad_global_random(low, high, n, rng):
    _bounds(low, high)
    return 10 ** np.random.uniform(np.log10(low), np.log10(high), size=n)


# ---------------------------------------------------------------------------------------------
# step_decay
# ---------------------------------------------------------------------------------------------


@case("step_decay", True)
def step_decay_ok_power(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch // every)


@case("step_decay", True)
def step_decay_ok_floor(lr0, epoch, drop=0.5, every=10):
    return lr0 * np.power(drop, np.floor(epoch / every))


@case("step_decay", True)
def step_decay_ok_loop(lr0, epoch, drop=0.5, every=10):
    lr = lr0
    for e in range(1, epoch + 1):
        if e % every == 0:
            lr *= drop
    return lr


@case("step_decay", True)
def step_decay_ok_math(lr0, epoch, drop=0.5, every=10):
    return lr0 * math.pow(drop, math.floor(epoch / every))


@case("step_decay", False, hint=r"integer division")
def step_decay_bad_true_division(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** (epoch / every)


@case("step_decay", False, hint=r"Off by one")
def step_decay_bad_off_by_one(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** ((epoch + 1) // every)


@case("step_decay", False, hint=r"a power, not drop \* \(epoch // every\)")
def step_decay_bad_product(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop * (epoch // every)


@case("step_decay", False, hint=r"every epoch")
def step_decay_bad_every_epoch(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** epoch


@case("step_decay", False, hint=r"Step decay multiplies")
def step_decay_bad_subtracts(lr0, epoch, drop=0.5, every=10):
    return lr0 - drop * (epoch // every)


@case("step_decay", False, hint=r"starting rate lr0")
def step_decay_bad_forgets_lr0(lr0, epoch, drop=0.5, every=10):
    return drop ** (epoch // every)


@case("step_decay", False, hint=r"One drop too few")
def step_decay_bad_late_first_drop(lr0, epoch, drop=0.5, every=10):
    return lr0 * drop ** max(epoch // every - 1, 0)


# ---------------------------------------------------------------------------------------------
# exponential_decay
# ---------------------------------------------------------------------------------------------


@case("exponential_decay", True)
def exponential_decay_ok_numpy(lr0, epoch, k):
    return lr0 * np.exp(-k * epoch)


@case("exponential_decay", True)
def exponential_decay_ok_math(lr0, epoch, k):
    return lr0 * math.exp(-k * epoch)


@case("exponential_decay", True)
def exponential_decay_ok_power_of_e(lr0, epoch, k):
    return lr0 * math.e ** (-k * epoch)


@case("exponential_decay", True)
def exponential_decay_ok_divide(lr0, epoch, k):
    return lr0 / np.exp(k * epoch)


@case("exponential_decay", False, hint=r"Wrong sign")
def exponential_decay_bad_sign(lr0, epoch, k):
    return lr0 * np.exp(k * epoch)


@case("exponential_decay", False, hint=r"\(1 - k\) \*\* epoch")
def exponential_decay_bad_one_minus_k(lr0, epoch, k):
    return lr0 * (1 - k) ** epoch


@case("exponential_decay", False, hint=r"not k \*\* epoch")
def exponential_decay_bad_k_power(lr0, epoch, k):
    return lr0 * k ** epoch


@case("exponential_decay", False, hint=r"inside the exponential")
def exponential_decay_bad_epoch_outside(lr0, epoch, k):
    return lr0 * np.exp(-k) * epoch


@case("exponential_decay", False, hint=r"starting rate lr0")
def exponential_decay_bad_forgets_lr0(lr0, epoch, k):
    return np.exp(-k * epoch)


@case("exponential_decay", False, hint=r"natural exponential")
def exponential_decay_bad_base_ten(lr0, epoch, k):
    return lr0 * 10 ** (-k * epoch)


# ---------------------------------------------------------------------------------------------
# inverse_time_decay
# ---------------------------------------------------------------------------------------------


@case("inverse_time_decay", True)
def inverse_time_decay_ok_formula(lr0, epoch, k):
    return lr0 / (1 + k * epoch)


@case("inverse_time_decay", True)
def inverse_time_decay_ok_float(lr0, epoch, k):
    return float(lr0) / (1.0 + float(k) * float(epoch))


@case("inverse_time_decay", True)
def inverse_time_decay_ok_reciprocal(lr0, epoch, k):
    return lr0 * np.reciprocal(1.0 + k * epoch)


@case("inverse_time_decay", True)
def inverse_time_decay_ok_numpy_divide(lr0, epoch, k):
    return np.divide(lr0, np.add(1, np.multiply(k, epoch)))


@case("inverse_time_decay", False, hint=r"do not\s+multiply")
def inverse_time_decay_bad_multiplies(lr0, epoch, k):
    return lr0 * (1 + k * epoch)


@case("inverse_time_decay", False, hint=r"Brackets")
def inverse_time_decay_bad_brackets(lr0, epoch, k):
    return lr0 / (1 + k) * epoch


@case("inverse_time_decay", False, hint=r"decays exponentially")
def inverse_time_decay_bad_power(lr0, epoch, k):
    return lr0 / (1 + k) ** epoch


@case("inverse_time_decay", False, hint=r"k is missing")
def inverse_time_decay_bad_no_k(lr0, epoch, k):
    return lr0 / (1 + epoch)


@case("inverse_time_decay", False, hint=r"No square root")
def inverse_time_decay_bad_sqrt(lr0, epoch, k):
    return lr0 / np.sqrt(1 + k * epoch)


@case("inverse_time_decay", False, hint=r"ZeroDivisionError|inf")
def inverse_time_decay_bad_no_one(lr0, epoch, k):
    return lr0 / (k * epoch)


# ---------------------------------------------------------------------------------------------
# early_stopping
# ---------------------------------------------------------------------------------------------


@case("early_stopping", True)
def early_stopping_ok_loop(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


@case("early_stopping", True)
def early_stopping_ok_since_best(val_losses, patience):
    best_epoch = 0
    for epoch in range(len(val_losses)):
        if val_losses[epoch] < val_losses[best_epoch]:
            best_epoch = epoch
        if epoch - best_epoch == patience:
            return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


@case("early_stopping", True)
def early_stopping_ok_numpy_prefix(val_losses, patience):
    losses = np.asarray(val_losses, dtype=float)
    clean = np.where(np.isnan(losses), np.inf, losses)
    for stop in range(len(clean)):
        best = int(np.argmin(clean[:stop + 1]))
        if stop - best >= patience:
            return best, stop
    return int(np.argmin(clean)) if np.isfinite(clean).any() else 0, len(clean) - 1


@case("early_stopping", True)
def early_stopping_ok_while(val_losses, patience):
    epoch, best_epoch, best = 0, 0, math.inf
    while epoch < len(val_losses):
        if val_losses[epoch] < best:
            best, best_epoch = val_losses[epoch], epoch
        elif epoch - best_epoch >= patience:
            break
        epoch += 1
    return best_epoch, min(epoch, len(val_losses) - 1)


@case("early_stopping", False, hint=r"cannot see the future")
def early_stopping_bad_best_of_all_epochs(val_losses, patience):
    stop = early_stopping_ok_loop(val_losses, patience)[1]  # the right stop, but the best of the whole list
    losses = np.where(np.isnan(np.asarray(val_losses, dtype=float)), np.inf, val_losses)
    return int(np.argmin(losses)), stop


@case("early_stopping", False, hint=r"cannot see the future")
def early_stopping_bad_global_argmin(val_losses, patience):
    losses = np.where(np.isnan(val_losses), np.inf, val_losses)
    return int(np.argmin(losses)), len(val_losses) - 1


@case("early_stopping", False, hint=r"not `<=`")
def early_stopping_bad_ties_improve(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss <= best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


@case("early_stopping", False, hint=r"One epoch too late")
def early_stopping_bad_patience_plus_one(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited > patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


@case("early_stopping", False, hint=r"count epochs from 0")
def early_stopping_bad_one_based(val_losses, patience):
    best, best_epoch, waited = float("inf"), 1, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best:
            best, best_epoch, waited = loss, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)


@case("early_stopping", False, hint=r"Reset the count")
def early_stopping_bad_no_reset(val_losses, patience):
    best, best_epoch, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch = loss, epoch
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


@case("early_stopping", False, hint=r"first nan")
def early_stopping_bad_argmin_with_nan(val_losses, patience):
    losses = np.asarray(val_losses, dtype=float)
    for stop in range(len(losses)):
        best = int(np.argmin(losses[:stop + 1]))
        if stop - best >= patience:
            return best, stop
    return int(np.argmin(losses)), len(losses) - 1


@case("early_stopping", False, hint=r"integer epoch index")
def early_stopping_bad_returns_losses(val_losses, patience):
    best, waited = float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, waited = loss, 0
        else:
            waited += 1
            if waited == patience:
                return best, epoch
    return best, len(val_losses) - 1


# ---------------------------------------------------------------------------------------------
# update_ratio
# ---------------------------------------------------------------------------------------------


@case("update_ratio", True)
def update_ratio_ok_norms(W_before, W_after):
    return float(np.linalg.norm(W_after - W_before) / np.linalg.norm(W_before))


@case("update_ratio", True)
def update_ratio_ok_sqrt_sums(W_before, W_after):
    return math.sqrt(((W_after - W_before) ** 2).sum() / (W_before ** 2).sum())


@case("update_ratio", True)
def update_ratio_ok_ravel(W_before, W_after):
    step = (W_after - W_before).ravel()
    return float(np.sqrt(step @ step) / np.sqrt(W_before.ravel() @ W_before.ravel()))


@case("update_ratio", True)
def update_ratio_ok_float64(W_before, W_after):
    before, after = W_before.astype(np.float64), W_after.astype(np.float64)
    return np.linalg.norm(before - after, "fro") / np.linalg.norm(before, "fro")


@case("update_ratio", False, hint=r"difference of the norms")
def update_ratio_bad_abs_norm_difference(W_before, W_after):
    return abs(np.linalg.norm(W_after) - np.linalg.norm(W_before)) / np.linalg.norm(W_before)


@case("update_ratio", False, hint=r"ratio of the two norms")
def update_ratio_bad_norm_ratio(W_before, W_after):
    return float(np.linalg.norm(W_after) / np.linalg.norm(W_before))


@case("update_ratio", False, hint=r"difference of the norms")
def update_ratio_bad_norm_difference(W_before, W_after):
    return float((np.linalg.norm(W_after) - np.linalg.norm(W_before)) / np.linalg.norm(W_before))


@case("update_ratio", False, hint=r"before the step, W_before")
def update_ratio_bad_divides_by_after(W_before, W_after):
    return float(np.linalg.norm(W_after - W_before) / np.linalg.norm(W_after))


@case("update_ratio", False, hint=r"squared norms")
def update_ratio_bad_squared(W_before, W_after):
    return float(np.sum((W_after - W_before) ** 2) / np.sum(W_before ** 2))


@case("update_ratio", False, hint=r"upside down")
def update_ratio_bad_inverted(W_before, W_after):
    return float(np.linalg.norm(W_before) / np.linalg.norm(W_after - W_before))


@case("update_ratio", False, hint=r"elementwise ratios")
def update_ratio_bad_elementwise(W_before, W_after):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nanmean(np.abs(W_after - W_before) / np.abs(np.where(W_before == 0, np.nan,
                                                                              W_before))))


@case("update_ratio", False, hint=r"not sums of absolute values")
def update_ratio_bad_l1(W_before, W_after):
    return float(np.abs(W_after - W_before).sum() / np.abs(W_before).sum())


@case("update_ratio", False, hint=r"single number")
def update_ratio_bad_per_column(W_before, W_after):
    return np.linalg.norm(W_after - W_before, axis=0) / np.linalg.norm(W_before, axis=0)


# ---------------------------------------------------------------------------------------------
# random_search
# ---------------------------------------------------------------------------------------------


def _draw(low, high, rng):
    return float(10 ** rng.uniform(np.log10(low), np.log10(high)))


@case("random_search", True)
def random_search_ok_loop(evaluate, n_trials, rng, lr_range=(1e-4, 1.0), reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        lr, reg = _draw(*lr_range, rng), _draw(*reg_range, rng)
        trials.append((lr, reg, evaluate(lr, reg)))
    return max(trials, key=lambda trial: trial[2]), trials


@case("random_search", True)
def random_search_ok_vectorized_draws(evaluate, n_trials, rng, lr_range=(1e-4, 1.0),
                                      reg_range=(1e-6, 1e-1)):
    lrs = 10 ** rng.uniform(*np.log10(lr_range), size=n_trials)
    regs = 10 ** rng.uniform(*np.log10(reg_range), size=n_trials)
    trials = [(lr, reg, evaluate(lr, reg)) for lr, reg in zip(lrs, regs)]
    scores = [trial[2] for trial in trials]
    return trials[int(np.argmax(scores))], trials


@case("random_search", True)
def random_search_ok_running_best(evaluate, n_trials, rng, lr_range=(1e-4, 1.0),
                                  reg_range=(1e-6, 1e-1)):
    trials, best = [], None
    for _ in range(n_trials):
        lr = np.exp(rng.uniform(np.log(lr_range[0]), np.log(lr_range[1])))
        reg = np.exp(rng.uniform(np.log(reg_range[0]), np.log(reg_range[1])))
        trial = (lr, reg, evaluate(lr, reg))
        trials.append(trial)
        if best is None or trial[2] > best[2]:
            best = trial
    return best, trials


@case("random_search", True)
def random_search_ok_lists(evaluate, n_trials, rng, lr_range=(1e-4, 1.0), reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        u = rng.random(2)
        lr = lr_range[0] * (lr_range[1] / lr_range[0]) ** u[0]
        reg = reg_range[0] * (reg_range[1] / reg_range[0]) ** u[1]
        trials.append([lr, reg, evaluate(lr, reg)])
    return sorted(trials, key=lambda trial: -trial[2])[0], trials


@case("random_search", False, hint=r"grid")
def random_search_bad_grid(evaluate, n_trials, rng, lr_range=(1e-4, 1.0), reg_range=(1e-6, 1e-1)):
    side = max(int(math.ceil(math.sqrt(n_trials))), 1)
    grid = itertools.product(np.logspace(*np.log10(lr_range), side),
                             np.logspace(*np.log10(reg_range), side))
    trials = [(lr, reg, evaluate(lr, reg)) for lr, reg in itertools.islice(grid, n_trials)]
    return max(trials, key=lambda trial: trial[2]), trials


@case("random_search", False, hint=r"the lr values are the same for two different seeds")
def random_search_bad_lr_grid(evaluate, n_trials, rng, lr_range=(1e-4, 1.0), reg_range=(1e-6, 1e-1)):
    lrs = np.logspace(*np.log10(lr_range), n_trials)  # evenly spread, distinct, but not random
    regs = 10 ** rng.uniform(*np.log10(reg_range), size=n_trials)
    trials = [(lr, reg, evaluate(lr, reg)) for lr, reg in zip(lrs, regs)]
    return max(trials, key=lambda trial: trial[2]), trials


@case("random_search", True)
def random_search_ok_shuffled_strata(evaluate, n_trials, rng, lr_range=(1e-4, 1.0), reg_range=(1e-6, 1e-1)):
    # One draw in each of n_trials equal slices of every log range, shuffled (Latin hypercube sampling).
    def strata(low, high):
        u = (rng.permutation(n_trials) + rng.random(n_trials)) / n_trials
        return 10 ** (np.log10(low) + u * np.log10(high / low))
    trials = [(lr, reg, evaluate(lr, reg)) for lr, reg in zip(strata(*lr_range), strata(*reg_range))]
    return max(trials, key=lambda trial: trial[2]), trials


@case("random_search", False, hint=r"uniform on a linear scale")
def random_search_bad_linear(evaluate, n_trials, rng, lr_range=(1e-4, 1.0), reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        lr, reg = rng.uniform(*lr_range), rng.uniform(*reg_range)
        trials.append((lr, reg, evaluate(lr, reg)))
    return max(trials, key=lambda trial: trial[2]), trials


@case("random_search", False, hint=r"lowest score")
def random_search_bad_min(evaluate, n_trials, rng, lr_range=(1e-4, 1.0), reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        lr, reg = _draw(*lr_range, rng), _draw(*reg_range, rng)
        trials.append((lr, reg, evaluate(lr, reg)))
    return min(trials, key=lambda trial: trial[2]), trials


@case("random_search", False, hint=r"once per trial")
def random_search_bad_evaluates_best_again(evaluate, n_trials, rng, lr_range=(1e-4, 1.0),
                                           reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        lr, reg = _draw(*lr_range, rng), _draw(*reg_range, rng)
        trials.append((lr, reg, evaluate(lr, reg)))
    lr, reg, _ = max(trials, key=lambda trial: trial[2])
    return (lr, reg, evaluate(lr, reg)), trials


@case("random_search", False, hint=r"move together|diagonal")
def random_search_bad_one_number(evaluate, n_trials, rng, lr_range=(1e-4, 1.0),
                                 reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        u = rng.random()
        lr = lr_range[0] * (lr_range[1] / lr_range[0]) ** u
        reg = reg_range[0] * (reg_range[1] / reg_range[0]) ** u
        trials.append((lr, reg, evaluate(lr, reg)))
    return max(trials, key=lambda trial: trial[2]), trials


@case("random_search", False, hint=r"lr_range and reg_range arguments")
def random_search_bad_fixed_ranges(evaluate, n_trials, rng, lr_range=(1e-4, 1.0),
                                   reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        lr, reg = _draw(1e-4, 1.0, rng), _draw(1e-6, 1e-1, rng)
        trials.append((lr, reg, evaluate(lr, reg)))
    return max(trials, key=lambda trial: trial[2]), trials


@case("random_search", False, hint=r"last trial")
def random_search_bad_last(evaluate, n_trials, rng, lr_range=(1e-4, 1.0), reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        lr, reg = _draw(*lr_range, rng), _draw(*reg_range, rng)
        trials.append((lr, reg, evaluate(lr, reg)))
    return trials[-1], trials


@case("random_search", False, hint=r"evaluate\(lr, reg\): the learning rate first")
def random_search_bad_swapped_arguments(evaluate, n_trials, rng, lr_range=(1e-4, 1.0),
                                        reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        lr, reg = _draw(*lr_range, rng), _draw(*reg_range, rng)
        trials.append((lr, reg, evaluate(reg, lr)))
    return max(trials, key=lambda trial: trial[2]), trials


@case("random_search", False, hint=r"global random state")
def random_search_bad_global_random(evaluate, n_trials, rng, lr_range=(1e-4, 1.0),
                                    reg_range=(1e-6, 1e-1)):
    trials = []
    for _ in range(n_trials):
        lr = 10 ** np.random.uniform(*np.log10(lr_range))
        reg = 10 ** np.random.uniform(*np.log10(reg_range))
        trials.append((lr, reg, evaluate(lr, reg)))
    return max(trials, key=lambda trial: trial[2]), trials
