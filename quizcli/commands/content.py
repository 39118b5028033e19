"""`topics`, `explain` and `bank check`: reading the bank (no NumPy, no sympy)."""

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .common import BankOpt, JsonOpt, LangOpt, bank_dirs, console, get_bank, lang
from ..core.models import Bilingual

bank_app = typer.Typer(help="Tools for whoever writes questions: validate a bank.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("topics", help="The course map: every topic with how many concepts and questions it has. With TOPIC (id, "
                "alias or title, either language): that topic's concepts, each with its title, the bank questions on it and your "
                "mastery. Examples: quizcli topics;  quizcli topics cnn;  quizcli topics 卷积神经网络 --json")(topics)
    app.command("explain", help="Explain a concept: by id, alias, title (中文/English), typo or a pasted exam question.")(explain)
    app.add_typer(bank_app, name="bank")


def topics(
    topic: Annotated[Optional[List[str]], typer.Argument(metavar="[TOPIC]", show_default=False,
                                                         help="A topic (id, alias or title in either language): list its concepts.")] = None,
    json_out: JsonOpt = False,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """List the course topics with how many concepts and questions each has; with TOPIC,
    that topic's concepts: id, title, the bank questions on each, and your mastery (share
    right of your last 20 answers on the concept, from your progress).

    Examples: quizcli topics;  quizcli topics cnn;  quizcli topics 卷积神经网络 --json
    """
    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    if topic:
        return _topic_concepts(b, " ".join(topic).strip(), lg, json_out)
    if json_out:
        from ..render.jsonout import emit, topics_json

        emit(topics_json(b))
        return
    from ..render.tables import topics_table

    out = console()
    out.print(topics_table(b, lg, width=out.width, banks=bank_dirs(bank)), crop=False)  # as in explain: commands are not cut


def _topic_concepts(b, name: str, lg: str, json_out: bool) -> None:
    from ..bank.search import resolve_topic, suggest_topic
    from ..i18n import t

    tid = resolve_topic(b, name)
    if tid is None:
        near = suggest_topic(b, name)
        if json_out:
            from ..render.jsonout import emit

            emit({"error": "no topic", "query": name, "suggestions": near})
            raise typer.Exit(1)
        err = console(stderr=True)
        err.print(t("no_topic", lg, q=name), style="bold red", markup=False)
        if near:
            err.print(t("did_you_mean", lg, ids=", ".join(near)), markup=False)
        err.print(t("try_topics", lg), style="dim", markup=False)
        raise typer.Exit(1)
    from ..study.stats import RECENT

    mastery = _concept_mastery(lg, RECENT)
    if json_out:
        from ..render.jsonout import emit
        from ..render.tables import concept_rows

        tp = b.topics[tid]
        emit({"topic": {"id": tp.id, "title": tp.title.to_dict()}, "recent": RECENT, "concepts": concept_rows(b, tid, mastery)})
        return
    from ..render.tables import topic_concepts_table

    out = console()
    out.print(topic_concepts_table(b, tid, lg, mastery, width=out.width, recent=RECENT))


def _concept_mastery(lg: str, recent: int) -> dict[str, tuple[float, int]]:
    """concept -> (share right of its last `recent` graded answers, graded answers), an answer
    counting for the first two concepts it tests (as a drill's summary counts them). No store
    yet: nothing (and none is created); a store that cannot be read: nothing, said on stderr."""
    from .common import home_dir
    from ..progress.store import Store, StoreError, store_path

    path = store_path(home_dir())
    if not path.exists():
        return {}
    err = console(stderr=True)
    try:
        store = Store(path)
        rows = store.answers()
    except StoreError as e:
        err.print((e.zh if lg == "zh" else e.en) + Bilingual(" Mastery is not shown.", " 掌握度暂不显示。").t(lg),
                  style="yellow", markup=False)
        return {}
    for en, zh in store.notices:
        err.print(zh if lg == "zh" else en, style="yellow", markup=False)
    from ..study.stats import concept_mastery

    try:
        store.close()
    except Exception:
        pass
    return concept_mastery(rows, recent)


def explain(
    query: Annotated[List[str], typer.Argument(help="What to explain: lstm, 'dying relu', 长短期记忆, or a whole question.", show_default=False)],
    example: Annotated[bool, typer.Option("--example", help="Add a worked numeric example computed live by the engine.")] = False,
    json_out: JsonOpt = False,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """Explain a concept: summary, explanation, formulas, key points, pitfalls, related
    concepts and the bank questions that test it.

    Examples:
      quizcli explain lstm
      quizcli explain dying relu
      quizcli explain 批量归一化
      quizcli explain "Why can't all the weights be initialised to zero?"
    """
    from ..i18n import t

    lg = lang(lang_opt)
    b = get_bank(bank, lg)
    text = " ".join(query).strip()
    question = None
    in_course = True
    hit = b.exact(text)
    if hit:  # an id or a name: no need for the search index
        matches = [("concept", hit, 1.0), *(("concept", c, None) for c in b.neighbours(hit))]
    elif "." in text and any(br.id == text for br in b.briefs()):  # a question id
        question = b.question(text)
        matches = [("question", text, 1.0), *(("concept", c, None) for c in question.concepts)]
    else:
        from ..bank.search import find

        found = find(b, text)
        in_course = found.in_course
        matches = [(h.kind, h.id, h.score) for h in found.hits] if in_course else []
        if found.question is not None:
            question = b.question(found.question.id)
    if not matches:
        from ..bank.search import suggest

        near = suggest(b, text) if in_course else []
        if json_out:
            from ..render.jsonout import emit

            emit({"error": "no match" if in_course else "not in course", "query": text, "in_course": in_course,
                  "question": None, "matches": [], "suggestions": near})
            raise typer.Exit(1)
        err = console(stderr=True)
        err.print(t("no_match" if in_course else "not_in_course", lg, q=text), style="bold red", markup=False)
        if near:
            err.print(t("did_you_mean", lg, ids=", ".join(near)))
        err.print(f"[dim]{t('try_topics', lg)}[/]")
        raise typer.Exit(1)
    # the concept the answer rests on: the question's first concept, else the best concept
    concept_id = question.concepts[0] if question is not None else next(i for k, i, _ in matches if k == "concept")
    concept = b.concepts[concept_id]
    others = [(k, i) for k, i, _ in matches if i not in (concept_id, question.id if question else None)]
    if json_out:
        from ..render.jsonout import concept_json, emit, question_json

        data = concept_json(concept, b, lg, [])
        data["matches"] = [{"kind": k, "id": i, "score": sc} for k, i, sc in matches]
        data["in_course"] = True
        data["question"] = question_json(question, lg) if question is not None else None
        if example:
            data["worked_example"] = _example_json(concept)
        emit(data)
        return
    if question is not None:
        from ..render.terminal import question_view

        console().print(question_view(question, b, lg, others))
        return
    from ..render.terminal import activation_plot, concept_view

    plot = activation_plot(concept.plot, lg) if concept.plot else None
    console().print(concept_view(concept, b, lg, [i for k, i in others if k == "concept"], plot=plot, banks=bank_dirs(bank)),
                    crop=False)  # a suggested command too long for the line is wrapped by the terminal, not cut
    if example:
        _show_example(concept, lg)


def _example_json(concept) -> dict:
    from ..study.examples import worked_example

    p = worked_example(concept)
    return p.to_dict() if p is not None else {}


def _show_example(concept, lg: str) -> None:
    from ..study.examples import worked_example

    p = worked_example(concept)
    if p is None:
        msg = Bilingual("No worked example for this concept yet.", "该知识点暂无计算示例。").t(lg)
        console().print(msg, style="dim", markup=False)
        return
    from ..render.problems import problem_view

    console().print(problem_view(p, lg, show_answer=True))


@bank_app.command("check")
def bank_check(
    dirs: Annotated[Optional[List[Path]], typer.Argument(help="Bank folders to check (default: the "
                                                              "built-in bank, plus --bank folders).", show_default=False)] = None,
    lang_opt: LangOpt = None,
    bank: BankOpt = None,
) -> None:
    """Validate a bank: YAML syntax, missing fields or languages, duplicate ids, unknown
    topics or concepts, answer types, formulas that do not render, symbolic answers that do
    not parse. Prints every problem as file:line: message; exit 1 if any.

    A folder given here is checked on top of the built-in bank, so it may refer to built-in
    topics and concepts.
    """
    from ..bank.loader import validate_dirs
    from ..bank.store import builtin_bank_dir
    from ..i18n import t

    lg = lang(lang_opt)
    folders = [builtin_bank_dir(), *bank_dirs(bank), *(dirs or [])]
    out = console()
    # deep checks parse every symbolic answer with sympy: a second or two
    with console(stderr=True).status(Bilingual("Checking the bank…", "正在检查题库…").t(lg)):
        b, problems = validate_dirs(folders, deep=True)
    if problems:
        err = console(stderr=True)
        for p in problems:
            err.print(str(p), markup=False, highlight=False, soft_wrap=True)
        err.print(f"[bold red]{t('bank_bad', lg, n=len(problems))}[/]")
        raise typer.Exit(1)
    files = ", ".join(str(f) for f in folders)
    out.print(t("bank_ok", lg, t=len(b.topics), c=len(b.concepts), q=len(b.questions), files=files), highlight=False)
