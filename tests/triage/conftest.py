"""Fixtures for the pure triage tests: one engine per session (loading it builds a dictionary)."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.engine import Triager

SHARED_EVAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "eval"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def triager() -> Triager:
    return Triager.load()
