"""Grade exercise notebooks from a terminal.

Usage::

    python -m nnlib.grade exercises/ex01_forward.ipynb [more.ipynb ...] [--json report.json]

Each notebook is read into memory and executed top to bottom in a fresh Jupyter kernel, with the
notebook's folder as working directory. The file itself is never written. A cell that raises does
not stop the run (the remaining cells still execute), a cell that runs longer than
``--cell-timeout`` seconds is interrupted, and the learner's functions are stopped by
``nnlib.grading.check`` after a few seconds.

How the results are collected: the kernel is started with the environment variable
``NNLIB_GRADE_LOG`` naming a temporary file, and every ``check(...)`` call in the notebook
appends its result to that file as one JSON line (see :mod:`nnlib.grading`). The exercises a
notebook should contain are listed in its metadata (``metadata.nnlib.exercises``, written by
tools/make_exercises.py); for a notebook without that list, the ids in its ``check("...")`` calls
are used. An exercise whose check never ran (its cell raised before, or was deleted) is reported
as an error with the reason.

Prints one table per notebook (exercise, status, reason) and a total. The exit status is 0 only
when every exercise of every notebook passed, 1 otherwise, 2 for a notebook that cannot be read.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from .grading import LOG_ENV

CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")


class NotebookGrade:
    """The outcome of grading one notebook: ``rows`` of (exercise, status, reason)."""

    def __init__(self, path, rows, cell_errors, problem=None):
        self.path = Path(path)
        self.rows = rows                # list of dicts: exercise, status, reason
        self.cell_errors = cell_errors  # list of dicts: cell, id, error
        self.problem = problem          # a problem with the run itself (dead kernel, ...)

    @property
    def passed(self):
        return bool(self.rows) and all(r["status"] == "passed" for r in self.rows) \
            and self.problem is None

    def as_dict(self):
        return {"notebook": str(self.path), "passed": self.passed, "exercises": self.rows,
                "cell_errors": self.cell_errors, "problem": self.problem}


def expected_exercises(nb):
    """The exercise ids a notebook should check, in order."""
    listed = nb.metadata.get("nnlib", {}).get("exercises")
    if listed:
        return list(listed)
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            for exercise_id in CHECK_CALL.findall(cell.source):
                if exercise_id not in found:
                    found.append(exercise_id)
    return found


def _one_line(text, limit=160):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cell_errors(nb):
    """Error outputs of the executed notebook; cells are counted from 1, as a reader would."""
    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append({"cell": index + 1, "id": cell.get("id"),
                               "error": f"{output.get('ename')}: {output.get('evalue')}",
                               "source": cell.source})
    return errors


def grade_notebook(path, cell_timeout=120, kernel_name="python3", startup_timeout=120):
    """Execute a copy of the notebook at ``path`` and return a :class:`NotebookGrade`."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)  # in memory only: the file is never written
    expected = expected_exercises(nb)
    fd, log_path = tempfile.mkstemp(prefix="nnlib-grade-", suffix=".jsonl")
    os.close(fd)
    problem = None
    try:
        client = NotebookClient(
            nb, timeout=cell_timeout, startup_timeout=startup_timeout, kernel_name=kernel_name,
            allow_errors=True, interrupt_on_timeout=True, record_timing=False,
            resources={"metadata": {"path": str(path.parent.resolve())}})
        env = dict(os.environ, **{LOG_ENV: log_path})
        try:
            # The kernel process's own stderr only carries its start-up log lines; everything a
            # cell prints reaches the notebook through the kernel protocol instead.
            client.execute(env=env, stderr=subprocess.DEVNULL)
        except DeadKernelError as exc:
            problem = f"the kernel died ({_one_line(exc, 100)})"
        except CellTimeoutError as exc:
            problem = f"a cell timed out ({_one_line(exc, 100)})"
        with open(log_path, encoding="utf-8") as f:
            logged = [json.loads(line) for line in f if line.strip()]
    finally:
        os.unlink(log_path)

    latest = {}
    for entry in logged:
        latest[entry["exercise"]] = entry
    errors = _cell_errors(nb)
    rows = []
    for exercise_id in expected + [e for e in latest if e not in expected]:
        entry = latest.get(exercise_id)
        if entry is not None:
            reason = entry["reason"]
            if entry.get("hint") and entry["status"] in ("failed", "error"):
                reason += f" Hint: {entry['hint']}"
            rows.append({"exercise": exercise_id, "status": entry["status"],
                         "reason": _one_line(reason)})
            continue
        # Prefer the cell that should define the function (a syntax error there makes the
        # check cell fail with a NameError), then the check cell itself, then the first error.
        defining = [e for e in errors if re.search(rf"\bdef\s+{exercise_id}\s*\(", e["source"])]
        checking = [e for e in errors if exercise_id in CHECK_CALL.findall(e["source"])]
        culprit = (defining or checking or errors or [None])[0]
        why = (f"its check did not run: cell {culprit['cell']} raised {culprit['error']}"
               if culprit else problem or "its check cell is missing or did not run")
        rows.append({"exercise": exercise_id, "status": "error", "reason": _one_line(why)})
    cell_errors = [{k: e[k] for k in ("cell", "id", "error")} for e in errors]
    return NotebookGrade(path, rows, cell_errors, problem)


def format_report(grades):
    """The score tables as plain text."""
    lines = []
    for grade in grades:
        lines.append(str(grade.path))
        if grade.rows:
            width = max(len("exercise"), *(len(r["exercise"]) for r in grade.rows))
            lines.append(f"  {'exercise':<{width}}  {'status':<13}  reason")
            for r in grade.rows:
                lines.append(f"  {r['exercise']:<{width}}  {r['status']:<13}  {r['reason']}")
        else:
            lines.append("  no exercises found (no check(...) calls and no nnlib metadata)")
        for e in grade.cell_errors:
            lines.append(f"  note: cell {e['cell']} raised {_one_line(e['error'], 120)}")
        if grade.problem:
            lines.append(f"  problem: {grade.problem}")
        passed = sum(r["status"] == "passed" for r in grade.rows)
        lines.append(f"  score: {passed}/{len(grade.rows)} passed")
        lines.append("")
    total = sum(len(g.rows) for g in grades)
    passed = sum(r["status"] == "passed" for g in grades for r in g.rows)
    lines.append(f"total: {passed}/{total} exercises passed")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m nnlib.grade",
        description="Run exercise notebooks in a fresh kernel and print a score table "
                    "(the notebooks are never modified).")
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--cell-timeout", type=int, default=120,
                        help="seconds before a running cell is interrupted (default 120)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel name")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    missing = [p for p in args.notebooks if not p.is_file()]
    if missing:
        print("not found: " + ", ".join(map(str, missing)), file=sys.stderr)
        return 2
    grades = []
    for path in args.notebooks:
        try:
            grades.append(grade_notebook(path, args.cell_timeout, args.kernel))
        except Exception as exc:  # unreadable notebook, no kernel, ...
            print(f"{path}: cannot grade: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 2
    print(format_report(grades))
    if args.json:
        args.json.write_text(json.dumps([g.as_dict() for g in grades], indent=1) + "\n",
                             encoding="utf-8")
    return 0 if all(g.passed for g in grades) else 1


if __name__ == "__main__":
    sys.exit(main())
