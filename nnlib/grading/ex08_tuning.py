"""Sheet 8 (chapter 8, tuning): log-uniform sampling, learning-rate schedules, early stopping, the
update-to-weight ratio and a random search. The references are nnlib's (``nnlib.optim``'s
schedules and ``update_ratio``, ``nnlib.train.early_stopping_epoch``); the known mistakes are
simulated here."""

import math

import numpy as np

from .. import optim, train
from .common import _SIGMAS, _check_uses_rng, _rng, _SeedText
from .registry import exercise
from .tester import _Errored

CHAPTER = "08_tuning"



# ---------------------------------------------------------------------------------------------
# log_uniform
# ---------------------------------------------------------------------------------------------


def _log_uniform_values(t, out, n, what):
    """The learner's samples as a float array of shape (n,); fails on anything else."""
    if isinstance(out, (float, int, np.floating)) and n != 1:
        t.fail(f"{what} returned one number, expected an array of {n} values.",
               hint="Draw all n values at once: pass size=n to rng.uniform.")
    t.is_array(out, what, (n,))
    if out.shape != (n,):
        t.fail(f"{what} has shape {out.shape}, expected ({n},).",
               hint="Return a 1-D array of n values: rng.uniform(a, b, size=n).")
    if not np.all(np.isfinite(out)):
        t.fail(f"{what} contains nan or inf.",
               hint="Exponentiate a uniform number between log10(low) and log10(high).")
    return out


@exercise("log_uniform", args=("low", "high", "n", "rng"), chapter=CHAPTER)
def _check_log_uniform(t):
    t.case("log_uniform(1e-4, 1e-1, 5, rng): shape and range", low=1e-4, high=1e-1, n=5,
           rng=_SeedText(0))
    out = _log_uniform_values(t, t.call(1e-4, 1e-1, 5, _rng(0)), 5, "log_uniform(1e-4, 1e-1, 5, rng)")
    _check_range(t, out, 1e-4, 1e-1)

    for low, high, seed in [(1e-5, 1e-1, 1), (1e-3, 10.0, 2), (0.5, 2.0, 3)]:
        n = 20000
        what = f"log_uniform({low:g}, {high:g}, {n}, rng)"
        t.case(f"statistics of {what}", low=low, high=high, n=n, rng=_SeedText(seed))
        out = _log_uniform_values(t, t.call(low, high, n, _rng(seed)), n, what)
        _check_range(t, out, low, high)
        _check_log_spread(t, out, low, high, n)

    for low, high in ((0.0, 1.0), (1e-2, 1e-3)):
        t.case(f"bad bounds, log_uniform({low:g}, {high:g}, 3, rng), must raise ValueError",
               low=low, high=high, n=3, rng=_SeedText(4))
        try:
            out = t.call(low, high, 3, _rng(4))
        except _Errored as error:
            if any(line.startswith("ValueError") for line in error.details):
                continue
            raise
        t.fail(f"log_uniform({low:g}, {high:g}, 3, rng) returned a result instead of raising "
               "ValueError.", details=[f"returned: {out!r}"[:200]],
               hint="A log scale needs 0 < low < high (log10(0) is -inf). Check the bounds "
                    "first: `if low <= 0 or high <= low: raise ValueError(...)`.")

    _check_uses_rng(t, lambda rng: (1e-4, 1e-1, 6, rng), "log_uniform")


def _check_range(t, out, low, high):
    below, above = np.sum(out < low * (1 - 1e-12)), np.sum(out > high * (1 + 1e-12))
    if below or above:
        details = [f"smallest value: {out.min():.4g}, largest: {out.max():.4g}",
                   f"allowed: {low:g} ... {high:g}"]
        hint = "Every value must lie between low and high."
        if out.max() > high * 10 and out.min() >= 1 - 1e-12:
            hint = ("These look like 10 ** uniform(low, high): the exponent must run from "
                    "log10(low) to log10(high), not from low to high.")
        elif out.min() < 0 or out.max() <= 0:
            hint = ("Negative values: these are the exponents themselves. Draw e = "
                    "rng.uniform(log10(low), log10(high)) and return 10 ** e.")
        elif out.max() > high:
            hint = ("Values above high: do the logarithm and the power use the same base? "
                    "np.exp(rng.uniform(np.log10(low), np.log10(high))) mixes base e and base 10.")
        elif out.min() < low:
            hint = ("Values below low: do the logarithm and the power use the same base? "
                    "10 ** rng.uniform(np.log(low), np.log(high)) mixes base 10 and base e.")
        t.fail(f"{below} values are below low and {above} above high.", details=details,
               hint=hint)


def _check_log_spread(t, out, low, high, n):
    """log10 of the samples must be uniform on [log10 low, log10 high]: mean, variance, and the
    fraction in each decade-sized quarter, each within _SIGMAS standard errors."""
    a, b = math.log10(low), math.log10(high)
    e = np.log10(out)
    unique = np.unique(out).size
    if unique < n // 2:
        t.fail(f"only {unique} distinct values among {n}.",
               hint="The exponent must be a continuous uniform number, rng.uniform(a, b), not "
                    "an integer (rng.integers) or a point of a fixed grid (np.logspace).")
    width = b - a
    mean, var = e.mean(), e.var()
    se_mean = width / math.sqrt(12 * n)
    # The sample variance of n draws of U(0, w) has sd w**2 / sqrt(180 n) (fourth central moment
    # w**4 / 80); doubled, for a margin on top of the _SIGMAS standard errors.
    se_var = 2 * width ** 2 / math.sqrt(180 * n)
    quarters = np.histogram(e, bins=4, range=(a, b))[0] / n
    se_quarter = math.sqrt(0.25 * 0.75 / n)
    details = [f"mean of log10(values): {mean:.4f}, expected {(a + b) / 2:.4f}",
               f"variance of log10(values): {var:.4f}, expected {width ** 2 / 12:.4f}",
               "fraction of values in each quarter of the log range: "
               + ", ".join(f"{q:.3f}" for q in quarters) + " (expected 0.25 each)"]
    ok = (abs(mean - (a + b) / 2) <= _SIGMAS * se_mean
          and abs(var - width ** 2 / 12) <= _SIGMAS * se_var
          and np.all(np.abs(quarters - 0.25) <= _SIGMAS * se_quarter))
    if ok:
        return
    hint = "log10 of the values must be spread evenly between log10(low) and log10(high)."
    if quarters[-1] > 0.5:
        hint = ("Most values are in the top decade: this is uniform on a linear scale "
                "(rng.uniform(low, high)). Draw the exponent uniformly instead: "
                "10 ** rng.uniform(np.log10(low), np.log10(high), size=n).")
    t.fail("the values are not spread evenly on a log scale.", details=details, hint=hint)


# ---------------------------------------------------------------------------------------------
# The three schedules
# ---------------------------------------------------------------------------------------------


def _check_schedule(t, name, args, cases, reference, variants):
    """cases: (description, argument values); reference(*values) -> the expected rate."""
    for description, values in cases:
        t.case(description, **dict(zip(args, values)))
        got = t.call(*values)
        expected = reference(*values)
        what = f"{name}({', '.join(f'{v:g}' for v in values)})"
        t.scalar(got, expected, what, variants=[(lambda f=f, v=values: np.float64(f(*v)), hint)
                                                for f, hint in variants], rtol=1e-9)


_STEP_ARGS = ("lr0", "epoch", "drop", "every")


@exercise("step_decay", args=("lr0", "epoch", "drop=0.5", "every=10"), chapter=CHAPTER)
def _check_step_decay(t):
    cases = [("the first epoch keeps lr0", (0.1, 0, 0.5, 10)),
             ("epoch 9: still the first step", (0.1, 9, 0.5, 10)),
             ("epoch 10: one drop", (0.1, 10, 0.5, 10)),
             ("epoch 25: two drops", (0.1, 25, 0.5, 10)),
             ("drop 0.1 every 3 epochs, epoch 7", (1.0, 7, 0.1, 3)),
             ("epoch 30 with every = 30", (0.02, 30, 0.25, 30))]
    _check_schedule(t, "step_decay", _STEP_ARGS, cases,
                    optim.step_decay, [
                        (lambda lr0, e, d, k: lr0 * d ** (e / k),
                         "The rate must stay constant within each block of `every` epochs: use "
                         "integer division, epoch // every, not epoch / every."),
                        (lambda lr0, e, d, k: lr0 * d ** ((e + 1) // k),
                         "Off by one: epochs count from 0, and the first drop comes at epoch "
                         "`every`: drop ** (epoch // every)."),
                        (lambda lr0, e, d, k: lr0 * d ** max(e // k - 1, 0),
                         "One drop too few: after `every` epochs the rate is lr0 * drop."),
                        (lambda lr0, e, d, k: lr0 * d * (e // k),
                         "The rate is multiplied by drop once per block: drop ** (epoch // "
                         "every), a power, not drop * (epoch // every)."),
                        (lambda lr0, e, d, k: lr0 * d ** e,
                         "This drops the rate every epoch: the exponent is epoch // every."),
                        (lambda lr0, e, d, k: lr0 - d * (e // k),
                         "Step decay multiplies: lr0 * drop ** (epoch // every)."),
                        (lambda lr0, e, d, k: d ** (e // k),
                         "Multiply by the starting rate lr0."),
                    ])


@exercise("exponential_decay", args=("lr0", "epoch", "k"), chapter=CHAPTER)
def _check_exponential_decay(t):
    cases = [("epoch 0 keeps lr0", (0.1, 0, 0.05)), ("hand-worked: epoch 10, k = 0.1", (1.0, 10, 0.1)),
             ("epoch 3, k = 0.5", (0.2, 3, 0.5)), ("a long run, epoch 100, k = 0.02", (0.01, 100, 0.02))]
    _check_schedule(t, "exponential_decay", ("lr0", "epoch", "k"), cases,
                    optim.exponential_decay, [
                        (lambda lr0, e, k: lr0 * math.exp(k * e),
                         "Wrong sign: the rate must shrink, lr0 * exp(-k * epoch)."),
                        (lambda lr0, e, k: lr0 * (1 - k) ** e,
                         "(1 - k) ** epoch is close to exp(-k * epoch) only for small k: use "
                         "np.exp(-k * epoch)."),
                        (lambda lr0, e, k: lr0 * k ** e,
                         "k is the rate in the exponent: lr0 * exp(-k * epoch), not k ** epoch."),
                        (lambda lr0, e, k: lr0 * math.exp(-k) * e,
                         "The epoch belongs inside the exponential: exp(-k * epoch)."),
                        (lambda lr0, e, k: math.exp(-k * e),
                         "Multiply by the starting rate lr0."),
                        (lambda lr0, e, k: lr0 * 10 ** (-k * e),
                         "Use the natural exponential, np.exp(-k * epoch), not 10 ** (-k * epoch)."),
                    ])


@exercise("inverse_time_decay", args=("lr0", "epoch", "k"), chapter=CHAPTER)
def _check_inverse_time_decay(t):
    cases = [("epoch 0 keeps lr0", (0.1, 0, 0.5)), ("hand-worked: epoch 4, k = 0.5", (0.3, 4, 0.5)),
             ("epoch 10, k = 1", (1.0, 10, 1.0)), ("epoch 50, k = 0.01", (0.05, 50, 0.01))]

    _check_schedule(t, "inverse_time_decay", ("lr0", "epoch", "k"), cases,
                    optim.inverse_time_decay, [
                        (lambda lr0, e, k: lr0 * (1 + k * e),
                         "Divide by (1 + k * epoch), do not multiply: the rate must shrink."),
                        (lambda lr0, e, k: lr0 / (1 + k) * e,
                         "Brackets: lr0 / (1 + k * epoch)."),
                        (lambda lr0, e, k: lr0 / (1 + k) ** e,
                         "lr0 / (1 + k) ** epoch decays exponentially; the 1/t schedule is lr0 / "
                         "(1 + k * epoch)."),
                        (lambda lr0, e, k: lr0 / (1 + e),
                         "k is missing: lr0 / (1 + k * epoch)."),
                        (lambda lr0, e, k: lr0 / math.sqrt(1 + k * e),
                         "No square root: lr0 / (1 + k * epoch)."),
                        (lambda lr0, e, k: lr0 / (1 + k * e) ** 2,
                         "No square: lr0 / (1 + k * epoch)."),
                    ])


# ---------------------------------------------------------------------------------------------
# early_stopping
# ---------------------------------------------------------------------------------------------


def _early_stopping_variant(val_losses, patience, better=lambda a, b: a < b, stop_at=None,
                              reset=True, start=0):
    """A known mistake (with the defaults, the rule itself, as nnlib.train.early_stopping_epoch
    applies it): ``better`` compares a loss with the best so far, the run stops when the count of epochs without improvement reaches ``stop_at``
    (default: patience), ``reset`` restarts that count at an improvement, ``start`` is the
    number of the first epoch."""
    stop_at = patience if stop_at is None else stop_at
    best, best_epoch, waited = math.inf, start, 0
    for epoch, loss in enumerate(val_losses, start=start):
        if better(loss, best):
            best, best_epoch = loss, epoch
            waited = 0 if reset else waited
        else:
            waited += 1
            if waited == stop_at:
                return best_epoch, epoch
    return best_epoch, start + len(val_losses) - 1


def _nan_argmin(val_losses, patience):
    """np.argmin over the epochs so far: it returns the position of the first nan."""
    losses = np.asarray(val_losses, dtype=float)
    for stop in range(len(losses)):
        best = int(np.argmin(losses[:stop + 1]))
        if stop - best >= patience:
            return best, stop
    return int(np.argmin(losses)), len(losses) - 1


def _global_argmin(val_losses, patience):
    losses = np.asarray(val_losses, dtype=float)
    return int(np.argmin(np.where(np.isnan(losses), np.inf, losses))), len(losses) - 1


# Known mistakes, in the order they are tried (the first whose epochs match names the hint).
_EARLY_STOPPING_MISTAKES = [
    (_nan_argmin,
     "A nan loss was chosen as the best: np.argmin returns the position of the first nan. Compare "
     "with `loss < best`, which is False for nan, so a nan never counts as an improvement."),
    (lambda v, p: _early_stopping_variant(v, p, better=lambda a, b: a <= b),
     "A loss equal to the best so far is not an improvement: compare with `<`, not `<=`, and keep "
     "the earlier epoch."),
    (lambda v, p: _early_stopping_variant(v, p, stop_at=p + 1),
     "One epoch too late: stop at the epoch where the count of epochs without improvement reaches "
     "patience (waited == patience), not when it exceeds it."),
    (lambda v, p: _early_stopping_variant(v, p, stop_at=max(p - 1, 1)),
     "One epoch too early: patience epochs without improvement are allowed; the stop comes at the "
     "patience-th one."),
    (lambda v, p: _early_stopping_variant(v, p, reset=False),
     "Training stopped too early: reset the count of epochs without improvement to 0 whenever "
     "the loss improves."),
    (lambda v, p: _early_stopping_variant(v, p, start=1),
     "Both epochs are one too high: count epochs from 0, as enumerate(val_losses) does."),
    *[(variant,
       "best_epoch is the lowest loss of the whole list, including epochs after training would "
       "have stopped. Early stopping cannot see the future: walk through the epochs in order and "
       "stop when patience runs out; the best epoch is the lowest loss up to the stop.")
      for variant in (_global_argmin,  # with the stop at the end, or at the right epoch:
                      lambda v, p: (_global_argmin(v, p)[0], _early_stopping_variant(v, p)[1]))],
    (lambda v, p: (_early_stopping_variant(v, p)[1],) * 2,
     "best_epoch is the epoch with the lowest loss so far, not the epoch where training stopped."),
]


_EARLY_STOPPING_CASES = [
    ("hand-worked: a minimum at epoch 2, patience 2", [0.9, 0.7, 0.5, 0.6, 0.55, 0.58, 0.3, 0.2], 2),
    ("a later, lower minimum after a short plateau (patience 3)",
     [1.0, 0.8, 0.81, 0.82, 0.7, 0.75, 0.76, 0.77, 0.78], 3),
    ("a tie is not an improvement", [0.5, 0.4, 0.4, 0.4, 0.3], 2),
    ("never stops: patience longer than the run", [0.9, 0.8, 0.85, 0.7], 10),
    ("still improving at the last epoch", [0.9, 0.8, 0.7, 0.6], 1),
    ("patience 1: stop at the first epoch without improvement", [0.5, 0.45, 0.46, 0.1], 1),
    ("a nan loss counts as no improvement", [0.6, 0.5, float("nan"), float("nan"), 0.1], 2),
    ("a single epoch", [0.7], 3),
]


@exercise("early_stopping", args=("val_losses", "patience"), chapter=CHAPTER,
          shape_hint="a tuple (best_epoch, stop_epoch) of two integers, counted from 0.")
def _check_early_stopping(t):
    for description, losses, patience in _EARLY_STOPPING_CASES:
        t.case(description, val_losses=np.array(losses), patience=patience)
        out = t.tuple_of(t.call(list(losses), patience), 2,
                         f"early_stopping(val_losses, {patience})", ("best_epoch", "stop_epoch"))
        got = []
        for name, value in zip(("best_epoch", "stop_epoch"), out):
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                t.fail(f"{name} is {value!r}, expected an integer epoch index.",
                       hint="Return epoch indices counted from 0 as Python ints (int(...)), "
                            "not losses and not floats.")
            got.append(int(value))
        expected = train.early_stopping_epoch(losses, patience)
        if tuple(got) == expected:
            continue
        hint = next((hint for mistake, hint in _EARLY_STOPPING_MISTAKES
                     if tuple(mistake(losses, patience)) == tuple(got)),
                    "Walk through the epochs in order, keep the best loss and its epoch, count "
                    "the epochs since the last improvement, and stop when the count reaches "
                    "patience.")
        t.fail("wrong epochs.", hint=hint,
               details=[f"got:      best_epoch {got[0]}, stop_epoch {got[1]}",
                        f"expected: best_epoch {expected[0]}, stop_epoch {expected[1]}"])


# ---------------------------------------------------------------------------------------------
# update_ratio
# ---------------------------------------------------------------------------------------------


@exercise("update_ratio", args=("W_before", "W_after"), chapter=CHAPTER)
def _check_update_ratio(t):
    hand_before = np.array([[3.0, 0.0], [0.0, 4.0]])
    hand_after = np.array([[3.03, 0.0], [0.0, 3.96]])
    cases = [("hand-worked: norm 5, step of norm 0.05", hand_before, hand_after)]
    for i, (shape, size, dtype) in enumerate([((64, 32), 1e-3, np.float64), ((10, 10), 0.5, np.float64),
                                              ((5, 3), 1e-2, np.float32)]):
        r = _rng(80 + i)
        before = r.normal(size=shape).astype(dtype)
        step = (r.normal(size=shape) * size * np.linalg.norm(before) / math.sqrt(before.size)).astype(dtype)
        cases.append((f"a {np.dtype(dtype).name} matrix of shape {shape}", before, before - step))
    for description, before, after in cases:
        t.case(description, W_before=before, W_after=after)
        got = t.call(before.copy(), after.copy())
        b64, a64 = before.astype(np.float64), after.astype(np.float64)
        d = a64 - b64
        expected = optim.update_ratio(b64, a64)
        t.scalar(got, expected, "update_ratio(W_before, W_after)", rtol=1e-4 if before.dtype == np.float32 else 1e-9,
                 variants=[
                     (np.linalg.norm(a64) / np.linalg.norm(b64),
                      "This is the ratio of the two norms, close to 1 for any small step. Take the "
                      "norm of the difference: norm(W_after - W_before) / norm(W_before)."),
                     *[(sign * (np.linalg.norm(a64) - np.linalg.norm(b64)) / np.linalg.norm(b64),
                        "The difference of the norms is not the norm of the difference: a step can "
                        "change the weights without changing their norm. norm(W_after - W_before) / "
                        "norm(W_before).") for sign in (1.0, -1.0)],  # abs() gives one of the two
                     (np.linalg.norm(d) / np.linalg.norm(a64),
                      "Divide by the norm of the weights before the step, W_before."),
                     (np.sum(d ** 2) / np.sum(b64 ** 2),
                      "These are squared norms: take the square root of each sum (np.linalg.norm)."),
                     (np.linalg.norm(b64) / np.linalg.norm(d),
                      "The ratio is upside down: the step's norm over the weights' norm."),
                     (float(np.mean(np.abs(d) / np.abs(np.where(b64 == 0, np.nan, b64)))),
                      "Use whole-matrix norms, not a mean of elementwise ratios (a weight near 0 "
                      "makes its ratio explode)."),
                     (np.abs(d).sum() / np.abs(b64).sum(),
                      "Use the Frobenius (L2) norm, np.linalg.norm, not sums of absolute values."),
                 ])


# ---------------------------------------------------------------------------------------------
# random_search
# ---------------------------------------------------------------------------------------------


class _Evaluate:
    """A stand-in for "train with lr and reg, return the validation accuracy": a smooth bump
    with its best at lr = 1e-2, reg = 1e-4, that records every call."""

    def __init__(self):
        self.calls = []

    @staticmethod
    def score(lr, reg):
        return float(0.9 - 0.05 * (math.log10(lr) + 2) ** 2 - 0.01 * (math.log10(reg) + 4) ** 2)

    def __call__(self, lr, reg):
        self.calls.append((float(lr), float(reg)))
        return self.score(lr, reg)

    def __repr__(self):
        return "evaluate (a function of lr and reg)"


_LR, _REG = (1e-4, 1.0), (1e-6, 1e-1)


def _trials(t, out, n, evaluate, what):
    best, trials = t.tuple_of(out, 2, what, ("best", "trials"))
    if not isinstance(trials, (list, tuple)) or len(trials) != n:
        got = f"{len(trials)} items" if isinstance(trials, (list, tuple)) else type(trials).__name__
        t.fail(f"trials should be a list of {n} (lr, reg, score) tuples, got {got}.",
               hint="Append (lr, reg, score) to a list once per trial and return it.")
    rows = []
    for i, row in enumerate(trials):
        if not isinstance(row, (list, tuple)) or len(row) != 3:
            t.fail(f"trial {i} is {row!r}, expected a tuple (lr, reg, score).",
                   hint="Record each trial as (lr, reg, score).")
        rows.append(tuple(float(v) for v in row))
    if len(evaluate.calls) != n:
        t.fail(f"evaluate was called {len(evaluate.calls)} times for {n} trials.",
               hint="Call evaluate exactly once per trial (training is the expensive part) and "
                    "keep its score: the best trial is chosen from the recorded scores, "
                    "without evaluating it again.")
    for i, ((lr, reg, score), (c_lr, c_reg)) in enumerate(zip(rows, evaluate.calls)):
        if (lr, reg) != (c_lr, c_reg):
            t.fail(f"trial {i} records lr = {lr:.3g}, reg = {reg:.3g}, but evaluate was called with "
                   f"lr = {c_lr:.3g}, reg = {c_reg:.3g}.",
                   hint="Record the values you passed to evaluate, in the order of the calls "
                        "(evaluate(lr, reg): the learning rate first).")
        if score != evaluate.score(lr, reg):
            t.fail(f"trial {i} records score {score:.4g}, but evaluate({lr:.3g}, {reg:.3g}) "
                   "returns another value.", hint="Record the score evaluate returned.")
    if not isinstance(best, (list, tuple)) or len(best) != 3:
        t.fail(f"best is {best!r}, expected the best trial, a tuple (lr, reg, score).",
               hint="Return the trial (lr, reg, score) with the highest score, e.g. "
                    "max(trials, key=lambda trial: trial[2]).")
    best = tuple(float(v) for v in best)
    top = max(rows, key=lambda row: row[2])
    if best != top:
        low = min(rows, key=lambda row: row[2])
        hint = ("best must be the trial with the highest validation score: "
                "max(trials, key=lambda trial: trial[2]).")
        if best == low:
            hint = ("This is the trial with the lowest score. The score is a validation accuracy: "
                    "higher is better (use max, not min).")
        elif best == rows[-1]:
            hint = "This is the last trial, not the best one: keep the trial with the highest score."
        t.fail("best is not the trial with the highest score.",
               details=[f"best returned: {best}", f"highest-scoring trial: {top}"], hint=hint)
    return np.array(rows)


@exercise("random_search", args=("evaluate", "n_trials", "rng", "lr_range=(1e-4, 1.0)",
                                 "reg_range=(1e-6, 1e-1)"), chapter=CHAPTER)
def _check_random_search(t):
    n = 12
    t.case(f"{n} trials", evaluate=_Evaluate(), n_trials=n, rng=_SeedText(0))
    evaluate = _Evaluate()
    rows = _trials(t, t.call(evaluate, n, _rng(0)), n, evaluate, f"random_search(evaluate, {n}, rng)")
    _check_search_ranges(t, rows)

    n = 2000
    t.case(f"the spread of {n} trials", evaluate=_Evaluate(), n_trials=n, rng=_SeedText(1))
    evaluate = _Evaluate()
    rows = _trials(t, t.call(evaluate, n, _rng(1)), n, evaluate, f"random_search(evaluate, {n}, rng)")
    _check_search_ranges(t, rows)
    for column, (low, high), name in ((0, _LR, "lr"), (1, _REG, "reg")):
        values = rows[:, column]
        if np.unique(values).size < n // 2:
            t.fail(f"only {np.unique(values).size} distinct values of {name} in {n} trials.",
                   hint="Random search draws a fresh random value for every trial; a grid "
                        "(np.logspace, itertools.product) tries the same few values again and "
                        "again.")
        _check_log_spread(t, values, low, high, n)
    lr_pos = np.log10(rows[:, 0] / _LR[0]) / math.log10(_LR[1] / _LR[0])
    reg_pos = np.log10(rows[:, 1] / _REG[0]) / math.log10(_REG[1] / _REG[0])
    corr = float(np.corrcoef(lr_pos, reg_pos)[0, 1])
    if abs(corr) > _SIGMAS / math.sqrt(n):
        t.fail(f"lr and reg move together (correlation {corr:.2f} over {n} trials).",
               hint="Draw lr and reg independently, two separate random numbers per trial: with "
                    "one number for both, the search only tries points on a diagonal.")

    t.case("a custom lr_range", evaluate=_Evaluate(), n_trials=50, rng=_SeedText(2),
           lr_range=(1e-3, 1e-2))
    evaluate = _Evaluate()
    rows = _trials(t, t.call(evaluate, 50, _rng(2), lr_range=(1e-3, 1e-2)), 50, evaluate,
                   "random_search(evaluate, 50, rng, lr_range=(1e-3, 1e-2))")
    if rows[:, 0].min() < 1e-3 * (1 - 1e-12) or rows[:, 0].max() > 1e-2 * (1 + 1e-12):
        t.fail("lr left the lr_range that was passed in.",
               hint="Sample from the lr_range and reg_range arguments, not from fixed numbers.")

    _check_uses_rng(t, lambda rng: (_Evaluate(), 20, rng), "random_search",
                    key=lambda out: [tuple(float(v) for v in row) for row in out[1]])
    t.case("lr and reg both come from rng: another seed gives other values of each")
    first, second = (np.array([[float(row[0]), float(row[1])] for row in t.call(_Evaluate(), 20, _rng(seed))[1]])
                     for seed in (7, 8))
    for column, name in ((0, "lr"), (1, "reg")):
        if np.array_equal(first[:, column], second[:, column]):
            t.fail(f"the {name} values are the same for two different seeds: only the other "
                   "hyperparameter is random.",
                   hint=f"Draw {name} from rng as well, log-uniformly in its range, a new value for "
                        "every trial: a fixed list such as np.logspace is a grid, not a random search.")


def _check_search_ranges(t, rows):
    for column, (low, high), name in ((0, _LR, "lr"), (1, _REG, "reg")):
        v = rows[:, column]
        if v.min() < low * (1 - 1e-12) or v.max() > high * (1 + 1e-12):
            t.fail(f"{name} values from {v.min():.3g} to {v.max():.3g}, outside {name}_range = "
                   f"({low:g}, {high:g}).",
                   hint="Sample each value log-uniformly inside its range: 10 ** rng.uniform("
                        "np.log10(low), np.log10(high)) (your log_uniform of 8.1). Is lr paired "
                        "with lr_range and reg with reg_range?")

