"""triage.deadlines stays pure: importing it pulls in no web, database, queue or intake code."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("flask", "sqlalchemy", "celery", "intake", "channels")


def test_importing_deadlines_loads_no_framework_or_intake_module() -> None:
    code = (
        "import sys, triage.deadlines\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_api_is_exported() -> None:
    import triage.deadlines as d

    for name in d.__all__:
        assert hasattr(d, name), name
