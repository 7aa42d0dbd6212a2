"""carelake_model_evaluation and carelake_ingest_health: structure, schedule, rendered intervals."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from carelake_airflow import health, settings

UTC = timezone.utc


@pytest.fixture(scope="module")
def evaluation(dagbag):
    assert dagbag.import_errors == {}
    return dagbag.dags["carelake_model_evaluation"]


@pytest.fixture(scope="module")
def ingest_health(dagbag):
    return dagbag.dags["carelake_ingest_health"]


def _render(task, start: datetime, end: datetime):
    from airflow.sdk.execution_time import macros

    task = copy.deepcopy(task)
    task.render_template_fields({"data_interval_start": start, "data_interval_end": end, "macros": macros})
    return task


# --- carelake_model_evaluation --------------------------------------------------------------------


def test_evaluation_runs_on_the_models_asset_or_weekly(evaluation):
    from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable

    timetable = evaluation.timetable
    assert isinstance(timetable, AssetOrTimeSchedule)
    assert isinstance(timetable.timetable, CronTriggerTimetable)
    assert timetable.timetable.expression == "0 6 * * 1"
    assert list(timetable.asset_condition.objects) == [Asset(*settings.MODELS_ITERATIONS_ASSET)]
    assert evaluation.catchup is False and evaluation.max_active_runs == 1
    assert {"carelake", "models"} <= set(evaluation.tags)
    for word in ("evaluate", "report", settings.MODELS_ITERATIONS_ASSET[1], "AssetOrTimeSchedule"):
        assert word in evaluation.doc_md


def test_the_assets_producers(dagbag):
    """The monthly train produces the models asset; the daily deidentify produces safe.*."""
    from airflow.sdk import Asset

    producers = {(dag_id, t.task_id): t.outlets for dag_id, dag in dagbag.dags.items() for t in dag.tasks
                 if t.outlets}
    assert producers == {
        ("carelake_risk_model", "train"): [Asset(*settings.MODELS_ITERATIONS_ASSET)],
        ("carelake_daily", "deidentify"): [Asset(*a) for a in settings.SAFE_ASSETS],
    }


def test_evaluation_tasks(evaluation):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    assert [t.task_id for t in evaluation.roots] == ["evaluate"]
    assert evaluation.get_task("evaluate").downstream_task_ids == {"report"}
    assert [t.task_id for t in evaluation.leaves] == ["report"]
    for task in evaluation.tasks:
        job = settings.job(task.task_id)
        assert isinstance(task, SparkSubmitOperator)
        assert (task.application, task._java_class, task.name) == (str(job.jar()), job.main_class, f"carelake-{job.name}")
        assert task.conf == dict(settings.SPARK_CONF)
        assert task.retries == 2 and task.doc_md
        assert task.trigger_rule == "all_success"


@pytest.mark.parametrize(
    "start, end, expected",
    [
        # time-triggered (CronTriggerTimetable): a point, Monday 06:00 -> that Monday
        (datetime(2025, 3, 3, 6, tzinfo=UTC), datetime(2025, 3, 3, 6, tzinfo=UTC), ("2025-03-03", "2025-03-04")),
        # asset-triggered: the events' span, two days -> both days
        (datetime(2025, 3, 1, 23, 10, tzinfo=UTC), datetime(2025, 3, 2, 0, 5, tzinfo=UTC), ("2025-03-01", "2025-03-03")),
    ],
    ids=["timed", "asset"],
)
def test_evaluation_interval_is_at_least_one_whole_day(evaluation, spark_connection, start, end, expected):
    for task_id, extra in (("evaluate", ["--gate"]), ("report", [])):
        task = _render(evaluation.get_task(task_id), start, end)
        assert task.application_args == [
            *settings.config_arguments(), "--interval-start", expected[0], "--interval-end", expected[1], *extra]
        command = task._get_hook()._build_spark_submit_command(task.application)
        assert command[-4 - len(extra):] == ["--interval-start", expected[0], "--interval-end", expected[1], *extra]


def test_evaluate_applies_the_gate_and_does_not_retry_a_verdict(evaluation):
    from carelake_airflow.operators import CarelakeSparkSubmitOperator

    evaluate = evaluation.get_task("evaluate")
    assert isinstance(evaluate, CarelakeSparkSubmitOperator)
    assert evaluate.application_args[-1] == "--gate"
    assert "--gate" not in evaluation.get_task("report").application_args
    for word in ("--gate", "Exit 3", "without retries", "evaluation.gate_decisions", "models.registry"):
        assert word in evaluation.doc_md


def _operator(tmp_path, script_text: str, name: str):
    from carelake_airflow.operators import CarelakeSparkSubmitOperator

    script = tmp_path / f"{name}.py"
    script.write_text(script_text, encoding="utf-8")
    return CarelakeSparkSubmitOperator(
        task_id=name, conn_id="spark_default", application=str(script), name=f"carelake-{name}",
        conf={**settings.SPARK_CONF, "spark.ui.enabled": "false"}, retries=2)


@pytest.mark.parametrize("code", [settings.JobExit.BLOCKED_BY_GOVERNANCE, settings.JobExit.USAGE], ids=["3", "2"])
def test_a_verdict_fails_the_task_at_once(tmp_path, spark_connection, code):
    """A real spark-submit whose application exits 3 (or 2): the task fails without retries."""
    from airflow.sdk.exceptions import AirflowFailException

    op = _operator(tmp_path, f"import sys\nprint('gate rejected')\nsys.exit({int(code)})\n", f"exit{int(code)}")
    with pytest.raises(AirflowFailException, match=f"exit {int(code)}.*not retried"):
        op.execute(context={})


def test_a_failure_is_left_to_the_retries(tmp_path, spark_connection):
    from airflow.sdk.exceptions import AirflowException, AirflowFailException

    op = _operator(tmp_path, "import sys\nsys.exit(1)\n", "exit1")
    with pytest.raises(AirflowException, match="Error code is: 1") as failure:
        op.execute(context={})
    assert not isinstance(failure.value, AirflowFailException)


def test_the_real_evaluate_jar_gives_a_usage_verdict(tmp_path, spark_connection):
    """The bundled evaluate job refuses --confidence 95 before Spark starts (exit 2): not retried."""
    from airflow.sdk.exceptions import AirflowFailException

    from carelake_airflow.operators import CarelakeSparkSubmitOperator

    op = CarelakeSparkSubmitOperator(
        task_id="evaluate", conn_id="spark_default",
        **{**settings.spark_submit_kwargs(settings.EVALUATE, interval_start="2025-03-01", interval_end="2025-03-02",
                                          env={"CARELAKE_HOME": str(tmp_path)}),
           "application_args": ["--home", str(tmp_path), "--interval-start", "2025-03-01",
                                "--interval-end", "2025-03-02", "--confidence", "95"]})
    with pytest.raises(AirflowFailException, match="usage or configuration error"):
        op.execute(context={})


@pytest.mark.needs_db
def test_the_scheduler_sees_the_asset_schedule(serialized_dags):
    """The serialized DAG (what the scheduler reads) keeps both the asset and the cron schedule."""
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization

    from conftest import DAGS_FOLDER

    dag = DagBag(dag_folder=str(DAGS_FOLDER)).dags["carelake_model_evaluation"]
    timetable = DagSerialization.from_dict(DagSerialization.to_dict(dag)).timetable
    assert [a.uri for _, a in timetable.asset_condition.iter_assets()] == [settings.MODELS_ITERATIONS_ASSET[1]]
    manual = timetable.infer_manual_data_interval(run_after=datetime(2025, 3, 5, tzinfo=UTC))
    assert manual.start == manual.end  # a point: the template turns it into one whole day


# --- carelake_ingest_health -----------------------------------------------------------------------


def test_ingest_health_structure(ingest_health):
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.providers.standard.operators.python import PythonOperator
    from airflow.sdk import CronTriggerTimetable

    assert isinstance(ingest_health.timetable, CronTriggerTimetable)
    assert ingest_health.timetable.expression == "15 * * * *"
    assert {"carelake", "ingest", "health"} <= set(ingest_health.tags)
    assert sorted(ingest_health.task_ids) == ["dead_letter_rate", "maintain", "raw_freshness"]
    for task in ingest_health.tasks:
        assert task.doc_md and task.retries == 1
        assert task.upstream_task_ids == set()  # independent: one failing does not hide the others
    assert isinstance(ingest_health.get_task("raw_freshness"), PythonOperator)
    assert isinstance(ingest_health.get_task("dead_letter_rate"), PythonOperator)
    assert isinstance(ingest_health.get_task("maintain"), BashOperator)
    for word in (*settings.RAW_TABLES, settings.RAW_MAX_AGE_HOURS_KEY, settings.DEAD_LETTER_MAX_RATE_KEY, "maintain"):
        assert word in ingest_health.doc_md


def test_maintain_task_runs_the_launchers_maintain_command(ingest_health, tmp_path):
    """The launcher has a `maintain` command (cli Tool.MAINTAIN); the task calls it with the home."""
    from conftest import REPO

    sources = (REPO / "cli" / "src" / "main" / "java" / "io" / "carelake" / "cli" / "Tool.java").read_text(encoding="utf-8")
    assert re.search(r'MAINTAIN\("maintain"\)', sources)
    manifest = json.loads((REPO / settings.MANIFEST).read_text(encoding="utf-8"))["entries"]
    assert {"command": "maintain", "module": "ingestion", "main_class": "io.carelake.ingestion.MaintainJob",
            "engine": "flink", "kind": "tool"}.items() <= next(e for e in manifest if e["command"] == "maintain").items()
    command = settings.maintain_command({"CARELAKE_HOME": str(tmp_path)})
    assert command == f"{REPO / 'bin' / 'carelake'} maintain --home {tmp_path}"
    cluster = settings.maintain_command({"CARELAKE_CONFIG": str(tmp_path / "c.properties"),
                                         "CARELAKE_AIRFLOW_MAINTAIN_COMMAND": "flink run -c X j.jar"})
    assert cluster == f"flink run -c X j.jar --config {tmp_path / 'c.properties'}"
    assert " maintain " in ingest_health.get_task("maintain").bash_command + " "


def test_health_thresholds_come_from_the_properties_and_environment(tmp_path):
    (tmp_path / "carelake.properties").write_text("airflow.raw-max-age-hours=2\n", encoding="utf-8")
    config = settings.load({"CARELAKE_HOME": str(tmp_path), "CARELAKE_AIRFLOW_DEAD_LETTER_MAX_RATE": "0.01"})
    assert config.get(settings.RAW_MAX_AGE_HOURS_KEY) == "2"
    assert config.get(settings.DEAD_LETTER_MAX_RATE_KEY) == "0.01"


def test_health_refuses_a_catalog_it_cannot_open(tmp_path):
    (tmp_path / "carelake.properties").write_text(
        "catalog.type=jdbc\ncatalog.uri=jdbc:mysql://db:3306/carelake?password=pw-123\n", encoding="utf-8")
    with pytest.raises(settings.SettingsError, match="jdbc:sqlite:, jdbc:postgresql: and REST") as e:
        health.open_catalog(settings.load({"CARELAKE_HOME": str(tmp_path)}))
    assert "pw-123" not in str(e.value)


def test_dead_letter_rate_arithmetic():
    rate = health.DeadLetterRate("ingest-1", datetime(2025, 3, 1, tzinfo=UTC), messages=200, dead_letters=5)
    assert rate.rate == pytest.approx(0.025)
    assert health.DeadLetterRate("ingest-2", datetime(2025, 3, 1, tzinfo=UTC), 0, 0).rate == 0.0
    assert timedelta(hours=float(settings.RAW_MAX_AGE_HOURS_DEFAULT)) > timedelta(days=1)
