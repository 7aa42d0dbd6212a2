"""carelake_risk_model: once a month, the risk cohort, its dataset and the models, on what the daily
pipeline has de-identified.

Parsing this file imports Airflow, its Spark provider, ``carelake_airflow.settings`` and
``carelake_airflow.health`` (pyiceberg only when a task runs): no connection, no properties file.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG, Asset, BaseSensorOperator, CronDataIntervalTimetable, chain

from carelake_airflow import health, settings
from carelake_airflow.tasks import DEFAULT_ARGS, spark_task

DAG_ID = "carelake_risk_model"

#: The jobs in the order the data flows: cohort and features, the split dataset, the models.
PIPELINE = (settings.FEATURES, settings.RISK_DATASET, settings.TRAIN)

SCHEDULE = CronDataIntervalTimetable("@monthly", timezone="UTC")

DOC_MD = f"""
### carelake risk models, monthly

`safe_complete` → `features` → `risk_dataset` → `train`, each job a `spark-submit` of its module's
bundled jar, over the index dates of the {settings.risk_window_months()} months before the end of
the run's month (`{settings.RISK_WINDOW_MONTHS_ENV}`).

* **Why monthly, not daily.** The cohort's index dates are month starts and its labels need the
  180-day time at risk to have passed: a day adds no index date and closes no follow-up. Each month
  the features job recomputes the window (labels that have become known since), sets aside the
  index dates whose time at risk runs past the data, and records why; `risk_dataset` splits the
  labelled rows by time and patient; `train` fits the models and scores the published baselines.
* **Waits for the month.** `safe_complete` (reschedule mode, every 10 minutes, at most 12 hours)
  waits until the ledger holds a succeeded `deidentify` run ending at or after the run's data
  interval end: the month's last daily run has published safe.*.
* **Assets.** Inlets `safe.visits`, `safe.vitals` (carelake_daily's `deidentify` outlets); `train`'s
  outlet `{settings.MODELS_ITERATIONS_ASSET[1]}` schedules `carelake_model_evaluation`.
* **Failures.** Exit 3 from `risk_dataset` is a cohort with too few events for an honest model
  (its counts are in the ledger): the task fails and `train` does not run. Exit 1 from `features`
  includes a failed leakage audit (nothing published).
* **Retries.** Two, five then ten minutes apart; one run at a time.
"""


class SafeCompleteSensor(BaseSensorOperator):
    """Waits until safe.* are de-identified up to ``until`` (a succeeded deidentify run ends there)."""

    template_fields = ("until",)

    def __init__(self, *, until: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.until = until

    def poke(self, context) -> bool:
        return health.deidentified_until(settings.load(), self.until)


with DAG(
    dag_id=DAG_ID,
    description="carelake: monthly risk cohort, dataset and models on safe.*",
    doc_md=DOC_MD,
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["carelake", "spark", "models"],
    user_defined_macros={"months_before": settings.months_before},
) as dag:
    safe_complete = SafeCompleteSensor(
        task_id="safe_complete",
        until="{{ data_interval_end | ds }}",
        mode="reschedule",
        poke_interval=timedelta(minutes=10),
        timeout=timedelta(hours=12),
        inlets=[Asset(*a) for a in settings.SAFE_ASSETS],
        doc_md=health.deidentified_until.__doc__,
    )
    chain(
        safe_complete,
        *(
            # exit 3 (risk-dataset: too few events for an honest model) fails at once, no retries
            spark_task(
                job,
                interval_start=settings.risk_window_start_template(),
                interval_end=settings.INTERVAL_END_TEMPLATE,
                outlets=[Asset(*settings.MODELS_ITERATIONS_ASSET)] if job is settings.TRAIN else [],
            )
            for job in PIPELINE
        ),
    )
