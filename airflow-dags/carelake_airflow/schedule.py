"""Schedules, intervals and assets the DAGs share: the templated data interval every job takes,
the assets that link the daily and the model DAGs, the risk model's window of index dates and the
evaluation DAG's trigger days. Imports no Airflow and does no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date as _date
from datetime import timedelta as _timedelta

from carelake_airflow.config import SettingsError, _env

#: Airflow templates for the data interval, rendered when the task runs (never at parse time).
#: ``ds`` formats a datetime as YYYY-MM-DD, the format the jobs' --interval-* options take.
INTERVAL_START_TEMPLATE = "{{ data_interval_start | ds }}"
INTERVAL_END_TEMPLATE = "{{ data_interval_end | ds }}"

#: The Iceberg table TrainJob appends iterations to, as an Airflow asset: carelake_risk_model's
#: ``train`` task declares it as an outlet and carelake_model_evaluation is scheduled on it. Only the
#: name and URI live here (this module imports no Airflow); equal name and URI make the same asset.
MODELS_ITERATIONS_ASSET = ("carelake.models.iterations", "iceberg://carelake/models/iterations")
#: The de-identified tables carelake_daily's ``deidentify`` writes (its outlets) and the risk-model
#: DAG reads (its inlets): the lineage between the two cadences.
SAFE_ASSETS = (("carelake.safe.visits", "iceberg://carelake/safe/visits"),
               ("carelake.safe.vitals", "iceberg://carelake/safe/vitals"))

#: carelake_risk_model's window of index dates: the months before the end of its data interval. The
#: features job recomputes them all each month (labels need the time at risk that has passed since),
#: sets aside those whose time at risk runs past the data, and risk-dataset splits the rest by time.
RISK_WINDOW_MONTHS_ENV = "CARELAKE_AIRFLOW_RISK_WINDOW_MONTHS"
RISK_WINDOW_MONTHS_DEFAULT = 24


def risk_window_months(env: Mapping[str, str] | None = None) -> int:
    """``$CARELAKE_AIRFLOW_RISK_WINDOW_MONTHS`` (a parse-time setting of the workers), default 24."""
    value = _env(env).get(RISK_WINDOW_MONTHS_ENV, "").strip()
    if not value:
        return RISK_WINDOW_MONTHS_DEFAULT
    if not value.isdigit() or not 2 <= int(value) <= 240:
        raise SettingsError(f"{RISK_WINDOW_MONTHS_ENV} must be a whole number of months from 2 to"
                            f" 240, got '{value}'")
    return int(value)


def months_before(when, months: int) -> str:
    """``when`` (a date or datetime) minus whole calendar months, as YYYY-MM-DD (the day clamped to
    the month's last day). carelake_risk_model's templates call it as the macro ``months_before``."""
    index = when.year * 12 + (when.month - 1) - months
    year, month = divmod(index, 12)
    next_month = (year + (month + 1) // 12, (month + 1) % 12 + 1)
    last = (_date(*next_month, 1) - _timedelta(days=1)).day
    return _date(year, month + 1, min(when.day, last)).isoformat()


def risk_window_start_template(env: Mapping[str, str] | None = None) -> str:
    """The first day of the risk-model window, an Airflow template rendered when the task runs
    (``months_before`` is a user-defined macro of that DAG)."""
    return f"{{{{ months_before(data_interval_end, {risk_window_months(env)}) }}}}"

#: carelake_model_evaluation's interval: the UTC days its triggers fell on. A time-triggered run
#: (CronTriggerTimetable) has start == end, an asset-triggered one spans its events; either way
#: ``[day of start, day after the day of end)`` is at least one whole day, as the jobs require.
TRIGGER_DAYS_START_TEMPLATE = "{{ data_interval_start | ds }}"
TRIGGER_DAYS_END_TEMPLATE = "{{ macros.ds_add(data_interval_end | ds, 1) }}"
