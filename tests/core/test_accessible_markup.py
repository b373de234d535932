"""Markup that assistive technology reads as what it is (issue 11, defect 10)."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import RequestFactory


class ListItems(HTMLParser):
    """Finds each <li> whose parent is not a plain <ul>/<ol>: a list given another role
    (e.g. role="status") is no list to a screen reader, and its items are orphans."""

    VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.orphans: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            parent, parent_attrs = self.stack[-1] if self.stack else ("", {})
            if parent not in {"ul", "ol"} or parent_attrs.get("role") not in (None, "list"):
                self.orphans.append(f"<li> in <{parent} {parent_attrs}>")
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def orphan_items(html: str) -> list[str]:
    parser = ListItems()
    parser.feed(html)
    return parser.orphans


def test_the_detector_finds_a_list_that_lost_its_role():
    assert orphan_items('<ul role="status"><li>x</li></ul>')
    assert not orphan_items('<div role="status"><ul><li>x</li></ul></div>')


@pytest.mark.django_db
def test_the_messages_banner_is_a_list_inside_a_live_region():
    request = RequestFactory().get("/")
    html = render_to_string(
        "base.html",
        {"messages": [Message(25, "Tersimpan."), Message(40, "Gagal.")]},
        request=request,
    )
    assert "Tersimpan." in html and 'role="status"' in html
    assert orphan_items(html) == []
