"""Tests of the grader's framework (nnlib.grading): the result object, calling the learner's
function (exceptions, timeouts, threads, signatures), the global random state, the result log,
and grader bugs. The verdicts on learner implementations are in tests/test_grading_catalog.py.
"""

import json
import threading

import numpy as np

from nnlib import functional as F
from nnlib.grading import CheckResult, check, results


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


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


def test_wrong_signature_is_explained():
    result = check("numerical_gradient", lambda f, x: numerical_gradient(f, x))
    assert result.status == "error" and "unexpected keyword argument" in str(result)
    assert "signature numerical_gradient(f, x" in result.hint


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
