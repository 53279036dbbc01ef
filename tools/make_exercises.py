"""Generate the exercise notebooks in exercises/ from the solution notebooks in solutions/.

Usage (from the repository root)::

    python tools/make_exercises.py            # write exercises/*.ipynb
    python tools/make_exercises.py --check    # exit 1 if exercises/ is out of date (for CI)
    python tools/make_exercises.py --force    # overwrite even stubs a learner has filled in

``solutions/`` is the single source. In every code cell, each region from a line containing
``### BEGIN SOLUTION`` to the line containing ``### END SOLUTION`` becomes::

    # YOUR CODE HERE
    raise NotImplementedError()

at the indentation of the BEGIN line (what nbgrader's ClearSolutions does). Outputs and
execution counts are cleared; cell ids and nbgrader metadata are kept, so nbgrader can still run
on either folder.

Nothing a learner typed is ever lost. Every generated notebook records a fingerprint of each
cell's source (``metadata.nnlib.generated``: cell id -> SHA-256 prefix). Before an existing
exercise notebook is replaced, each of its cells is compared with that record: a cell whose text
changed (a filled-in stub, a note typed into a markdown cell, a line added to a check cell, an
import added to the setup cell) or a cell the generator never wrote (one the learner added) makes
the generator leave the notebook alone and list those cells, unless ``--force`` is given. A
notebook without the record (written by an older generator) is compared with the new sheet
instead, and any cell that differs counts as changed.
"""

import argparse
import copy
import hashlib
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")


class SolutionFormatError(ValueError):
    """A solution notebook whose regions or metadata are malformed."""


def is_solution_cell(cell):
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution", False))


def clear_solutions(source, where="cell"):
    """Replace every solution region in ``source`` by the stub; return the new source."""
    out, inside = [], False
    for number, line in enumerate(source.split("\n"), 1):
        if BEGIN in line:
            if inside:
                raise SolutionFormatError(f"{where}, line {number}: nested {BEGIN}")
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out.extend(indent + stub for stub in STUB)
        elif END in line:
            if not inside:
                raise SolutionFormatError(f"{where}, line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise SolutionFormatError(f"{where}: {BEGIN} without {END}")
    return "\n".join(out)


def make_exercise(solution_nb, name="notebook"):
    """Return the exercise version of a solution notebook (the input is not modified)."""
    nb = copy.deepcopy(solution_nb)
    n_regions = 0
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index} ({cell.get('id', '?')})"
        has_region = BEGIN in cell.source
        if has_region and cell.cell_type != "code":
            raise SolutionFormatError(f"{where}: solution regions belong in code cells")
        if has_region != is_solution_cell(cell) and cell.cell_type == "code":
            raise SolutionFormatError(
                f"{where}: a cell with a solution region must carry nbgrader metadata "
                '{"solution": true, "grade_id": ...}, and a solution cell needs a region')
        if cell.cell_type == "code":
            if has_region:
                cell.source = clear_solutions(cell.source, where)
                n_regions += 1
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "ExecuteTime", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    if n_regions == 0:
        raise SolutionFormatError(f"{name}: no solution regions")
    nb.metadata.pop("widgets", None)
    nb.metadata.setdefault("nnlib", {})["generated"] = {
        cell.get("id"): fingerprint(cell.source) for cell in nb.cells}
    return nb


def fingerprint(source):
    """A short digest of a cell's text, recorded at generation to recognise later edits."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def learner_changes(existing_nb, generated_nb):
    """The cells of ``existing_nb`` whose text overwriting it with ``generated_nb`` would lose.

    Returns a list of reasons, one per cell (empty when nothing typed would be lost).
    """
    recorded = existing_nb.metadata.get("nnlib", {}).get("generated")
    generated = {cell.get("id"): cell for cell in generated_nb.cells}
    reasons = []
    for number, cell in enumerate(existing_nb.cells, 1):
        cell_id = cell.get("id")
        new = generated.get(cell_id)
        if new is not None and cell.source == new.source:
            continue  # the new sheet has this very text: nothing is lost
        if recorded is not None:
            if cell_id not in recorded:
                if cell.source.strip():
                    reasons.append(f"cell {number} ({cell.cell_type}, id {cell_id!r}) was added")
                continue
            if fingerprint(cell.source) == recorded[cell_id]:
                continue  # as generated: an older version of the sheet, safe to replace
        elif new is None:
            if cell.source.strip():
                reasons.append(f"cell {number} ({cell.cell_type}, id {cell_id!r}) is not in "
                               "the generated notebook")
            continue
        if is_solution_cell(cell):
            grade_id = cell.metadata["nbgrader"].get("grade_id", cell_id)
            reasons.append(f"solution cell {grade_id!r} (cell {number}) was filled in")
        else:
            reasons.append(f"cell {number} ({cell.cell_type}, id {cell_id!r}) was edited")
    return reasons


def render(nb):
    """The exact text nbformat.write would produce (so --check can compare bytes)."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def generate(solutions_dir, exercises_dir, force=False, check=False, out=None):
    """Generate (or with ``check``, compare) every exercise notebook. Returns an exit status."""
    out = out or sys.stdout
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    sources = sorted(solutions_dir.glob("*.ipynb"))
    if not sources:
        print(f"no notebooks in {solutions_dir}", file=out)
        return 2
    status = 0
    for source in sources:
        target = exercises_dir / source.name
        generated = make_exercise(nbformat.read(source, as_version=4), source.name)
        nbformat.validate(generated)
        text = render(generated)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            print(f"{target}: up to date", file=out)
            continue
        if check:
            print(f"{target}: {'missing' if current is None else 'out of date'}", file=out)
            status = 1
            continue
        if current is not None and not force:
            reasons = learner_changes(nbformat.reads(current, as_version=4), generated)
            if reasons:
                print(f"{target}: NOT overwritten, a learner's work would be lost in "
                      f"{len(reasons)} cell(s):", file=out)
                for reason in reasons:
                    print(f"  - {reason}", file=out)
                print("  Keep a copy of your notebook and use --force to overwrite it.",
                      file=out)
                status = 1
                continue
        exercises_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"{target}: written", file=out)
    if check:
        extra = sorted({p.name for p in exercises_dir.glob("*.ipynb")}
                       - {p.name for p in sources})
        for name in extra:
            print(f"{exercises_dir / name}: has no source in {solutions_dir}", file=out)
            status = 1
    return status


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", default=ROOT / "solutions", type=Path)
    parser.add_argument("--exercises", default=ROOT / "exercises", type=Path)
    parser.add_argument("--force", action="store_true",
                        help="overwrite exercise notebooks even where a learner changed or "
                             "added cells")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if any exercise notebook is out of date")
    args = parser.parse_args(argv)
    try:
        return generate(args.solutions, args.exercises, force=args.force, check=args.check)
    except SolutionFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
