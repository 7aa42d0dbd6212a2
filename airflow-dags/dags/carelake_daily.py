"""carelake_daily: the daily batch pipeline, one spark-submit per carelake job.

Parsing this file imports Airflow, the Spark provider and ``carelake_airflow.settings`` and nothing
else: no connection is looked up and no properties file is read until a task runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, chain

from carelake_airflow import settings

DAG_ID = "carelake_daily"
SPARK_CONN_ID = "spark_default"

#: The batch jobs in the order the data flows (ARCHITECTURE.md, "Data flow").
PIPELINE = (
    settings.GOVERN,
    settings.DEIDENTIFY,
    settings.FEATURES,
    settings.CORPUS,
    settings.TRAIN,
    settings.EVALUATE,
    settings.REPORT,
)

DOC_MD = """
### carelake daily pipeline

Runs carelake's batch jobs on one day of data, each as a `spark-submit` of its module's bundled jar:

`govern` → `deidentify` → `features` → `corpus` → `train` → `evaluate` → `report`

* **Interval.** Every job gets `--interval-start {{ data_interval_start | ds }}` and
  `--interval-end {{ data_interval_end | ds }}` and reads and replaces exactly that slice, so a
  rerun or a retry gives the same tables.
* **Configuration.** Jobs get `--home` (or `--config` when `CARELAKE_CONFIG` is set) from
  `carelake_airflow.settings`; the Spark master and deploy mode come from the `spark_default`
  connection.
* **Failures.** Exit code 1 is a failed job, 2 a usage error, 3 a run blocked by a governance rule:
  any of them fails the task, and nothing downstream runs on unchecked data.
* **Retries.** Two, five then ten minutes apart (exponential back-off, at most one hour).
"""

DEFAULT_ARGS = {
    "owner": "carelake",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    # Airflow 3 takes a multiplier: 5 min, then 10 min.
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(hours=1),
}

with DAG(
    dag_id=DAG_ID,
    description="carelake batch pipeline: govern, de-identify, features, datasets, models, reports",
    doc_md=DOC_MD,
    schedule="@daily",
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    # The embedded profile's Iceberg catalog is one SQLite file: one run at a time.
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["carelake", "spark", "daily"],
) as dag:
    chain(
        *(
            SparkSubmitOperator(
                task_id=job.name,
                conn_id=SPARK_CONN_ID,
                doc_md=f"`{job.main_class}` from `{job.module}`: {job.description}",
                **settings.spark_submit_kwargs(job),
            )
            for job in PIPELINE
        )
    )
