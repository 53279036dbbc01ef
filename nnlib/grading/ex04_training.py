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


# ---------------------------------------------------------------------------------------------
# minibatch_indices
# ---------------------------------------------------------------------------------------------


class _SeedText:
    """How a case names its generator in a report (a Generator's repr shows a memory address)."""

    def __init__(self, seed):
        self.seed = seed

    def __repr__(self):
        return f"np.random.default_rng({self.seed})"


def _batches(t, out, n, batch_size):
    """The learner's batches as a list of 1-D integer arrays; fails on anything else."""
    what = f"minibatch_indices({n}, {batch_size}, rng)"
    if out is None:
        t.fail(f"{what} returned None.", hint="Build the list of batches and `return` it.")
    if isinstance(out, np.ndarray) and out.ndim == 1 and out.size == n:
        t.fail(f"{what} returned one array of {n} indices, not a list of batches.",
               hint="Cut the shuffled order into pieces of batch_size: "
                    "[order[i:i + batch_size] for i in range(0, n, batch_size)].")
    if not isinstance(out, (list, tuple)):
        t.fail(f"{what} returned a {type(out).__name__}, expected a list of index arrays.",
               hint="Return a list (a generator function with `yield` or `map(...)` gives an "
                    "iterator: wrap it in list(...)).")
    batches = []
    for i, b in enumerate(out):
        a = np.asarray(b)
        if a.ndim != 1 or not np.issubdtype(a.dtype, np.integer):
            t.fail(f"batch {i} is {_describe_batch(a)}, expected a 1-D array of integer indices.",
                   hint="Each batch is a slice of the shuffled index array, e.g. order[i:i + "
                        "batch_size], not the data itself and not a float array.")
        batches.append(a)
    return batches


def _describe_batch(a):
    return f"an array of shape {a.shape} and dtype {a.dtype}"


def _check_batches(t, batches, n, batch_size):
    """Coverage and batch sizes; returns the concatenated order."""
    sizes = [len(b) for b in batches]
    order = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
    expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    counts = np.bincount(order[(order >= 0) & (order < n)], minlength=n) if order.size else \
        np.zeros(n, dtype=int)
    details = [f"batch sizes: {sizes[:12]}{' ...' if len(sizes) > 12 else ''}",
               f"expected sizes: {expected_sizes[:12]}{' ...' if len(expected_sizes) > 12 else ''}"]
    if np.any((order < 0) | (order >= n)):
        t.fail(f"some indices are outside 0 ... {n - 1}.", details=details,
               hint="Shuffle the indices 0 ... n-1: rng.permutation(n).")
    if order.size == n and np.any(counts != 1):
        t.fail(f"some samples appear twice and others never ({int(np.sum(counts == 0))} of {n} "
               "samples are missing).", details=details,
               hint="Drawing indices with replacement (rng.integers, rng.choice(n, n)) repeats "
                    "some samples and skips others. An epoch visits every sample exactly once: "
                    "shuffle them, rng.permutation(n), and cut that order into batches.")
    if np.any(counts > 1):
        t.fail("some samples appear in more than one batch.", details=details,
               hint="The batches overlap: slice order[i:i + batch_size] with i stepping by "
                    "batch_size, range(0, n, batch_size).")
    if batch_size > 1 and n > batch_size and not np.array_equal(order, np.arange(n)) and all(
            len(b) and b[0] % batch_size == 0 and np.array_equal(np.sort(b), b[0] + np.arange(len(b)))
            for b in batches):
        t.fail("each batch is a block of consecutive samples; only the order of the blocks was "
               "shuffled.", details=details,
               hint="Shuffle the samples, not the batches: cut rng.permutation(n) into pieces, "
                    "so that every batch is a fresh mix of samples.")
    if sizes == expected_sizes:
        return order
    if sizes == expected_sizes[:-1] and n % batch_size:
        t.fail(f"the last, shorter batch ({n % batch_size} samples) is missing: "
               f"{n - order.size} samples are never visited.", details=details,
               hint="Keep the last batch even when it is shorter than batch_size: "
                    "range(0, n, batch_size), not range(0, n - batch_size + 1, batch_size) or "
                    "n // batch_size batches.")
    if order.size < n:
        t.fail(f"only {order.size} of {n} samples are in a batch.", details=details,
               hint="Off by one in the slicing? Batch k is order[k * batch_size:(k + 1) * "
                    "batch_size] (Python slices exclude their end), for start in "
                    "range(0, n, batch_size).")
    t.fail("the batches have the wrong sizes.", details=details,
           hint="Every batch has batch_size samples, only the last one may be shorter "
                "(np.array_split makes near-equal parts instead): "
                "[order[i:i + batch_size] for i in range(0, n, batch_size)].")


@exercise("minibatch_indices", args=("n", "batch_size", "rng"), chapter="04_training",
          shape_hint="a list of 1-D integer arrays, batch_size long each except the last.")
def _check_minibatch_indices(t):
    # Hand-worked sizes, then shuffling, then where the randomness comes from, then edge cases.
    for n, batch_size, seed in [(10, 4, 0), (12, 3, 1), (7, 10, 2), (5, 1, 3), (8, 8, 4),
                                (100, 32, 5)]:
        t.case(f"n = {n}, batch_size = {batch_size}", n=n, batch_size=batch_size,
               rng=_SeedText(seed))
        batches = _batches(t, t.call(n, batch_size, _rng(seed)), n, batch_size)
        _check_batches(t, batches, n, batch_size)

    n, batch_size = 40, 8
    t.case("the order is shuffled", n=n, batch_size=batch_size, rng=_SeedText(6))
    order = _check_batches(t, _batches(t, t.call(n, batch_size, _rng(6)), n, batch_size), n,
                           batch_size)
    if np.array_equal(order, np.arange(n)):
        t.fail("the batches visit the samples in their stored order 0, 1, 2, ...",
               hint="Shuffle first: order = rng.permutation(n); the same fixed order every "
                    "epoch lets the network learn the sequence of the data set.")
    def run(rng_seed, global_seed):
        np.random.seed(global_seed)  # the grader's own use; check() restores the global state
        return [b.tolist() for b in _batches(t, t.call(n, batch_size, _rng(rng_seed)), n,
                                             batch_size)]

    t.case("the order comes from rng only", n=n, batch_size=batch_size, rng=_SeedText(7))
    a, b, c, d = run(7, 1), run(7, 2), run(7, 1), run(8, 1)
    if a != c:
        t.fail("two calls with identically seeded generators gave different orders.",
               hint="Shuffle with the rng argument, rng.permutation(n). A generator created "
                    "inside the function without a seed differs on every call.")
    if a != b:
        t.fail("the order changes with NumPy's global random state (np.random.seed) although "
               "rng was the same.",
               hint="Use rng.permutation(n), not np.random.permutation(n) or "
                    "np.random.shuffle: the course passes a Generator so that every run can "
                    "be repeated exactly.")
    if a == d:
        t.fail("generators with different seeds gave the same order: the function ignores rng.",
               hint="Use the rng passed in, rng.permutation(n). A generator created inside the "
                    "function with a fixed seed makes every epoch visit the samples in the same "
                    "order.")
    t.case("two epochs from one generator", n=n, batch_size=batch_size, rng=_SeedText(9))
    rng = _rng(9)
    first, second = (np.concatenate(_batches(t, t.call(n, batch_size, rng), n, batch_size))
                     for _ in range(2))
    if np.array_equal(first, second):
        t.fail("two consecutive epochs drawn from the same generator came out in the same order.",
               hint="Draw the order from rng itself, rng.permutation(n): creating a new "
                    "generator from a fixed seed inside the function repeats the order every "
                    "epoch.")


# ---------------------------------------------------------------------------------------------
# momentum_step (in place on param and velocity)
# ---------------------------------------------------------------------------------------------


def _momentum_reference(param, grad, velocity, lr, mu):
    """The momentum rule of nnlib.optim.SGD (v = mu v - lr g; param += v) on float64 copies:
    returns (new param, new velocity). With mu = 0 nnlib keeps no velocity; the sheet's rule
    then stores v = -lr g, which this reference does too."""
    if mu == 0:
        v = -lr * grad.astype(np.float64)
        return param.astype(np.float64) + v, v
    p, v = param.astype(np.float64), velocity.astype(np.float64)
    opt = optim.SGD(lr=lr, momentum=mu)
    opt.velocity = [v]
    opt.step([p], [grad.astype(np.float64)])
    return p, v


def _momentum_once(t, param, grad, velocity, lr, mu):
    """One call on the caller's arrays param and velocity (changed in place); checks both."""
    p0, v0, g = param.copy(), velocity.copy(), grad.copy()
    expected_p, expected_v = _momentum_reference(p0, g, v0, lr, mu)
    out = t.call(param, grad.copy(), velocity, lr, mu)
    tol = dict(rtol=1e-4, atol=1e-6) if param.dtype != np.float64 else dict(rtol=1e-7, atol=1e-10)
    p_ok = np.allclose(param, expected_p, **tol)
    p_same, v_same = np.array_equal(param, p0), np.array_equal(velocity, v0)
    if p_same:
        returned = isinstance(out, np.ndarray) and out.shape == p0.shape and \
            np.allclose(out, expected_p, **tol)
        t.fail("param was not changed in place." + (" The returned array holds the new values, "
                                                    "but the caller's param did not change."
                                                    if returned else ""),
               hint="momentum_step works on the caller's arrays: `param += velocity` (or "
                    "param[:] = ...). `param = param + velocity` only rebinds the local name; "
                    "a training loop holding param never sees the step.")
    if v_same and not np.allclose(v0, expected_v, **tol):
        t.fail("velocity was not changed in place" + (", although param moved correctly."
                                                      if p_ok else "."),
               hint="`velocity = mu * velocity - lr * grad` makes a new local array: the caller's "
                    "velocity stays as it was and the next step starts from the old one, so "
                    "there is no momentum. Update it in place: `velocity *= mu; velocity -= lr "
                    "* grad` (or velocity[:] = mu * velocity - lr * grad).")
    t.array(param, expected_p, "param after the step", variants=[
        (lambda: p0 + mu * v0 + lr * g, "Wrong sign: the velocity collects -lr * grad, "
                                        "v = mu * v - lr * grad, then param += v."),
        (lambda: p0 - mu * v0 - lr * g, "Wrong sign: the velocity collects -lr * grad, "
                                        "v = mu * v - lr * grad, then param += v (not -=)."),
        (lambda: p0 + v0, "param moved by the old velocity: update velocity first, then add the "
                          "new one, param += velocity."),
        (lambda: p0 + lr * v0 - mu * g, "mu and lr are swapped: v = mu * v - lr * grad (mu, the "
                                        "momentum, multiplies the old velocity; lr the gradient)."),
        (lambda: p0 - lr * g, "param moved by a plain SGD step: the momentum term mu * velocity "
                              "is missing (v = mu * v - lr * grad; param += v)."),
        (lambda: p0 + 2 * (mu * v0 - lr * g), "The step was applied twice."),
    ])
    t.array(velocity, expected_v, "velocity after the step", variants=[
        (lambda: mu * v0 + lr * g, "param is right, but velocity has the opposite sign: the "
                                   "sheet's velocity is v = mu * v - lr * grad with param += v "
                                   "(not v = mu * v + lr * grad with param -= v)."),
        (lambda: lr * v0 - mu * g, "mu and lr are swapped: v = mu * v - lr * grad."),
        (lambda: -lr * g, "The old velocity is missing: v = mu * v - lr * grad."),
    ])
    if out is not None and not (isinstance(out, np.ndarray) and out.shape == p0.shape
                                and np.allclose(out, expected_p, **tol)):
        t.fail(f"momentum_step returned {type(out).__name__} "
               f"{'of shape ' + str(np.shape(out)) if isinstance(out, np.ndarray) else ''}; "
               "expected None (or param).",
               hint="The step happens in place on param and velocity; return nothing, or "
                    "return param.")


@exercise("momentum_step", args=("param", "grad", "velocity", "lr", "mu"), chapter="04_training",
          mutable=("param", "velocity"))
def _check_momentum_step(t):
    # Hand-worked: v = 0.9 * [0.1, 0] - 0.1 * [0.5, -1] = [0.04, 0.1]; param + v = [1.04, 2.1].
    param, grad, velocity = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.1, 0.0])
    t.case("hand-worked values", param=param.copy(), grad=grad, velocity=velocity.copy(), lr=0.1,
           mu=0.9)
    hand = _momentum_reference(param, grad, velocity, 0.1, 0.9)
    assert np.allclose(hand[0], [1.04, 2.1]) and np.allclose(hand[1], [0.04, 0.1])
    _momentum_once(t, param, grad, velocity, 0.1, 0.9)
    for i, (case, shape, dtype, lr, mu) in enumerate([
            ("a (3, 4) weight matrix", (3, 4), np.float64, 0.05, 0.9),
            ("a (5,) bias, mu = 0.5", (5,), np.float64, 0.2, 0.5),
            ("mu = 0 is plain SGD", (2, 3), np.float64, 0.1, 0.0),
            ("float32 parameters", (4, 2), np.float32, 0.01, 0.99)]):
        r = _rng(40 + i)
        param, grad, velocity = (r.normal(size=shape).astype(dtype) for _ in range(3))
        t.case(case, param=param.copy(), grad=grad, velocity=velocity.copy(), lr=lr, mu=mu)
        _momentum_once(t, param, grad, velocity, lr, mu)
    # The velocity is carried from step to step by the caller's array.
    r = _rng(45)
    param, velocity = r.normal(size=(3, 3)), np.zeros((3, 3))
    for step in range(1, 4):
        grad = r.normal(size=(3, 3))
        t.case(f"three steps on the same arrays, velocity starting at 0: step {step}",
               param=param.copy(), grad=grad, velocity=velocity.copy(), lr=0.1, mu=0.9)
        _momentum_once(t, param, grad, velocity, 0.1, 0.9)
