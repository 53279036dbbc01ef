"""Execute notebooks top to bottom in a fresh kernel and save them with their outputs.

Usage::

    python tools/run_notebook.py chapters/03_backpropagation.ipynb [more.ipynb ...]

This is how a maintainer updates a chapter after editing it: the stored outputs are what a
learner reads on GitHub and what CI compares (nbval) when it re-runs the notebook. The
notebook is executed with its working directory set to its own folder, with the kernel
``python3``; volatile metadata (execution timings) is dropped so that re-running an unchanged
chapter leaves the file byte-for-byte the same, and a cell tagged ``timing`` keeps its figures
but not its printed timings.
"""

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: A cell that times something: its figure is stored, its printed timings are not (they belong to
#: the machine that ran it; tools/check_notebooks.py enforces this). Tag it nbval-ignore-output too.
TIMING_TAG = "timing"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def normalize(nb):
    """Fix the kernelspec and drop metadata that changes on every run."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if TIMING_TAG in cell.metadata.get("tags", []):
            cell.outputs = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        for output in cell.get("outputs", []):
            # A live widget's model id is new on every run and means nothing without a kernel;
            # the text/plain line beside it is what GitHub and an untrusted notebook show.
            output.get("data", {}).pop(WIDGET_MIME, None)
    return nb


def run(path, timeout=600):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", coalesce_streams=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    normalize(nb)
    nbformat.write(nb, path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    return len(errors)


def renew_text_twin(path):
    """A run changes outputs only, so a text twin in step (tools/sync_text.py) stays in step; its
    time stamp is renewed, because JupyterLab's jupytext refuses to open a notebook that is newer
    than its text file. Returns a warning when the pair differs, None otherwise."""
    try:
        import sync_text  # tools/ is on sys.path when this file runs as a script
    except ImportError:  # jupytext is missing: there is nothing to pair with
        return None
    text_file = sync_text.text_path(path)
    if not text_file.exists():
        return None
    difference = sync_text.check_pair(path, text_file)
    if difference:
        return f"{text_file} is not in step with {path}: {difference} (see tools/sync_text.py)"
    text_file.touch()
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.notebooks:
        n_errors = run(path, args.timeout)
        print(f"{path}: {'ok' if not n_errors else f'{n_errors} error output(s)'}")
        warning = renew_text_twin(path)
        if warning:
            print(f"warning: {warning}")
        failed += bool(n_errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
