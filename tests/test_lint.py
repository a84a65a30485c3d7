"""ruff and bandit are clean (pyproject.toml: [tool.ruff], [tool.bandit]), so CI (./scripts/test) runs them.

Both come with the test extra (`pip install -e '.[test]'`). Without them the
tests skip, except with CI=true, where a missing linter is a failure.
"""
from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 - runs the project's own linters with fixed arguments
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        if IN_CI:
            pytest.fail(f"{name} is required in CI: pip install -e '.[test]'")
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_ruff_is_clean():
    done = run(tool("ruff"), "check", "--no-cache", "server", "tests")
    assert done.returncode == 0, f"ruff found problems (fix them, or `ruff check --fix`):\n{done.stdout}{done.stderr}"


def test_bandit_is_clean():
    done = run(tool("bandit"), "-q", "-c", "pyproject.toml", "-r", "server")
    assert done.returncode == 0, f"bandit found problems:\n{done.stdout}{done.stderr}"
