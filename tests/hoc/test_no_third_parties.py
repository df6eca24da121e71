"""No template or stylesheet loads anything from another host; no inline code."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
STYLESHEETS = sorted((ROOT / "static").rglob("*.css"))
SCRIPTS = sorted((ROOT / "static").rglob("*.js"))

# Attributes that make a browser fetch something as the page loads.
LOADING_ATTRIBUTE = re.compile(r'\b(src|srcset|data|poster|action|formaction)\s*=\s*"([^"]*)"')
LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


def test_there_is_something_to_check():
    assert TEMPLATES and STYLESHEETS and SCRIPTS


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_load_nothing_from_other_hosts(path):
    text = path.read_text()
    for attribute, value in LOADING_ATTRIBUTE.findall(text):
        assert not EXTERNAL.match(value), f"{path.name}: {attribute}={value}"
    for tag in LINK_TAG.findall(text):
        href = re.search(r'href="([^"]*)"', tag)
        assert href and not EXTERNAL.match(href.group(1)), f"{path.name}: {tag}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(path):
    text = path.read_text()
    for script in re.findall(r"<script\b[^>]*>", text, re.IGNORECASE):
        assert "src=" in script, f"{path.name}: inline script {script}"
    assert not re.search(r"<style\b", text, re.IGNORECASE), path.name
    assert not re.search(r'\sstyle\s*=\s*"', text, re.IGNORECASE), path.name
    assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), f"{path.name}: handler"


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda p: p.name)
def test_stylesheets_load_nothing_from_other_hosts(path):
    text = path.read_text()
    for target in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
        assert not EXTERNAL.match(target), f"{path.name}: url({target})"
    for target in re.findall(r"@import\s+['\"]?([^'\";\s]+)", text):
        assert not EXTERNAL.match(target), f"{path.name}: @import {target}"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_scripts_keep_no_traces_and_build_no_html(path):
    text = path.read_text()
    for forbidden in (
        "localStorage",
        "sessionStorage",
        "indexedDB",
        "serviceWorker",
        "innerHTML",
        "document.cookie",
        "eval(",
    ):
        assert forbidden not in text, f"{path.name}: {forbidden}"
    assert not re.search(r"""(import|from)\s*\(?\s*['"](https?:)?//""", text), path.name


def test_external_links_do_not_leak_the_referrer():
    for path in TEMPLATES:
        for tag in re.findall(r"<a\b[^>]*>", path.read_text()):
            href = re.search(r'href="([^"]*)"', tag)
            if href and EXTERNAL.match(href.group(1)) or "exit_url" in tag:
                assert "noreferrer" in tag, f"{path.name}: {tag}"
