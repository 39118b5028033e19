"""Allow-list sanitizer for the MathML that latex2mathml writes, and a markup detector for
bank texts.

latex2mathml copies `\\text{…}` verbatim into `<mtext>` and copies `\\href`, `\\class`,
`\\style` arguments into attributes, so a bank could smuggle `<script>`, `<iframe>` or
`onerror=` into a sheet (and into the browser that prints it). `mathml()` parses the
converter's output and writes it again from scratch: only MathML presentation elements,
only harmless attributes with plain values, everything else as escaped text. The output is
built by us, so what the browser parses is exactly what we chose to write.

`markup_in_text()` says whether a bank text holds HTML markup (or LaTeX commands that turn
into HTML attributes); `bank check` refuses such texts.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

ELEMENTS = frozenset((
    "math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt", "mroot",
    "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup",
    "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mtable", "mtr", "mtd",
    "mlabeledtr", "semantics", "annotation", "none", "mprescripts",
))

# Presentation attributes only: none of them takes a URL, a script or CSS.
ATTRIBUTES = frozenset((
    "display", "mathvariant", "mathcolor", "mathbackground", "mathsize", "displaystyle",
    "scriptlevel", "stretchy", "fence", "separator", "lspace", "rspace", "minsize", "maxsize",
    "symmetric", "largeop", "movablelimits", "accent", "accentunder", "form", "width",
    "height", "depth", "voffset", "linethickness", "numalign", "denomalign", "bevelled",
    "notation", "open", "close", "separators", "columnalign", "rowalign", "columnlines",
    "rowlines", "columnspacing", "rowspacing", "columnspan", "rowspan", "columnwidth", "frame",
    "framespacing", "equalrows", "equalcolumns", "align", "side", "minlabelspacing",
    "encoding", "dir", "lquote", "rquote", "linebreak", "subscriptshift", "superscriptshift",
))
# Colours, lengths, keywords, numbers, "application/x-tex": no quotes, colons, brackets, ';'.
_VALUE = re.compile(r"[A-Za-z0-9#.,%+\-/ ]{0,80}")


class _Rebuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []

    # -- helpers
    def _text(self, s: str) -> None:
        # newlines inside math would be taken as paragraph breaks by the sheet writer
        self.out.append(html.escape(s, quote=False).replace("\n", " "))

    def _allowed(self, tag: str) -> bool:
        if tag == "math":
            return not self.stack  # one <math>, at the top
        return tag in ELEMENTS and bool(self.stack)

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        kept = []
        for name, value in attrs:
            value = "" if value is None else value
            if name == "xmlns":
                if tag == "math" and value == MATHML_NS:
                    kept.append(f' xmlns="{MATHML_NS}"')
                continue
            if name in ATTRIBUTES and _VALUE.fullmatch(value):
                kept.append(f' {name}="{html.escape(value, quote=True)}"')
        return "".join(kept)

    def set_cdata_mode(self, *args, **kwargs) -> None:
        # <script>, <style> (and <textarea>, <title> in newer Pythons) would switch the
        # parser into raw-text mode up to their end tag; read on as markup instead, so what
        # follows is sanitized tag by tag and nothing is swallowed.
        return None

    def _raw(self, s: str) -> None:
        # a refused tag as the text it was written as (character references decoded once,
        # as the browser would show them: latex2mathml writes spaces in \text as &#x000A0;)
        self._text(html.unescape(s))

    # -- parser callbacks
    def handle_starttag(self, tag, attrs):
        if self._allowed(tag):
            self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")
            self.stack.append(tag)
        else:
            self._raw(self.get_starttag_text() or f"<{tag}>")

    def handle_startendtag(self, tag, attrs):
        if self._allowed(tag):  # MathML inside HTML honours "/>" on every element
            self.out.append(f"<{tag}{self._attrs(tag, attrs)}/>")
        else:
            self._raw(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag):
        # strict nesting: only the innermost open element can be closed; any other end tag
        # (a "</math>" written inside \text, say) is text
        if self.stack and self.stack[-1] == tag:
            self.out.append(f"</{self.stack.pop()}>")
        else:
            self._text(f"</{tag}>")

    def handle_data(self, data):
        self._text(data)

    def handle_comment(self, data):
        self._raw(f"<!--{data}-->")

    def handle_decl(self, decl):
        self._raw(f"<!{decl}>")

    def unknown_decl(self, data):
        self._raw(f"<![{data}]>")

    def handle_pi(self, data):
        self._raw(f"<?{data}>")

    def result(self) -> str:
        self.close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        return "".join(self.out)


def mathml(markup: str) -> str:
    """`markup` rebuilt with MathML presentation elements and plain attributes only; any
    other tag, comment or declaration becomes visible, escaped text."""
    p = _Rebuilder()
    p.feed(markup)
    return p.result()


# ----------------------------------------------------------------------------- bank texts

# An HTML start or end tag: "<" then a letter straight away (as HTML itself requires), the
# name, then a space, "/" or ">" ("w_{<t}" or "i<l" are maths, "n < d" is a comparison).
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)(?=[\s/>])([^<>]{0,200})(>?)")
# Element names of HTML (current and obsolete), the active parts of SVG, and MathML. Not
# here, on purpose: the NLP tokens a course writes as text, <eos>, <bos>, <unk>, <pad>,
# <mask>, <sep>, <cls>, <s>, </s>, <image> (plain tokens, escaped like any text).
_HTML_NAMES = frozenset("""
a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big
blink blockquote body br button canvas caption center cite code col colgroup data datalist dd
del details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form
frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins
isindex kbd keygen label legend li link listing main map mark marquee menu menuitem meta
meter nav nobr noembed noframes noscript object ol optgroup option output p param picture
plaintext portal pre progress q rb rp rt rtc ruby samp script search section select slot
small source spacer span strike strong style sub summary sup table tbody td template
textarea tfoot th thead time title tr track tt u ul var video wbr xmp
svg foreignobject use animate animatemotion animatetransform set
""".split()) | ELEMENTS
_OTHER = re.compile(r"<!--|<!\[CDATA\[|<![A-Za-z]|<\?[A-Za-z]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_URL = re.compile(r"\b(?:javascript|vbscript)\s*:|\bfile://", re.I)
# latex2mathml turns these into HTML attributes (href, class, style)
_LATEX = re.compile(r"\\(?:href|url|class|style|cssId|html[A-Za-z]*|unicode)(?![A-Za-z])")


def markup_in_text(text: str) -> str | None:
    """The first piece of markup in a bank text (at most 60 characters, e.g. "<script>",
    "&lt;", "\\href", "javascript:"), or None when the text holds none. Markup means an
    HTML, SVG or MathML tag or any tag with attributes (a bare token such as <eos> is
    text), an HTML comment or declaration, a character reference, a script
    or file URL, or a LaTeX command that latex2mathml turns into an HTML attribute."""
    found = []
    for m in _TAG.finditer(text):
        # a known element, or anything carrying attributes: <eos> is a token, <eos x=1> is not
        if m.group(1).lower() in _HTML_NAMES or (m.group(3) and m.group(2).strip(" \t\n/")):
            found.append((m.start(), m.group(0)))
            break
    for rx in (_OTHER, _ENTITY, _URL, _LATEX):
        m = rx.search(text)
        if m:
            found.append((m.start(), m.group(0)))
    if not found:
        return None
    _, snippet = min(found)
    return snippet if len(snippet) <= 60 else snippet[:59] + "…"
