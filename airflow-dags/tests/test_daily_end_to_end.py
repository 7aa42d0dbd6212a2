"""carelake_daily and carelake_risk_model end to end: ``dag.test()`` runs every Spark task as a real
``spark-submit`` of the real bundled jar, on a small embedded carelake home: the daily DAG for a day
that is not a month start, the monthly risk-model DAG for the last month of the generated year.

The home (session fixture ``warehouse``) is built as a deployment's history would be: the embedded
Kafka broker (``bin/carelake kafka start``), the generator publishing a small synthetic population
(``bin/carelake generate``), a bounded IngestJob into ``raw.*`` (the ingestion bundled jar on the
launcher's Flink classpath), the broker stopped, then ``govern`` and ``deidentify`` over the whole
generated period (spark-submit of the bundled jars): the monthly risk models read a window of
index dates with a year of history and 180 days of follow-up. The jars are copied first (``jars_dir``; the DAG finds them through
``CARELAKE_AIRFLOW_JARS_DIR``): other builds on this machine rewrite ``<module>/target``. Then ``dag.test()`` runs the DAG for the day ``DAY`` through
Airflow's scheduling loop and metadata DB: its four Spark tasks are spark-submits through the
provider's hook and the ``spark_default`` connection; then carelake_risk_model's ``dag.test()`` runs
its sensor and its three Spark tasks (features, risk dataset, training) the same way.

Decisions:

* ``ingest`` is marked successful (``mark_success_pattern``), not run: the generated data is already
  ingested and the broker is stopped; a bounded ingest of a caught-up consumer group would only add
  a Flink start (~40 s) to the suite. Its command is checked in test_carelake_daily.py.
* ``CARELAKE_INTEROP_HOME`` (the Java end-to-end test's home) is not reused: Iceberg metadata holds
  absolute file locations, so a copy of that home would still write into the original's warehouse.
* The day is not a month start: every day of a month must succeed. The risk models run monthly,
  over the 24 months before the end of December 2025, where February to July 2025 have labelled
  rows (prior observation and a complete 180-day time at risk) and enough events for the split.
* The pseudonymisation key is fixed (an owner-only key file with the same 32 bytes in every run):
  the pseudonyms are the same in every run of this test.
* No assertion on how long anything took: times are compared with times the test recorded
  (the build's start and end), and the health checks get their clock injected.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import time
import zipfile
from pathlib import Path

from dataclasses import dataclass

import pytest

from carelake_airflow import settings
from conftest import (DAGS_FOLDER, LAUNCHER, REPO, LOCAL_SPARK_CONNECTION, QUICK_ENV, TEST_SPARK_CONF,
                      quick_run, spark_submit_command)

pytestmark = [
    pytest.mark.e2e,
    # Minutes of Kafka, Flink and nine Spark JVMs. Part of every full run (bin/test, .ci/run);
    # CARELAKE_QUICK=1 leaves it out of a quick local iteration, -m e2e runs only it.
    pytest.mark.skipif(quick_run(), reason=f"{QUICK_ENV}=1: the end-to-end DAG test is left out of a quick run"),
]

UTC = dt.timezone.utc
#: The generated population: a year, enough patients for the risk dataset's minimum events.
GENERATE = {"--patients": "500", "--days": "365", "--seed": "3", "--start": "2025-01-01"}
#: The whole generated period as UTC days: the clinics are on +08:00, so the first morning's
#: readings fall on the previous UTC day (as `carelake demo` does).
HISTORY = ("2024-12-31", "2026-01-01")
#: The daily run's data interval: [DAY, DAY + 1), a day that is not a month start.
DAY = dt.datetime(2025, 6, 17, tzinfo=UTC)
SPARK_TASKS = ["govern", "deidentify", "corpus", "report"]
#: The risk-model run for December 2025 (a manual run at 2026-01-01) and its window of index dates.
MODEL_RUN = dt.datetime(2026, 1, 1, tzinfo=UTC)
MODEL_WINDOW = (dt.date(2024, 1, 1), dt.date(2026, 1, 1))
MODEL_TASKS = ["features", "risk_dataset", "train"]
#: A fixed pseudonymisation key (32 bytes): the same pseudonyms and split in every run.
FIXED_KEY = base64.b64encode(bytes(range(32)))


def _run(command: list[str], what: str, timeout: int = 900) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=dict(os.environ))
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{what} failed (exit {result.returncode}):\n{output[-6000:]}"
    return output


@pytest.fixture(scope="session")
def jars_dir(tmp_path_factory) -> Path:
    """The bundled jars, copied once and checked: other builds may rewrite <module>/target while
    these tests run, and a jar rewritten under a running JVM fails it with 'invalid LOC header'."""
    target = tmp_path_factory.mktemp("jars")
    for job in {j.module: j for j in (*settings.JOBS.values(), settings.INGEST)}.values():
        source = job.jar(env={})
        for attempt in range(3):
            shutil.copyfile(source, target / source.name)
            try:
                with zipfile.ZipFile(target / source.name) as jar:
                    if jar.testzip() is None:
                        break
            except zipfile.BadZipFile:
                pass
            time.sleep(20)  # the jar was being written: wait for that build to finish
        else:
            pytest.fail(f"{source} stayed unreadable (a build kept rewriting it)")
    return target


#: The launcher's default job heap (core CarelakeConfig.LAUNCHER_JOB_HEAP_DEFAULT): the ingest below
#: is started as `bin/carelake ingest` starts it.
LAUNCHER_JOB_HEAP = "3g"


def _ingest_command(jars_dir: Path, home: Path) -> list[str]:
    """IngestJob as the launcher starts it (`bin/carelake ingest`: Flink embedded, its Maven
    classpath), but from the copied bundled jar instead of ingestion/target/classes, which another
    build may be recompiling."""
    target = REPO / "ingestion" / "target"
    classpath = [str(settings.INGEST.jar(env={settings.JARS_DIR_ENV: str(jars_dir)})),
                 (target / "classpath.txt").read_text(encoding="utf-8").strip()]
    if (target / "runtime-classpath.txt").is_file():
        classpath.append((target / "runtime-classpath.txt").read_text(encoding="utf-8").strip())
    java = Path(os.environ.get("JAVA_HOME", "/usr")) / "bin" / "java"
    return [str(java), f"-Xmx{LAUNCHER_JOB_HEAP}", *settings.JVM_OPENS.split(), "-cp", ":".join(c for c in classpath if c),
            settings.INGEST.main_class, "--home", str(home), "--bounded"]


def _write_owner_only(path: Path, data: bytes) -> None:
    """Creates ``path`` readable by its owner only from the start (never a moment world-readable)."""
    path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


@dataclass(frozen=True)
class Built:
    """The warehouse and when it was built, by the wall clock before and after."""
    home: Path
    began: dt.datetime
    ended: dt.datetime


@pytest.fixture(scope="session")
def built(tmp_path_factory, jars_dir) -> Built:
    """A carelake home holding the generated period, ingested, governed and de-identified."""
    home = tmp_path_factory.mktemp("carelake") / "home"
    # The pseudonymisation key where deid.key-file says by default (as `carelake demo` makes it).
    key = home / "secrets" / "pseudonym.key"
    _write_owner_only(key, FIXED_KEY)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    launcher = [str(LAUNCHER)]
    began_at = dt.datetime.now(UTC)
    began = time.monotonic()
    _run([*launcher, "kafka", "start", "--home", str(home)], "carelake kafka start", timeout=300)
    # The shipped privacy settings (issue 20 item 2): no override of deid.k or
    # deid.k-max-suppression. k-anonymity counts each day's visits together with the visits
    # already released within twice the date shift around it, so the daily release of this
    # 200-patient population passes as shipped (deidentification README, "k-anonymity").
    try:
        generate = [*launcher, "generate", "--home", str(home)]
        for option, value in GENERATE.items():
            generate += [option, value]
        _run(generate, "carelake generate")
        _run(_ingest_command(jars_dir, home), "IngestJob --bounded")
    finally:
        _run([*launcher, "kafka", "stop", "--home", str(home)], "carelake kafka stop", timeout=300)
    interval = ["--interval-start", HISTORY[0], "--interval-end", HISTORY[1]]
    for job in (settings.GOVERN, settings.DEIDENTIFY):
        jar = job.jar(env={settings.JARS_DIR_ENV: str(jars_dir)})
        _run(spark_submit_command(job, "--home", str(home), *interval, master="local[2]", jar=jar),
             f"spark-submit {job.name} {HISTORY}")
    print(f"\nwarehouse for {GENERATE} built in {time.monotonic() - began:.0f} s: {home}")
    return Built(home, began_at, dt.datetime.now(UTC))


@pytest.fixture(scope="session")
def warehouse(built) -> Path:
    return built.home


def _catalog(home: Path):
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog("carelake", uri=f"sqlite:///{home / 'catalog.db'}", warehouse=f"file://{home / 'warehouse'}")


def local_spark_env(warehouse: Path, jars_dir: Path, conf_dir: Path) -> dict[str, str]:
    """The environment of a dag.test() on the embedded home: Spark in local mode, test-sized (few
    partitions, no UI) through spark-defaults.conf, where a deployment keeps its executor sizes: the
    DAG's own conf stays exactly what production submits."""
    (conf_dir / "spark-defaults.conf").write_text(
        "".join(f"{k} {v}\n" for k, v in TEST_SPARK_CONF.items()), encoding="utf-8")
    return {"CARELAKE_HOME": str(warehouse), settings.JARS_DIR_ENV: str(jars_dir),
            "SPARK_CONF_DIR": str(conf_dir),
            "AIRFLOW_CONN_SPARK_DEFAULT": LOCAL_SPARK_CONNECTION.replace("local[1]", "local[2]")}


def dag_test(dag_id: str, logical_date: dt.datetime, env: dict[str, str], **kwargs):
    """``dag.test()`` of one DAG with ``env`` set (the home, jars, Spark connection and conf); its
    run, when it began and its wall time."""
    from airflow.dag_processing.dagbag import DagBag

    patch = pytest.MonkeyPatch()
    for name, value in env.items():
        patch.setenv(name, value)
    try:
        bag = DagBag(dag_folder=str(DAGS_FOLDER))  # parsed with CARELAKE_HOME pointing at the warehouse
        assert bag.import_errors == {}
        began = dt.datetime.now(UTC)
        start = time.monotonic()
        run = bag.dags[dag_id].test(logical_date=logical_date, **kwargs)
        seconds = time.monotonic() - start
    finally:
        patch.undo()
    return run, began, seconds


@pytest.fixture(scope="module")
def daily_run(warehouse, jars_dir, tmp_path_factory, serialized_dags):
    """carelake_daily's run for [DAY, DAY + 1) by dag.test(), its wall time, and when it started."""
    # A manual run at DAY + 1 gets the day that just ended, [DAY, DAY + 1).
    env = local_spark_env(warehouse, jars_dir, tmp_path_factory.mktemp("spark-conf"))
    run, began, seconds = dag_test("carelake_daily", DAY + dt.timedelta(days=1), env,
                                   mark_success_pattern="^ingest$")
    print(f"\ncarelake_daily dag.test() for {DAY:%Y-%m-%d}: {seconds:.0f} s")
    return run, seconds, began


@pytest.mark.needs_db
def test_the_run_succeeds_for_one_day(daily_run):
    run, seconds, _ = daily_run
    assert run.state == "success", [(ti.task_id, ti.state) for ti in run.get_task_instances()]
    assert (run.data_interval_start, run.data_interval_end) == (DAY, DAY + dt.timedelta(days=1))
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert states == {"ingest": "success", "raw_complete": "success",
                      **{t: "success" for t in SPARK_TASKS}}
    instances = sorted(run.get_task_instances(), key=lambda ti: ti.start_date)
    assert [ti.task_id for ti in instances] == ["ingest", "raw_complete", *SPARK_TASKS]


@pytest.fixture(scope="module")
def model_run(warehouse, jars_dir, tmp_path_factory, serialized_dags, daily_run):
    """carelake_risk_model's run for December 2025 by dag.test(), and when it started."""
    env = local_spark_env(warehouse, jars_dir, tmp_path_factory.mktemp("spark-conf-models"))
    run, began, seconds = dag_test("carelake_risk_model", MODEL_RUN, env)
    print(f"\ncarelake_risk_model dag.test() run at {MODEL_RUN:%Y-%m-%d}: {seconds:.0f} s")
    return run, began


@pytest.mark.needs_db
def test_the_monthly_models_run_for_real(model_run, warehouse):
    """The sensor found deidentify complete; features, risk-dataset and train ran for real over
    the window and wrote iterations with predictions (the ledger, read with pyiceberg)."""
    run, began = model_run
    assert run.state == "success", [(ti.task_id, ti.state) for ti in run.get_task_instances()]
    instances = sorted(run.get_task_instances(), key=lambda ti: ti.start_date)
    assert [(ti.task_id, ti.state) for ti in instances] == [
        (t, "success") for t in ["safe_complete", *MODEL_TASKS]]
    runs = _catalog(warehouse).load_table(("governance", "runs")).scan().to_arrow().to_pylist()
    mine = {r["job"]: r for r in runs if r["started_at"] >= began
            and (r["interval_start"], r["interval_end"]) == MODEL_WINDOW}
    assert sorted(mine) == ["features", "risk-dataset", "train"]
    for job, row in mine.items():
        assert row["status"] == "SUCCEEDED", (job, row["message"])
        assert row["rows_in"] == row["rows_out"] + row["rows_set_aside"], (job, row)
    counts = dict(mine["train"]["counts"])
    assert counts["iterations"] == 8
    assert counts["predictions"] > 0
    assert dict(mine["features"]["counts"])["audit_findings"] == 0


def test_completeness_watermark_gates_the_day(warehouse):
    """The fixture's bounded ingest recorded each raw table's completeness watermark (Iceberg
    snapshot summaries, read with pyiceberg): the run's day is closed, the day after the generated
    period is not."""
    from carelake_airflow import health

    config = settings.load({"CARELAKE_HOME": str(warehouse)})
    found = health.raw_completeness(health.open_catalog(config))
    assert [c.table for c in found] == ["raw.visits", "raw.vitals"]
    assert all(c.watermark is not None and c.snapshot_id is not None for c in found)
    assert health.raw_complete_until(config, (DAY + dt.timedelta(days=1)).isoformat())
    assert not health.raw_complete_until(config, dt.datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.needs_db
def test_every_spark_task_ran_for_real(daily_run, warehouse):
    """The ledger (governance.runs, read with pyiceberg) has a SUCCEEDED row for each Spark job on
    exactly the run's interval, started after dag.test() did: nothing was marked, everything ran."""
    _, _, began = daily_run
    runs = _catalog(warehouse).load_table(("governance", "runs")).scan().to_arrow().to_pylist()
    mine = [r for r in runs
            if r["interval_start"] == DAY.date() and r["interval_end"] == DAY.date() + dt.timedelta(days=1)]
    by_job = {}
    for row in mine:
        by_job.setdefault(row["job"], []).append(row)
    assert sorted(by_job) == sorted(SPARK_TASKS), sorted(by_job)
    for job, rows in by_job.items():
        assert len(rows) == 1, f"{job}: {len(rows)} runs for one interval"
        row = rows[0]
        assert row["status"] == "SUCCEEDED", (job, row["message"])
        assert row["started_at"] >= began, (job, row["started_at"], began)
        assert row["rows_in"] == row["rows_out"] + row["rows_set_aside"], (job, row)
    # The history the fixture wrote is still there, beside the day's runs.
    assert {r["job"] for r in runs if r["interval_start"] == dt.date.fromisoformat(HISTORY[0])} >= {
        "govern", "deidentify"}
    # The day's work was real work: governed and de-identified rows, corpus documents.
    assert by_job["govern"][0]["rows_in"] > 0
    assert by_job["deidentify"][0]["rows_out"] > 0


@pytest.mark.needs_db
def test_the_report_of_the_interval_exists(daily_run, warehouse):
    latest = warehouse / "reports" / "latest"
    report = json.loads((latest / "report.json").read_text(encoding="utf-8"))
    assert report["interval"] == {"start": "2025-06-17", "end": "2025-06-18"}
    assert (latest / "index.html").is_file()
    stages = {s["job"]: s for s in report["stages"]}
    assert {"govern", "deidentify", "corpus"} <= stages.keys()
    for job in ("govern", "deidentify", "corpus"):
        assert stages[job]["status"] == "SUCCEEDED", stages[job]
    # and the report vouches for the day: every stage and every cross-stage check reconciles
    assert [s for s in report["stages"] if not s["reconciles"]] == []
    assert [c for c in report["cross_checks"] if not c["reconciles"]] == []
    assert report["reconciled"] is True


# --- carelake_ingest_health on the same warehouse -------------------------------------------------


@pytest.mark.needs_db
def test_ingest_health_dag_passes_on_a_fresh_warehouse(warehouse, serialized_dags, monkeypatch):
    """Both checks and table maintenance, run by dag.test() for real, on the raw tables and the
    ledger the fixture wrote: maintain (a real MaintainJob) keeps every row."""
    from airflow.dag_processing.dagbag import DagBag

    rows_before = {t: _catalog(warehouse).load_table(("raw", t)).scan().to_arrow().num_rows
                   for t in ("visits", "vitals", "dead_letters")}
    monkeypatch.setenv("CARELAKE_HOME", str(warehouse))
    dag = DagBag(dag_folder=str(DAGS_FOLDER)).dags["carelake_ingest_health"]
    run = dag.test(logical_date=dt.datetime.now(UTC).replace(microsecond=0))
    assert {ti.task_id: ti.state for ti in run.get_task_instances()} == {
        "raw_freshness": "success", "dead_letter_rate": "success", "maintain": "success"}
    assert run.state == "success"
    rows_after = {t: _catalog(warehouse).load_table(("raw", t)).scan().to_arrow().num_rows
                  for t in ("visits", "vitals", "dead_letters")}
    assert rows_after == rows_before


def test_ingest_health_checks_fail_on_stale_tables_and_many_dead_letters(built):
    from carelake_airflow import health

    warehouse = built.home
    config = settings.load({"CARELAKE_HOME": str(warehouse)})
    # the raw tables were last written during this session (maintain may have compacted them since)
    found = health.raw_freshness(health.open_catalog(config), built.ended)
    assert [f.table for f in found] == list(settings.RAW_TABLES)
    assert all(f.snapshot_id and built.began <= f.committed_at <= dt.datetime.now(UTC) for f in found)
    # the check on a clock of its own: within airflow.raw-max-age-hours (26 by default) of the
    # oldest table's last commit it passes, a second later it fails and names that table
    limit = dt.timedelta(hours=float(settings.RAW_MAX_AGE_HOURS_DEFAULT))
    oldest = min(found, key=lambda f: f.committed_at)
    newest = max(f.committed_at for f in found)
    fresh = health.check_raw_freshness(config, now=oldest.committed_at + limit)
    assert all(f.age == oldest.committed_at + limit - f.committed_at for f in fresh)
    with pytest.raises(health.HealthError, match=f"Stale raw tables .*{oldest.table} last written"):
        health.check_raw_freshness(config, now=newest + limit + dt.timedelta(seconds=1))

    latest = health.check_dead_letter_rate(config)
    ledger = [r for r in _catalog(warehouse).load_table(("governance", "runs")).scan().to_arrow().to_pylist()
              if r["job"] == "ingest"]
    assert len(ledger) == 1 and latest.run_id == ledger[0]["run_id"]
    assert latest.messages == ledger[0]["rows_in"] > 0
    # The generator damages 2 % of the messages; most of the damage ends in raw.dead_letters.
    assert 0 < latest.dead_letters < latest.messages * 0.05
    assert latest.dead_letters == _catalog(warehouse).load_table(("raw", "dead_letters")).scan().to_arrow().num_rows
    strict = settings.load({"CARELAKE_HOME": str(warehouse), "CARELAKE_AIRFLOW_DEAD_LETTER_MAX_RATE": "0.001"})
    with pytest.raises(health.HealthError, match="dead-lettered .* > airflow.dead-letter-max-rate=0.001"):
        health.check_dead_letter_rate(strict)
