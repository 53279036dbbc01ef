"""The catalog of learner implementations (tests/grading/catalog_<sheet>.py): every valid one
passes, every mistake is rejected with a report naming it; statistical checks never flake; no
report shows nnlib's reference code.

``python tests/test_grading_catalog.py`` prints a table of every verdict; ``--flaky`` adds a run
of each statistical check on 200 random streams (pytest runs 10).
"""

import inspect
import re

import numpy as np
import pytest

from grading import catalog_ex04_training as ex04
from grading import catalog_ex05_init as ex05
from grading import catalog_ex06_regularization as ex06
from grading import catalog_ex06_regularization_part2 as ex06b
from grading import catalog_ex08_tuning as ex08
from grading import catalog_ex09_capstone as ex09
from grading import catalog_layers as layers
from grading.cases import all_cases
from nnlib import functional as F
from nnlib import gradcheck, init, losses, nets, optim, regularization
from nnlib.grading import check, exercise_ids

CASES = all_cases()


def _verdict_problem(exercise, fn, ok, hint):
    """None when ``check`` judges the case as the catalog says; otherwise what went wrong."""
    result = check(exercise, fn)
    report = str(result)
    if ok:
        return None if result.passed else f"valid {fn.__name__} was rejected:\n{report}"
    if result.passed or result.status not in ("failed", "error"):
        return f"mistake {fn.__name__} was accepted ({result.status})"
    if "BEGIN SOLUTION" in report:
        return "the report shows solution code"
    for pattern in (hint,) if isinstance(hint, str) else hint or ():
        if not re.search(pattern, report, re.I | re.S):
            return f"{fn.__name__}: the report should match {pattern!r}:\n{report}"
    return None


@pytest.mark.parametrize("exercise, fn, ok, hint", CASES,
                         ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_catalog_verdict(exercise, fn, ok, hint):
    problem = _verdict_problem(exercise, fn, ok, hint)
    assert problem is None, problem


def test_every_exercise_has_enough_cases_and_unique_names():
    assert {c[0] for c in CASES} == set(exercise_ids())
    for ex in exercise_ids():
        good = sum(1 for c in CASES if c[0] == ex and c[2])
        bad = sum(1 for c in CASES if c[0] == ex and not c[2])
        assert good >= 4 and bad >= 6, (ex, good, bad)
    names = [c[1].__name__ for c in CASES]
    assert len(names) == len(set(names))


# ---------------------------------------------------------------------------------------------
# Statistical checks never flake: valid implementations on many random streams pass, near misses
# on the same streams are always rejected.
# ---------------------------------------------------------------------------------------------


def _restreamed(fn, k):
    """``fn`` drawing from a generator derived from ``rng`` and ``k``: deterministic for a given
    rng state (as the contract requires) but a different random stream for every ``k``."""
    def wrapped(*args, **kwargs):
        *rest, rng = args
        rng = np.random.default_rng(rng)  # an int seed too, for the exercises that accept one
        return fn(*rest, np.random.default_rng([k, int(rng.integers(2 ** 62))]), **kwargs)
    wrapped.__name__ = f"{fn.__name__}_stream_{k}"
    return wrapped


STATISTICAL_VALID = [
    ("xavier_init", ex05.xavier_init_ok_normal), ("xavier_init", ex05.xavier_init_ok_uniform),
    ("he_init", ex05.he_init_ok_normal), ("he_init", ex05.he_init_ok_uniform),
    ("dropout_forward", ex06.dropout_forward_ok_ge),
    ("dropout_forward", ex06.dropout_forward_ok_binomial),
    ("Dropout", ex06b.Dropout_ok_ge), ("Dropout", ex06b.Dropout_ok_binomial),
    ("Dropout", ex06b.Dropout_ok_random_in_dtype),
    ("Dense", layers.Dense_ok_plain), ("Dense", layers.Dense_ok_uniform_he_and_copied_cache),
    ("Dense", layers.Dense_ok_cache_dict_einsum),
    ("minibatch_indices", ex04.minibatch_indices_ok_slices),
    ("minibatch_indices", ex04.minibatch_indices_ok_choice_lists_sorted),
    ("init_two_layer", ex09.init_two_layer_ok_normal),
    ("log_uniform", ex08.log_uniform_ok_power_of_ten), ("log_uniform", ex08.log_uniform_ok_ratio_power),
    ("random_search", ex08.random_search_ok_loop),
    ("random_search", ex08.random_search_ok_vectorized_draws)]
STATISTICAL_NEAR_MISSES = [
    ("xavier_init", ex05.xavier_init_bad_fan_out), ("he_init", ex05.he_init_bad_xavier_variance),
    ("dropout_forward", ex06.dropout_forward_bad_keep_with_probability_p),
    ("minibatch_indices", ex04.minibatch_indices_bad_shuffles_blocks),
    ("init_two_layer", ex09.init_two_layer_bad_xavier), ("Dense", layers.Dense_bad_xavier)]


@pytest.mark.parametrize("exercise, fn", STATISTICAL_VALID,
                         ids=[f"{e}-{f.__name__}" for e, f in STATISTICAL_VALID])
def test_statistical_checks_do_not_flake(exercise, fn):
    failures = [k for k in range(10) if not check(exercise, _restreamed(fn, k)).passed]
    assert not failures, \
        f"streams {failures} failed: {check(exercise, _restreamed(fn, failures[0]))}"


@pytest.mark.parametrize("exercise, fn", STATISTICAL_NEAR_MISSES,
                         ids=[f"{e}-{f.__name__}" for e, f in STATISTICAL_NEAR_MISSES])
def test_statistical_checks_reject_near_misses_on_every_stream(exercise, fn):
    accepted = [k for k in range(10) if check(exercise, _restreamed(fn, k)).passed]
    assert not accepted, f"streams {accepted} accepted {fn.__name__}"


def test_reports_never_show_reference_code():
    references = [F.sigmoid, F.relu, F.dense_forward, F.softmax, losses.cross_entropy,
                  losses.softmax_cross_entropy_backward, F.sigmoid_backward, F.relu_backward,
                  F.dense_backward, nets.two_layer_net, nets.backprop,
                  gradcheck.numerical_gradient, optim.sgd_step, init.xavier_normal,
                  init.he_normal, F.dropout_forward, F.dropout_backward, regularization.l2_penalty]
    body_lines = set()
    for ref in references:
        for line in inspect.getsource(ref).splitlines():
            line = line.split("#")[0].strip()
            if len(line) > 16 and not line.startswith(('"""', "def ", "return")) and "=" in line:
                body_lines.add(line)
    assert len(body_lines) > 20
    for exercise, fn, ok, _ in CASES:
        if not ok:
            text = str(check(exercise, fn))
            leaked = [line for line in body_lines if line in text]
            assert not leaked, f"{exercise} report shows reference code {leaked}"


if __name__ == "__main__":  # a table of every verdict, and the long flakiness run
    import sys
    import time

    wrong = 0
    start = time.perf_counter()
    for exercise, fn, ok, hint in CASES:
        problem = _verdict_problem(exercise, fn, ok, hint)
        wrong += problem is not None
        result = check(exercise, fn)
        print(f"{'OK' if problem is None else 'WRONG':5} {exercise:31} {fn.__name__:50} "
              f"{result.status:13} {result.one_line()}")
    print(f"\n{len(CASES)} cases, {wrong} wrong verdicts or hints, "
          f"{time.perf_counter() - start:.1f} s")
    if "--flaky" in sys.argv:
        for exercise, fn in STATISTICAL_VALID:
            bad = [k for k in range(200) if not check(exercise, _restreamed(fn, k)).passed]
            print(f"{exercise:16} {fn.__name__:35} 200 streams, {len(bad)} failed {bad[:5]}")
