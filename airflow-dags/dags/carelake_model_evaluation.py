"""carelake_model_evaluation: evaluate the latest model iteration, then write the auditors' report.

Runs when carelake_risk_model's ``train`` task has appended iterations to models.iterations (an Airflow
asset), and weekly in any case. Parsing imports Airflow, the Spark provider and
``carelake_airflow.settings`` only: no connection, no properties file.
"""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import DAG, Asset, AssetOrTimeSchedule, CronTriggerTimetable, chain

from carelake_airflow import settings
from carelake_airflow.tasks import DEFAULT_ARGS, spark_task

DAG_ID = "carelake_model_evaluation"

MODELS_ITERATIONS = Asset(*settings.MODELS_ITERATIONS_ASSET)

#: What `evaluate` adds to the common arguments: apply the promotion gate.
GATE_ARGUMENTS = ("--gate",)

#: Every Monday 06:00 UTC, and whenever models.iterations is updated.
SCHEDULE = AssetOrTimeSchedule(
    timetable=CronTriggerTimetable("0 6 * * 1", timezone="UTC"),
    assets=[MODELS_ITERATIONS],
)

DOC_MD = f"""
### carelake model evaluation

`evaluate` → `report`: evaluates the latest model iteration of each outcome in `models.iterations`
on its held-out split (every metric with patient-level intervals, curves and subgroups, into
`evaluation.*`) and applies the promotion gate (`--gate`): a passing iteration becomes the outcome's
champion in `models.registry`, a rejected one fails the task. Then writes the auditors' report for
the run's interval.

* **Triggers.** The asset `{settings.MODELS_ITERATIONS_ASSET[1]}` (carelake_risk_model's `train` task
  declares it as an outlet), or Monday 06:00 UTC (`AssetOrTimeSchedule`), or a manual run.
* **Interval.** `--interval-start {settings.TRIGGER_DAYS_START_TEMPLATE}`, `--interval-end
  {settings.TRIGGER_DAYS_END_TEMPLATE}`: the UTC days on which the run's triggers fell (a timed
  run's interval is a point, an asset-triggered run's spans its events). It labels the ledger row and
  the report; which iteration is evaluated does not depend on it (the latest, by training time).
* **Gate.** `evaluate` runs with `{" ".join(GATE_ARGUMENTS)}`: the shipped evaluation spec's
  promotion gate, on interval bounds, against the outcome's current champion. **Exit 3** (the gate
  rejected an iteration) fails `evaluate` at once, **without retries** (a rejection is a verdict,
  not a fault), and the DAG run fails with it; the decision and every reason are in
  `evaluation.gate_decisions`, the run (status BLOCKED) in `governance.runs`, and the champion stays
  where it was. `report` does not run for a rejected iteration.
* **Failures.** Exit 1 (failed) is retried twice, 5 then 10 minutes apart; exit 2 (usage) and 3
  (blocked) are not retried. `report` runs only after `evaluate` succeeded. One run at a time (the
  embedded catalog is one SQLite file).
"""

with DAG(
    dag_id=DAG_ID,
    description="carelake: evaluate the latest model iteration and report",
    doc_md=DOC_MD,
    schedule=SCHEDULE,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["carelake", "spark", "models"],
) as dag:
    tasks = [
        spark_task(
            job,
            interval_start=settings.TRIGGER_DAYS_START_TEMPLATE,
            interval_end=settings.TRIGGER_DAYS_END_TEMPLATE,
            extra_args=GATE_ARGUMENTS if job is settings.EVALUATE else (),
        )
        for job in (settings.EVALUATE, settings.REPORT)
    ]
    chain(*tasks)
