"""The README starts with exactly the two commands, and CI runs the README's test command."""
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _block(name: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(rf"<!-- {name} -->\s*```\w*\n(.*?)\n```\s*<!-- /{name} -->", text, re.S)
    assert m, f"README.md lacks the {name} markers around a fenced command"
    return m.group(1).strip()


def test_two_commands_open_the_readme():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\w*\n(.*?)\n```", text, re.S)
    assert blocks[0].strip() == _block("main-command")
    assert blocks[1].strip() == _block("test-command")
    assert "pip install" in blocks[0] and "quizcli" in blocks[0]
    assert "pip install" in blocks[1] and "pytest" in blocks[1]
    # nothing but the title comes before the two commands
    before = text.split("<!-- main-command -->")[0].strip().splitlines()
    assert len(before) == 1 and before[0].startswith("# ")


def test_ci_extracts_exactly_the_readme_test_command():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    # run the extraction line of .ci/run on the real README
    line = next(ln for ln in script.splitlines() if ln.startswith("cmd=$("))
    out = subprocess.run(["bash", "-c", line + '; printf "%s" "$cmd"'], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout == _block("test-command")
