"""Output hygiene of the stored notebooks: what a commit must not carry.

Usage::

    python tools/check_notebooks.py [NOTEBOOK.ipynb ...]    # default: every notebook of the course

Checks, for every chapter and solution notebook (stored with outputs):

* the kernel is ``python3`` (what nbval, the grader and Binder start);
* no volatile metadata: execution timings (``execution``, ``ExecuteTime``), widget state, widget
  model ids in outputs (they change on every run and mean nothing without a kernel);
* no error outputs, and no text output showing a memory address (``at 0x7f...``) or a path of
  the maintainer's machine (``/home/...``, ``/tmp/...``): they differ on every machine;
* no printed output in a cell tagged ``timing`` (only its figures are stored: a time belongs to
  the machine that measured it), and every cell tagged ``timing`` is also tagged
  ``nbval-ignore-output`` (a run prints what the stored notebook does not hold);

and for every exercise sheet: no outputs and no execution counts (a learner starts from a clean
sheet; ``tools/make_exercises.py`` writes them so).

Fix a chapter by re-running it: ``python tools/run_notebook.py chapters/NN_name.ipynb``; fix the
exercises by regenerating them: ``python tools/make_exercises.py``. The pre-commit hook runs
this script; exit status 1 lists each problem.
"""

import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime")
ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]{6,}")
LOCAL_PATH = re.compile(r"(?<![\w.])/(?:home|root|tmp|Users|private/var)/[\w.\-]+")


def _texts(output):
    if output.get("output_type") == "stream":
        yield output.get("text", "")
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/"):
            yield value if isinstance(value, str) else "".join(value)


def problems_of(path):
    path = Path(path)
    rel = path.resolve().relative_to(REPO) if path.resolve().is_relative_to(REPO) else path
    nb = nbformat.read(path, as_version=4)
    found = []
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        found.append(f"{rel}: kernelspec is {nb.metadata.get('kernelspec', {}).get('name')!r}, not 'python3'")
    if "widgets" in nb.metadata:
        found.append(f"{rel}: stored widget state in the notebook's metadata")
    is_exercise = path.resolve().parent.name == "exercises"
    for number, cell in enumerate(nb.cells, start=1):
        where = f"{rel}, cell {number}"
        for key in VOLATILE_CELL_METADATA:
            if key in cell.metadata:
                found.append(f"{where}: volatile metadata {key!r} (execution timings)")
        if cell.cell_type != "code":
            continue
        if is_exercise:
            if cell.outputs or cell.execution_count is not None:
                found.append(f"{where}: an exercise sheet is stored without outputs or execution counts")
            continue
        tags = cell.metadata.get("tags", [])
        if "timing" in tags:
            if "nbval-ignore-output" not in tags:
                found.append(f"{where}: a cell tagged 'timing' must also be tagged 'nbval-ignore-output'")
            if any("image/png" not in output.get("data", {}) for output in cell.outputs):
                found.append(f"{where}: a cell tagged 'timing' stores printed output (timings belong to the "
                             "machine that ran it; re-run it with tools/run_notebook.py)")
        for output in cell.outputs:
            if output.get("output_type") == "error":
                found.append(f"{where}: error output {output.get('ename')}: {output.get('evalue', '')[:80]}")
            if WIDGET_MIME in output.get("data", {}):
                found.append(f"{where}: a widget model id in the output (changes on every run)")
            for text in _texts(output):
                for pattern, what in ((ADDRESS, "a memory address"), (LOCAL_PATH, "a local path")):
                    match = pattern.search(text)
                    if match:
                        found.append(f"{where}: {what} in a text output: {match.group(0)!r}")
    return found


def course_notebooks():
    return sorted(p for folder in ("chapters", "exercises", "solutions") for p in (REPO / folder).glob("*.ipynb"))


def main(argv=None):
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)] or course_notebooks()
    problems = [problem for path in paths for problem in problems_of(path)]
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s). Re-run a chapter with tools/run_notebook.py; "
              "regenerate the exercises with tools/make_exercises.py.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
