"""carelake_model_evaluation: evaluate the latest model iteration, then write the auditors' report.

Runs when carelake_risk_model's ``train`` task has appended iterations to models.iterations (an Airflow
asset), and weekly in any case. Parsing imports Airflow, the Spark provider and
``carelake_airflow.settings`` only: no connection, no properties file.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import DAG, Asset, AssetOrTimeSchedule, CronTriggerTimetable, chain

from carelake_airflow import settings

DAG_ID = "carelake_model_evaluation"
SPARK_CONN_ID = "spark_default"

MODELS_ITERATIONS = Asset(*settings.MODELS_ITERATIONS_ASSET)

#: Every Monday 06:00 UTC, and whenever models.iterations is updated.
SCHEDULE = AssetOrTimeSchedule(
    timetable=CronTriggerTimetable("0 6 * * 1", timezone="UTC"),
    assets=[MODELS_ITERATIONS],
)

DOC_MD = f"""
### carelake model evaluation

`evaluate` → `report`: scores the latest iteration in `models.iterations` on its held-out split
(AUROC with a DeLong 95 % CI, Brier score, into `evaluation.results`), then writes the auditors'
report for the run's interval.

* **Triggers.** The asset `{settings.MODELS_ITERATIONS_ASSET[1]}` (carelake_risk_model's `train` task
  declares it as an outlet), or Monday 06:00 UTC (`AssetOrTimeSchedule`), or a manual run.
* **Interval.** `--interval-start {settings.TRIGGER_DAYS_START_TEMPLATE}`, `--interval-end
  {settings.TRIGGER_DAYS_END_TEMPLATE}`: the UTC days on which the run's triggers fell (a timed
  run's interval is a point, an asset-triggered run's spans its events). It labels the ledger row and
  the report; which iteration is evaluated does not depend on it (the latest, by training time).
* **Failures.** Exit 1 failed, 2 usage, 3 blocked fail the task; `report` runs only after `evaluate`
  succeeded. Two retries, 5 then 10 minutes apart. One run at a time (the embedded catalog is one
  SQLite file).
"""

with DAG(
    dag_id=DAG_ID,
    description="carelake: evaluate the latest model iteration and report",
    doc_md=DOC_MD,
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "carelake",
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(hours=1),
    },
    tags=["carelake", "spark", "models"],
) as dag:
    chain(*(
        SparkSubmitOperator(
            task_id=job.name,
            conn_id=SPARK_CONN_ID,
            doc_md=f"`{job.main_class}` from `{job.module}`: {job.description}",
            **settings.spark_submit_kwargs(
                job,
                interval_start=settings.TRIGGER_DAYS_START_TEMPLATE,
                interval_end=settings.TRIGGER_DAYS_END_TEMPLATE,
            ),
        )
        for job in (settings.EVALUATE, settings.REPORT)
    ))
