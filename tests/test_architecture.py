"""Imports point one way: channels → intake → triage. triage imports no framework."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "triage": {"intake", "channels", "flask", "sqlalchemy", "celery", "flask_sqlalchemy", "wechatpy", "twilio"},
    "intake": {"channels"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_direction(package: str) -> None:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        wrong = _imports(path) & FORBIDDEN[package]
        if wrong:
            bad.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert bad == []


def test_the_rule_itself_catches_a_wrong_import(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text("from intake.models import Ticket\nimport flask\n")
    assert _imports(f) & FORBIDDEN["triage"] == {"intake", "flask"}
