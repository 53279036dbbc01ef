"""Grade exercise notebooks from a terminal.

Usage::

    python -m nnlib.grade exercises/ex01_forward.ipynb [more.ipynb ...] [--json report.json]

Each notebook is read into memory and executed top to bottom in a fresh Jupyter kernel, with the
notebook's folder as working directory. The file itself is never written. A cell that raises does
not stop the run (the remaining cells still execute), and the learner's functions are stopped by
``nnlib.grading.check`` after a few seconds.

Nothing a learner writes can hang or end the command. Each cell (each check cell checks one
exercise) has a wall-clock limit, ``--cell-timeout``, enforced from outside the kernel: a cell
over it is interrupted, and when the kernel does not answer within a few seconds after that
(code stuck inside C, such as ``sum(range(10**12))``, never sees the interrupt) the kernel is
killed. After a killed or dead kernel (``os._exit(0)`` in a function) a fresh kernel is started,
the cells that had run before are run again except the checks, and grading continues after the
culprit, which is named in the report. ``--notebook-timeout`` bounds a whole notebook.

How the results are collected: the kernel is started with the environment variable
``NNLIB_GRADE_LOG`` naming a temporary file, and every ``check(...)`` call in the notebook
appends its result to that file as one JSON line (see :mod:`nnlib.grading`). The exercises a
notebook should contain are listed in its metadata (``metadata.nnlib.exercises``, written by
tools/make_exercises.py); for a notebook without that list, the ids in its ``check("...")`` calls
are used. An exercise whose check never ran (its cell raised before, or was deleted) is reported
as an error with the reason.

Prints one table per notebook (exercise, status, and the whole reason with its hint and note)
and a total; cells are named as a learner finds them ("the cell defining relu"), a syntax error
with the learner's own line. ``--json`` writes, per notebook, ``exercises`` (exercise, status,
reason, hint, case, flags such as ``uses-reference``, note), ``cell_errors``, ``incidents`` (the
cells that hung or killed the kernel) and ``problem``. The exit status is 0 only when every
exercise of every notebook passed, 1 otherwise, 2 for a notebook that cannot be read.
"""

import argparse
import json
import logging
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .grading import LOG_ENV

CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']""")


class NotebookGrade:
    """The outcome of grading one notebook: ``rows`` of (exercise, status, reason)."""

    def __init__(self, path, rows, cell_errors, problem=None, incidents=()):
        self.path = Path(path)
        self.rows = rows                # list of dicts: exercise, status, reason, hint, ...
        self.cell_errors = cell_errors  # list of dicts: cell, id, error
        self.problem = problem          # problems with the run itself (hang, dead kernel, ...)
        self.incidents = list(incidents)  # dicts: cell, exercise, what

    @property
    def passed(self):
        return bool(self.rows) and all(r["status"] == "passed" for r in self.rows) \
            and self.problem is None

    def as_dict(self):
        return {"notebook": str(self.path), "passed": self.passed, "exercises": self.rows,
                "cell_errors": self.cell_errors, "problem": self.problem,
                "incidents": self.incidents}


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


def _one_line(text, limit=None):
    """``text`` on one line; cut to ``limit`` characters only when a limit is given."""
    text = " ".join(str(text).split())
    return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."


def _cell_label(nb, index, expected):
    """A cell as a learner finds it: by its exercise, else by counting code cells only."""
    cell = nb.cells[index]
    exercise_id = _exercise_of(cell, expected)
    if exercise_id and CHECK_CALL.search(cell.source):
        return f"the check cell of {exercise_id}"
    if exercise_id:
        return f"the cell defining {exercise_id}"
    if cell.get("id") == "setup":
        return "the set-up cell"
    number = sum(c.cell_type == "code" for c in nb.cells[:index + 1])
    return f"code cell {number}"


_FILE_AND_LINE = re.compile(r"\s*\(([^()]*), line (\d+)\)$")


def _error_text(cell, output):
    """``ename: evalue``; for a syntax error the learner's own line instead of the kernel's
    temporary file name: ``SyntaxError in line 4: `return np.maximum(z 0)` (invalid ...)``."""
    ename, evalue = output.get("ename"), str(output.get("evalue"))
    where = _FILE_AND_LINE.search(evalue)
    if ename in ("SyntaxError", "IndentationError", "TabError") and where:
        number = int(where.group(2))
        lines = cell.source.split("\n")
        text = lines[number - 1].strip() if 0 < number <= len(lines) else ""
        shown = f": `{text}`" if text else ""
        return f"{ename} in line {number}{shown} ({evalue[:where.start()].strip()})"
    return f"{ename}: {evalue}"


def _cell_errors(nb, expected=()):
    """Error outputs of the executed notebook, each with the cell named as a learner finds it
    (``cell`` counts every cell from 1, for tools)."""
    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                syntax = output.get("ename") in ("SyntaxError", "IndentationError", "TabError")
                errors.append({"cell": index + 1, "id": cell.get("id"),
                               "where": _cell_label(nb, index, expected),
                               "verb": "has a" if syntax else "raised",
                               "error": _error_text(cell, output), "source": cell.source})
    return errors


def _exercise_of(cell, expected):
    """The exercise a code cell belongs to: the one it checks, or the one it defines."""
    checked = CHECK_CALL.findall(cell.source)
    if checked:
        return checked[0]
    cell_id = cell.get("id") or ""
    if cell_id.endswith("-solution") and cell_id.removesuffix("-solution") in expected:
        return cell_id.removesuffix("-solution")
    for name in re.findall(r"^def\s+(\w+)\s*\(", cell.source, re.M):
        if name in expected:
            return name
    return None


class _Kernel:
    """A Jupyter kernel running one notebook's cells, each under a wall-clock limit enforced from
    outside: a cell over its limit is interrupted; a kernel that does not answer after the
    interrupt (code stuck in C, such as ``sum(range(10**12))``) is killed and replaced."""

    GRACE = 5.0  # seconds a kernel gets to answer after an interrupt

    def __init__(self, nb, path, kernel_name, startup_timeout, env):
        from nbclient import NotebookClient

        self.client = NotebookClient(
            nb, timeout=None, startup_timeout=startup_timeout, kernel_name=kernel_name,
            allow_errors=True, interrupt_on_timeout=False, record_timing=False,
            shutdown_kernel="immediate", resources={"metadata": {"path": str(path)}})
        self.env = env
        self.start()

    def start(self):
        # The kernel process's own stderr only carries its start-up log lines; everything a
        # cell prints reaches the notebook through the kernel protocol instead.
        self.client.create_kernel_manager()
        self.client.start_new_kernel(env=self.env, stderr=subprocess.DEVNULL)
        self.client.start_new_kernel_client()

    def stop(self):
        try:
            self.client._cleanup_kernel()
        except Exception:  # already gone: nothing to clean up
            pass

    def restart(self):
        self.stop()
        self.start()

    def run(self, cell, index, limit):
        """Execute one cell; return None, "timeout" (interrupted, kernel usable), "hung" (killed,
        restart needed) or "died" (the kernel process ended)."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        self.client.timeout = max(1, int(math.ceil(limit)))
        try:
            self.client.execute_cell(cell, index)
            return None
        except DeadKernelError:
            return "died"
        except CellTimeoutError:
            pass
        from nbclient.util import run_sync
        from nbformat.v4 import new_code_cell

        try:
            run_sync(self.client.km.interrupt_kernel)()
        except Exception:  # the kernel cannot even take the interrupt
            return "hung"
        # Does the kernel answer again? (nbclient stores the cell it ran at its index in the
        # notebook, so the learner's cell is put back afterwards.)
        probe = new_code_cell("None")
        self.client.timeout = int(self.GRACE)
        try:
            self.client.execute_cell(probe, index)
        except (CellTimeoutError, DeadKernelError):
            return "hung"
        finally:
            self.client.nb.cells[index] = cell
        self._new_channels()
        return "timeout"

    def _new_channels(self):
        """Fresh connections to the same kernel. nbclient leaves the output reader of a cell
        stopped at its limit running, and it would swallow the output of every later cell."""
        try:
            self.client.kc.stop_channels()
        except Exception:  # already closed
            pass
        self.client.kc = None
        self.client.start_new_kernel_client()


def grade_notebook(path, cell_timeout=60, kernel_name="python3", startup_timeout=120,
                   notebook_timeout=900):
    """Execute a copy of the notebook at ``path`` and return a :class:`NotebookGrade`.

    Each cell (a check cell checks one exercise) gets ``cell_timeout`` seconds of wall-clock
    time and the whole notebook ``notebook_timeout``. A cell that hangs or kills the kernel is
    reported against its exercise; the kernel is then restarted, the cells that ran before
    (except check cells) are run again, and grading continues after the culprit.
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)  # in memory only: the file is never written
    expected = expected_exercises(nb)
    fd, log_path = tempfile.mkstemp(prefix="nnlib-grade-", suffix=".jsonl")
    os.close(fd)
    incidents = []  # dicts: cell, exercise, what
    deadline = time.monotonic() + notebook_timeout
    try:
        kernel = _Kernel(nb, path.parent.resolve(), kernel_name, startup_timeout,
                         dict(os.environ, **{LOG_ENV: log_path}))
        try:
            done = []  # indices of cells that ran to the end, to replay after a restart
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                exercise_id = _exercise_of(cell, expected)
                left = deadline - time.monotonic()
                if left <= 1:
                    incidents.append({"cell": index + 1, "exercise": exercise_id,
                                      "where": _cell_label(nb, index, expected),
                                      "what": "not run: the notebook's time limit of "
                                              f"{notebook_timeout:g} s ran out"})
                    continue
                limit = min(cell_timeout, left)
                outcome = kernel.run(cell, index, limit)
                if outcome is None:
                    done.append(index)
                    continue
                incidents.append({"cell": index + 1, "exercise": exercise_id,
                                  "where": _cell_label(nb, index, expected),
                                  "what": _incident_text(outcome, limit)})
                if outcome == "timeout":
                    continue
                kernel.restart()
                for again in done:  # the set-up and definitions, not the checks
                    if not CHECK_CALL.search(nb.cells[again].source):
                        if kernel.run(nb.cells[again], again, cell_timeout) is not None:
                            kernel.restart()
                            break
        finally:
            kernel.stop()
        with open(log_path, encoding="utf-8") as f:
            logged = [json.loads(line) for line in f if line.strip()]
    finally:
        os.unlink(log_path)
    return _collect(path, nb, expected, logged, incidents)


def _incident_text(outcome, limit):
    if outcome == "died":
        return ("the kernel died while this cell ran (os._exit, sys.exit in a thread, or a crash "
                "inside C code); the rest of the notebook was graded in a fresh kernel")
    if outcome == "hung":
        return (f"did not finish within {limit:g} s and did not stop when interrupted (code "
                "stuck inside a C function, such as sum(range(10**12)), cannot be interrupted); "
                "the kernel was restarted and the rest graded in a fresh kernel")
    return f"did not finish within {limit:g} s and was interrupted"


def _collect(path, nb, expected, logged, incidents):
    latest = {}
    for entry in logged:
        latest[entry["exercise"]] = entry
    errors = _cell_errors(nb, expected)
    rows = []
    for exercise_id in expected + [e for e in latest if e not in expected]:
        entry = latest.get(exercise_id)
        if entry is not None:
            reason = entry["reason"]
            if entry.get("hint") and entry["status"] in ("failed", "error"):
                reason += f" Hint: {entry['hint']}"
            if entry.get("note"):
                reason += f" Note: {entry['note']}"
            rows.append({"exercise": exercise_id, "status": entry["status"],
                         "reason": _one_line(reason), "hint": entry.get("hint"),
                         "case": entry.get("case"), "flags": entry.get("flags", []),
                         "note": entry.get("note")})
            continue
        own = [i for i in incidents if i["exercise"] == exercise_id]
        if own:
            why = f"{own[0]['where']}: {own[0]['what']}"
        else:
            # Prefer the cell that should define the function (a syntax error there makes the
            # check cell fail with a NameError), then the check cell itself, then the first
            # error.
            defining = [e for e in errors
                        if re.search(rf"\bdef\s+{exercise_id}\s*\(", e["source"])]
            checking = [e for e in errors if exercise_id in CHECK_CALL.findall(e["source"])]
            culprit = (defining or checking or errors or [None])[0]
            if culprit:
                why = (f"its check did not run: {culprit['where']} {culprit['verb']} "
                       f"{culprit['error']}")
            elif incidents:
                i = incidents[0]
                why = f"its check did not run: {i['where']} {i['what']}"
            else:
                why = "its check cell is missing or did not run"
        rows.append({"exercise": exercise_id, "status": "error", "reason": _one_line(why),
                     "hint": None, "case": None, "flags": [], "note": None})
    cell_errors = [{k: e[k] for k in ("cell", "id", "where", "verb", "error")} for e in errors]
    problem = "; ".join(f"{i['where']}: {i['what']}" for i in incidents) or None
    return NotebookGrade(path, rows, cell_errors, problem, incidents)


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
            lines.append(f"  note: {e['where']} {e['verb']} {_one_line(e['error'])}")
        for i in grade.incidents:
            if i["exercise"] is None:  # the others are in their exercise's row
                lines.append(f"  problem: {i['where']}: {i['what']}")
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
    parser.add_argument("--cell-timeout", type=float, default=60,
                        help="wall-clock seconds for each cell, so for each exercise's check "
                             "(default 60); a cell over it is interrupted, and the kernel "
                             "killed and restarted if it does not stop")
    parser.add_argument("--notebook-timeout", type=float, default=900,
                        help="wall-clock seconds for a whole notebook (default 900)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel name")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    # nbclient leaves the output poller of a cell stopped at its time limit behind; asyncio's
    # complaint about it at exit says nothing to a learner.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    missing = [p for p in args.notebooks if not p.is_file()]
    if missing:
        print("not found: " + ", ".join(map(str, missing)), file=sys.stderr)
        return 2
    grades = []
    for path in args.notebooks:
        try:
            grades.append(grade_notebook(path, args.cell_timeout, args.kernel,
                                         notebook_timeout=args.notebook_timeout))
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
