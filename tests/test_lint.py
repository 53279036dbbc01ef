"""ruff, with the project's configuration (pyproject.toml, [tool.ruff]), finds nothing.

Runs ``ruff check`` on the whole course (Python files and notebooks), the same as the
pre-commit hook. A failure lists each finding with its file, line and rule; ruff's
documentation explains a rule: ``ruff rule B006``.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    try:
        import ruff  # noqa: F401 - only to know whether it is installed
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI is set but ruff is not installed: it is in requirements-dev.txt")
        pytest.skip("ruff is not installed (pip install -r requirements-dev.txt)")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"ruff check found problems:\n{result.stdout}{result.stderr}"
