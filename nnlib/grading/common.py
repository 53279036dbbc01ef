"""What the checkers of several sheets share: seeded generators, tolerances, the rng contract."""

import numpy as np

#: Statistical checks (initializers, dropout) accept a deviation of this many standard errors:
#: a correct implementation fails with probability far below 1e-12 per check, and every wrong
#: variant in the catalog (tests/grading/) is at least 20 standard errors away.
_SIGMAS = 8.0
_F32 = dict(rtol=1e-4, atol=1e-5)  # tolerances when the inputs are float32


def _rng(seed):
    return np.random.default_rng(seed)


class _SeedText:
    """How a case names its generator in a report (a Generator's repr shows a memory address)."""

    def __init__(self, seed):
        self.seed = seed

    def __repr__(self):
        return f"np.random.default_rng({self.seed})"


def _fmt(x):
    return f"{x:.4g}"


def _same(a, b):
    """True when two outputs (arrays or tuples of arrays) are exactly equal."""
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(u, v) for u, v in zip(a, b))
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))
    except (TypeError, ValueError):
        return False


def _check_uses_rng(t, make_args, what, key=None):
    """The result must depend on rng only: not on np.random's global state, and not be fixed.
    ``key(result)`` picks what is compared, when the result holds more than the random part."""
    def run(rng_seed, global_seed):
        np.random.seed(global_seed)  # the grader's own use; check() restores the global state
        out = t.call(*make_args(_rng(rng_seed)))
        return out if key is None else key(out)

    t.case("randomness comes from rng only")
    a, b, c, d = run(7, 1), run(7, 2), run(7, 1), run(8, 1)
    if not _same(a, c):
        t.fail("two calls with identically seeded generators gave different results.",
               hint=f"Draw every random number in {what} from the rng argument (rng.normal, "
                    "rng.uniform, rng.random, rng.standard_normal). A generator created inside "
                    "the function without a seed differs on every call.")
    if not _same(a, b):
        t.fail("the result changes with NumPy's global random state (np.random.seed) although "
               "rng was the same.",
               hint="Use the rng argument (rng.standard_normal, rng.normal, rng.uniform, "
                    "rng.random) instead of np.random.randn, np.random.rand or np.random.normal: "
                    "the course passes a Generator so that every result is reproducible.")
    if _same(a, d):
        t.fail("generators with different seeds gave the same result: the function ignores rng.",
               hint="Use the rng passed in. A generator created inside the function with a fixed "
                    "seed, np.random.seed(...), or no random draw at all (a grid such as np.linspace "
                    "or np.logspace) makes every call return the same numbers.")


class _Raised:
    """What a call that raised returned instead: the learner's exception, for a case that expects one."""

    def __init__(self, exc):
        self.exc = exc


def _call_expecting_error(t, *args):
    """Call the learner's function; an exception comes back as a _Raised instead of failing."""
    fn = t.fn

    def catching(*a):
        try:
            return fn(*a)
        except Exception as exc:  # the learner's exception is what this case checks
            return _Raised(exc)
    t.fn = catching
    try:
        return t.call(*args)
    finally:
        t.fn = fn


def _expect_value_error(t, out, hint, what="the call", returned="returned normally"):
    """Fail unless ``out`` is a raised ValueError (a _Raised); return the error's message.
    ``returned`` says what the call did instead of raising ("returned parameters")."""
    if not isinstance(out, _Raised):
        t.fail(f"{what} {returned} instead of raising ValueError.", hint=hint)
    if not isinstance(out.exc, ValueError):
        t.fail(f"{what} raised {type(out.exc).__name__} ({out.exc}), expected ValueError.", hint=hint)
    return str(out.exc)
