"""carelake_daily: the daily pipeline, a bounded ingest then one spark-submit per carelake job.

Parsing this file imports Airflow, its Spark and standard providers, ``carelake_airflow.settings`` and
``carelake_airflow.health`` (which imports pyiceberg only when a task runs), nothing else: no connection
is looked up and no properties file is read until a task runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Asset, BaseSensorOperator, CronDataIntervalTimetable, chain

from carelake_airflow import health, settings
from carelake_airflow.tasks import DEFAULT_ARGS, spark_task

DAG_ID = "carelake_daily"

#: The batch jobs of a day in the order the data flows (ARCHITECTURE.md, "Data flow"). The risk
#: models run monthly on what these publish (carelake_risk_model): a day holds no index date of
#: theirs and no outcome whose follow-up has ended, so there is nothing for them to build daily.
PIPELINE = (
    settings.GOVERN,
    settings.DEIDENTIFY,
    settings.CORPUS,
    settings.REPORT,
)

DOC_MD = """
### carelake daily pipeline

First brings Kafka into the raw tables, then runs carelake's batch jobs on one day of data, each as
a `spark-submit` of its module's bundled jar:

`ingest` → `raw_complete` → `govern` → `deidentify` → `corpus` → `report`

* **Ingest.** A bounded run of the Flink ingestion job: it reads Kafka from the consumer group's
  committed offsets to the offsets current when it starts, writes `raw.*` exactly once and stops.
  By default it runs through `bin/carelake ingest` (embedded profile); on a cluster the workers set
  `CARELAKE_AIRFLOW_INGEST_COMMAND` (e.g. `flink run -c io.carelake.ingestion.IngestJob <jar>`).

* **Completeness.** `raw_complete` waits (reschedule mode: it holds no worker slot between checks,
  every 5 minutes, for at most 6 hours) until the completeness watermark of `raw.visits` and
  `raw.vitals` has reached the end of the interval: the ingest job records it in Iceberg snapshot
  summaries after each checkpoint whose rows a table holds, so the day is closed and nothing after
  it reads a day still arriving. Where a streaming ingest job keeps the raw tables current (and
  `CARELAKE_AIRFLOW_INGEST_COMMAND=true` makes the ingest task a no-op), this is what gates the day.

* **Interval.** Every job gets `--interval-start {{ data_interval_start | ds }}` and
  `--interval-end {{ data_interval_end | ds }}` and reads and replaces exactly that slice, so a
  rerun or a retry gives the same tables.
* **Configuration.** Jobs get `--home` (or `--config` when `CARELAKE_CONFIG` is set) from
  `carelake_airflow.settings`, plus its `SPARK_CONF` (UTC session time zone, one YARN attempt); the
  Spark master and deploy mode come from the `spark_default` connection. No secret is on any
  command line: the pseudonymisation key stays in the file or environment variable that
  `deid.key-file` / `deid.key-env` name.
* **Failures.** Exit code 1 is a failed job, 2 a usage error, 3 a run blocked by a governance rule:
  any of them fails the task, and nothing downstream runs on unchecked data. Exit 2 and 3 are
  verdicts a retry would repeat: the task fails at once, without retries (1 is retried).
* **Retries.** Two, five then ten minutes apart (exponential back-off, at most one hour).
* **Assets.** `deidentify` declares `safe.visits` and `safe.vitals` as outlets; the monthly
  `carelake_risk_model` (features, risk dataset, training) reads them. Features and training are not
  daily tasks: their index dates are month starts and their labels need six months of follow-up, so
  every day of a month succeeds here and the models are built once a month from the whole window.
"""

SCHEDULE = CronDataIntervalTimetable("@daily", timezone="UTC")


class RawCompleteSensor(BaseSensorOperator):
    """Waits until the completeness watermark of the raw event tables reaches ``until``."""

    template_fields = ("until",)

    def __init__(self, *, until: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.until = until

    def poke(self, context) -> bool:
        return health.raw_complete_until(settings.load(), self.until)

with DAG(
    dag_id=DAG_ID,
    description="carelake daily pipeline: ingest, govern, de-identify, corpus, report",
    doc_md=DOC_MD,
    # Not schedule="@daily": in Airflow 3 a cron string is a CronTriggerTimetable, whose runs have an
    # empty data interval (start == end), and every job would refuse --interval-end == --interval-start.
    # This timetable gives each run the UTC day [midnight, next midnight) and starts it when it ends.
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    # The embedded profile's Iceberg catalog is one SQLite file: one run at a time.
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["carelake", "spark", "daily"],
) as dag:
    ingest = BashOperator(
        task_id=settings.INGEST.name,
        bash_command=settings.ingest_command(),
        doc_md=(
            f"`{settings.INGEST.main_class}` from `{settings.INGEST.module}`, bounded:"
            f" {settings.INGEST.description}"
        ),
    )
    raw_complete = RawCompleteSensor(
        task_id="raw_complete",
        until="{{ data_interval_end }}",
        mode="reschedule",
        poke_interval=timedelta(minutes=5),
        timeout=timedelta(hours=6),
        doc_md=health.raw_complete_until.__doc__,
    )
    chain(
        ingest,
        raw_complete,
        *(
            # deidentify publishes safe.*: the lineage to carelake_risk_model, which reads them.
            spark_task(job, outlets=[Asset(*a) for a in settings.SAFE_ASSETS]
                       if job is settings.DEIDENTIFY else [])
            for job in PIPELINE
        ),
    )
