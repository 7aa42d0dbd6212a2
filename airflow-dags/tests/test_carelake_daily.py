"""carelake_daily with real Airflow: structure, schedule, templated intervals, rendered commands.

Every task is rendered with Airflow's own template machinery and, for the Spark tasks, turned into
a spark-submit command line by the provider's own SparkSubmitHook, exactly as a worker would do
before starting the process. Nothing is mocked; no Spark job runs (that needs the jars, a catalog
and Kafka: the Java end-to-end test covers it).
"""

from __future__ import annotations

import ast
import copy
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from carelake_airflow import settings
from conftest import DAGS_FOLDER, VENV_BIN

SPARK_ORDER = ["govern", "deidentify", "corpus", "report"]
ORDER = ["ingest", "raw_complete", *SPARK_ORDER]
UTC = timezone.utc


def day(month: int, d: int) -> datetime:
    return datetime(2025, month, d, tzinfo=UTC)


@pytest.fixture(scope="module")
def dag(dagbag):
    assert dagbag.import_errors == {}
    return dagbag.dags["carelake_daily"]  # .get_dag() would consult the metadata DB


def _rendered(task, start: datetime, end: datetime):
    """A copy of ``task`` with its template fields rendered by Airflow for that data interval."""
    task = copy.deepcopy(task)
    task.render_template_fields({"data_interval_start": start, "data_interval_end": end})
    return task


def _spark_submit_command(task) -> list[str]:
    """The command the operator's hook would run: the provider's own code, not a copy of it."""
    return task._get_hook()._build_spark_submit_command(task.application)


# --- schedule -------------------------------------------------------------------------------------


def test_schedule_and_catchup(dag):
    from airflow.sdk import CronDataIntervalTimetable

    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression in ("@daily", "0 0 * * *")
    assert str(dag.timetable.timezone) == "UTC"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.start_date == day(1, 1)


def test_each_scheduled_run_covers_one_utc_day(dag):
    """The scheduler's view (the serialized DAG's timetable): [midnight, next midnight), run after it.

    A plain "@daily" would be a CronTriggerTimetable in Airflow 3, with start == end."""
    from airflow.serialization.serialized_objects import DagSerialization
    from airflow.timetables.base import DataInterval, TimeRestriction

    timetable = DagSerialization.from_dict(DagSerialization.to_dict(dag)).timetable
    info = timetable.next_dagrun_info(
        last_automated_data_interval=DataInterval(day(3, 1), day(3, 2)),
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
    )
    assert (info.data_interval.start, info.data_interval.end) == (day(3, 2), day(3, 3))
    assert info.run_after == day(3, 3)
    manual = timetable.infer_manual_data_interval(run_after=day(3, 5))
    assert manual.end - manual.start == timedelta(days=1)


# --- structure ------------------------------------------------------------------------------------


def test_tags_and_docs(dag):
    assert {"carelake", "spark", "daily"} <= set(dag.tags)
    for word in ("ingest", "govern", "data_interval_start", "CARELAKE_AIRFLOW_INGEST_COMMAND"):
        assert word in dag.doc_md
    for task in dag.tasks:
        assert task.doc_md, f"{task.task_id} has no doc_md"


def test_tasks_run_in_pipeline_order(dag):
    assert sorted(dag.task_ids) == sorted(ORDER)
    assert [t.task_id for t in dag.roots] == ["ingest"]
    assert [t.task_id for t in dag.leaves] == ["report"]
    for upstream, downstream in zip(ORDER, ORDER[1:]):
        assert dag.get_task(upstream).downstream_task_ids == {downstream}
        assert dag.get_task(downstream).upstream_task_ids == {upstream}
    assert dag.get_task("report").downstream_task_ids == set()
    # Default trigger rule: a failed or blocked (exit 3) job stops everything downstream.
    assert {t.trigger_rule for t in dag.tasks} == {"all_success"}


def test_retries_with_exponential_back_off(dag):
    for task in dag.tasks:
        assert task.retries == 2
        assert task.retry_delay == timedelta(minutes=5)
        assert task.retry_exponential_backoff == 2.0
        assert task.max_retry_delay == timedelta(hours=1)


def test_ingest_is_a_bounded_run_of_the_flink_job(dag):
    from airflow.providers.standard.operators.bash import BashOperator

    task = dag.get_task("ingest")
    assert isinstance(task, BashOperator)
    assert task.bash_command == settings.ingest_command()
    assert task.bash_command.endswith(" ".join([*settings.config_arguments(), "--bounded"]))
    assert "io.carelake.ingestion.IngestJob" in task.doc_md


def test_every_spark_task_is_a_spark_submit_of_its_job(dag):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    for task_id in SPARK_ORDER:
        task = dag.get_task(task_id)
        job = settings.job(task_id)
        assert isinstance(task, SparkSubmitOperator)
        assert task._conn_id == "spark_default"
        assert task.application == str(job.jar())
        assert task._java_class == job.main_class
        assert task.name == f"carelake-{job.name}"
        assert task.conf == dict(settings.SPARK_CONF)


def test_application_args_are_templated_on_the_data_interval(dag):
    for task_id in SPARK_ORDER:
        task = dag.get_task(task_id)
        assert "application_args" in task.template_fields
        args = task.application_args
        assert args[:2] == settings.config_arguments()
        assert args[args.index("--interval-start") + 1] == "{{ data_interval_start | ds }}"
        assert args[args.index("--interval-end") + 1] == "{{ data_interval_end | ds }}"


# --- rendering ------------------------------------------------------------------------------------


def test_rendered_spark_submit_commands(dag, spark_connection):
    """Rendered by Airflow for the interval [2025-03-01, 2025-03-02), built by SparkSubmitHook."""
    home = settings.config_arguments()
    for task_id in SPARK_ORDER:
        job = settings.job(task_id)
        task = _rendered(dag.get_task(task_id), day(3, 1), day(3, 2))
        assert task.application_args == [*home, "--interval-start", "2025-03-01", "--interval-end", "2025-03-02"]
        assert _spark_submit_command(task) == [
            "spark-submit",
            "--master", "local[1]",
            "--conf", "spark.sql.session.timeZone=UTC",
            "--conf", "spark.yarn.maxAppAttempts=1",
            "--conf", "spark.ui.showConsoleProgress=false",
            "--conf", f"spark.driver.extraJavaOptions={settings.JVM_OPENS}",
            "--conf", f"spark.executor.extraJavaOptions={settings.JVM_OPENS}",
            "--name", f"carelake-{task_id}",
            "--class", job.main_class,
            "--deploy-mode", "client",
            str(job.jar()),
            *home,
            "--interval-start", "2025-03-01",
            "--interval-end", "2025-03-02",
        ]


def test_no_secret_in_rendered_commands_or_logs(tmp_path, monkeypatch, spark_connection, capfd, caplog):
    """The pseudonymisation key and a catalog password, in the file and environment the jobs read,
    appear in no rendered field, no spark-submit command and no log line of the DAG's tasks."""
    from airflow.dag_processing.dagbag import DagBag

    file_key, env_key, password = "file-key-6f1d2c9a", "env-key-0b7e44d1", "catalog-pw-93c1"
    home = tmp_path / "home"
    (home / "secrets").mkdir(parents=True)
    (home / "secrets" / "pseudonym.key").write_text(file_key, encoding="utf-8")
    (home / "carelake.properties").write_text(
        f"deid.key-file={home / 'secrets' / 'pseudonym.key'}\n"
        "deid.key-env=CARELAKE_PSEUDONYM_KEY\ndeid.key-id=k1\n"
        f"catalog.jdbc.password={password}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CARELAKE_HOME", str(home))
    monkeypatch.setenv("CARELAKE_PSEUDONYM_KEY", env_key)

    bag = DagBag(dag_folder=str(DAGS_FOLDER))  # parsed with this environment
    assert bag.import_errors == {}
    seen = []
    for task in bag.dags["carelake_daily"].tasks:
        task = _rendered(task, day(3, 1), day(3, 2))
        seen.extend(repr(getattr(task, field)) for field in task.template_fields)
        if task.task_id in SPARK_ORDER:
            seen.append(" ".join(_spark_submit_command(task)))  # the hook logs it, too
    captured = capfd.readouterr()
    logs = captured.out + captured.err + caplog.text
    assert "Spark-Submit cmd" in logs and str(home) in logs  # the capture did see the hook's log
    text = "\n".join(seen) + logs
    assert f"--home {home}" in text
    for secret in (file_key, env_key, password):
        assert secret not in text


@pytest.mark.needs_db
def test_airflow_cli_renders_the_data_interval(serialized_dags):
    """`airflow tasks render` in a fresh process: the scheduler's DAG, its timetable and its context.

    A run at 2025-03-02 00:00 UTC (manual, so the interval is the day that just ended) gives the
    job the day 2025-03-01 as [2025-03-01, 2025-03-02)."""
    result = subprocess.run(
        [str(VENV_BIN / "airflow"), "tasks", "render", "carelake_daily", "corpus", "2025-03-02"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fields = _render_output(result.stdout)
    assert ast.literal_eval(fields["application_args"]) == [
        *settings.config_arguments(), "--interval-start", "2025-03-01", "--interval-end", "2025-03-02",
    ]
    assert ast.literal_eval(fields["conf"]) == dict(settings.SPARK_CONF)
    assert fields["application"] == str(settings.CORPUS.jar())
    assert fields["name"] == "carelake-corpus"


def _render_output(stdout: str) -> dict[str, str]:
    """`airflow tasks render` prints '# property: NAME' between rules, then the value."""
    fields, name, value = {}, None, []
    for line in stdout.splitlines():
        if line.startswith("# property: "):
            name, value = line[len("# property: "):].strip(), []
        elif line.startswith("# ---"):
            if name and value:
                fields[name] = "\n".join(value).strip()
        elif name is not None:
            value.append(line)
            fields[name] = "\n".join(value).strip()
    return fields


@pytest.mark.needs_db
def test_dag_test_runs_every_task_in_order(serialized_dags):
    """dag.test(): a real DAG run through Airflow's scheduling loop and metadata DB. Tasks are
    marked successful instead of executed (executing them needs the jars, Kafka and a catalog)."""
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(DAGS_FOLDER)).dags["carelake_daily"]
    run = dag.test(logical_date=day(3, 2), mark_success_pattern=".*")
    assert run.state == "success"
    assert (run.data_interval_start, run.data_interval_end) == (day(3, 1), day(3, 2))
    instances = sorted(run.get_task_instances(), key=lambda ti: ti.start_date)
    assert [(ti.task_id, ti.state) for ti in instances] == [(t, "success") for t in ORDER]
