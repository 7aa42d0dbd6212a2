"""carelake_ingest_health: is ingestion keeping up, and is the share of dead letters normal?

Parsing imports Airflow's standard provider and ``carelake_airflow`` (whose health module imports
pyiceberg only when a task runs): no connection, no properties file, no catalog.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG, CronTriggerTimetable

from carelake_airflow import health, settings

DAG_ID = "carelake_ingest_health"

DOC_MD = f"""
### carelake ingest health

Two independent checks, every hour, reading the carelake Iceberg catalog with pyiceberg (the same
`catalog.*` keys the jobs read; embedded `jdbc:sqlite:` and REST catalogs):

* `raw_freshness`: the last snapshot of each of {", ".join(f"`{t}`" for t in settings.RAW_TABLES)}
  must be younger than `{settings.RAW_MAX_AGE_HOURS_KEY}` hours (default
  {settings.RAW_MAX_AGE_HOURS_DEFAULT}: a daily ingest plus slack).
* `dead_letter_rate`: the latest `ingest` row of `{settings.LEDGER_TABLE}` must have dead-lettered
  at most `{settings.DEAD_LETTER_MAX_RATE_KEY}` of the messages it consumed (default
  {settings.DEAD_LETTER_MAX_RATE_DEFAULT}); a higher share points at a producer sending malformed
  events (see `raw.dead_letters`).

Thresholds are keys of `carelake.properties`, overridable as `CARELAKE_AIRFLOW_RAW_MAX_AGE_HOURS`
and `CARELAKE_AIRFLOW_DEAD_LETTER_MAX_RATE`.

* `maintain`: `bin/carelake maintain` (or `$CARELAKE_AIRFLOW_MAINTAIN_COMMAND` on a cluster)
  compacts small files, rewrites manifests and expires old snapshots of the raw tables, keeping the
  snapshot of the last committed Flink checkpoint; it runs whatever the checks say.
"""


def _raw_freshness() -> None:
    health.check_raw_freshness(settings.load())


def _dead_letter_rate() -> None:
    health.check_dead_letter_rate(settings.load())


with DAG(
    dag_id=DAG_ID,
    description="carelake: raw table freshness and the ingest dead-letter rate",
    doc_md=DOC_MD,
    schedule=CronTriggerTimetable("15 * * * *", timezone="UTC"),
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "carelake", "retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["carelake", "ingest", "health"],
) as dag:
    PythonOperator(
        task_id="raw_freshness",
        python_callable=_raw_freshness,
        doc_md=health.check_raw_freshness.__doc__,
    )
    PythonOperator(
        task_id="dead_letter_rate",
        python_callable=_dead_letter_rate,
        doc_md=health.check_dead_letter_rate.__doc__,
    )
    BashOperator(
        task_id="maintain",
        bash_command=settings.maintain_command(),
        doc_md="Compaction, manifest rewrite and snapshot expiry of raw.* (MaintainJob).",
        retries=1,
    )
