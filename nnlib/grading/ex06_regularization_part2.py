"""Sheet 6 (chapter 6), second part: the `Dropout` layer as a class with a training and a test
mode. The checker is registered in ex06_regularization.py, the sheet's own module.

The learner's mask is never read from an attribute (its name is theirs to choose): every input
has no zero entry, so ``out / x`` is the mask the forward pass used, and ``backward`` is compared
with ``dout`` times that mask.
"""

import math

import numpy as np

from .common import _SIGMAS, _fmt, _rng

_KEEP_RULE = ("p is the probability of DROPPING a unit: keep where self.rng.random(x.shape) >= p "
              "(True with probability 1 - p).")
_OWN_RNG = ("Keep the generator in __init__, self.rng = np.random.default_rng(rng) (it accepts "
            "a Generator or an int seed), and draw every mask from self.rng in forward.")



def wrong_scale_hint(v, p, rtol, unscaled_hint):
    """The hint for kept units scaled by ``v`` instead of 1/(1-p), when ``v`` is a known mistake
    (``unscaled_hint`` for v = 1); None otherwise. Used by dropout_forward's checker too."""
    named = [(1.0, unscaled_hint),
             (1 / p if p else None, "You scaled by 1/p. p is the drop probability, so the keep "
                                    "probability is 1 - p: scale by 1/(1-p)."),
             (1 - p, "Multiplying by (1 - p) is vanilla dropout's test-time scaling; inverted "
                     "dropout divides the kept units by (1 - p) during training."),
             (p, "Kept units are scaled by 1/(1-p), with p the drop probability.")]
    return next((hint for value, hint in named
                 if value is not None and abs(v - value) < rtol * max(1.0, value)), None)

def _no_zeros(seed, shape, dtype=np.float64):
    """Inputs with no zero entry, |x| in [0.5, 2], both signs: out / x recovers the mask."""
    r = _rng(seed)
    return (r.uniform(0.5, 2.0, size=shape) * r.choice([-1.0, 1.0], size=shape)).astype(dtype)


def _forward(t, layer, x, **kw):
    """forward(x, ...) on a copy of x; an array of the shape of x, returned as float64."""
    mode = kw.get("train", True)
    what = f"forward(x{'' if not kw else ', train=' + str(mode)})"
    out = t.method(layer, "forward", x.copy(), **kw)
    t.is_array(out, what, x.shape)
    if out.shape != x.shape:
        t.fail(f"{what} returned shape {out.shape}, expected the shape of x, {x.shape}.",
               hint="Dropout works elementwise: draw one decision per entry, "
                    "self.rng.random(x.shape), and return x * mask.")
    return out.astype(np.float64)


def _backward(t, layer, dout):
    out = t.method(layer, "backward", dout.copy())
    t.is_array(out, "backward(dout)", dout.shape)
    return out


def _mask_of(t, out, x, p):
    """The mask the forward used (out / x), checked to hold only 0 and 1/(1-p)."""
    m = out / x.astype(np.float64)
    scale = 1 / (1 - p)
    kept = m[m != 0]
    if kept.size == 0:
        t.fail(f"forward(x) returned all zeros (p = {p}): every unit was dropped.",
               hint=_KEEP_RULE)
    values = np.unique(np.round(kept, 6))
    if not np.allclose(kept, scale, rtol=1e-5):
        if values.size == 1:
            v = float(values[0])
            t.fail(f"the kept entries of out are x times {_fmt(v)}, expected x times 1/(1-p) = "
                   f"{_fmt(scale)}.", hint=wrong_scale_hint(
                       v, p, 1e-5, "The kept units must be scaled by 1/(1-p) during training "
                                   "(inverted dropout): out = x * keep / (1 - p). Without it the "
                                   "expected activation shrinks by the factor 1 - p."))
        t.fail(f"out / x holds {values.size} different non-zero values; expected only 0 "
               f"(dropped) and 1/(1-p) = {_fmt(scale)} (kept).",
               hint="Build the mask from one True/False decision per entry: "
                    "(self.rng.random(x.shape) >= p) / (1 - p), and return x * mask.")
    return np.where(m == 0, 0.0, scale)


def _backward_hint(got, dout, mask, previous=None):
    """Name the usual backward mistakes, comparing with dout * mask."""
    got = np.asarray(got, dtype=np.float64)
    if got.shape != dout.shape:
        return None
    if previous is not None and np.allclose(got, dout * previous):
        return ("backward used the mask of an earlier forward call. Store the mask in forward "
                "on every training call (self.mask = mask), so that backward uses the latest "
                "one.")
    if np.allclose(got, dout):
        return ("backward returned dout unchanged. It must multiply by the mask of the latest "
                "training forward: is the mask stored (self.mask = mask) in the training branch "
                "of forward, on every call?")
    if np.allclose(got, dout * (mask != 0)):
        return ("Multiply by the mask including its 1/(1-p) scaling: the forward pass scaled "
                "the kept units, so their gradient is scaled the same way, dout * self.mask.")
    if np.any((got == 0) != (mask == 0)) and np.mean(got == 0) > 0.05:
        return ("backward zeroed other entries than the forward pass dropped: it must reuse the "
                "mask stored by forward (dout * self.mask), not draw a new one.")
    return None


def _check_backward(t, got, dout, mask, p, previous=None):
    """backward(dout) must be dout * mask, the mask of the latest training forward."""
    expected = dout * mask
    if got.shape == dout.shape and not np.allclose(got, expected, rtol=1e-6, atol=1e-12):
        hint = _backward_hint(got, dout, mask, previous)
        if hint:
            t.fail("backward(dout) is not dout times the mask of the latest forward.", hint=hint)
    t.array(got, expected, "backward(dout)",
            scales={1 / (1 - p): "The mask already holds the 1/(1-p) scaling: backward is "
                                 "dout * mask, with no extra factor."})


def _check_uses_own_rng(t):
    x = _no_zeros(80, (20, 30))
    t.case("randomness comes from the layer's rng only (int seeds 7 and 8, p = 0.5)", p=0.5)

    def run(seed, global_seed):
        layer = t.call(0.5, seed)
        np.random.seed(global_seed)  # after building: the grader's own use; check() restores it
        return _forward(t, layer, x)

    a, b, c, d = run(7, 1), run(7, 2), run(7, 1), run(8, 1)
    if not np.array_equal(a, c):
        t.fail("two layers built with the same seed gave different outputs.",
               hint="Draw the mask from the layer's own generator. A generator created without "
                    "a seed (np.random.default_rng()) differs on every run. " + _OWN_RNG)
    if not np.array_equal(a, b):
        t.fail("the output changes with NumPy's global random state (np.random.seed) although "
               "the layer's seed was the same.",
               hint="Use the layer's generator, self.rng.random(x.shape), instead of "
                    "np.random.rand or np.random.random. " + _OWN_RNG)
    if np.array_equal(a, d):
        t.fail("layers built with different seeds gave the same output: the layer ignores rng.",
               hint="A generator created with a fixed seed, or np.random.seed(...), makes every "
                    "layer draw the same masks. " + _OWN_RNG)
    t.case("a Generator as rng: default_rng(7) twice, and default_rng(8)", p=0.5)
    a, c, d = run(_rng(7), 1), run(_rng(7), 2), run(_rng(8), 1)
    if not np.array_equal(a, c):
        t.fail("two layers built with equally seeded Generators gave different outputs.",
               hint="Draw the mask from the Generator you were given, not from np.random. " + _OWN_RNG)
    if np.array_equal(a, d):
        t.fail("layers built with different Generators gave the same output: a Generator passed "
               "as rng is ignored.",
               hint="rng may be an int seed or a Generator: self.rng = np.random.default_rng(rng) "
                    "handles both (a Generator comes back unchanged). " + _OWN_RNG)


def check_dropout_layer(t):
    x = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
    dout = np.array([[0.1, 0.2, -0.3], [1.0, -1.0, 2.0]])
    t.case("hand-worked: p = 0 keeps everything, forward(x) returns x", x=x, p=0.0)
    layer = t.call(0.0, _rng(50))
    out = t.method(layer, "forward", x.copy())
    t.is_array(out, "forward(x)", x.shape)
    if out.shape == x.shape and not np.all(np.isfinite(out)):
        t.fail("with p = 0 forward(x) contains inf or NaN.",
               hint="Did you divide by p? Kept units are scaled by 1/(1-p), which is 1 for p = 0.")
    if out.shape == x.shape and np.all(out == 0):
        t.fail("with p = 0 every unit was dropped.", hint=_KEEP_RULE)
    t.array(out, x, "forward(x)")
    p0 = (layer, x, dout)

    p = 0.5
    x = _no_zeros(81, (20, 30))
    t.case("test mode: forward(x, train=False) returns x as it is (p = 0.5)", x=x, p=p)
    out = _forward(t, t.call(p, _rng(51)), x, train=False)
    if np.any(out == 0):
        t.fail(f"forward(x, train=False) set {int(np.sum(out == 0))} of the {x.size} entries "
               "to 0.", hint="Drop units only when train is True; in test mode every unit is "
                             "kept and forward returns x.")
    t.array(out, x, "forward(x, train=False)", variants=[
        (x * (1 - p), "Multiplying by (1 - p) at test time is vanilla dropout. With inverted "
                      "dropout the training pass already divided by (1 - p), so test mode "
                      "returns x unchanged."),
        (x / (1 - p), "No scaling at test time: inverted dropout scales the kept units during "
                      "training only, so forward(x, train=False) returns x.")])

    _check_uses_own_rng(t)

    t.case("test mode draws no random numbers: the next training mask is unchanged", p=p)
    quiet = t.call(p, 12)
    _forward(t, quiet, x, train=False)
    after_test = _forward(t, quiet, x)
    fresh = _forward(t, t.call(p, 12), x)
    if not np.array_equal(after_test, fresh):
        t.fail("a training forward after a test-mode forward drew a different mask than the "
               "first training forward of a layer with the same seed: the test-mode call used "
               "the random generator.",
               hint="In test mode return x before drawing anything: draw the mask only in the "
                    "training branch (if train: ...).")

    x = _no_zeros(82, (30, 40))
    dout = _rng(83).normal(size=x.shape)
    t.case("a test-mode forward, then two training forwards, then backward: backward uses the "
           "mask of the latest forward", x=x, p=p)
    layer = t.call(p, 84)  # an int seed: a generator rebuilt from it in forward repeats itself
    _forward(t, layer, x, train=False)
    m1 = _mask_of(t, _forward(t, layer, x), x, p)
    m2 = _mask_of(t, _forward(t, layer, x, train=True), x, p)
    if np.array_equal(m1, m2):
        t.fail("two training forwards of the same layer dropped exactly the same units.",
               hint="Every forward call must draw a new mask. A generator created inside "
                    "forward from a fixed seed (np.random.default_rng(seed)) restarts on every "
                    "call and repeats its mask. " + _OWN_RNG)
    _check_backward(t, _backward(t, layer, dout), dout, m2, p, previous=m1)

    layer, x, dout = p0
    t.case("hand-worked: p = 0, backward(dout) after forward(x) returns dout", dout=dout, p=0.0)
    t.method(layer, "forward", x.copy())
    _check_backward(t, _backward(t, layer, dout), dout, np.ones_like(x), 0.0)

    for p, shape, seed in [(0.3, (400, 250), 85), (0.75, (200, 200), 86)]:
        x = _no_zeros(seed, shape)
        t.case(f"statistics with p = {p} on a {shape} batch", x=x, p=p)
        layer = t.call(p, _rng(seed + 100))
        mask = _mask_of(t, _forward(t, layer, x), x, p)
        dropped_at = mask == 0
        if np.all(dropped_at == dropped_at[0]):
            t.fail("every sample (row) got the same mask.",
                   hint="Draw the mask with the full shape of x, self.rng.random(x.shape), not "
                        "one row that is repeated for every sample.")
        if np.all(dropped_at == dropped_at[:, :1]):
            t.fail("within each sample, all units were kept or all dropped together.",
                   hint="Draw one decision per entry, self.rng.random(x.shape), not one per "
                        "sample.")
        n = mask.size
        dropped = float(np.mean(dropped_at))
        tol = _SIGMAS * math.sqrt(p * (1 - p) / n)
        if abs(dropped - p) > tol:
            hint = ("The fraction dropped is about 1 - p: keep and drop are swapped. " + _KEEP_RULE
                    if abs(dropped - (1 - p)) <= tol else None)
            t.fail(f"{dropped:.1%} of the units were dropped, expected p = {p:.0%} "
                   f"(tolerance +-{tol:.1%}).", hint=hint)
        mean_mask = float(mask.mean())  # out / x averages to 1: the expected activation is kept
        tol = _SIGMAS * math.sqrt(p / (1 - p) / n)
        if abs(mean_mask - 1) > tol:
            t.fail(f"out / x averages {mean_mask:.4f}, expected 1 (tolerance +-{tol:.4f}): the "
                   "expected activation is not preserved.", hint=_KEEP_RULE)
        dout = _rng(seed + 200).normal(size=shape)
        _check_backward(t, _backward(t, layer, dout), dout, mask, p)

    # Dropping exactly round(p * N * D) units passes every statistic above; only the spread of
    # the count over calls shows it. For a correct layer, ten equal counts out of 2000 units at
    # p = 0.5 have probability < 1e-15.
    x = _no_zeros(87, (40, 50))
    t.case("the number of dropped units varies between calls (10 forwards, p = 0.5)", x=x, p=0.5)
    layer = t.call(0.5, _rng(88))
    counts = {int(np.sum(_forward(t, layer, x) == 0)) for _ in range(10)}
    if len(counts) == 1:
        t.fail(f"each of the 10 forwards dropped exactly {counts.pop()} of the {x.size} units.",
               hint="Drop every unit independently with probability p, "
                    "self.rng.random(x.shape) >= p; then the number dropped varies from call to "
                    "call. Choosing exactly p * N * D units to drop makes the units depend on "
                    "each other.")

    p = 0.2
    x = _no_zeros(89, (1, 6), np.float32)
    dout = _rng(90).normal(size=(1, 6)).astype(np.float32)
    t.case("float32 input, a batch of one: out and the gradient stay float32", x=x, p=p)
    layer = t.call(p, _rng(91))
    out = t.method(layer, "forward", x.copy())
    t.is_array(out, "forward(x)", x.shape)
    got = _backward(t, layer, dout)
    for arr, what in ((out, "forward(x)"), (got, "backward(dout)")):
        if arr.dtype != np.float32:
            t.fail(f"{what} has dtype {arr.dtype} for float32 inputs.",
                   hint="Keep the dtype of x: build the mask as keep.astype(x.dtype) / (1 - p). "
                        "A True/False array divided by a number is float64, and float32 times "
                        "float64 is float64.")
    mask = _mask_of(t, out.astype(np.float64), x, p)
    t.array(out, x.astype(np.float64) * mask, "forward(x)", rtol=1e-5, atol=1e-6)
    t.array(got, dout.astype(np.float64) * mask, "backward(dout)", rtol=1e-5, atol=1e-6)
