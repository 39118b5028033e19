"""topics / explain / bank check, run as a user runs them (typer's CliRunner)."""
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from quizcli.bank.loader import validate_dirs
from quizcli.bank.store import builtin_bank_dir
from quizcli.core.models import Bank
from quizcli.cli import app
from quizcli.core.mathtext import latex_to_unicode, leftover_command

runner = CliRunner()


def test_builtin_bank_validates_deeply():
    _, problems = validate_dirs([builtin_bank_dir()], deep=True)
    assert problems == []


def test_bank_round_trips_through_the_cache_format(bank):
    again = Bank.from_dict(json.loads(json.dumps(bank.to_dict())))
    assert again.concepts == bank.concepts and again.questions == bank.questions and again.topics == bank.topics


def test_topics_table_and_json(bank):
    r = runner.invoke(app, ["topics"])
    assert r.exit_code == 0, r.output
    for tid in bank.topics:
        assert tid in r.output
    r = runner.invoke(app, ["topics", "--json"])
    data = json.loads(r.output)
    assert [t["id"] for t in data] == list(bank.topics)
    neuron = next(t for t in data if t["id"] == "neuron")
    assert neuron["concepts"] == len(bank.concepts_in("neuron")) > 0
    assert neuron["title"] == {"en": "Neurons and activation functions", "zh": "神经元与激活函数"}


def test_explain_shows_every_part(bank):
    r = runner.invoke(app, ["explain", "dying", "relu"])
    assert r.exit_code == 0, r.output
    c = bank.concepts["dying_relu"]
    out = " ".join(r.output.split())
    assert c.title.en in out and c.title.zh in out
    for heading in ("Explanation", "Formulas", "Key points", "Common pitfalls", "Related", "Questions on this concept"):
        assert heading in out
    assert "max(0,z)" in out  # the formula rendered, not raw LaTeX
    assert "\\max" not in out and "\\mathrm" not in out
    assert "●" in out  # the activation plot


def test_explain_in_chinese(bank):
    r = runner.invoke(app, ["--lang", "zh", "explain", "死亡", "ReLU"])
    assert r.exit_code == 0, r.output
    assert "答题要点" in r.output and bank.concepts["dying_relu"].summary.zh[:10] in r.output.replace("\n", "")
    r2 = runner.invoke(app, ["explain", "dying_relu", "--lang", "zh"])
    assert "答题要点" in r2.output


def test_explain_json_has_the_documented_keys():
    r = runner.invoke(app, ["explain", "dead", "relu", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    for key in ("id", "topic", "title", "summary", "body", "formulas", "key_points", "pitfalls", "related", "matches"):
        assert key in d
    assert d["id"] == "dying_relu" and d["topic"] == "neuron"
    assert d["formulas"][0]["text"] and "\\" not in d["formulas"][0]["text"]


def test_explain_typo_and_no_match():
    r = runner.invoke(app, ["explain", "dying", "rleu"])
    assert r.exit_code == 0 and "dying_relu" in r.output
    r = runner.invoke(app, ["explain", "qwertyuiop", "zxcvb"])
    assert r.exit_code == 1
    assert "not look like a question of this course" in r.output and "quizcli topics" in r.output
    r = runner.invoke(app, ["explain", "zzzz", "--json"])
    d = json.loads(r.output)
    assert r.exit_code == 1 and d["error"] == "not in course" and d["in_course"] is False and d["question"] is None


@pytest.mark.slow
def test_every_concept_is_reachable_by_id_alias_and_both_titles(bank):
    from quizcli.bank.search import search

    misses = []
    for c in bank.concepts.values():
        for q in (c.id, c.title.en, c.title.zh, *c.aliases):
            found = search(bank, q)
            if not found or found[0].concept_id != c.id:
                # an alias shared with another concept is fine if this one is among the matches
                if not any(m.concept_id == c.id for m in found) or q in (c.id, c.title.en, c.title.zh):
                    misses.append((c.id, q, found[0].concept_id if found else None))
    assert misses == []


def test_rendered_formulas_have_no_latex_commands_left(bank):
    from quizcli.core.mathtext import collect_math

    bad = []
    for owner, latex in collect_math(bank):
        text = bank.math.get(latex) or latex_to_unicode(latex)
        if leftover_command(text):
            bad.append((owner.id, latex, text))
    assert bad == []


@pytest.mark.parametrize(
    "latex, text",
    [
        (r"\sigma(x) = \frac{1}{1+e^{-x}}", "σ(x) = 1/(1+e⁻ˣ)"),
        (r"\mathrm{ReLU}(z) = \max(0, z)", "ReLU(z) = max(0,z)"),
        (r"\left\lfloor \frac{n+2p-k}{s} \right\rfloor + 1", "⌊(n+2p-k)/s⌋+1"),
        (r"\log p", "log p"),
        (r"\text{if } x>0", "if x > 0"),
        (r"W^\top x", "Wᵀx"),
    ],
)
def test_latex_to_unicode(latex, text):
    assert latex_to_unicode(latex) == text


def _modules_after(args):
    code = (
        "import sys, json\n"
        "from quizcli.cli import app\n"
        "try:\n"
        f"    app({args!r}, standalone_mode=False)\n"
        "except BaseException:\n"
        "    pass\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["topics"], ["explain", "lstm"], ["explain", "dying", "relu"]])
def test_light_commands_import_neither_numpy_nor_sympy(args):
    mods = _modules_after(args)
    assert "numpy" not in mods and "sympy" not in mods


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "quizcli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "explain" in out.stdout and "topics" in out.stdout


def test_explain_example_uses_the_concepts_own_activation():
    r = runner.invoke(app, ["explain", "relu", "--example"])
    assert r.exit_code == 0, r.output
    assert "ReLU activation" in r.output and "Worked solution" in r.output
    r = runner.invoke(app, ["explain", "relu", "--example", "--json"])
    ex = json.loads(r.output)["worked_example"]
    assert ex["params"]["f"] == "relu" and ex["answer"] == [1.5, 1.0]


def test_set_braces_survive_rendering():
    assert latex_to_unicode(r"y \in \{0, 1\}") == "y∈{0,1}"  # ASCII braces a student can type back


@pytest.mark.parametrize("query,want", [
    # English names written against Chinese, as students type them: the names are words of their own
    ("为什么深度神经网络中要使用ReLU而不是sigmoid", {"relu", "sigmoid", "neuron.relu_pros_cons", "neuron.sigmoid_pros_cons"}),
    ("CNN中1x1卷积的作用", {"conv_1x1", "cnn.conv_1x1_uses"}),
    # "神经网络" is the course's own name, not the part of a compound name that says what is asked
    ("为什么循环神经网络不能直接用批量归一化", {"bn_in_rnn", "normalization.bn_rnn_why"}),
    # a short text that asks is an exam question; a bare name, or "what is" + a name, is the concept page
    ("Transformer的学习率是怎么设置的？", {"transformer.exam_warmup"}),
    ("what is tanh", {"tanh"}),
    ("tanh", {"tanh"}),
])
def test_search_reads_mixed_chinese_and_english(bank, query, want):
    from quizcli.bank.search import find, normalize

    assert "relu 而不是 sigmoid" in normalize("使用ReLU而不是sigmoid")
    f = find(bank, query)
    assert f.in_course and f.hits and f.hits[0].id in want, [(h.id, h.score) for h in f.hits[:4]]


@pytest.mark.parametrize("pasted,kept", [
    ("3.（10分）请简述LSTM的门控机制", "LSTM的门控机制"),
    ("习题 5-2 分析卷积神经网络中用 1 × 1 的滤波器的作用。", "分析卷积神经网络中用 1 × 1 的滤波器的作用。"),
    ("Exercise 4.3: Briefly explain why ReLU helps", "why ReLU helps"),
    ("第2题 (8 points) what is dropout", "what is dropout"),
    ("problem solving with backpropagation", "problem solving with backpropagation"),  # a word, not a number
])
def test_exam_noise_is_stripped_and_the_question_kept(pasted, kept):
    from quizcli.bank.search import normalize, strip_exam_noise

    assert strip_exam_noise(pasted) == kept
    assert normalize("1 × 1 的滤波器") == "1x1 的滤波器" and normalize("max x 2") == "max x 2"


def test_one_question_is_read_from_the_cache_without_the_others(bank, tmp_path, monkeypatch):
    """`explain` of a pasted exam question reads that question's own cache file, not all 900."""
    from quizcli.bank import store

    monkeypatch.setenv("QUIZCLI_CACHE", str(tmp_path))
    store._LOADED.clear()
    store.load_bank()  # builds the cache
    store._LOADED.clear()
    cold = store.load_bank()  # from the cache, nothing read yet
    q = cold.question("normalization.bn_rnn_why")
    assert cold._questions is None  # the others were not parsed
    assert q == bank.questions["normalization.bn_rnn_why"]
    assert len(q.key_points) >= 5 and q.variants
    store._LOADED.clear()
