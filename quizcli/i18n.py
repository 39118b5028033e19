"""Which language to speak, and the interface strings in both languages."""
from __future__ import annotations

import os

LANGS = ("en", "zh")


def other_lang(lang: str) -> str:
    """The other of the two languages (a concept page shows its title in both)."""
    return "en" if lang == "zh" else "zh"


def html_lang(lang: str) -> str:
    """The `lang` attribute of a page in this language."""
    return "zh-CN" if lang == "zh" else "en"


def resolve_lang(option: str | None = None) -> str:
    """The language to use: the --lang option, else QUIZCLI_LANG, else the locale, else en."""
    for value in (option, os.environ.get("QUIZCLI_LANG")):
        if value:
            v = value.strip().lower()
            if v.startswith("zh") or v in ("cn", "中文"):
                return "zh"
            if v.startswith("en"):
                return "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        v = os.environ.get(var)
        if v:
            return "zh" if v.lower().startswith("zh") else "en"
    return "en"


_STRINGS: dict[str, tuple[str, str]] = {
    # key: (en, zh)
    "topic": ("Topic", "主题"),
    "id": ("id", "编号"),
    "concepts": ("Concepts", "知识点"),
    "questions": ("Questions", "题目"),
    "topics_title": ("Course topics", "课程主题"),
    "topics_hint": (
        "Explain a concept: quizcli explain ID   ·   Drill a topic: quizcli drill ID",
        "讲解知识点：quizcli explain 编号   ·   练习主题：quizcli drill 编号",
    ),
    # with extra banks: one command a line, each naming the folders
    "topics_hint_bank": (
        "Explain a concept: quizcli explain ID{flags}\nDrill a topic: quizcli drill ID{flags}",
        "讲解知识点：quizcli explain 编号{flags}\n练习主题：quizcli drill 编号{flags}",
    ),
    "summary": ("Summary", "概要"),
    "explanation": ("Explanation", "讲解"),
    "formulas": ("Formulas", "公式"),
    "key_points": ("Key points (an exam answer must contain these)", "答题要点（考试作答必须覆盖）"),
    "pitfalls": ("Common pitfalls", "常见错误"),
    "model_answer_points": ("Model answer: the points a marker ticks", "参考答案：阅卷要点"),
    "model_answer": ("In one paragraph", "连贯作答"),
    "rests_on": ("The concepts it rests on", "涉及的知识点"),
    "not_in_course": ("This does not look like a question of this course (Neural Networks and Deep Learning): {q}",
                      "这似乎不是本课程（神经网络与深度学习）的问题：{q}"),
    "related": ("Related", "相关知识点"),
    "bank_questions": ("Questions on this concept", "考查该知识点的题目"),
    "drill_them": ("drill them: quizcli drill {id}", "练习：quizcli drill {id}"),
    "other_matches": ("Other close matches", "其他相近结果"),
    "no_match": ("No concept matches “{q}”.", "没有找到与“{q}”匹配的知识点。"),
    "did_you_mean": ("Did you mean: {ids}", "你是不是要找：{ids}"),
    "try_topics": ("List everything with: quizcli topics", "查看全部主题：quizcli topics"),
    "plot_legend": ("● f(x)   · f′(x)   on x ∈ [−4, 4]", "● f(x)   · f′(x)   x ∈ [−4, 4]"),
    "plot_title": ("Plot", "函数图像"),
    "bank_ok": ("Bank OK: {t} topics, {c} concepts, {q} questions ({files}).", "题库检查通过：{t} 个主题，{c} 个知识点，{q} 道题（{files}）。"),
    "bank_bad": ("{n} problem(s) found.", "发现 {n} 个问题。"),
    "bank_broken": ("The question bank has {n} problem{s}:", "题库有 {n} 个问题："),
    # the command names every extra folder: a bare `quizcli bank check` checks only the built-in bank
    "bank_broken_check": ("Fix the bank, or list every problem with: {check}", "请修正，或用此命令列出全部问题：{check}"),
    "type_short": ("short answer", "简答"),
    "type_choice": ("single choice", "单选"),
    "type_multi": ("multiple choice", "多选"),
    "type_truefalse": ("true / false", "判断"),
    "type_symbolic": ("formula", "公式"),
    "type_numeric": ("numeric", "计算"),
    # topics TOPIC (issue 17)
    "mastery": ("Mastery", "掌握度"),
    "topic_concepts_hint": (
        "Mastery: share right of your last {n} answers on the concept (answers so far)\n"
        "Explain: quizcli explain ID  ·  Drill: quizcli drill {id}",
        "掌握度：该知识点最近 {n} 次作答的正确率（累计作答次数）\n讲解：quizcli explain 编号  ·  练习：quizcli drill {id}",
    ),
    "no_topic": ("No topic matches “{q}”.", "没有找到与“{q}”匹配的主题。"),
}


def t(key: str, lang: str, **kw: object) -> str:
    """The interface string `key` in `lang`, formatted with `kw` (control characters in the
    values, e.g. a student's own text echoed back, are removed)."""
    en, zh = _STRINGS[key]
    s = zh if lang == "zh" else en
    return s.format(**{k: printable(str(v)) for k, v in kw.items()}) if kw else s


_CONTROL = dict.fromkeys([*range(0, 9), *range(11, 32), 127, *range(0x80, 0xA0), 0x202A, 0x202B, 0x202C, 0x202D,
                          0x202E, 0x2066, 0x2067, 0x2068, 0x2069])


def printable(text: str) -> str:
    """`text` without terminal control characters (ESC sequences could retitle the window or
    clear the screen) or direction overrides; newlines and tabs stay."""
    return text.translate(_CONTROL)


KNOWN_LANGS = ("zh", "en")


def explicit_lang(value: str | None) -> str | None:
    """The language a --lang value names, or None if it names none of ours ('fr')."""
    if not value:
        return None
    v = value.strip().lower()
    if v.startswith("zh") or v in ("cn", "中文"):
        return "zh"
    if v.startswith("en") or v == "英文":
        return "en"
    return None
