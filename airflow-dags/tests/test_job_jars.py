"""The real bundled job jars under a stock spark-submit (pyspark 3.5.9's, from the venv).

The launcher (bin/carelake) runs the jobs on Maven's classpath; a cluster runs
``spark-submit --class <main class> <module>/target/carelake-<module>-<version>-bundled.jar``, with
Spark, Hadoop and Scala from the Spark installation and everything else from the jar. These tests
start exactly that, with the DAG's Spark conf, so a class conflict or a dependency missing from a
bundled jar shows up here rather than on the first scheduled run.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from carelake_airflow import settings
from conftest import spark_submit_command

SPARK_JOBS = list(settings.JOBS.values())


def spark_submit(job: settings.Job, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(spark_submit_command(job, *args), capture_output=True, text=True,
                          timeout=180, env=dict(os.environ))


@pytest.mark.parametrize("job", SPARK_JOBS, ids=[j.name for j in SPARK_JOBS])
def test_help_documents_the_options_the_dag_passes(job):
    result = spark_submit(job, "--help")
    assert result.returncode == settings.JobExit.OK, result.stdout + result.stderr
    usage = result.stdout
    # picocli's usage message: the command name, then every option the DAG (or a cluster) passes.
    assert usage.startswith(f"Usage: {job.name} "), usage
    for option in ("--interval-start=YYYY-MM-DD", "--interval-end=YYYY-MM-DD", "--home=DIR", "--config=FILE"):
        assert option in usage, f"{job.main_class} --help does not document {option}:\n{usage}"
    # The interval is required, not optional: [--interval-start...] would let a run default silently.
    assert "[--interval-start" not in usage and "[--interval-end" not in usage, usage
    assert "exclusive" in usage  # the end of the interval is exclusive, as the DAG's timetable assumes


@pytest.mark.parametrize(
    "interval, message",
    [
        ([], "Missing required options: '--interval-start=YYYY-MM-DD', '--interval-end=YYYY-MM-DD'"),
        (["--interval-start", "", "--interval-end", "2025-03-02"], "--interval-start is required"),
    ],
    ids=["missing", "empty"],
)
def test_govern_without_an_interval_is_a_usage_error(tmp_path, interval, message):
    """Exit 2 (usage) before any SparkContext starts, so the task fails at once and nothing runs."""
    home = tmp_path / "no-such-home"
    result = spark_submit(settings.GOVERN, "--home", str(home), *interval)
    assert result.returncode == settings.JobExit.USAGE, result.stdout + result.stderr
    assert f"carelake govern: {message}" in result.stderr, result.stderr
    assert "Running Spark version" not in result.stderr  # rejected before a SparkContext started
