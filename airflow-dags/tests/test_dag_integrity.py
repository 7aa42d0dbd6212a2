"""Every DAG in dags/ imports cleanly with real Airflow, fast, with no connection at parse time."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import timedelta

import pytest

from conftest import DAGS_FOLDER, VENV_BIN

REQUIRED_TAGS = {"carelake"}
DAG_IDS = ["carelake_daily", "carelake_risk_model", "carelake_model_evaluation", "carelake_ingest_health"]


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_no_warnings_while_parsing(dagbag):
    # Deprecated imports or arguments show up here first (Airflow 4 removals, provider moves).
    assert dagbag.captured_warnings == {}


def test_dags_found(dagbag):
    assert set(dagbag.dag_ids) == set(DAG_IDS)


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_every_dag_is_documented_tagged_and_retried(dagbag, dag_id):
    dag = dagbag.dags[dag_id]  # .get_dag() would consult the metadata DB
    assert dag.doc_md and dag.doc_md.strip(), f"{dag_id} has no doc_md"
    assert REQUIRED_TAGS <= set(dag.tags), f"{dag_id} tags {sorted(dag.tags)} lack {REQUIRED_TAGS}"
    assert dag.catchup is False
    for task in dag.tasks:
        assert task.retries >= 1, f"{dag_id}.{task.task_id} has no retries"


def test_parsing_is_fast(dagbag):
    # Airflow re-parses DAG files continually; its own default timeout is 30 s per file. The
    # margin is wide because this machine's cores are shared with other builds.
    slow = [(s.file, s.duration) for s in dagbag.dagbag_stats if s.duration > timedelta(seconds=5)]
    assert slow == []


def test_parsing_looks_up_no_connection(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import BaseHook

    def forbidden(*args, **kwargs):
        raise AssertionError(f"connection looked up at parse time: {args} {kwargs}")

    monkeypatch.setattr(BaseHook, "get_connection", classmethod(forbidden))
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == set(DAG_IDS)


@pytest.mark.needs_db
def test_airflow_cli_parses_and_lists_the_dags(serialized_dags):
    """The real scheduler path, in a fresh process: parse the bundle into the DB, then list it."""
    env = dict(os.environ)
    airflow = str(VENV_BIN / "airflow")
    errors = subprocess.run(
        [airflow, "dags", "list-import-errors", "-o", "json"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert errors.returncode == 0, errors.stderr
    assert _json_output(errors.stdout) == []
    listed = subprocess.run(
        [airflow, "dags", "list", "-o", "json"], capture_output=True, text=True, timeout=300, env=env
    )
    assert listed.returncode == 0, listed.stderr
    assert set(DAG_IDS) <= {d["dag_id"] for d in _json_output(listed.stdout)}


def _json_output(stdout: str):
    # The CLI may log warnings to stdout before the JSON document, which is its last line.
    lines = [line for line in stdout.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else []
