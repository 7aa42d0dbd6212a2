"""Operators for carelake's jobs that read a job's exit code, not only whether it failed.

A carelake job exits 0 ok, 1 failed, 2 usage error, 3 blocked by a governance rule or rejected by the
promotion gate (:class:`carelake_airflow.settings.JobExit`). Only 1 can be transient (a lost
executor, a busy catalog); 2 and 3 are verdicts that a retry repeats. So a task fails at once on 2
and 3, without retries, with a message that says which it was and where the reasons are recorded.

The exit code is spark-submit's, which in client mode (and ``local[*]``) is the driver's: the job's
own. In YARN or Kubernetes cluster mode spark-submit reports only that the application failed; the
verdict is then in ``governance.runs`` (status BLOCKED) and the task is retried like any failure.
"""

from __future__ import annotations

import re

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from carelake_airflow.settings import JobExit

_ERROR_CODE = re.compile(r"Error code is: (\d+)")

#: What each verdict means, for the task's failure message.
VERDICTS = {
    JobExit.USAGE: "a usage or configuration error (exit 2): fix the command or the configuration",
    JobExit.BLOCKED_BY_GOVERNANCE: (
        "blocked (exit 3): a governance rule failed or the promotion gate rejected the iteration;"
        " the run's status and message are in governance.runs and, for a gate, every reason is in"
        " evaluation.gate_decisions"
    ),
}


def exit_code(hook, error: BaseException) -> int | None:
    """spark-submit's exit code: from the hook's process, else from the hook's error message."""
    process = getattr(hook, "_submit_sp", None)
    code = getattr(process, "returncode", None)
    if isinstance(code, int):
        return code
    match = _ERROR_CODE.search(str(error))
    return int(match.group(1)) if match else None


class CarelakeSparkSubmitOperator(SparkSubmitOperator):
    """``SparkSubmitOperator`` that fails at once, without retries, on a job's verdict (exit 2 or 3),
    and leaves any other failure to Airflow's retries."""

    def execute(self, context) -> None:
        try:
            super().execute(context)
        except AirflowException as error:
            code = exit_code(self._hook, error)
            if code in VERDICTS:
                raise AirflowFailException(f"{self.name}: {VERDICTS[JobExit(code)]}; not retried") from error
            raise
