"""Build the course website: ``python tools/build_site.py`` -> build/site/html/index.html

The pages are the README (as the home page), the chapters and the exercise sheets with their
stored outputs (never executed), the exercises' and the benchmarks' READMEs, and the data sets'
credits. They are copied with their relative paths into build/site-src/ together with site/
(index, licence page, styles), so the links between them work as they do on GitHub; Sphinx
(myst-nb, the book theme) then builds build/site/html with warnings treated as errors. MathJax
is served from the site itself (the package sphinx-mathjax-offline), so the formulas are typeset
with no network. Open build/site/html/index.html in a browser, or serve the folder:
``python -m http.server -d build/site/html``.

Options: ``--keep-going`` reports every warning instead of stopping at the first; ``--no-warnings-as-errors``
builds despite warnings; ``--out DIR`` builds elsewhere.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE_CONFIG = REPO / "site"
DEFAULT_OUT = REPO / "build" / "site"

# What the website shows, as glob patterns relative to the repository.
PAGES = [
    "README.md",
    "chapters/*.ipynb",
    "exercises/README.md",
    "exercises/*.ipynb",
    "benchmarks/README.md",
    "benchmarks/*.py",  # linked from the benchmarks README: offered as downloads
    "nnlib/datasets/README.md",
    "CONTRIBUTING.md",
    "LICENSE",  # linked from the README: offered as downloads
    "LICENSE-text",
    "CITATION.cff",
]


def stage(source_dir):
    """Copy the pages and site/ into a fresh ``source_dir``; return the copied paths."""
    if source_dir.exists():
        shutil.rmtree(source_dir)
    copied = []
    for pattern in PAGES:
        matches = sorted(REPO.glob(pattern))
        if not matches:
            raise SystemExit(f"nothing matches {pattern!r} in {REPO}: has a page been moved?")
        for path in matches:
            rel = path.relative_to(REPO)
            (source_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source_dir / rel)
            copied.append(rel)
    for path in SITE_CONFIG.rglob("*"):
        if path.is_file() and path.name != "conf.py" and "__pycache__" not in path.parts:
            rel = path.relative_to(SITE_CONFIG)
            (source_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source_dir / rel)
            copied.append(rel)
    return copied


def build(out=DEFAULT_OUT, warnings_as_errors=True, keep_going=False, quiet=False):
    """Stage and build; return the folder holding index.html. Raises CalledProcessError on failure."""
    out = Path(out)
    source_dir = out.parent / (out.name + "-src")
    stage(source_dir)
    html = out / "html"
    if html.exists():  # -E rereads every page, but Sphinx never deletes the page of a renamed notebook
        shutil.rmtree(html)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(SITE_CONFIG), "-d", str(out / "doctrees"),
               "-E", "-j", "1", str(source_dir), str(html)]
    if warnings_as_errors:
        command.insert(3, "-W")
    if keep_going:
        command.insert(3, "--keep-going")
    if quiet:
        command.insert(3, "-q")
    subprocess.run(command, cwd=REPO, check=True)
    return html


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the course website into build/site/html.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/site)")
    parser.add_argument("--no-warnings-as-errors", action="store_true", help="do not stop on warnings")
    parser.add_argument("--keep-going", action="store_true", help="report all warnings, then fail")
    args = parser.parse_args(argv)
    try:
        html = build(args.out, warnings_as_errors=not args.no_warnings_as_errors, keep_going=args.keep_going)
    except subprocess.CalledProcessError as err:
        print(f"\nthe website did not build (sphinx exited with {err.returncode}); the first warning "
              "above says why (treated as an error)", file=sys.stderr)
        return err.returncode or 1
    print(f"\nwebsite built: {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
