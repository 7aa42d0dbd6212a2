"""What every carelake DAG builds its Spark tasks from: shared default arguments and one factory for
a job's ``spark-submit`` task, so that task ids, docs, conf, arguments and failure handling are the
same in every DAG. Imports Airflow (DAG files only); the job data comes from :mod:`carelake_airflow.jobs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from carelake_airflow.jobs import Job, spark_submit_kwargs
from carelake_airflow.operators import CarelakeSparkSubmitOperator
from carelake_airflow.schedule import INTERVAL_END_TEMPLATE, INTERVAL_START_TEMPLATE

#: The Airflow connection every Spark task submits through (master, deploy mode, queue).
SPARK_CONN_ID = "spark_default"

#: Retries for transient failures (exit 1: a lost executor, a busy catalog): two, 5 then 10 minutes
#: apart. Exit 2 and 3 are verdicts and are never retried (CarelakeSparkSubmitOperator).
DEFAULT_ARGS = {
    "owner": "carelake",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    # Airflow 3 takes a multiplier: 5 min, then 10 min.
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(hours=1),
}


def task_id(job: Job) -> str:
    """The task id of a job: its name with hyphens as underscores (``risk-dataset`` → ``risk_dataset``)."""
    return job.name.replace("-", "_")


def spark_task(
    job: Job,
    *,
    interval_start: str = INTERVAL_START_TEMPLATE,
    interval_end: str = INTERVAL_END_TEMPLATE,
    extra_args: Sequence[str] = (),
    outlets: Iterable = (),
    conn_id: str = SPARK_CONN_ID,
) -> CarelakeSparkSubmitOperator:
    """The ``spark-submit`` task of ``job`` on the templated interval, with the job's bundled jar,
    main class, carelake's Spark conf and ``extra_args`` after the interval. Exit 2 and 3 fail the
    task at once, without retries; anything else is left to the DAG's retries."""
    kwargs = spark_submit_kwargs(job, interval_start=interval_start, interval_end=interval_end)
    kwargs["application_args"] = [*kwargs["application_args"], *extra_args]
    return CarelakeSparkSubmitOperator(
        task_id=task_id(job),
        conn_id=conn_id,
        doc_md=f"`{job.main_class}` from `{job.module}`: {job.description}",
        outlets=list(outlets),
        **kwargs,
    )
