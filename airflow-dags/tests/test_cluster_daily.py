"""carelake_daily against the cluster profile (issue 19 item 3): ``dag.test()`` of the daily DAG with
the ``spark_default`` connection on the profile's Spark standalone master, the catalog on its
PostgreSQL and the warehouse on its HDFS, every task run for real (the ingest too: ``flink run`` on
the profile's Flink session cluster, through the launcher).

Not part of ``bin/test`` (its one cluster integration test is cli's ClusterProfileIT, and this run
takes far longer than a test there may): it carries the ``cluster`` mark, which pytest.ini leaves
out unless asked for. Run it with::

    airflow-dags/scripts/test.sh -m cluster tests/test_cluster_daily.py

The home is ``$CARELAKE_CLUSTER_DAG_HOME`` (it must not exist yet or be empty), else a new directory
under the system's temporary directory; PostgreSQL, started by root, runs as the postgres user,
which must be able to traverse the home's parents (as for ClusterProfileIT). The fixture starts the
profile (``bin/carelake cluster start``), publishes a small generated population to the profile's
Kafka, ingests it (the launcher submits IngestJob to the Flink session) and runs ``govern`` and
``deidentify`` over the whole period (spark-submits to the master): the history a day's release is
checked against (k-anonymity counts the visits released around it). Then the DAG runs for a day
that is not a month start, and at the end the profile is stopped.

What is checked: every task succeeded, none marked; the four Spark tasks ran as applications of the
standalone master (its ``/json/`` status), each wrote a SUCCEEDED, reconciled row to the ledger
read back with pyiceberg through PostgreSQL and WebHDFS (``carelake_airflow.health.open_catalog``,
what the DAG's sensors use), and the day's report reconciles.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from carelake_airflow import health, settings
from conftest import LAUNCHER
from test_daily_end_to_end import FIXED_KEY, _run, _write_owner_only, dag_test, jars_dir  # noqa: F401

pytestmark = [pytest.mark.cluster]

UTC = dt.timezone.utc
HOME_ENV = "CARELAKE_CLUSTER_DAG_HOME"
#: A month of a small population: enough for a day's release to pass the shipped privacy settings.
GENERATE = {"--patients": "300", "--days": "31", "--seed": "3", "--start": "2025-01-01"}
#: The generated period as UTC days (the clinics are on +08:00: the first morning is the day before).
HISTORY = ("2024-12-31", "2025-02-01")
#: The run's data interval [DAY, DAY + 1): not a month start.
DAY = dt.datetime(2025, 1, 17, tzinfo=UTC)
SPARK_TASKS = ["govern", "deidentify", "corpus", "report"]


@dataclass(frozen=True)
class Cluster:
    home: Path
    config: settings.Settings
    #: The profile's own bookkeeping (ports): where the Spark master's status page is.
    ports: dict[str, str]

    @property
    def spark_master(self) -> str:
        return self.config.get("launcher.spark.master")

    def spark_master_status(self) -> dict:
        url = f"http://127.0.0.1:{self.ports['spark.master-ui-port']}/json/"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response)


def _new_home() -> Path:
    chosen = os.environ.get(HOME_ENV, "").strip()
    if chosen:
        home = Path(chosen).absolute()
        if home.exists() and any(home.iterdir()):
            pytest.fail(f"{HOME_ENV}={home} is not empty: the run publishes a generated data set once"
                        " and ingests it; give a new directory", pytrace=False)
    else:
        home = Path(tempfile.mkdtemp(prefix="carelake-cluster-dag-"))
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o755)  # PostgreSQL (as the postgres user) reaches its data directory inside
    return home


def _carelake(*args: str, what: str | None = None, timeout: int = 1800) -> str:
    return _run([str(LAUNCHER), *args], what or f"carelake {' '.join(args[:2])}", timeout=timeout)


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    """The cluster profile, started in a new home holding the ingested, governed and de-identified
    generated month; stopped at the end."""
    home = _new_home()
    _write_owner_only(home / "secrets" / "pseudonym.key", FIXED_KEY)
    print(f"\ncluster profile home: {home}")
    _carelake("cluster", "start", "--home", str(home))
    try:
        generate = ["generate", "--home", str(home)]
        for option, value in GENERATE.items():
            generate += [option, value]
        _carelake(*generate)
        _carelake("ingest", "--home", str(home), "--bounded")
        for job in ("govern", "deidentify"):
            _carelake(job, "--home", str(home), "--interval-start", HISTORY[0],
                      "--interval-end", HISTORY[1], what=f"carelake {job} {HISTORY}")
        ports = settings.parse_properties((home / "cluster" / "profile.properties").read_text("utf-8"))
        yield Cluster(home, settings.load({settings.HOME_ENV: str(home)}), ports)
    finally:
        _carelake("cluster", "stop", "--home", str(home), timeout=600)


@pytest.fixture(scope="module")
def daily_run(cluster, jars_dir, serialized_dags):
    """carelake_daily for [DAY, DAY + 1), every task on the profile, by dag.test()."""
    config = cluster.config
    env = {
        settings.HOME_ENV: str(cluster.home),
        settings.JARS_DIR_ENV: str(jars_dir),
        # executor sizes for this machine: the profile's spark-defaults.conf, as its launcher uses
        "SPARK_CONF_DIR": config.get("launcher.spark.conf-dir"),
        "AIRFLOW_CONN_SPARK_DEFAULT": json.dumps({
            "conn_type": "spark", "host": cluster.spark_master, "extra": {"deploy-mode": "client"}}),
    }
    run, began, seconds = dag_test("carelake_daily", DAY + dt.timedelta(days=1), env)
    print(f"\ncarelake_daily dag.test() for {DAY:%Y-%m-%d} on the cluster profile: {seconds:.0f} s")
    return run, began


def test_the_profile_is_what_the_dag_runs_against(cluster):
    config = cluster.config
    assert config.get("catalog.uri").startswith("jdbc:postgresql://127.0.0.1:")
    assert config.get("catalog.warehouse").startswith("hdfs://127.0.0.1:")
    assert cluster.spark_master.startswith("spark://127.0.0.1:")
    assert cluster.spark_master_status()["aliveworkers"] == 2


@pytest.mark.needs_db
def test_every_task_ran_and_succeeded(daily_run):
    run, _ = daily_run
    instances = sorted(run.get_task_instances(), key=lambda ti: ti.start_date)
    assert [(ti.task_id, ti.state) for ti in instances] == [
        (t, "success") for t in ["ingest", "raw_complete", *SPARK_TASKS]]
    assert run.state == "success"
    assert (run.data_interval_start, run.data_interval_end) == (DAY, DAY + dt.timedelta(days=1))


@pytest.mark.needs_db
def test_the_spark_tasks_ran_on_the_standalone_master(daily_run, cluster):
    """Each Spark task is a finished application of the profile's master, started during the run."""
    _, began = daily_run
    began_ms = began.timestamp() * 1000
    apps = [a for a in cluster.spark_master_status()["completedapps"] if a["starttime"] >= began_ms]
    assert sorted(a["name"] for a in apps) == sorted(f"carelake-{t}" for t in SPARK_TASKS)
    assert {a["state"] for a in apps} == {"FINISHED"}


@pytest.mark.needs_db
def test_the_ledger_on_postgresql_and_hdfs_holds_each_jobs_reconciled_run(daily_run, cluster):
    _, began = daily_run
    ledger = health.open_catalog(cluster.config).load_table(("governance", "runs"))
    assert ledger.location().startswith("hdfs://")
    rows = [r for r in ledger.scan().to_arrow().to_pylist()
            if (r["interval_start"], r["interval_end"]) == (DAY.date(), DAY.date() + dt.timedelta(days=1))]
    assert sorted(r["job"] for r in rows) == sorted(SPARK_TASKS)
    for row in rows:
        assert row["status"] == "SUCCEEDED", (row["job"], row["message"])
        assert row["started_at"] >= began, row["job"]
        assert row["rows_in"] == row["rows_out"] + row["rows_set_aside"], row
    assert next(r for r in rows if r["job"] == "govern")["rows_in"] > 0
    assert next(r for r in rows if r["job"] == "deidentify")["rows_out"] > 0
    # the DAG's own ingest ran too (nothing new to read: the fixture ingested everything)
    assert any(r["job"] == "ingest" and r["started_at"] >= began and r["status"] == "SUCCEEDED"
               for r in ledger.scan().to_arrow().to_pylist())


@pytest.mark.needs_db
def test_the_report_of_the_day_reconciles(daily_run, cluster):
    report = json.loads((cluster.home / "reports" / "latest" / "report.json").read_text("utf-8"))
    assert report["interval"] == {"start": f"{DAY:%Y-%m-%d}", "end": f"{DAY + dt.timedelta(days=1):%Y-%m-%d}"}
    assert [s["job"] for s in report["stages"] if not s["reconciles"]] == []
    assert [c for c in report["cross_checks"] if not c["reconciles"]] == []
    assert report["reconciled"] is True
