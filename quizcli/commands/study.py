"""`drill`: the interactive loop (and later review / exam)."""

from typing import Annotated, List, Optional

import typer

from .common import BankOpt, JsonOpt, LangOpt, console, fail, get_bank, kind_option, lang, open_recorder, start_symbolic_warmup
from ..core.models import Bilingual

KindOpt = Annotated[str, typer.Option("--kind", "-k", help="concept (short/choice/true-false), numeric (calculations), symbolic (= formula) or mixed.")]
NOpt = Annotated[int, typer.Option("-n", "--number", help="How many items.", min=1, max=500)]
SeedOpt = Annotated[Optional[int], typer.Option("--seed", help="Same seed, same drill (for a class or a redo).", show_default=False)]
DiffOpt = Annotated[Optional[str], typer.Option(
    "--difficulty", "-d", help="easy, medium or hard (calculations; with --item F:S, that problem at this difficulty).  [default: medium]", show_default=False)]


def register(app: typer.Typer) -> None:
    app.command("drill", help="Practise a topic or concept: mixed questions and calculations, graded with feedback.")(drill)


def drill(
    targets: Annotated[Optional[List[str]], typer.Argument(help="Topics or concepts: cnn rnn, 卷积神经网络, dropout, all.", show_default=False)] = None,
    kind: KindOpt = "mixed",
    n: NOpt = 10,
    seed: SeedOpt = None,
    difficulty: DiffOpt = None,
    item: Annotated[Optional[List[str]], typer.Option("--item", "-i", help="Drill exactly this item: a question "
                                                                           "id or family:seed (repeatable).", show_default=False)] = None,
    steps: Annotated[bool, typer.Option("--steps", help="Ask every calculation step by step, every step, "
                                                        "each graded at once (errors carried forward).")] = False,
    fade: Annotated[str, typer.Option("--fade", help="Faded worked examples for calculations, from your history: "
                                                     "backward (the last steps blanked first), forward, or off (final answers only).")] = "backward",
    mistakes: Annotated[bool, typer.Option("--mistakes", help="Re-ask the items answered wrong in the last "
                                                              "--days days (fresh variants of calculations).")] = False,
    days: Annotated[float, typer.Option("--days", help="With --mistakes: how many days back.", min=0.01, max=3650)] = 7,
    confidence: Annotated[Optional[bool], typer.Option("--confidence/--no-confidence", help="Say how sure you are (1 sure, 2 unsure, 3 guess) before each "
                                                                                            "result, or add it to the answer: 55 "
                                                                                            "!1 (default: QUIZCLI_CONFIDENCE).", show_default=False)] = None,
    json_out: JsonOpt = False,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """Practise: each item is asked, graded and explained; a summary ends the drill.

    Type the answer and Enter. Empty or ? shows a hint, s skips, q ends the drill
    (the summary is printed and every answer so far is kept; Ctrl-C does the same).
    Answers can be piped, one per line: end of input ends the drill cleanly.
    With --steps a calculation is asked one step at a time: ? climbs the hint ladder
    (rule, formula, numbers, the step done; each rung costs part of the step's credit),
    w shows the last finished calculation's worked solution. Without it, a calculation
    whose steps are declared comes as a faded worked example (--fade): the first time
    one step to fill in, one more after each clean solve, one fewer after a miss, and
    a single final answer once mastered.

    Examples:
      quizcli drill cnn
      quizcli drill cnn rnn -n 20 --seed 3
      quizcli drill neuron --kind symbolic
      quizcli drill 卷积神经网络 --lang zh
      quizcli drill dropout
      quizcli drill --item conv_output:7
      quizcli drill rnn --kind numeric --steps
      quizcli drill --mistakes --days 3
      printf 'B\\n42\\n' | quizcli drill cnn -n 2 --seed 1 --json
    """
    from ..study.items import UnknownItem, item_from_id, select_items
    from ..study.targets import UnknownTarget, resolve_targets

    lg = lang(lang_opt)
    kind = kind_option(kind, lg)
    asked = difficulty  # None: not given (an --item id then keeps its own difficulty)
    difficulty = difficulty or "medium"
    if difficulty not in ("easy", "medium", "hard"):
        raise fail("--difficulty must be easy, medium or hard")
    if fade not in ("backward", "forward", "off"):
        raise fail(Bilingual("--fade must be backward, forward or off", "--fade 须为 backward、forward 或 off").t(lg))
    b = get_bank(bank, lg)
    recorder = None
    if mistakes:
        from ..study.steps import mistake_items

        recorder = open_recorder(lg)
        store = getattr(recorder, "store", None)
        items = mistake_items(b, store, days, n, seed=seed) if store is not None else []
        if not items:
            raise fail(Bilingual(f"No item was answered wrong in the last {days:g} days.", f"最近 {days:g} 天内没有答错的题目。").t(lg))
    elif item:
        try:
            items = [item_from_id(b, _with_difficulty(i, asked, lg)) for i in item]
        except UnknownItem as e:
            raise fail(Bilingual(f"No item '{e.args[0]}': give a question id (see quizcli explain …) or family:seed (see quizcli solve --list).",
                                 f"没有编号为“{e.args[0]}”的题目：请给出题目编号或 题型:种子。").t(lg))
    else:
        try:
            t = resolve_targets(b, list(targets or []))
        except UnknownTarget as e:
            near = ", ".join(e.suggestions)
            raise fail(Bilingual(f"No topic or concept '{e.name}'." + (f" Did you mean: {near}?" if near else "") + " See quizcli topics.",
                                 f"没有“{e.name}”这个主题或知识点。" + (f"你是不是要找：{near}？" if near else "") + "可运行 quizcli topics 查看。").t(lg))
        items = select_items(b, t.topics, t.concepts, kind=kind, n=n, seed=seed, difficulty=difficulty)
    if not items:
        raise fail(Bilingual("Nothing to drill there with that --kind.", "该范围内没有符合 --kind 的题目。").t(lg))
    start_symbolic_warmup(items)
    from ..render.drill_ui import JsonUI, RichUI
    from ..study.drill import run_drill

    ui = JsonUI(lg, b) if json_out else RichUI(console(), lg, b)
    recorder = recorder or open_recorder(lg)
    step_mode = None
    if steps or fade != "off":
        from ..study.steps import StepMode, history_from_store

        store = getattr(recorder, "store", None)
        history = history_from_store(store) if store is not None and not steps else ()
        step_mode = StepMode(None if steps else fade, history)
    from ..render.confidence import add_confidence, default_on

    confident = default_on() if confidence is None else confidence
    if confident:
        add_confidence(ui)
    run_drill(items, ui, recorder, confidence=confident, steps=step_mode)


def _with_difficulty(item_id: str, difficulty: Optional[str], lg: str) -> str:
    """`family:seed` with -d D is `family:seed:D`; an id that carries another difficulty is
    refused rather than drilled at the one it names (a question id has none: -d is moot)."""
    parts = item_id.split(":")
    if difficulty is None or len(parts) < 2:
        return item_id
    if len(parts) == 2:
        return f"{item_id}:{difficulty}"
    if parts[2] != difficulty:
        raise fail(Bilingual(f"The id {item_id} carries its difficulty ({parts[2]}); -d {difficulty} "
                             f"does not apply. Give {':'.join(parts[:2])} -d {difficulty}, "
                             f"or the id alone.",
                             f"编号 {item_id} 已带难度（{parts[2]}），-d {difficulty} 不适用。请给出 "
                             f"{':'.join(parts[:2])} -d {difficulty}，或只给编号。").t(lg))
    return item_id
