"""The ingestion job jar under a stock Flink's ``flink run``, on a standalone Flink cluster.

The Flink distribution is the one PyPI's PyFlink packages carry (scripts/setup-flink.sh installs it
into ``airflow-dags/.flink``, pinned and hash-checked in requirements-flink.txt), the same way
pyspark supplies the ``spark-submit`` of the Spark tests. The test starts a JobManager and a
TaskManager with Flink's own ``bin/start-cluster.sh`` (ports and logs in a temporary conf dir),
submits ``carelake-ingestion-*-bundled.jar`` with ``bin/flink run -c io.carelake.ingestion.IngestJob``
against an embedded Kafka broker holding a small generated population, and checks with pyiceberg
that raw.* holds exactly what the generator's manifest says. A second ``flink run`` of the same
command finds nothing new and adds nothing.

Hadoop is ``provided`` in the jar, as on any Flink cluster: the test sets ``HADOOP_CLASSPATH`` to the
shaded Hadoop client jars from the local Maven repository (a deployment points it at its Hadoop).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from carelake_airflow import settings
from conftest import LAUNCHER, PROJECT, REPO, require, skip_in_quick_run

FLINK_HOME = PROJECT / ".flink" / "pyflink"

GENERATE = ["--patients", "30", "--days", "30", "--seed", "11", "--start", "2025-03-01"]


def _pom_property(name: str) -> str:
    match = re.search(rf"<{name}>([^<]+)</{name}>", (REPO / "pom.xml").read_text(encoding="utf-8"))
    assert match, f"{name} not in the parent POM"
    return match.group(1)


def test_the_flink_distribution_is_the_version_the_build_compiles_against():
    pinned = re.findall(r"^apache-flink(?:-libraries)?==([0-9.]+)",
                        (PROJECT / "requirements-flink.txt").read_text(encoding="utf-8"), re.M)
    assert pinned and set(pinned) == {_pom_property("flink.version")}


def _hadoop_classpath() -> str:
    version = _pom_property("hadoop.version")
    m2 = Path(os.environ.get("MAVEN_REPO", Path.home() / ".m2" / "repository")) / "org" / "apache" / "hadoop"
    jars = [m2 / name / version / f"{name}-{version}.jar" for name in ("hadoop-client-api", "hadoop-client-runtime")]
    missing = [str(j) for j in jars if not j.is_file()]
    assert not missing, f"Hadoop client jars missing (run bin/setup): {missing}"
    return ":".join(str(j) for j in jars)


def _run(command: list[str], env: dict[str, str], what: str, timeout: int = 600) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{what} failed (exit {result.returncode}):\n{output[-6000:]}"
    return output


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A standalone Flink session cluster (one JobManager, one TaskManager with two slots)."""
    skip_in_quick_run("flink run on a standalone Flink cluster (minutes)")
    require((FLINK_HOME / "bin" / "flink").is_file(),
            f"no Flink distribution in {FLINK_HOME}: run airflow-dags/scripts/setup-flink.sh (bin/setup does)")
    conf = tmp_path_factory.mktemp("flink-conf")
    for file in (FLINK_HOME / "conf").iterdir():
        shutil.copy(file, conf / file.name)
    run_dir = tmp_path_factory.mktemp("flink-run")
    # Appended keys override the distribution's defaults (Flink's YAML loader keeps the last one).
    overrides = {
        "taskmanager.numberOfTaskSlots": "2",
        "taskmanager.memory.process.size": "1600m",
        "jobmanager.memory.process.size": "1024m",
        "jobmanager.rpc.port": "16123",
        "rest.port": "18081",
        "env.pid.dir": str(run_dir),
    }
    text = (conf / "config.yaml").read_text(encoding="utf-8")
    for key in overrides:
        assert f"\n{key}:" not in text, f"{key} already set at top level of config.yaml"
    (conf / "config.yaml").write_text(text + "".join(f"\n{k}: {v}" for k, v in overrides.items()) + "\n",
                                      encoding="utf-8")
    env = dict(os.environ, FLINK_CONF_DIR=str(conf), FLINK_LOG_DIR=str(run_dir), HADOOP_CLASSPATH=_hadoop_classpath())
    _run([str(FLINK_HOME / "bin" / "start-cluster.sh")], env, "start-cluster.sh", timeout=120)
    try:
        yield env
    finally:
        subprocess.run([str(FLINK_HOME / "bin" / "stop-cluster.sh")], env=env, capture_output=True, timeout=120)
        for log in sorted(run_dir.glob("*.log")):
            errors = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if " ERROR " in line]
            if errors:
                print(f"{log.name}: {len(errors)} ERROR line(s), first: {errors[0][:300]}")


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A carelake home with a running embedded Kafka broker and a generated population on it."""
    home = tmp_path_factory.mktemp("carelake") / "home"
    env = dict(os.environ)
    _run([str(LAUNCHER), "kafka", "start", "--home", str(home)], env, "carelake kafka start", timeout=300)
    try:
        _run([str(LAUNCHER), "generate", "--home", str(home), *GENERATE], env, "carelake generate")
        yield home
    finally:
        subprocess.run([str(LAUNCHER), "kafka", "stop", "--home", str(home)], capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def jar(tmp_path_factory) -> Path:
    """The bundled jar, copied and checked: another build may be rewriting ingestion/target."""
    source = settings.INGEST.jar(env={})
    copy = tmp_path_factory.mktemp("jar") / source.name
    for _ in range(3):
        shutil.copyfile(source, copy)
        try:
            with zipfile.ZipFile(copy) as z:
                if z.testzip() is None:
                    return copy
        except zipfile.BadZipFile:
            pass
        time.sleep(20)
    pytest.fail(f"{source} stayed unreadable (a build kept rewriting it)")


def _flink_run(cluster, jar: Path, home: Path) -> str:
    command = [str(FLINK_HOME / "bin" / "flink"), "run", "-c", settings.INGEST.main_class, str(jar),
               "--home", str(home), "--bounded"]
    return _run(command, cluster, "flink run IngestJob --bounded", timeout=900)


def _rows(home: Path, table: str) -> int:
    from pyiceberg.catalog.sql import SqlCatalog

    catalog = SqlCatalog("carelake", uri=f"sqlite:///{home / 'catalog.db'}", warehouse=f"file://{home / 'warehouse'}")
    return catalog.load_table(("raw", table)).scan().to_arrow().num_rows


def test_flink_run_ingests_exactly_the_generated_stream(cluster, home, jar):
    output = _flink_run(cluster, jar, home)
    assert "Job has been submitted with JobID" in output  # went through the cluster's REST API
    manifest = json.loads(next((home / "generated").glob("manifest-*.json")).read_text(encoding="utf-8"))
    visits, vitals = manifest["visits"], manifest["vitals"]
    assert _rows(home, "visits") == visits["expected_raw_rows"] > 0
    assert _rows(home, "vitals") == vitals["expected_raw_rows"] > 0
    dead = sum(visits["expected_dead_letters"].values()) + sum(vitals["expected_dead_letters"].values())
    assert _rows(home, "dead_letters") == dead
    assert re.search(r"SUCCEEDED .*: (\d+) messages in", output).group(1) == str(visits["messages"] + vitals["messages"])

    # The same command again: the consumer is caught up, nothing is added.
    again = _flink_run(cluster, jar, home)
    assert _rows(home, "visits") == visits["expected_raw_rows"]
    assert _rows(home, "vitals") == vitals["expected_raw_rows"]
    assert _rows(home, "dead_letters") == dead
    assert re.search(r"SUCCEEDED .*: 0 messages in, 0 rows out", again), again[-2000:]
