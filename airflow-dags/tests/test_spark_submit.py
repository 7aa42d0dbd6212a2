"""pyspark in the venv supplies a runnable spark-submit of the Spark version the jobs are built for."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from conftest import VENV_BIN

REPO = Path(__file__).resolve().parents[2]


def _pom_spark_version() -> str:
    pom = (REPO / "pom.xml").read_text(encoding="utf-8")
    return re.search(r"<spark\.version>([^<]+)</spark\.version>", pom).group(1)


def test_pyspark_matches_the_parent_pom():
    import pyspark

    assert pyspark.__version__ == _pom_spark_version()


def test_spark_submit_on_path_is_the_venvs():
    # SparkSubmitHook runs `spark-submit` from PATH unless the connection names another binary.
    assert shutil.which("spark-submit") == str(VENV_BIN / "spark-submit")


def test_spark_submit_version_runs():
    result = subprocess.run(
        [str(VENV_BIN / "spark-submit"), "--version"],
        capture_output=True, text=True, timeout=180, env=dict(os.environ),
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"version " + re.escape(_pom_spark_version()), output), output
    assert "Using Scala version 2.12" in output
    assert re.search(r"OpenJDK 64-Bit Server VM, 17\.", output), output


# --- the provider's hook, really submitting ---------------------------------------------------------

SMOKE_SCRIPT = '''
import json, sys
from pyspark.sql import SparkSession

out, start, end = sys.argv[1:]
spark = SparkSession.builder.getOrCreate()
conf = spark.sparkContext.getConf()
result = {
    "master": spark.sparkContext.master,
    "app_name": spark.sparkContext.appName,
    "time_zone": spark.conf.get("spark.sql.session.timeZone"),
    "max_app_attempts": conf.get("spark.yarn.maxAppAttempts"),
    "sum": spark.range(10).groupBy().sum("id").first()[0],
    "interval": [start, end],
}
spark.stop()
with open(out, "w", encoding="utf-8") as f:
    json.dump(result, f)
'''


def _hook(conn_id: str, **kwargs):
    from airflow.providers.apache.spark.hooks.spark_submit import SparkSubmitHook

    from carelake_airflow import settings

    conf = {**settings.SPARK_CONF, "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "1"}
    return SparkSubmitHook(conn_id=conn_id, conf=conf, **kwargs)


def test_hook_submits_a_pyspark_application(tmp_path, spark_connection):
    """SparkSubmitHook + the spark_default connection + the venv's spark-submit + pyspark + Java 17:
    a real local Spark application, given the DAG's conf, a name and interval arguments."""
    import json

    script = tmp_path / "smoke.py"
    script.write_text(SMOKE_SCRIPT, encoding="utf-8")
    out = tmp_path / "result.json"
    hook = _hook(spark_connection, name="carelake-smoke",
                 application_args=[str(out), "2025-03-01", "2025-03-02"])
    hook.submit(application=str(script))  # raises on a non-zero exit
    assert json.loads(out.read_text(encoding="utf-8")) == {
        "master": "local[1]",
        "app_name": "carelake-smoke",
        "time_zone": "UTC",
        "max_app_attempts": "1",
        "sum": 45,
        "interval": ["2025-03-01", "2025-03-02"],
    }


def test_hook_fails_on_a_blocked_job(tmp_path, spark_connection):
    """Exit code 3 (blocked by a governance rule) must fail the task, so nothing downstream runs."""
    from airflow.exceptions import AirflowException

    script = tmp_path / "blocked.py"
    script.write_text("import sys\nprint('blocked by rule vitals.sbp_range')\nsys.exit(3)\n", encoding="utf-8")
    hook = _hook(spark_connection, name="carelake-blocked")
    try:
        hook.submit(application=str(script))
    except AirflowException as e:
        assert "Error code is: 3" in str(e), str(e)
    else:
        raise AssertionError("a job that exited with 3 did not fail the submit")
