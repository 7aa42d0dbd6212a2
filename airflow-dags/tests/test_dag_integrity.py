"""Every DAG in dags/ imports cleanly with real Airflow, with no work at parse time: no connection,
no read of the carelake home, no process, no socket, no Spark or Iceberg client imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

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


#: Parses the DAG folder in a fresh interpreter and reports, through Python's audit hooks (PEP 578),
#: what parsing did: files opened under the carelake home, processes started, sockets connected, and
#: which Spark or Iceberg client modules it imported. Airflow itself is imported before the hook.
_PARSE_PROBE = textwrap.dedent("""
    import json, os, sys
    from airflow.dag_processing.dagbag import DagBag

    home = os.environ["CARELAKE_HOME"]
    seen = []

    def hook(event, args):
        if event == "open" and isinstance(args[0], str) and args[0].startswith(home):
            seen.append(f"open {args[0]}")
        elif event in ("subprocess.Popen", "os.system", "os.posix_spawn", "socket.connect"):
            seen.append(f"{event} {args[:2]!r}")

    sys.addaudithook(hook)
    bag = DagBag(dag_folder=sys.argv[1])
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("pyspark", "py4j", "pyiceberg"))
    print(json.dumps({"errors": {str(k): str(v) for k, v in bag.import_errors.items()},
                      "dags": sorted(bag.dag_ids), "seen": seen, "heavy": heavy}))
""")


def test_parsing_does_no_work_beyond_defining_the_dags(tmp_path):
    # Airflow re-parses DAG files continually (its default timeout is 30 s per file): what keeps
    # parsing cheap is that a DAG file only defines tasks. The properties file, the catalog and the
    # Spark and Iceberg clients are for the tasks, at run time.
    home = tmp_path / "carelake-home"
    home.mkdir()
    (home / "carelake.properties").write_text("catalog.type=jdbc\n", encoding="utf-8")
    env = dict(os.environ, CARELAKE_HOME=str(home))
    env.pop("CARELAKE_CONFIG", None)
    result = subprocess.run([sys.executable, "-c", _PARSE_PROBE, str(DAGS_FOLDER)],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["errors"] == {}
    assert probe["dags"] == sorted(DAG_IDS)
    assert probe["seen"] == [], "parsing touched the home, a process or the network"
    assert probe["heavy"] == [], "parsing imported a Spark or Iceberg client"


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
