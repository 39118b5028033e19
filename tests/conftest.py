"""Test-wide isolation: the bank cache and progress live in a throwaway folder, so tests
never read or write a student's real data and always exercise a cold and a warm cache."""
import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="quizcli-tests-"))
os.environ["QUIZCLI_CACHE"] = str(_TMP / "cache")
os.environ["QUIZCLI_HOME"] = str(_TMP / "home")
os.environ.setdefault("QUIZCLI_LANG", "en")
os.environ.setdefault("COLUMNS", "100")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
