"""Test-wide isolation and the shared fixtures.

The bank cache and progress live in a throwaway folder, so tests never read or write a
student's real data and always exercise a cold and a warm cache. Nothing heavy happens at
import: the bank is loaded once per session, by the first test that asks for it.
"""
import os
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="quizcli-tests-"))
os.environ["QUIZCLI_CACHE"] = str(_TMP / "cache")
os.environ["QUIZCLI_HOME"] = str(_TMP / "home")
os.environ.setdefault("QUIZCLI_LANG", "en")
os.environ.setdefault("COLUMNS", "100")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"


@pytest.fixture(scope="session")
def bank():
    """The built-in bank, loaded once (through the cache, as every command loads it)."""
    from quizcli.bank.store import load_bank

    return load_bank()


@pytest.fixture(scope="session")
def syllabus():
    """topic -> concept id -> [English name, Chinese name] (tests/data/syllabus.yaml)."""
    from syllabus_data import SYLLABUS

    return SYLLABUS


@pytest.fixture(scope="session")
def drill_bank() -> Path:
    """A small extra bank folder for drill and store tests (tests/study/drill_bank)."""
    return REPO / "tests" / "study" / "drill_bank"


@pytest.fixture
def runner():
    """Runs quizcli's real typer app in-process: runner.invoke([...args]) -> Result."""
    from typer.testing import CliRunner

    from quizcli.cli import app

    class _Runner:
        def invoke(self, args, input=None, **kw):
            return CliRunner().invoke(app, list(args), input=input, **kw)

    return _Runner()
