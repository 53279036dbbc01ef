"""Sheet 4 (chapter 4): mini-batches and the update steps (SGD, momentum, Adam in the textbook
form of Kingma & Ba, Algorithm 1; its reference is _adam_reference below)."""

import math

import numpy as np

from .. import optim
from .common import _rng, _SeedText
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
    # Blocks of consecutive samples in shuffled order: only looked at where a shuffled order
    # makes such blocks with a probability below 1e-15 (k! prod(b_i!) / n! for k batches).
    log_chance = (math.lgamma(len(batches) + 1) + sum(math.lgamma(len(b) + 1) for b in batches)
                  - math.lgamma(n + 1))
    if log_chance < math.log(1e-15) and not np.array_equal(order, np.arange(n)) and all(
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
    # The first case is large enough for the check of shuffled blocks (see _check_batches).
    for n, batch_size, seed in [(40, 8, 10), (10, 4, 0), (12, 3, 1), (7, 10, 2), (5, 1, 3),
                                (8, 8, 4), (100, 32, 5)]:
        t.case(f"n = {n} with batch_size = {batch_size}", n=n, batch_size=batch_size,
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


# ---------------------------------------------------------------------------------------------
# adam_step (in place on param, m and v; the textbook form)
# ---------------------------------------------------------------------------------------------


def _adam_reference(param, grad, m, v, t, lr, beta1, beta2, eps):
    """Adam as in Kingma & Ba (2015), Algorithm 1, on float64 copies; returns (param, m, v).

    eps is added to sqrt(v_hat), the bias-corrected second moment. nnlib.optim.Adam folds the
    bias correction into the step size instead (section 2 of the paper): its step is
    lr * m_hat / (sqrt(v_hat) + eps / sqrt(1 - beta2**t)), the same up to eps; the sheet (and this
    reference) use Algorithm 1, so a large eps tells the two apart.
    """
    g = grad.astype(np.float64)
    m = beta1 * m.astype(np.float64) + (1 - beta1) * g
    v = beta2 * v.astype(np.float64) + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return param.astype(np.float64) - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_once(t, param, grad, m, v, step, lr, beta1, beta2, eps, defaults=False):
    p0, m0, v0, g = param.copy(), m.copy(), v.copy(), grad.copy()
    exp_p, exp_m, exp_v = _adam_reference(p0, g, m0, v0, step, lr, beta1, beta2, eps)
    if defaults:
        out = t.call(param, grad.copy(), m, v, step)
    else:
        out = t.call(param, grad.copy(), m, v, step, lr, beta1, beta2, eps)
    b1, b2 = beta1, beta2
    for name, arr, before, expected in (("param", param, p0, exp_p), ("m", m, m0, exp_m),
                                        ("v", v, v0, exp_v)):
        if np.array_equal(arr, before) and not np.allclose(before, expected):
            t.fail(f"{name} was not changed in place.",
                   hint=f"adam_step works on the caller's arrays: `{name} = ...` only rebinds "
                        f"the local name and the caller's {name} never changes. Update it in "
                        f"place (`{name} *= ...; {name} += ...`, `{name} -= ...` or "
                        f"{name}[:] = ...).")
    t.array(m, exp_m, "m after the step", variants=[
        (lambda: b2 * m0 + (1 - b2) * g, "beta1 and beta2 are swapped: m uses beta1 (0.9), "
                                         "m = beta1 * m + (1 - beta1) * grad."),
        (lambda: (b1 * m0 + (1 - b1) * g) / (1 - b1 ** step),
         "m holds the bias-corrected value: keep m uncorrected for the next step and compute "
         "m_hat = m / (1 - beta1**t) in a separate variable."),
        (lambda: b1 * m0 + g, "The new gradient's share is (1 - beta1) * grad."),
    ])
    t.array(v, exp_v, "v after the step", variants=[
        (lambda: b2 * v0 + (1 - b2) * g, "v averages the squared gradient: "
                                         "v = beta2 * v + (1 - beta2) * grad**2, not grad."),
        (lambda: b1 * v0 + (1 - b1) * g * g, "beta1 and beta2 are swapped: v uses beta2 (0.999), "
                                             "v = beta2 * v + (1 - beta2) * grad**2."),
        (lambda: (b2 * v0 + (1 - b2) * g * g) / (1 - b2 ** step),
         "v holds the bias-corrected value: keep v uncorrected for the next step and compute "
         "v_hat = v / (1 - beta2**t) in a separate variable."),
    ])
    m1, v1 = exp_m, exp_v
    t.array(param, exp_p, "param after the step", finite_hint=(
        "A NaN or inf in the step: t starts at 1, so 1 - beta1**t is never zero; using t - 1 "
        "(as if t started at 0) divides by zero at the first step."), variants=[
        (lambda: p0 - lr * m1 / (np.sqrt(v1) + eps),
         "The bias correction is missing: divide by 1 - beta**t, m_hat = m / (1 - beta1**t) and "
         "v_hat = v / (1 - beta2**t), then step by lr * m_hat / (sqrt(v_hat) + eps)."),
        (lambda: p0 - lr * (m1 / (1 - b1 ** step)) / np.sqrt(v1 / (1 - b2 ** step) + eps),
         "eps belongs outside the square root: sqrt(v_hat) + eps, not sqrt(v_hat + eps)."),
        (lambda: p0 - lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step) * m1 / (np.sqrt(v1) + eps),
         "This is Adam with the bias correction folded into the step size (as nnlib.optim.Adam "
         "does), which adds eps to the uncorrected sqrt(v). The sheet uses the textbook form "
         "(Kingma & Ba, Algorithm 1): m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t), "
         "param -= lr * m_hat / (sqrt(v_hat) + eps)."),
        (lambda: p0 - lr * (m1 / (1 - b1 ** (step + 1))) / (np.sqrt(v1 / (1 - b2 ** (step + 1)))
                                                            + eps),
         "The bias correction uses t + 1: t starts at 1 and is passed in, use beta**t as it "
         "comes (do not add one as if it started at 0)."),
        (lambda: p0 - lr * (m1 / (1 - b1 ** step)) / (np.sqrt(v1) + eps),
         "Only m is bias-corrected: v needs it too, v_hat = v / (1 - beta2**t)."),
        (lambda: p0 - lr * m1 / (np.sqrt(v1 / (1 - b2 ** step)) + eps),
         "Only v is bias-corrected: m needs it too, m_hat = m / (1 - beta1**t)."),
        (lambda: p0 + lr * (m1 / (1 - b1 ** step)) / (np.sqrt(v1 / (1 - b2 ** step)) + eps),
         "Wrong sign: Adam descends, param -= lr * m_hat / (sqrt(v_hat) + eps)."),
    ])
    if out is not None and not (isinstance(out, np.ndarray) and out.shape == p0.shape
                                and np.allclose(out, exp_p, rtol=1e-4, atol=1e-7)):
        t.fail(f"adam_step returned a {type(out).__name__}; expected None (or param).",
               hint="The step happens in place on param, m and v; return nothing, or return "
                    "param.")


@exercise("adam_step", args=("param", "grad", "m", "v", "t", "lr=1e-3", "beta1=0.9",
                             "beta2=0.999", "eps=1e-8"), chapter="04_training",
          mutable=("param", "m", "v"))
def _check_adam_step(t):
    # Hand-worked first step from m = v = 0: m_hat = grad and v_hat = grad**2, so the step is
    # lr * sign(grad) (up to eps): param [1, -2] -> [0.9, -1.9] with lr = 0.1.
    param, grad = np.array([1.0, -2.0]), np.array([0.5, -1.0])
    m, v = np.zeros(2), np.zeros(2)
    t.case("hand-worked first step, t = 1", param=param.copy(), grad=grad, m=m.copy(),
           v=v.copy(), t=1, lr=0.1)
    assert np.allclose(_adam_reference(param, grad, m, v, 1, 0.1, 0.9, 0.999, 1e-8)[0],
                       [0.9, -1.9])
    _adam_once(t, param, grad, m, v, 1, 0.1, 0.9, 0.999, 1e-8)
    cases = [("a (3, 4) weight matrix at t = 5", (3, 4), np.float64, 5, 1e-2, 0.9, 0.999, 1e-8,
              1.0),
             ("small gradients and a large eps = 1e-3, t = 3", (6,), np.float64, 3, 1e-2, 0.9,
              0.999, 1e-3, 0.01),
             ("beta1 = 0.8, beta2 = 0.99, t = 2", (2, 3), np.float64, 2, 0.05, 0.8, 0.99, 1e-8,
              1.0),
             ("float32 parameters, t = 10", (4, 2), np.float32, 10, 1e-3, 0.9, 0.999, 1e-8, 1.0)]
    for i, (case, shape, dtype, step, lr, beta1, beta2, eps, scale) in enumerate(cases):
        r = _rng(60 + i)
        param = r.normal(size=shape).astype(dtype)
        grad = (scale * r.normal(size=shape)).astype(dtype)
        m = (0.5 * scale * r.normal(size=shape)).astype(dtype)
        v = (scale ** 2 * r.uniform(0.5, 2.0, size=shape)).astype(dtype)
        t.case(case, param=param.copy(), grad=grad, m=m.copy(), v=v.copy(), t=step, lr=lr,
               beta1=beta1, beta2=beta2, eps=eps)
        _adam_once(t, param, grad, m, v, step, lr, beta1, beta2, eps)
    r = _rng(65)
    param = r.normal(size=(2, 2))
    t.case("the defaults: adam_step(param, grad, m, v, t) with lr = 1e-3, beta1 = 0.9, "
           "beta2 = 0.999, eps = 1e-8, t = 4", param=param.copy())
    _adam_once(t, param, r.normal(size=(2, 2)), 0.1 * r.normal(size=(2, 2)),
               r.uniform(0.5, 1.0, size=(2, 2)), 4, 1e-3, 0.9, 0.999, 1e-8, defaults=True)
    # m and v are carried from step to step by the caller's arrays; t counts 1, 2, 3.
    param, m, v = r.normal(size=(3,)), np.zeros(3), np.zeros(3)
    for step in range(1, 4):
        grad = r.normal(size=(3,))
        t.case(f"three steps on the same arrays from m = v = 0: t = {step}", param=param.copy(),
               grad=grad, m=m.copy(), v=v.copy(), t=step, lr=0.01)
        _adam_once(t, param, grad, m, v, step, 0.01, 0.9, 0.999, 1e-8)
from . import ex04_training_part2  # noqa: E402,F401  (its exercise follows this sheet's)
