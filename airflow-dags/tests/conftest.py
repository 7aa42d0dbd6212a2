"""Shared fixtures. Run the tests with scripts/test.sh, which sets up Airflow's environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]

#: A developer's quick run (``CARELAKE_QUICK=1 scripts/test.sh``) leaves out the minutes-long tests
#: (the end-to-end DAG run, ``flink run`` on a Flink cluster) and those whose component is not set
#: up. Otherwise — bin/test, CI — a missing component fails the test that needs it, and so does any
#: other skip: a skipped test proves nothing.
QUICK_ENV = "CARELAKE_QUICK"


def quick_run() -> bool:
    return os.environ.get(QUICK_ENV) == "1"


def require(condition: bool, what: str) -> None:
    """Fails the test when a component it needs is missing (``what`` says which and how to set it
    up); in a quick run, skips it instead."""
    if condition:
        return
    if quick_run():
        pytest.skip(f"{what} ({QUICK_ENV}=1: quick run)")
    pytest.fail(f"{what}. (A quick local run may leave this test out: {QUICK_ENV}=1.)", pytrace=False)


def skip_in_quick_run(what: str) -> None:
    """Leaves a minutes-long test out of a quick run; in any other run it runs."""
    if quick_run():
        pytest.skip(f"{what}: left out of a quick run ({QUICK_ENV}=1)")


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    return longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # A skip outside a quick run would turn a missing component into a green run: it fails instead.
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail") and not quick_run():
        report.outcome = "failed"
        report.longrepr = f"skipped outside a quick run ({QUICK_ENV}=1 is not set): {_skip_reason(report)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not quick_run():
        report.outcome = "failed"
        report.longrepr = f"module skipped outside a quick run ({QUICK_ENV}=1 is not set): {_skip_reason(report)}"
DAGS_FOLDER = PROJECT / "dags"
VENV_BIN = Path(sys.executable).parent


def pytest_configure(config: pytest.Config) -> None:
    # Importing Airflow with the wrong environment would create ~/airflow and load example DAGs.
    dags = os.environ.get("AIRFLOW__CORE__DAGS_FOLDER")
    if not os.environ.get("AIRFLOW_HOME") or dags is None or Path(dags).resolve() != DAGS_FOLDER:
        pytest.exit(
            "Airflow's test environment is not set (AIRFLOW_HOME, AIRFLOW__CORE__DAGS_FOLDER="
            f"{DAGS_FOLDER}): run the tests with scripts/test.sh",
            returncode=2,
        )


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated Airflow metadata database (SQLite, inside the throw-away AIRFLOW_HOME)."""
    result = subprocess.run(
        [str(VENV_BIN / "airflow"), "db", "migrate"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"airflow db migrate failed:\n{result.stdout}\n{result.stderr}"
    return Path(os.environ["AIRFLOW_HOME"])


@pytest.fixture(scope="session")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    # Airflow 3.3's DagBag has no include_examples: example DAGs are a bundle of their own, off
    # here through AIRFLOW__CORE__LOAD_EXAMPLES=False (test_dags_found checks that none appear).
    return DagBag(dag_folder=str(DAGS_FOLDER))


#: The Spark connection the tests use: a local master, as the embedded profile runs the jobs. In a
#: deployment ``spark_default`` names the cluster (yarn, k8s://..., spark://...).
LOCAL_SPARK_CONNECTION = '{"conn_type": "spark", "host": "local[1]", "extra": {"deploy-mode": "client"}}'


@pytest.fixture
def spark_connection(monkeypatch) -> str:
    """``spark_default`` as an AIRFLOW_CONN_ environment variable, which Airflow's own connection
    lookup reads (no metadata DB needed)."""
    monkeypatch.setenv("AIRFLOW_CONN_SPARK_DEFAULT", LOCAL_SPARK_CONNECTION)
    return "spark_default"


@pytest.fixture(scope="session")
def serialized_dags(airflow_db) -> Path:
    """The DAG folder parsed and written to the metadata DB, as the DAG processor does."""
    result = subprocess.run(
        [str(VENV_BIN / "airflow"), "dags", "reserialize"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"airflow dags reserialize failed:\n{result.stdout}\n{result.stderr}"
    return airflow_db


REPO = PROJECT.parent
LAUNCHER = REPO / "bin" / "carelake"

#: Spark properties the tests add to the DAG's SPARK_CONF: this machine's cores are shared, so few
#: partitions and no UI. (A deployment keeps such sizes in its spark-defaults.conf.)
TEST_SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    # local mode runs the tasks in the driver: spark-submit's default 1 GiB is too small for
    # deidentify's release-wide k-anonymity (it died with exit 52, Spark's out-of-memory exit)
    "spark.driver.memory": "3g",
}


def spark_submit_command(job, *args: str, master: str = "local[1]", jar: Path | None = None) -> list[str]:
    """``spark-submit`` of ``job``'s bundled jar (the venv's pyspark), with the DAG's Spark conf."""
    from carelake_airflow import settings

    jar = jar or job.jar()
    assert jar.is_file(), f"{jar} is missing: build the jars first (bin/setup, or mvn -o package)"
    command = [str(VENV_BIN / "spark-submit"), "--master", master]
    for key, value in {**settings.SPARK_CONF, **TEST_SPARK_CONF}.items():
        command += ["--conf", f"{key}={value}"]
    return [*command, "--name", f"carelake-{job.name}", "--class", job.main_class, str(jar), *args]
