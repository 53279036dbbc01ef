"""Tests of the grader's framework (nnlib.grading): the result object, calling the learner's
function (exceptions, timeouts, threads, signatures), the global random state, the result log,
and grader bugs. The verdicts on learner implementations are in tests/test_grading_catalog.py.
"""

import json
import threading

import numpy as np
import pytest

from nnlib import functional as F
from nnlib import gradcheck, losses, nets, optim, regularization
from grading.independent import numerical_gradient
from nnlib.grading import CheckResult, check, results


def test_result_object_for_a_pass():
    result = check("relu", F.relu)
    assert isinstance(result, CheckResult)
    assert result.passed and bool(result) and result.status == "passed"
    assert result.hint is None and result.case is None
    text = str(result)
    assert text == repr(result) == result.report() == result.message
    assert text.startswith("relu: PASSED")
    html = result._repr_html_()
    assert "relu" in html and "passed" in html
    assert results["relu"] is result


def test_report_is_plain_text_and_html_is_escaped():
    def evil(z):
        raise ValueError("<script>alert('x')</script> & more")

    result = check("sigmoid", evil)
    assert result.status == "error"
    text, html = str(result), result._repr_html_()
    assert "<script>" in text and "\x1b" not in text
    assert "<script>" not in html and "&lt;script&gt;" in html and "\x1b" not in html
    assert "ValueError" in text


def test_exception_report_shows_the_learners_line():
    def my_softmax(z):
        e = np.exp(z)
        return e / e.sum(axis=1)  # broadcasting error for (N, C) with N != C

    result = check("softmax", my_softmax)
    assert result.status == "error"
    text = str(result)
    assert "ValueError" in text and "operands could not be broadcast" in text
    assert "return e / e.sum(axis=1)" in text and "my_softmax" in text
    assert "keepdims=True" in text  # the exercise's shape hint


def test_not_implemented_is_not_attempted():
    def sigmoid_stub(z):
        # YOUR CODE HERE
        raise NotImplementedError()

    result = check("sigmoid", sigmoid_stub)
    assert result.status == "not attempted" and not result.passed
    assert "Not attempted yet" in str(result)


def test_not_implemented_in_a_helper_is_an_error_naming_the_helper():
    def helper(z):
        raise NotImplementedError()

    def sigmoid_backward_(dout, z):
        s = helper(z)
        return dout * s * (1 - s)

    result = check("sigmoid_backward", sigmoid_backward_)
    assert result.status == "error" and "`helper`" in str(result)


def test_unknown_exercise_and_non_callable_do_not_raise():
    result = check("sigmod", F.sigmoid)
    assert result.status == "error" and "sigmoid" in result.hint
    result = check("sigmoid", F.sigmoid(np.zeros(3)))
    assert result.status == "failed" and "without calling it" in result.hint


def test_wrong_signature_shows_the_sheets_signature_and_the_call_made():
    result = check("numerical_gradient", lambda f, x: numerical_gradient(f, x))
    assert result.status == "error" and "unexpected keyword argument" in str(result)
    # the call that was made, not a call that never happened
    assert "calling numerical_gradient(f, x, h=0.1) raised TypeError" in result.reason
    assert "`def numerical_gradient(f, x, h=1e-5):`" in result.hint  # defaults included
    assert "Yours is numerical_gradient(f, x)." in result.hint
    result = check("sigmoid", lambda z, extra: z)
    assert "calling sigmoid(z) raised" in result.reason and "`def sigmoid(z):`" in result.hint


def test_a_type_error_inside_the_function_is_not_called_a_signature_mismatch():
    def relu(z):
        return np.maximum(z, 0, 1, 2)  # the learner's own wrong call

    result = check("relu", relu)
    assert result.status == "error" and "TypeError" in str(result)
    assert "return np.maximum(z, 0, 1, 2)" in str(result)
    assert "def relu(z)" not in (result.hint or "")


def test_a_hanging_function_is_stopped_in_the_main_thread():
    def forever(z):
        while True:
            pass

    assert threading.current_thread() is threading.main_thread()
    result = check("relu", forever, timeout=0.3)
    assert result.status == "error" and "did not finish within 0.3 s" in str(result)
    assert "infinite loop" in result.hint


def test_a_hanging_function_is_abandoned_in_a_worker_thread():
    stop = threading.Event()

    def until_stopped(z):
        while not stop.is_set():
            pass
        return z

    box = {}
    worker = threading.Thread(
        target=lambda: box.update(r=check("relu", until_stopped, timeout=0.3)))
    worker.start()
    worker.join(10)
    stop.set()  # let the abandoned call finish so it does not keep a core busy
    assert box["r"].status == "error" and "background" in box["r"].hint


def test_global_random_state_is_restored_and_learner_seeding_is_harmless():
    def seeds_globally(fan_in, fan_out, rng):
        np.random.seed(0)
        return rng.normal(0, np.sqrt(2 / fan_in), size=(fan_in, fan_out))

    outer = np.random.get_state()
    try:
        np.random.seed(123)
        before = np.random.get_state()[1].copy()
        assert check("he_init", seeds_globally).passed  # its own seeding changes nothing
        assert np.array_equal(np.random.get_state()[1], before)
    finally:
        np.random.set_state(outer)


def test_results_are_logged_for_the_grade_command(tmp_path, monkeypatch):
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("NNLIB_GRADE_LOG", str(log))
    check("relu", F.relu)
    check("sigmoid", lambda z: 1 / (1 + np.exp(z)))
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(r["exercise"], r["status"]) for r in rows] == [("relu", "passed"),
                                                            ("sigmoid", "failed")]
    assert "minus sign" in rows[1]["hint"]


def test_a_grader_bug_is_reported_as_such(monkeypatch):
    from nnlib import grading

    def broken(t):
        raise RuntimeError("oops")

    monkeypatch.setattr(grading.EXERCISES["relu"], "checker", broken)
    result = check("relu", F.relu)
    assert result.status == "error" and "grader itself failed" in result.reason


def test_under_nbgrader_a_failing_check_raises_and_a_pass_returns_nothing(monkeypatch, capsys):
    from nnlib.grading import ExerciseFailed

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    try:
        check("sigmoid", lambda z: 1 / (1 + np.exp(z)))
    except ExerciseFailed as exc:
        assert "sigmoid: FAILED" in str(exc) and "minus sign" in str(exc)
        assert exc.result.status == "failed"
    else:
        raise AssertionError("no ExerciseFailed under nbgrader")
    # a returned value would be read by nbgrader as partial credit: the report is shown instead
    assert check("relu", F.relu) is None
    assert "relu: PASSED" in capsys.readouterr().out
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert check("sigmoid", lambda z: 1 / (1 + np.exp(z))).status == "failed"  # no raise


# ---------------------------------------------------------------------------------------------
# Verdicts that dtype cannot fool, and a checker that checks nothing
# ---------------------------------------------------------------------------------------------

REFERENCES = {
    "sigmoid": F.sigmoid, "relu": F.relu, "dense_forward": F.dense_forward,
    "softmax": F.softmax, "cross_entropy": losses.cross_entropy,
    "softmax_cross_entropy_backward": losses.softmax_cross_entropy_backward,
    "sigmoid_backward": F.sigmoid_backward, "relu_backward": F.relu_backward,
    "dense_backward": F.dense_backward, "two_layer_net": nets.two_layer_net,
    "backprop": nets.backprop, "numerical_gradient": gradcheck.numerical_gradient,
    "sgd_step": lambda param, grad, lr: optim.sgd_step(param.copy(), grad, lr),
    "dropout_backward": F.dropout_backward, "l2_penalty": regularization.l2_penalty,
}


def _off_in_float32(x, rel):
    """``x`` (arrays and numbers, nested in tuples, lists and dicts) times (1 + rel), float32."""
    if isinstance(x, dict):
        return {k: _off_in_float32(v, rel) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_off_in_float32(v, rel) for v in x)
    if isinstance(x, np.ndarray):
        return (x * (1 + rel)).astype(np.float32)
    return np.float32(x * (1 + rel))


def _float32_answer(reference, rel):
    def answer(*args, **kwargs):
        return _off_in_float32(reference(*args, **kwargs), rel)
    return answer


@pytest.mark.parametrize("exercise_id", list(REFERENCES))
def test_float64_inputs_need_float64_accurate_results(exercise_id):
    # Wrong by 5e-5 and returned as float32: passed the looser float32 tolerance before.
    result = check(exercise_id, _float32_answer(REFERENCES[exercise_id], 5e-5))
    assert not result.passed, f"{exercise_id} accepted a float32 answer off by 5e-5"
    if exercise_id != "relu":  # relu's first case is exactly representable: no float64 case
        assert "float64" in str(result), str(result)


@pytest.mark.parametrize("exercise_id", ["sigmoid", "softmax", "dense_forward", "relu"])
def test_float32_inputs_keep_float32_tolerances(exercise_id):
    def reference_in_input_dtype(*args):
        out = REFERENCES[exercise_id](*args)
        dtypes = {a.dtype for a in args if isinstance(a, np.ndarray)}
        return out.astype(np.float32) if np.dtype(np.float32) in dtypes else out
    assert check(exercise_id, reference_in_input_dtype).passed


def test_a_checker_that_runs_no_case_is_a_grader_failure(monkeypatch):
    from nnlib.grading import EXERCISES, Exercise

    monkeypatch.setitem(EXERCISES, "empty", Exercise("empty", ("z",), lambda t: None, "none"))
    result = check("empty", F.relu)
    assert result.status == "error" and not result.passed
    assert "ran no case" in result.reason and "grader itself failed" in result.reason


def test_a_class_exercise_reports_stubs_missing_methods_and_crashes_in_methods(monkeypatch):
    """A class exercise: ``t.call`` builds the object and ``t.method`` calls its methods with the
    same protection as a function call."""
    from nnlib.grading import EXERCISES, Exercise

    def checker(t):
        t.case("double")
        obj = t.call(2.0)
        x = np.ones(3)
        t.array(t.method(obj, "forward", x), 2 * x, "forward(x)")

    monkeypatch.setitem(EXERCISES, "Doubler", Exercise("Doubler", ("k",), checker, "none"))

    class Doubler:
        def __init__(self, k):
            self.k = k

        def forward(self, x):
            return self.k * x

    class DoublerStub:
        def __init__(self, k):
            raise NotImplementedError()

    class DoublerHalfDone:
        def __init__(self, k):
            self.k = k

        def forward(self, x):
            raise NotImplementedError()

    class DoublerNoForward:
        def __init__(self, k):
            self.k = k

    class DoublerCrashes(Doubler):
        def forward(self, x):
            return self.k * x[5]

    class DoublerMutates(Doubler):
        def forward(self, x):
            x *= self.k
            return x

    assert check("Doubler", Doubler).passed
    stub = check("Doubler", DoublerStub)
    assert stub.status == "not attempted" and "Doubler still raises" in stub.reason
    half = check("Doubler", DoublerHalfDone)
    assert half.status == "not attempted" and "Doubler.forward still raises" in half.reason
    missing = check("Doubler", DoublerNoForward)
    assert missing.status == "failed" and "no method `forward`" in missing.reason
    crash = check("Doubler", DoublerCrashes)
    assert crash.status == "error" and "doubler.forward(<array (3,)>) raised IndexError" in str(crash)
    mutates = check("Doubler", DoublerMutates)
    assert mutates.status == "failed" and "doubler.forward changed its input `x`" in str(mutates)


# ---------------------------------------------------------------------------------------------
# Messages a beginner can act on
# ---------------------------------------------------------------------------------------------


def test_numbers_that_differ_are_printed_with_enough_digits_to_differ():
    import re

    result = check("cross_entropy", lambda p, y: losses.cross_entropy(p, y) * (1 + 5e-5))
    got, expected = re.search(r"is (\S+), expected (\S+)\.", result.reason).groups()
    assert got != expected and float(got) != float(expected), result.reason  # not 0.5249 twice
    result = check("sigmoid", lambda z: F.sigmoid(z) * (1 + 3e-6))
    line = next(d for d in result.details if d.startswith("first wrong value"))
    expected, got = re.search(r"expected (\S+), got (\S+)$", line).groups()
    assert expected != got, line
    shown = [d for d in result.details if d.startswith(("expected:", "got:"))]
    assert shown[0].split(":", 1)[1].strip() != shown[1].split(":", 1)[1].strip()
    # equal values keep the short form
    assert "expected: [0.1192, 0.2689, 0.5, 0.7311, 0.8808]" in str(
        check("sigmoid", lambda z: 1 / (1 + np.exp(z))))


@pytest.mark.parametrize("exercise_id, fn", [
    ("sigmoid", lambda z: 1 // (1 + np.exp(-z))),
    ("softmax", lambda z: np.exp(z) // np.exp(z).sum(axis=1, keepdims=True)),
    ("cross_entropy", lambda p, y: -np.sum(np.log(p[np.arange(len(y)), y])) // len(y)),
    ("softmax_cross_entropy_backward", lambda p, y: (p - np.eye(p.shape[1])[y]) // len(y)),
    ("l2_penalty", lambda W, lam: (lam * np.sum(W ** 2) // 2, lam * W)),
])
def test_integer_division_gets_its_own_hint(exercise_id, fn):
    result = check(exercise_id, fn)
    assert not result.passed
    assert "floor division" in result.hint and "times the expected" not in result.hint, \
        str(result)


@pytest.mark.parametrize("exercise_id", ["xavier_init", "he_init"])
@pytest.mark.parametrize("value", [0.0, 0.01])
def test_constant_initial_weights_are_named(exercise_id, value):
    result = check(exercise_id, lambda fan_in, fan_out, rng: np.full((fan_in, fan_out), value))
    assert result.status == "failed" and "the weights are constant" in result.reason
    assert "same gradient" in result.hint and "ignores rng" not in str(result)


def _softmax_via_F(z):
    return F.softmax(z)


def _softmax_importing_inside(z):
    from nnlib.functional import softmax
    return softmax(z)


@pytest.mark.parametrize("fn", [F.softmax, _softmax_via_F, _softmax_importing_inside],
                         ids=["imported", "F.softmax", "import-inside"])
def test_a_solution_that_just_uses_the_reference_is_flagged(fn):
    result = check("softmax", fn)
    assert result.passed and result.flags == ["uses-reference"]
    assert "nnlib.functional.softmax" in result.note and "yourself" in result.note
    assert "Note: your softmax hands the work" in str(result)
    assert "Note:" in result._repr_html_()
    assert result.as_dict()["flags"] == ["uses-reference"]


def test_nnlib_used_elsewhere_is_not_flagged():
    def two_layer_net(X, y, params):  # nnlib's softmax inside another exercise is fine
        h = np.maximum(X @ params["W1"] + params["b1"], 0)
        probs = F.softmax(h @ params["W2"] + params["b2"])
        n = X.shape[0]
        loss = -np.mean(np.log(probs[np.arange(n), y]))
        d = probs.copy()
        d[np.arange(n), y] -= 1
        d /= n
        dh = (d @ params["W2"].T) * (h > 0)
        return loss, {"W1": X.T @ dh, "b1": dh.sum(0), "W2": h.T @ d, "b2": d.sum(0)}

    result = check("two_layer_net", two_layer_net)
    assert result.passed and result.flags == [] and result.note is None
    assert check("sigmoid", lambda z: 1 / (1 + np.exp(-z))).flags == []


# ---------------------------------------------------------------------------------------------
# The layout: a registry filled on import, one checkers module per sheet, short modules
# ---------------------------------------------------------------------------------------------


def test_the_registry_is_filled_on_import_without_a_cycle():
    import subprocess
    import sys

    import json
    from pathlib import Path

    # Every exercise the solution sheets list, and no other, is registered by the import alone.
    solutions = sorted((Path(__file__).resolve().parent.parent / "solutions").glob("*.ipynb"))
    listed = sorted(e for p in solutions for e in json.loads(p.read_text())["metadata"]["nnlib"]["exercises"])
    code = ("import sys, nnlib; assert 'nnlib.grading' not in sys.modules; "
            "from nnlib.grading.registry import EXERCISES; print(' '.join(sorted(EXERCISES)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.split() == listed and len(listed) >= 18, out.stderr


def test_one_checkers_module_per_sheet_named_like_the_sheet():
    from pathlib import Path

    import nbformat

    from nnlib.grading import EXERCISES

    root = Path(__file__).resolve().parent.parent
    package = root / "nnlib" / "grading"
    for path in sorted((root / "solutions").glob("*.ipynb")):
        listed = nbformat.read(path, as_version=4).metadata["nnlib"]["exercises"]
        assert (package / f"{path.stem}.py").is_file(), path.stem
        assert [e for e, spec in EXERCISES.items() if spec.sheet == path.stem] == listed
    for module in package.glob("*.py"):
        assert len(module.read_text().splitlines()) <= 600, module.name


def test_an_input_changed_in_place_is_reported_unless_the_contract_allows_it():
    def relu(z):
        z[z < 0] = 0
        return z

    result = check("relu", relu)
    assert result.status == "failed" and "changed its input `z` in place" in result.reason
    assert "of 5 values changed" in result.reason and "z.copy()" in result.hint

    def sgd_step(param, grad, lr):  # sgd_step may update param in place (its contract)
        param -= lr * grad
        return param

    assert check("sgd_step", sgd_step).passed
