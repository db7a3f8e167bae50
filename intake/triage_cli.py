"""``intake triage …``: batch classification, evaluation, training and model management."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click


def _read_jsonl(path: str) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise click.ClickException(f"{path}:{n}: not JSON") from exc
    return rows


def register(main: click.Group) -> None:
    from intake.services.triage_models import CORRECTION_KINDS

    @main.group("triage")
    def triage_group() -> None:
        """智能分拣 — triage: classify, evaluate, train, manage models."""

    @triage_group.command("classify")
    @click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--input", "input_path", type=click.Path(exists=True, dir_okay=False),
                  help="JSON lines; default standard input.")
    def classify(model_path: str | None, input_path: str | None) -> None:
        """Read {"id", "text", "hints"?} lines; write one result line per input, same order."""
        from triage.batch import classify_lines
        from triage.engine import Triager

        triager = Triager.load(model_path=model_path)
        source = open(input_path, encoding="utf-8") if input_path else sys.stdin
        try:
            for out in classify_lines(source, triager):
                click.echo(out)
        finally:
            if input_path:
                source.close()

    @triage_group.command("evaluate")
    @click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False))
    @click.option("--model", "model_path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--folds", default=5, show_default=True, help="Cross-validation folds when no model is given.")
    def evaluate(input_path: str, model_path: str | None, folds: int) -> None:
        """Accuracy and macro-F1 of a model on labelled lines (or k-fold CV without a model)."""
        from triage.batch import evaluate as run_eval
        from triage.engine import Triager
        from triage.learn import cross_validate

        rows = _read_jsonl(input_path)
        triager = Triager.load(model_path=model_path)
        if model_path:
            result = run_eval(rows, triager)
        else:
            toks = [(triager.tokens(str(r.get("text", ""))), str(r["label"])) for r in rows]
            result = cross_validate(toks, folds=folds)
        click.echo(f"n={result.get('n')} accuracy={result.get('accuracy')} macro_f1={result.get('macro_f1')}")
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))

    @triage_group.command("train")
    @click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False))
    @click.option("--model", "model_path", required=True, type=click.Path(dir_okay=False))
    @click.option("--activate", is_flag=True, help="Make it the active model for the platform.")
    def train(input_path: str, model_path: str, activate: bool) -> None:
        """Fit keyword weights for any label set from {"text", "label"} lines."""
        from triage.engine import Triager
        from triage.learn import train as fit

        rows = _read_jsonl(input_path)
        triager = Triager.load()
        model = fit(((str(r.get("text", "")), str(r["label"])) for r in rows), triager.tokens)
        model.save(model_path)
        click.echo(f"trained on {len(rows)} rows, labels: {', '.join(model.labels)} → {model_path}")
        for label in model.labels:
            top = "、".join(k for k, _w in model.top_keywords(label, 8))
            click.echo(f"  {label}: {top}")
        if activate:
            _activate(Path(model_path))

    def _activate(path: Path) -> None:
        from intake.db import unit_of_work
        from intake.services.errors import DomainError
        from intake.services.triage_models import activate_model

        try:
            with unit_of_work() as session:
                activate_model(session, path)
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        click.echo(f"active model: {path.resolve()}")

    @triage_group.command("activate")
    @click.argument("path", type=click.Path(dir_okay=False))
    def activate_cmd(path: str) -> None:
        """Make a trained model file the active one."""
        _activate(Path(path))

    @triage_group.command("rollback")
    def rollback_cmd() -> None:
        """Go back to the previously active model (or none)."""
        from intake.db import unit_of_work
        from intake.services.triage_models import rollback_model

        with unit_of_work() as session:
            previous = rollback_model(session)
        click.echo(f"active model: {previous or '(none: lexicon rules only)'}")

    @triage_group.command("show-model")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False), required=False)
    @click.option("--top", default=15, show_default=True)
    def show_model(path: str | None, top: int) -> None:
        """Print a model's version, labels and top keywords per label (default: the active one)."""
        from intake.db import unit_of_work
        from intake.services.triage_models import active_model
        from triage.learn import KeywordModel

        if path is None:
            with unit_of_work() as session:
                path = active_model(session)
            if path is None:
                raise click.ClickException("no active model")
        model = KeywordModel.load(path)
        data = model.to_dict()
        click.echo(f"{path}: created {data.get('created_at')}, trained on {data.get('n_train')} rows")
        for label in model.labels:
            click.echo(f"  {label}: " + "、".join(f"{k}({w:+.2f})" for k, w in model.top_keywords(label, top)))

    @triage_group.command("export-corrections")
    @click.option("--kind", type=click.Choice(CORRECTION_KINDS),
                  help="Only one kind of decision (one label set, ready for `train`).")
    def export_corrections(kind: str | None) -> None:
        """People's decisions on triage (places corrected, leads escalated or not) as labelled
        JSON lines, for training."""
        from intake.db import unit_of_work
        from intake.services.triage_models import corrections

        with unit_of_work() as session:
            for row in corrections(session, kind):
                click.echo(json.dumps(row, ensure_ascii=False))
