"""Saved web pages: the article body as text; the page's own metadata kept apart from it.

lxml parses the page (it copes with the broken markup of real sites). Our own rules, not a
general-purpose extractor, pick the body: general extractors drop short lines such as
``一、总体要求`` or ``(征求意见稿)`` and move the title out of the text, and both carry a plan's
structure and metadata. The rules (reviewed data in ``vocab/readers.yaml``): drop scripts,
styles and the page's chrome (menus, breadcrumbs, share bars, footers, by tag and by
class/id words), read the government disclosure table (索引号, 发布机构, 成文日期, 发文字号,
主题分类) into metadata and remove it, then walk down from <body> into the child holding most
of the non-link text; the article heading above that element is put back in front.
<title> and the canonical URL are metadata too. An error page (404) or a page without an
article body is ``Unreadable``.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from pipeline.read.base import Deadline, Reading, Unreadable, check_text_size
from pipeline.read.tables import is_task_header, table_lines, tables_in_text
from pipeline.read.txt import decode_text
from pipeline.text.headings import match_marker
from pipeline.vocab import load_yaml

CJK = re.compile(r"[\u3400-\u9fff]")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tr",
    "section", "article", "blockquote", "pre", "dl", "dt", "dd", "center", "main", "hr",
}  # fmt: skip
WS = re.compile(r"[ \t\r\n\f\v\u3000\xa0]+")
SOURCE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")  # with the source's indentation around it
PRE_STYLE = re.compile(r"white-space\s*:\s*pre", re.I)
DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
COMPACT = 80  # a disclosure table has at most this many characters per label
CHARSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "utf-8": "utf-8",
    "big5": "cp950",  # Microsoft's Big5, as Taiwan and Hong Kong sites write it
    "big5-hkscs": "big5hkscs",
    "cp950": "cp950",
}


def _rules() -> dict:
    return load_yaml("readers.yaml")["html"]


def _decode(data: bytes) -> tuple[str, str]:
    m = META_CHARSET.search(data[:4096])
    declared = CHARSETS.get(m.group(1).decode().lower()) if m else None
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # the declaration is wrong: fall back to what the bytes are
    return decode_text(data)


def _cjk(text: str) -> int:
    return len(CJK.findall(text))


def _own_text(el: lxml.html.HtmlElement) -> str:
    return WS.sub("", el.text_content())


def _is_chrome(el: lxml.html.HtmlElement, words: list[str]) -> bool:
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    return bool(names.strip()) and any(
        re.search(rf"(?:^|[\s_-]){re.escape(w)}(?:$|[\s_\d-])", names) for w in words
    )


def _drop(el: lxml.html.HtmlElement) -> None:
    if el.getparent() is not None:
        el.drop_tree()


def _drop_hidden(root: lxml.html.HtmlElement, hidden_style: re.Pattern[str]) -> None:
    """Drop what a browser would not show (``hidden``, an inline style that hides it),
    unless it is most of the page's text: then a script shows it, and it is the article."""
    hidden = [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and el.tag not in ("html", "body")
        and (el.get("hidden") is not None or hidden_style.search(el.get("style") or ""))
    ]
    if not hidden:
        return
    inside = set(hidden)
    outermost = [el for el in hidden if not any(a in inside for a in el.iterancestors())]
    if sum(_cjk(el.text_content()) for el in outermost) * 2 >= _cjk(root.text_content()):
        return
    for el in outermost:
        _drop(el)


def _disclosure(root: lxml.html.HtmlElement) -> dict[str, str]:
    """Fields of the disclosure table, which is then removed from the page."""
    labels: dict[str, str] = _rules()["disclosure_labels"]
    spaced = {k: r"\s*".join(map(re.escape, k)) for k in labels}
    any_label = re.compile(
        "(" + "|".join(spaced[k] for k in sorted(labels, key=len, reverse=True)) + r")\s*[:：]?"
    )

    def count(el: lxml.html.HtmlElement) -> int:
        """Labels in ``el``; 0 when it holds more than a table would (the article)."""
        flat = WS.sub("", _text(el))
        found = len({WS.sub("", m.group(1)) for m in any_label.finditer(flat)})
        return found if len(flat) <= COMPACT * max(found, 1) and "。" not in flat else 0

    first = next(
        (
            el
            for el in root.iter()
            if isinstance(el.tag, str)
            and el.tag not in ("html", "body")
            and any_label.match(_own_text(el))
            and count(el)
        ),
        None,
    )
    if first is None:
        return {}
    block, n, cur, climbed = first, count(first), first, 0
    while climbed < 3:  # climb while a parent adds labels (allowing two levels without)
        parent = cur.getparent()
        if parent is None or parent.tag in ("html", "body"):
            break
        cur, climbed = parent, climbed + 1
        found = count(parent)
        if not found:
            break  # the article around the table (its fields hold no sentences)
        if found > n:
            block, n, climbed = parent, found, 0
    if n < 2:
        return {}
    flat = _text(block)
    fields: dict[str, str] = {}
    matches = list(any_label.finditer(flat))
    for m, nxt in zip(matches, [*matches[1:], None], strict=False):
        value = flat[m.end() : nxt.start() if nxt else len(flat)]
        value = WS.sub(" ", value).strip(" :：|")
        key = labels[WS.sub("", m.group(1))]
        if value and key not in fields:
            fields[key] = value
    _drop(block)
    for key in ("issue_date", "published_date"):
        d = DATE.search(fields.get(key, ""))
        if d:
            fields[key] = f"{int(d[1]):04d}-{int(d[2]):02d}-{int(d[3]):02d}"
    return fields


def _text(el: lxml.html.HtmlElement, source_breaks: bool = False) -> str:
    """Text of ``el`` with a line break at every block element and <br>, tables as lines.
    A line break in the page's source is a space, as a browser shows it (Word's "save as
    web page" and pretty-printed pages wrap their source anywhere: 到 / 2025 / 年), but in
    <pre> and where ``source_breaks`` says the page lays its text out by them."""
    parts: list[str] = []

    def flow(text: str | None, keep: bool) -> str:
        return (text or "") if keep else SOURCE_BREAK.sub(" ", text or "")

    def walk(node: lxml.html.HtmlElement, keep: bool) -> None:
        if not isinstance(node.tag, str):  # comments, processing instructions
            parts.append(flow(node.tail, keep))
            return
        if node.tag == "table":
            parts.append("\n" + "\n".join(table_lines(_grid(node))) + "\n")
            parts.append(flow(node.tail, keep))
            return
        if node.tag == "img":  # a heading set as a picture (公众号 articles): its alt text
            alt = _heading_alt(node)
            parts.append(f"\n{alt}\n" if alt else "")
            parts.append(flow(node.tail, keep))
            return
        inner = keep or node.tag == "pre"
        block = node.tag in BLOCK
        parts.append("\n" if block else "")
        parts.append(flow(node.text, inner))
        for child in node:
            walk(child, inner)
        parts.append("\n" if block else "")
        if node is not el:
            parts.append(flow(node.tail, keep))

    walk(el, source_breaks)
    return "".join(parts)


def _heading_alt(img: lxml.html.HtmlElement) -> str | None:
    """A picture's alt text when it is a heading (三、健全依法行政制度体系…): the only text a
    page that sets its headings as pictures has of them; other alt texts (图片, a file's
    name) say nothing of the plan."""
    alt = WS.sub(" ", img.get("alt") or "").strip()
    folded = alt.replace("（", "(").replace("）", ")")
    return alt if alt and len(alt) <= HEADING_ALT_MAX and match_marker(folded) else None


HEADING_ALT_MAX = 80


def _lays_out_by_source_breaks(article: lxml.html.HtmlElement) -> bool:
    """Whether the article's lines are its source's (text with line breaks and no block
    elements or <br> between them, or a white-space: pre style): then they are kept."""
    for el in (article, *article.iterancestors()):
        if PRE_STYLE.search(el.get("style") or ""):
            return True
    tags = (el.tag for el in article.iterdescendants())
    blocks = sum(1 for tag in tags if isinstance(tag, str) and tag in BLOCK)
    return blocks < 2 and article.text_content().count("\n") >= 3


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    value = (cell.get(name) or "1").strip()
    return max(1, min(int(value), 100)) if value.isdigit() else 1


def _grid(table: lxml.html.HtmlElement) -> list[list[str]]:
    """The table's rows with a merged cell's text in every row and column it spans
    (rowspan, colspan), as Word's reader gives them: a task table's category column, merged
    down its tasks, would otherwise shift every later cell of those rows a column left."""
    rows: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows still to fill, text)
    for tr in table.iter("tr"):
        row: list[str] = []
        cells = iter([c for c in tr if c.tag in ("td", "th")])
        cell = next(cells, None)
        while cell is not None or any(col >= len(row) for col in pending):
            col = len(row)
            if col in pending:
                left, text = pending[col]
                row.append(text)
                pending[col] = (left - 1, text)
                if left == 1:
                    del pending[col]
                continue
            if cell is None:  # spans from above beyond this row's own cells
                row.append("")
                continue
            text = "\n".join(_lines(_text(cell)))
            down = _span(cell, "rowspan")
            for _ in range(_span(cell, "colspan")):
                if down > 1:
                    pending[len(row)] = (down - 1, text)
                row.append(text)
            cell = next(cells, None)
        rows.append(row)
    return rows


def _lines(text: str) -> list[str]:
    return [WS.sub(" ", line).strip() for line in text.split("\n") if WS.sub("", line)]


def _body_text_weight(el: lxml.html.HtmlElement) -> int:
    links = sum(_cjk(a.text_content()) for a in el.iter("a"))
    return _cjk(el.text_content()) - links


def _article(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Walk down into the child holding most (>= 80 %) of the non-link text; not into a
    task-division table, which is part of the article however much of its text it holds
    (a layout table around the article is walked into)."""
    node = body
    while True:
        total = _body_text_weight(node)
        children = [c for c in node if isinstance(c.tag, str)]
        best = max(children, key=_body_text_weight, default=None)
        if best is None or total <= 0 or _body_text_weight(best) < 0.8 * total:
            return node
        if best.tag == "table" and _is_task_table(best):
            return node
        node = best


def _printed(heading: str, lines: list[str]) -> bool:
    """Whether the article prints the page's heading itself (its words, brackets aside,
    on one of its first lines: 西安区…实施方案 for 西安区…实施方案(征求意见稿))."""
    core = WS.sub("", re.sub(r"[(（][^()（）]*[)）]", "", heading))
    return bool(core) and any(core in WS.sub("", line) for line in lines)


def _is_task_table(table: lxml.html.HtmlElement) -> bool:
    first = next(table.iter("tr"), None)
    cells = [] if first is None else [c for c in first if c.tag in ("td", "th")]
    return is_task_header([WS.sub("", c.text_content()) for c in cells])


def _heading_before(article: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> str | None:
    """The article's heading (h1/h2, or an element classed *title*, or with one of
    ``title_classes``, 标题's abbreviations: bt, wzbt) printed above ``article``."""
    title_names = set(_rules()["title_classes"])
    last = None
    for el in root.iter():
        if el is article:
            break
        if not isinstance(el.tag, str):
            continue
        names = f"{el.get('class', '')} {el.get('id', '')}".lower()
        tokens = set(re.split(r"[\s_-]+", names))
        titled = "title" in names or bool(tokens & title_names)
        if el.tag in ("h1", "h2") or (el.tag != "title" and titled):
            text = WS.sub(" ", el.text_content()).strip()
            if text and _cjk(text) >= 4 and len(text) <= 120:
                last = text
    return last


def read_html(data: bytes) -> Reading:
    """The article body of a saved page, with <title>, canonical URL and disclosure fields."""
    deadline = Deadline("reading the web page")
    text, encoding = _decode(data)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as error:
        raise Unreadable(f"not a readable HTML page ({error})") from None
    rules = _rules()
    container: dict[str, str] = {}
    title = root.findtext(".//title")
    if title and WS.sub(" ", title).strip():
        container["title"] = WS.sub(" ", title).strip()
    for link in root.iter("link", "meta"):
        rel = (link.get("rel") or link.get("property") or "").lower()
        href = link.get("href") or link.get("content") or ""
        if rel in ("canonical", "og:url") and href.startswith(("http://", "https://")):
            container.setdefault("source_url", href.strip())
    for el in list(root.iter(*rules["drop_tags"])):
        if el.find(".//h1") is None:  # <header> of an <article> holds its title
            _drop(el)
    for el in list(root.iter()):
        if (
            isinstance(el.tag, str)
            and el.tag not in ("html", "body")
            and el.getparent() is not None
            and _is_chrome(el, rules["chrome_words"])
            and el.find(".//h1") is None
            and _cjk(el.text_content()) < 2000
        ):
            _drop(el)
    _drop_hidden(root, re.compile(rules["hidden_style"], re.I))
    deadline.check()
    container.update(_disclosure(root))
    body = root.find("body")
    if body is None:
        body = root
    article = _article(body)
    lines = _lines(_text(article, source_breaks=_lays_out_by_source_breaks(article)))
    heading = _heading_before(article, root)
    if heading and not _printed(heading, lines[:30]):
        lines.insert(0, heading)
    deadline.check()
    n_cjk = sum(_cjk(line) for line in lines)
    page_title = container.get("title", "") + " " + (heading or "")
    if n_cjk <= rules["error_max_chars"] and re.search(rules["error_title"], page_title, re.I):
        raise Unreadable(
            f"an error page, not a plan (title {container.get('title', heading)!r}, "
            f"{n_cjk} Chinese characters): save the page again from its live address"
        )
    if n_cjk < rules["min_body_chars"]:
        raise Unreadable(f"web page without an article body ({n_cjk} Chinese characters of text)")
    return Reading(
        text=check_text_size(tables_in_text("\n".join(lines) + "\n")),  # cells one a line…
        encoding=encoding,
        container=container,
    )
