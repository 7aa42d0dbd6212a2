"""Structure of carelake_daily: order, operators, retries, documentation and templated intervals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from carelake_airflow import settings

ORDER = ["govern", "deidentify", "features", "corpus", "train", "evaluate", "report"]


@pytest.fixture(scope="module")
def dag(dagbag):
    assert dagbag.import_errors == {}
    return dagbag.dags["carelake_daily"]  # .get_dag() would consult the metadata DB


def test_schedule_and_catchup(dag):
    assert dag.schedule == "@daily"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.start_date == datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_tags_and_docs(dag):
    assert {"carelake", "spark", "daily"} <= set(dag.tags)
    assert "govern" in dag.doc_md and "data_interval_start" in dag.doc_md
    for task in dag.tasks:
        assert task.doc_md, f"{task.task_id} has no doc_md"


def test_tasks_run_in_pipeline_order(dag):
    assert sorted(dag.task_ids) == sorted(ORDER)
    assert [t.task_id for t in dag.roots] == ["govern"]
    assert [t.task_id for t in dag.leaves] == ["report"]
    for upstream, downstream in zip(ORDER, ORDER[1:]):
        assert dag.get_task(upstream).downstream_task_ids == {downstream}
    assert dag.get_task("report").downstream_task_ids == set()


def test_retries_with_exponential_back_off(dag):
    for task in dag.tasks:
        assert task.retries == 2
        assert task.retry_delay == timedelta(minutes=5)
        assert task.retry_exponential_backoff == 2.0
        assert task.max_retry_delay == timedelta(hours=1)


def test_every_task_is_a_spark_submit_of_its_job(dag):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    for task_id in ORDER:
        task = dag.get_task(task_id)
        job = settings.job(task_id)
        assert isinstance(task, SparkSubmitOperator)
        assert task._conn_id == "spark_default"
        assert task.application == str(job.jar())
        assert task._java_class == job.main_class
        assert task.name == f"carelake-{job.name}"


def test_application_args_are_templated_on_the_data_interval(dag):
    for task in dag.tasks:
        assert "application_args" in task.template_fields
        args = task.application_args
        assert args[:2] == settings.config_arguments()
        start = args[args.index("--interval-start") + 1]
        end = args[args.index("--interval-end") + 1]
        assert "data_interval_start" in start
        assert "data_interval_end" in end


def test_templates_render_to_the_interval_days(dag):
    """Rendered with Airflow's own Jinja environment (and its `ds` filter), as a task run does."""
    jinja = dag.get_template_env()
    context = {
        "data_interval_start": datetime(2025, 3, 1, tzinfo=timezone.utc),
        "data_interval_end": datetime(2025, 3, 2, tzinfo=timezone.utc),
    }
    rendered = [jinja.from_string(a).render(**context) for a in dag.get_task("features").application_args]
    assert rendered[2:] == ["--interval-start", "2025-03-01", "--interval-end", "2025-03-02"]
