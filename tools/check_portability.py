"""Check that the course runs the same on machines other than this one.

Usage (from the course folder, inside the virtual environment that has requirements-dev.txt)::

    python tools/check_portability.py                       # both checks below
    python tools/check_portability.py --skip-pythons        # only the other CPU/BLAS setting
    python tools/check_portability.py --pythons 3.10 3.13   # only these Pythons

1. **Another CPU and BLAS.** Re-runs every chapter and solution notebook under nbval (each stored
   text output must come out the same) with NumPy's AVX2 and AVX-512 loops switched off
   (``NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4"``), OpenBLAS's Sandy Bridge kernels
   (``OPENBLAS_CORETYPE=Sandybridge``) and one BLAS thread. A learner's laptop differs from the
   machine the outputs were stored on in exactly these ways. On a CPU without AVX2 the NumPy
   setting changes nothing, which is fine: the stored outputs were then made on a third kind of
   machine.
2. **Other Pythons.** For each of Python 3.10, 3.12 and 3.13 that this machine has (pyenv's
   versions or ``python3.X`` on the PATH), makes a new virtual environment, installs
   ``requirements-dev.txt`` there (each Python resolves its own NumPy, matplotlib and
   scikit-learn within the pins) and runs the unit tests in ``tests/``, less those that test
   the machine or a third-party tool rather than the Python (the browser and website tests, the
   nbgrader round trip, the benchmarks' smoke runs: the README's test command runs them once).
   With ``--chapters-on`` a Python also re-runs the chapters and solutions under nbval;
   ``--all-tests`` runs every test file there, and the whole suite under the other CPU/BLAS
   setting.

Two checks run at a time (``--jobs``): a new environment's installation mostly waits for the
network and the disk. A Python this machine does not have is reported as skipped, never silently
left out. The exit
status is 0 only when every check that ran passed. ``.ci/run`` calls this after the README's
test command.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["chapters", "solutions"]
OTHER_MACHINE = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4",
    "OPENBLAS_CORETYPE": "Sandybridge",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}
PYTHONS = ["3.10", "3.12", "3.13"]
# Tests that check the machine or a third-party tool rather than the Python (a browser, a web site,
# nbgrader's round trip, the benchmarks' smoke runs): the README's test command runs them once.
ONCE_ONLY = ["tests/test_browser.py", "tests/test_site.py", "tests/test_grading_nbgrader.py",
             "tests/test_benchmarks.py"]


def find_python(version):
    """Path of an interpreter for ``version`` ('3.10'), or None."""
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates = sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*", "bin",
                                               f"python{version}")))
    # Newest patch release last: 3.10.13 after 3.10.9.
    candidates.sort(key=lambda p: [int(x) for x in Path(p).parents[1].name.split(".")
                                   if x.isdigit()])
    if candidates:
        return candidates[-1]
    found = shutil.which(f"python{version}")
    if found:
        # A pyenv shim for a version that is not installed fails when run: make sure it runs.
        ok = subprocess.run([found, "-c", "pass"], capture_output=True).returncode == 0
        return found if ok else None
    return None


def run(cmd, env=None):
    """Run ``cmd`` from the course folder; return (exit status, seconds, last output lines)."""
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - start
    tail = [line for line in proc.stdout.splitlines() if line.strip()][-15:]
    return proc.returncode, seconds, tail


# This tool runs its checks side by side (--jobs), so each pytest run stays in one process.
SERIAL = ["-n", "0"]


def nbval_command(python):
    return [python, "-m", "pytest", *NOTEBOOKS, "-q", "-p", "no:cacheprovider", *SERIAL]


def check_other_machine(python, all_tests, say):
    env = dict(os.environ, **OTHER_MACHINE)
    setting = " ".join(f'{k}="{v}"' for k, v in OTHER_MACHINE.items())
    what = "the whole test suite" if all_tests else "chapters and solutions under nbval"
    say(f"== {what} with {setting}")
    paths = ["tests", *NOTEBOOKS] if all_tests else NOTEBOOKS
    code, seconds, tail = run([python, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider",
                               *SERIAL], env=env)
    say(*tail)
    return [(f"{what} with {setting}", code, seconds)]


def check_python(version, chapters, all_tests, say):
    python = find_python(version)
    if python is None:
        say(f"== Python {version}: not on this machine, SKIPPED")
        return [(f"Python {version}", None, 0.0)]
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"nn-course-py{version}-") as venv:
        say(f"== Python {version} ({python}): a new virtual environment")
        env = dict(os.environ)
        env.pop("VIRTUAL_ENV", None)
        env.pop("PYTHONPATH", None)
        vpy = os.path.join(venv, "bin", "python")
        steps = [
            [python, "-m", "venv", venv],
            [vpy, "-m", "pip", "install", "-q", "--upgrade", "pip"],
            [vpy, "-m", "pip", "install", "-q", "-r", "requirements-dev.txt"],
        ]
        start = time.monotonic()
        for step in steps:
            code, _, tail = run(step, env=env)
            if code:
                say(*tail)
                return [(f"Python {version}: install", code, time.monotonic() - start)]
        versions = subprocess.run(
            [vpy, "-c", "import sys, numpy, matplotlib, sklearn; "
                        "print(sys.version.split()[0], 'NumPy', numpy.__version__, "
                        "'matplotlib', matplotlib.__version__, 'scikit-learn', sklearn.__version__)"],
            capture_output=True, text=True, env=env).stdout.strip()
        say(f"   installed: Python {versions}")
        ignore = [] if all_tests else [f"--ignore={p}" for p in ONCE_ONLY]
        code, seconds, tail = run([vpy, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider",
                                   *SERIAL, *ignore], env=env)
        say(*tail)
        rows.append((f"Python {versions}: unit tests", code, seconds))
        if chapters:
            code, seconds, tail = run(nbval_command(vpy), env=env)
            say(*tail)
            rows.append((f"Python {versions}: chapters and solutions (nbval)", code, seconds))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pythons", nargs="*", default=PYTHONS,
                        help="Python versions to run the unit tests under (default: %(default)s)")
    parser.add_argument("--chapters-on", nargs="*", default=[], metavar="VERSION",
                        help="also re-run the notebooks under these Pythons")
    parser.add_argument("--all-tests", action="store_true",
                        help="every test file under the other Pythons and the other CPU/BLAS setting")
    parser.add_argument("--skip-other-machine", action="store_true")
    parser.add_argument("--skip-pythons", action="store_true")
    parser.add_argument("--jobs", type=int, default=2,
                        help="checks run at the same time (default: %(default)s; installing one "
                             "Python's packages mostly waits for the network and the disk)")
    args = parser.parse_args(argv)

    checks = []
    if not args.skip_other_machine:
        checks.append(lambda say: check_other_machine(sys.executable, args.all_tests, say))
    if not args.skip_pythons:
        for version in args.pythons:
            checks.append(lambda say, v=version: check_python(v, v in args.chapters_on,
                                                              args.all_tests, say))

    def run_check(check):
        lines = []
        rows = check(lambda *text: lines.extend(text))
        return rows, lines

    rows = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for future in as_completed([pool.submit(run_check, check) for check in checks]):
            check_rows, lines = future.result()
            print("\n" + "\n".join(lines), flush=True)  # each check's report in one piece
            rows += check_rows

    print("\n== portability summary")
    failed = False
    for what, code, seconds in rows:
        status = "SKIPPED (not installed)" if code is None else ("passed" if code == 0 else "FAILED")
        failed |= bool(code)
        print(f"  {status:24s} {what}" + (f"  [{seconds:.0f} s]" if code is not None else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
