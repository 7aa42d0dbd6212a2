"""carelake_risk_model with real Airflow: a monthly run over a window of index dates, after safe.*
is complete; the interval each job gets, rendered by Airflow and turned into a spark-submit by the
provider's hook."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest

from carelake_airflow import health, settings

UTC = timezone.utc
SPARK_ORDER = ["features", "risk_dataset", "train"]


@pytest.fixture(scope="module")
def dag(dagbag):
    assert dagbag.import_errors == {}
    return dagbag.dags["carelake_risk_model"]


def _rendered(task, start: datetime, end: datetime):
    task = copy.deepcopy(task)
    task.render_template_fields({"data_interval_start": start, "data_interval_end": end})
    return task


def test_monthly_schedule_and_structure(dag):
    from airflow.sdk import CronDataIntervalTimetable

    assert isinstance(dag.timetable, CronDataIntervalTimetable)
    assert dag.timetable.expression in ("@monthly", "0 0 1 * *")
    assert dag.catchup is False and dag.max_active_runs == 1
    order = ["safe_complete", *SPARK_ORDER]
    assert sorted(dag.task_ids) == sorted(order)
    for upstream, downstream in zip(order, order[1:]):
        assert dag.get_task(upstream).downstream_task_ids == {downstream}
    assert {t.trigger_rule for t in dag.tasks} == {"all_success"}
    for word in ("month starts", "safe_complete", "risk_dataset", settings.RISK_WINDOW_MONTHS_ENV):
        assert word in dag.doc_md


def test_the_scheduler_gives_each_run_a_calendar_month(dag):
    from airflow.serialization.serialized_objects import DagSerialization
    from airflow.timetables.base import DataInterval, TimeRestriction

    timetable = DagSerialization.from_dict(DagSerialization.to_dict(dag)).timetable
    info = timetable.next_dagrun_info(
        last_automated_data_interval=DataInterval(datetime(2025, 5, 1, tzinfo=UTC),
                                                  datetime(2025, 6, 1, tzinfo=UTC)),
        restriction=TimeRestriction(earliest=dag.start_date, latest=None, catchup=True),
    )
    assert (info.data_interval.start, info.data_interval.end) == (datetime(2025, 6, 1, tzinfo=UTC),
                                                                  datetime(2025, 7, 1, tzinfo=UTC))
    assert info.run_after == datetime(2025, 7, 1, tzinfo=UTC)


def test_every_job_gets_the_window_of_index_dates(dag, spark_connection):
    """The run for June 2025 gives every job the 24 months before 2025-07-01 as its index dates."""
    from carelake_airflow.operators import CarelakeSparkSubmitOperator

    for task_id in SPARK_ORDER:
        # a blocked risk dataset (exit 3: too few events) fails at once, without retries
        assert isinstance(dag.get_task(task_id), CarelakeSparkSubmitOperator)
        task = _rendered(dag.get_task(task_id), datetime(2025, 6, 1, tzinfo=UTC),
                         datetime(2025, 7, 1, tzinfo=UTC))
        job = settings.job(task_id.replace("_", "-"))
        assert task._java_class == job.main_class
        assert task.application_args == [*settings.config_arguments(), "--interval-start",
                                         "2023-07-01", "--interval-end", "2025-07-01"]
        command = task._get_hook()._build_spark_submit_command(task.application)
        assert command[-4:] == ["--interval-start", "2023-07-01", "--interval-end", "2025-07-01"]
        assert job.main_class in command


def test_the_window_is_a_worker_setting(monkeypatch):
    assert settings.risk_window_months({}) == 24
    assert settings.risk_window_months({settings.RISK_WINDOW_MONTHS_ENV: "36"}) == 36
    with pytest.raises(settings.SettingsError, match="from 2 to 240, got 'x'"):
        settings.risk_window_months({settings.RISK_WINDOW_MONTHS_ENV: "x"})
    assert "months_before(data_interval_end, 36)" in settings.risk_window_start_template(
        {settings.RISK_WINDOW_MONTHS_ENV: "36"})


def test_months_before_is_calendar_arithmetic():
    from datetime import date

    assert settings.months_before(date(2025, 7, 1), 24) == "2023-07-01"
    assert settings.months_before(date(2025, 1, 1), 1) == "2024-12-01"
    assert settings.months_before(date(2025, 3, 31), 1) == "2025-02-28"
    assert settings.months_before(datetime(2024, 3, 31, tzinfo=UTC), 1) == "2024-02-29"
    assert settings.months_before(date(2025, 12, 15), 12) == "2024-12-15"


def test_safe_complete_waits_for_deidentify_in_the_ledger(dag):
    sensor = dag.get_task("safe_complete")
    assert sensor.mode == "reschedule"
    assert sensor.poke_interval == timedelta(minutes=10).total_seconds()
    assert _rendered(sensor, datetime(2025, 6, 1, tzinfo=UTC),
                     datetime(2025, 7, 1, tzinfo=UTC)).until == "2025-07-01"
    assert health.deidentified_until.__doc__ in sensor.doc_md


@pytest.mark.needs_db
def test_dag_test_runs_every_task_in_order(serialized_dags):
    from airflow.dag_processing.dagbag import DagBag

    from conftest import DAGS_FOLDER

    dag = DagBag(dag_folder=str(DAGS_FOLDER)).dags["carelake_risk_model"]
    run = dag.test(logical_date=datetime(2025, 7, 1, tzinfo=UTC), mark_success_pattern=".*")
    assert run.state == "success"
    instances = sorted(run.get_task_instances(), key=lambda ti: ti.start_date)
    assert [(ti.task_id, ti.state) for ti in instances] == [
        (t, "success") for t in ["safe_complete", *SPARK_ORDER]]
