"""Text from project files made safe for the pages it lands on."""

from __future__ import annotations

import json
import re

import markdown
import nh3
from markupsafe import Markup, escape

# What a summary may contain once rendered: text structure and links, nothing active.
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
_URL_SCHEMES = {"http", "https", "mailto"}

# One converter for every summary: building one per call costs more than the conversion.
_MARKDOWN = markdown.Markdown(extensions=["tables"], output_format="html")

# Characters Markdown would read as syntax in a heading or a table cell.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def summary_html(text: str) -> Markup:
    """A project's Markdown summary as sanitised HTML.

    Scripts, event handlers, iframes, styles and javascript: links never survive;
    headings are demoted below the page's own.
    """
    html = _MARKDOWN.reset().convert(text)
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)


def markdown_text(text: str) -> Markup:
    """Plain text for a Markdown context (a heading): HTML-escaped, Markdown syntax backslashed."""
    backslashed = _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(text.split()))
    return Markup(escape(backslashed))


def front_matter_title(text: str) -> Markup:
    """A page title for YAML front matter, HTML-escaped.

    MkDocs unescapes a title taken from the first heading, and Material prints
    page titles unescaped into <title> and the header: a project title like
    `<img onerror=…>` would run. A front-matter title is used as given.
    """
    return Markup(json.dumps(str(escape(" ".join(text.split()))), ensure_ascii=False))
