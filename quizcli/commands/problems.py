"""`gen` and `solve`: generated problems and worked solutions for the student's own numbers."""

from typing import Annotated, Optional

import typer

from .common import JsonOpt, LangOpt, console, fail, lang
from ..core.models import Bilingual


def register(app: typer.Typer) -> None:
    app.command("gen", help="Print one generated problem (family:seed reproduces it); --answer adds the worked solution.")(gen)
    app.command(
        "solve",
        help="Check your homework: the worked solution for your own numbers, e.g. solve conv_output n=32 k=5 p=2.",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    )(solve)


def _fail(msg: str, json_out: bool = False, code: int = 1):
    """The error on stderr, or with --json as {"error": msg} on stdout; exit `code`."""
    if json_out:
        from ..render.jsonout import emit

        emit({"error": msg})
        return typer.Exit(code)
    return fail(msg, code)


def _family_or_exit(name: str, lg: str, json_out: bool = False):
    from ..generators import UnknownFamily, get

    try:
        return get(name)
    except UnknownFamily as e:
        near = f" Did you mean: {', '.join(e.suggestions)}?" if e.suggestions else ""
        near_zh = f"你是不是要找：{', '.join(e.suggestions)}？" if e.suggestions else ""
        msg = (Bilingual(f"No problem family '{name}'.{near} All families: quizcli solve --list",
                         f"没有名为“{name}”的题型。{near_zh}全部题型：quizcli solve --list").t(lg))
        raise _fail(msg, json_out)


def gen(
    family: Annotated[str, typer.Argument(help="Problem family, e.g. conv_output (list them: quizcli solve --list).", show_default=False)],
    seed: Annotated[int, typer.Option("--seed", help="Which variant: the same seed gives the same problem.")] = 1,
    difficulty: Annotated[str, typer.Option("--difficulty", "-d", help="easy, medium or hard.")] = "medium",
    answer: Annotated[bool, typer.Option("--answer", "-a", help="Also print the worked solution.")] = False,
    json_out: JsonOpt = False,
    lang_opt: LangOpt = None,
) -> None:
    """Print one generated problem. Its id family:seed reproduces it exactly.

    Examples:
      quizcli gen conv_output --seed 7
      quizcli gen backprop_step --seed 3 --answer
      quizcli gen softmax --difficulty hard --json
    """
    from ..generators import DIFFICULTIES, generate
    from ..render.jsonout import emit

    lg = lang(lang_opt)
    if difficulty not in DIFFICULTIES:
        raise _fail(Bilingual(f"--difficulty must be one of {', '.join(DIFFICULTIES)}", f"--difficulty 须为 {', '.join(DIFFICULTIES)} 之一").t(lg), json_out)
    fm = _family_or_exit(family, lg, json_out)
    p = generate(fm.family.id, seed, difficulty)
    if json_out:
        d = p.to_dict(lg)
        if not answer:
            for k in ("answer", "answer_text", "steps", "worked", "misconceptions", "engine_answer"):
                d.pop(k, None)
        emit(d)
        return
    from ..render.problems import problem_view

    console().print(problem_view(p, lg, show_answer=answer))
    if not answer:
        hint = f"Answer: quizcli gen {p.family} --seed {seed}{'' if difficulty == 'medium' else ' -d ' + difficulty} --answer"
        console().print(hint if lg == "en" else hint.replace("Answer: ", "答案："), style="dim", markup=False)


def solve(
    ctx: typer.Context,
    family: Annotated[Optional[str], typer.Argument(help="Problem family, e.g. conv_output.", show_default=False)] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the families with their parameters.")] = False,
    json_out: JsonOpt = False,
    help_: Annotated[bool, typer.Option("--help", "-h", help="Show this help, or a family's parameters: solve FAMILY --help.")] = False,
    lang_opt: LangOpt = None,
) -> None:
    """The worked solution for your own numbers: name=value pairs in the course's symbols.
    A pair or list is comma-separated (k=3,5  z=4,1,-4), a matrix has rows separated by ';'
    (x="0 1 2;3 4 5").

    Examples:
      quizcli solve conv_output n=32 k=5 s=1 p=2
      quizcli solve softmax z=4,1,-4
      quizcli solve lstm_params d=100 h=128 biases=2
      quizcli solve --list
      quizcli solve conv_output --help
    """
    from ..generators import ParamError, describe_params, families, solve as solve_family
    from ..render.jsonout import emit

    lg = lang(lang_opt)
    if list_:
        fams = families()
        if json_out:
            emit([
                {"family": fm.family.id, "topic": fm.family.topic, "title": fm.family.title.t(lg),
                 "params": [{"name": p.name, "kind": p.kind, "help": p.help.t(lg), "default": p.default,
                             "aliases": list(p.aliases), "min": p.min, "max": p.max, "max_len": p.max_len}
                            for p in fm.family.params],
                 "notes": [n.t(lg) for n in fm.family.notes]}
                for fm in fams.values()
            ])
            return
        from rich.table import Table

        table = Table(title=Bilingual("Problem families", "题型").t(lg), header_style="bold cyan", show_lines=False)
        table.add_column(Bilingual("family", "题型").t(lg), style="bold")
        table.add_column(Bilingual("topic", "主题").t(lg))
        table.add_column(Bilingual("what", "内容").t(lg))
        table.add_column(Bilingual("parameters", "参数").t(lg))
        for fm in fams.values():
            ps = " ".join(p.name if p.required else f"{p.name}={p.default}" for p in fm.family.params)
            table.add_row(fm.family.id, fm.family.topic, fm.family.title.t(lg), ps)
        console().print(table)
        return
    if help_ or family is None:
        if family is None:
            console().print(ctx.get_help(), markup=False, highlight=False)
            return
        fm = _family_or_exit(family, lg)
        head = f"{fm.family.id}: {fm.family.title.t(lg)}\n" + Bilingual("Parameters:", "参数：").t(lg)
        notes = "".join("\n" + Bilingual("Note: ", "注：").t(lg) + n.t(lg) for n in fm.family.notes)
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        rows = []
        for line in describe_params(fm.family, lg).splitlines():
            # a parameter that wraps goes on under its description, not at column 0
            name, _, desc = line.strip().partition(": ")
            g = Table.grid(padding=(0, 1))
            g.add_column(no_wrap=True)
            g.add_column(ratio=1)
            g.add_row(Text(f"  {name}:"), Text(desc))
            rows.append(g)
        console().print(Group(Text(head), *rows, Text(notes.lstrip("\n"))) if notes else Group(Text(head), *rows), highlight=False)
        return
    fm = _family_or_exit(family, lg, json_out)
    from ..generators.base import RoutesDisagree

    try:
        p = solve_family(fm.family.id, list(ctx.args))
    except ParamError as e:
        raise _fail(e.t(lg), json_out)
    except (RoutesDisagree, OverflowError, ZeroDivisionError):
        # limits keep real sizes clear of this; numbers beyond them are refused, not half-answered
        raise _fail(Bilingual("These numbers are outside what quizcli can check: its formula and its engine route do not "
                              "give the same answer for them, so no answer is shown. Try values of exam size.",
                              "这组数超出了 quizcli 能核对的范围：公式与引擎两条路线的结果不一致，因此不给出答案。请用考试规模的数值。").t(lg),
                    json_out)
    if json_out:
        d = p.to_dict(lg)
        emit({"family": d["family"], "params": d["params"], "answer": d["answer"], "steps": d["steps"],
              "worked": d["worked"], "conventions": d["conventions"], "prompt": d["prompt"], "answer_text": d["answer_text"]})
        return
    from ..render.problems import problem_view

    console().print(problem_view(p, lg, show_answer=True))
