"""The set-up files for conda, Binder and citation say the same as requirements.txt and pyproject.toml.

requirements.txt is the single list of what a learner installs; environment.yml (conda) and
binder/requirements.txt (repo2docker) repeat it in their own formats, so a package added to one
and forgotten in another fails here, naming the package.
"""

import os
import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli", reason="reading pyproject.toml on Python 3.10 needs tomli")

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (it comes with jupytext: "
                                          "pip install -r requirements-dev.txt)")

REPO = Path(__file__).resolve().parents[1]


def _requirements(path):
    """{normalized name: version spec} of a pip requirements file, without comments and `-e .`."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", line).groups()
        found[name.lower().replace("_", "-")] = spec.replace(" ", "")
    return found


def test_environment_yml_lists_the_requirements():
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
            continue
        name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", dep).groups()
        conda[name.lower()] = spec.replace(" ", "")
    conda.pop("python")
    conda.pop("pip")
    assert conda == _requirements(REPO / "requirements.txt")
    assert "-e ." in pip, "environment.yml must install nnlib itself (pip: -e .)"


def test_binder_installs_the_requirements_and_nnlib():
    assert _requirements(REPO / "binder" / "requirements.txt") == _requirements(REPO / "requirements.txt")
    post_build = REPO / "binder" / "postBuild"
    assert re.search(r"pip install .*-e \.", post_build.read_text(encoding="utf-8"))
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable (git update-index --chmod=+x)"
    runtime = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.(1[0-3])", runtime), f"binder/runtime.txt: {runtime!r} is not a supported Python"


def test_citation_and_licences_agree_with_pyproject():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["cff-version"] == "1.2.0" and citation["title"] and citation["authors"]
    assert str(citation["version"]) == project["version"]
    assert set(citation["license"]) == set(project["license"].split(" AND "))
    for licence_file in project["license-files"]:
        assert (REPO / licence_file).is_file(), f"{licence_file} is named in pyproject.toml but missing"
    assert "Creative Commons Attribution 4.0 International Public License" in (REPO / "LICENSE-text").read_text()
