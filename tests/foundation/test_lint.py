"""The code keeps the ruff configuration of pyproject.toml (line length 160, the default rules):
`ruff check` over the package, the tests and the benchmarks finds nothing."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _ruff() -> list[str] | None:
    exe = shutil.which("ruff")
    if exe:
        return [exe]
    try:
        import ruff  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "ruff"]


def test_ruff_finds_nothing():
    cmd = _ruff()
    if cmd is None:
        pytest.skip("ruff is not installed (it comes with the dev extra: pip install -e '.[dev]')")
    r = subprocess.run([*cmd, "check", "--no-cache", "quizcli", "tests", "bench"], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
