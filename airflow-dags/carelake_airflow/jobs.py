"""carelake's jobs as the DAGs run them: which jar and main class (from the one job manifest the
launcher reads too, ``core/src/main/resources/carelake/jobs.json``), the exit codes (from the same
manifest), the JVM flags and Spark conf every spark-submit gets, and the command lines of the Spark,
ingest and maintain tasks.

Importing this module reads the job manifest (a small JSON file in the checkout) and nothing else;
it imports no Airflow.
"""

from __future__ import annotations

import enum
import functools
import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from xml.etree import ElementTree

from carelake_airflow.config import (
    SettingsError,
    _env,
    config_arguments,
    repo_root,
)
from carelake_airflow.schedule import INTERVAL_END_TEMPLATE, INTERVAL_START_TEMPLATE


#: The job manifest, relative to the checkout: every job's module, main class and engine, and the
#: exit codes every job and tool uses (core's ``JobExit``).
MANIFEST = Path("core") / "src" / "main" / "resources" / "carelake" / "jobs.json"


def _read_manifest_file(root: Path | None = None) -> tuple[Path, dict]:
    path = (root or repo_root()) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SettingsError(f"Cannot read the job manifest {path}: {e}") from e
    if not isinstance(manifest, dict):
        raise SettingsError(f"Cannot read the job manifest {path}: not a JSON object")
    return path, manifest


def read_exit_codes(root: Path | None = None) -> dict[str, int]:
    """The manifest's ``exit_codes``: ``ok``, ``failed``, ``usage`` and ``blocked`` to their codes."""
    path, manifest = _read_manifest_file(root)
    codes = manifest.get("exit_codes")
    names = ("ok", "failed", "usage", "blocked")
    if not isinstance(codes, dict) or any(not isinstance(codes.get(n), int) for n in names):
        raise SettingsError(f"{path}: 'exit_codes' must give a whole number for each of {', '.join(names)}")
    return {n: codes[n] for n in names}


_EXIT_CODES = read_exit_codes()


class JobExit(enum.IntEnum):
    """Exit codes every carelake job uses, from the job manifest (the JVM side's ``JobExit``)."""

    OK = _EXIT_CODES["ok"]
    FAILED = _EXIT_CODES["failed"]
    USAGE = _EXIT_CODES["usage"]
    BLOCKED_BY_GOVERNANCE = _EXIT_CODES["blocked"]


_POM_NS = "http://maven.apache.org/POM/4.0.0"


@functools.lru_cache(maxsize=8)
def project_version(root: Path | None = None) -> str:
    """carelake's version from the parent POM (``<project><version>``), which names the jars."""
    pom = (root or repo_root()) / "pom.xml"
    try:
        project = ElementTree.parse(pom).getroot()
    except (OSError, ElementTree.ParseError) as e:
        raise SettingsError(f"Cannot read {pom} for carelake's version: {e}") from e
    version = project.findtext(f"{{{_POM_NS}}}version") or project.findtext("version")
    if not version or not version.strip():
        raise SettingsError(f"No <project><version> in {pom}")
    return version.strip()


#: A directory holding every bundled jar, instead of the checkout's ``<module>/target`` folders.
JARS_DIR_ENV = "CARELAKE_AIRFLOW_JARS_DIR"


@dataclass(frozen=True)
class Job:
    """A carelake job: the module whose bundled jar holds it, its main class and its engine."""

    name: str
    module: str
    main_class: str
    description: str
    engine: str = "spark"

    def jar(self, root: Path | None = None, version: str | None = None,
            env: Mapping[str, str] | None = None) -> Path:
        """``$CARELAKE_AIRFLOW_JARS_DIR/carelake-<module>-<version>-bundled.jar`` when that variable is
        set (workers with the released jars and no checkout), else
        ``<repo>/<module>/target/carelake-<module>-<version>-bundled.jar`` (built by ``mvn package``)."""
        root = root or repo_root()
        version = version or project_version(root)
        name = f"carelake-{self.module}-{version}-bundled.jar"
        jars_dir = _env(env).get(JARS_DIR_ENV, "").strip()
        if jars_dir:
            return Path(jars_dir).expanduser().absolute() / name
        return root / self.module / "target" / name


def read_manifest(root: Path | None = None) -> dict[str, Job]:
    """Every entry of kind ``job`` in the manifest, by name, in pipeline order."""
    path, manifest = _read_manifest_file(root)
    try:
        entries = manifest["entries"]
    except KeyError as e:
        raise SettingsError(f"Cannot read the job manifest {path}: no {e}") from e
    jobs: dict[str, Job] = {}
    for entry in entries:
        if entry.get("kind") != "job":
            continue
        try:
            jobs[entry["command"]] = Job(entry["command"], entry["module"], entry["main_class"],
                                         entry["description"], engine=entry["engine"])
        except KeyError as e:
            raise SettingsError(f"{path}: the entry {entry.get('command')!r} has no {e}") from None
    return jobs


_MANIFEST_JOBS = read_manifest()


def _manifest_job(name: str) -> Job:
    try:
        return _MANIFEST_JOBS[name]
    except KeyError:
        raise SettingsError(f"The job manifest {MANIFEST} has no job '{name}'") from None


GOVERN = _manifest_job("govern")
DEIDENTIFY = _manifest_job("deidentify")
FEATURES = _manifest_job("features")
CORPUS = _manifest_job("corpus")
RISK_DATASET = _manifest_job("risk-dataset")
TRAIN = _manifest_job("train")
EVALUATE = _manifest_job("evaluate")
REPORT = _manifest_job("report")
#: The Flink ingestion job (Kafka → raw.*). The DAG runs it bounded: see :func:`ingest_command`.
INGEST = _manifest_job("ingest")

#: Every Spark job, by name, in pipeline order (ingest, on Flink, comes before them all).
JOBS: Mapping[str, Job] = MappingProxyType(
    {name: j for name, j in _MANIFEST_JOBS.items() if j.engine == "spark"}
)

#: The JDK 17 module openings Spark (and its Iceberg, Kryo and Netty code) needs, as the parent
#: POM's ``carelake.jvm.opens`` lists them for the tests and the launcher (a test checks they agree).
#: spark-submit's launcher adds Spark's own JavaModuleOptions to the driver JVM, but not this list's
#: extras (java.text, java.time, krb5, Netty's reflection flag); executors get it through their conf.
JVM_OPENS = " ".join((
    "-XX:+IgnoreUnrecognizedVMOptions",
    *(f"--add-opens={opening}=ALL-UNNAMED" for opening in (
        "java.base/java.lang", "java.base/java.lang.invoke", "java.base/java.lang.reflect",
        "java.base/java.io", "java.base/java.net", "java.base/java.nio", "java.base/java.util",
        "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic",
        "java.base/java.text", "java.base/java.time", "java.base/jdk.internal.ref",
        "java.base/sun.nio.ch", "java.base/sun.nio.cs", "java.base/sun.security.action",
        "java.base/sun.util.calendar", "java.security.jgss/sun.security.krb5",
    )),
    "-Djdk.reflect.useDirectMethodHandle=false",
    "-Dio.netty.tryReflectionSetAccessible=true",
))

#: Spark properties every carelake spark-submit gets. Cluster specifics (master, deploy mode, queue)
#: come from the Airflow connection, executor sizes from the Spark installation's
#: spark-defaults.conf; these are the ones the DAG's behaviour depends on. None is a secret: the
#: pseudonymisation key stays in the file or environment variable named by deid.key-file/key-env.
SPARK_CONF: Mapping[str, str] = MappingProxyType({
    # Intervals are UTC days; the session time zone must not follow the worker's clock.
    "spark.sql.session.timeZone": "UTC",
    # Airflow retries a failed task; a second YARN attempt inside the same try would run the job
    # twice on one interval and hide the first failure from the task log.
    "spark.yarn.maxAppAttempts": "1",
    # Progress bars fill task logs with carriage returns; the jobs print their own progress lines.
    "spark.ui.showConsoleProgress": "false",
    # JDK 17: the driver (which in local mode also runs the tasks) and the executors.
    "spark.driver.extraJavaOptions": JVM_OPENS,
    "spark.executor.extraJavaOptions": JVM_OPENS,
})

#: ``airflow.ingest-command`` as an environment variable of the Airflow workers: the command that
#: runs IngestJob (the DAG appends the config option and ``--bounded``).
INGEST_COMMAND_ENV = "CARELAKE_AIRFLOW_INGEST_COMMAND"


def job(name: str) -> Job:
    try:
        return JOBS[name]
    except KeyError:
        raise SettingsError(f"Unknown carelake job: '{name}' (known: {', '.join(JOBS)})") from None


def application_args(
    interval_start: str = INTERVAL_START_TEMPLATE,
    interval_end: str = INTERVAL_END_TEMPLATE,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """The arguments after the jar on the spark-submit line of any job.

    By default the interval is Airflow's templated data interval, so the list belongs in a templated
    operator field (``SparkSubmitOperator.application_args``); pass literal dates for a manual run.
    """
    for option, value in (("--interval-start", interval_start), ("--interval-end", interval_end)):
        if not value or not value.strip():
            raise SettingsError(f"{option} cannot be empty (expected YYYY-MM-DD or an Airflow template)")
    return [*config_arguments(env), "--interval-start", interval_start, "--interval-end", interval_end]


def spark_submit_kwargs(
    job: Job,
    env: Mapping[str, str] | None = None,
    interval_start: str = INTERVAL_START_TEMPLATE,
    interval_end: str = INTERVAL_END_TEMPLATE,
) -> dict[str, object]:
    """Keyword arguments for ``SparkSubmitOperator`` that say which job to run and on which interval
    (by default the run's templated data interval).

    A plain dict keeps Airflow out of this module; the DAG adds task id, connection and retries.
    """
    if job.engine != "spark":
        raise SettingsError(f"carelake job '{job.name}' runs on {job.engine}, not Spark: no spark-submit")
    return {
        "application": str(job.jar(env=env)),
        "java_class": job.main_class,
        "name": f"carelake-{job.name}",
        "conf": dict(SPARK_CONF),
        "application_args": application_args(interval_start, interval_end, env=env),
    }


def ingest_command(env: Mapping[str, str] | None = None) -> str:
    """The shell command of the DAG's ``ingest`` task: a bounded IngestJob run, which reads Kafka from
    the consumer group's committed offsets to the offsets current when it starts, writes raw.* and
    stops (exactly once, so a retry resumes where the failed try committed).

    The runner is ``$CARELAKE_AIRFLOW_INGEST_COMMAND`` when set (a cluster: e.g. ``flink run -c
    io.carelake.ingestion.IngestJob /opt/carelake/carelake-ingestion-<version>-bundled.jar``), else
    the embedded profile's launcher, ``<repo>/bin/carelake ingest``, which runs the job in a JVM of
    its own on the ingestion module's classpath. It reads the environment only, never the file.
    """
    runner = _env(env).get(INGEST_COMMAND_ENV, "").strip()
    if not runner:
        runner = shlex.join([str(repo_root() / "bin" / "carelake"), INGEST.name])
    return " ".join([runner, shlex.join([*config_arguments(env), "--bounded"])])


#: The command that runs the raw tables' maintenance (MaintainJob) on the Airflow workers.
MAINTAIN_COMMAND_ENV = "CARELAKE_AIRFLOW_MAINTAIN_COMMAND"


def maintain_command(env: Mapping[str, str] | None = None) -> str:
    """The shell command of carelake_ingest_health's ``maintain`` task: compaction, manifest rewrite
    and snapshot expiry of raw.* (MaintainJob keeps the snapshot of the last Flink checkpoint, so it
    is safe while ingestion runs). ``$CARELAKE_AIRFLOW_MAINTAIN_COMMAND`` on a cluster (e.g.
    ``flink run -c io.carelake.ingestion.MaintainJob <jar>``), else ``<repo>/bin/carelake maintain``.
    """
    runner = _env(env).get(MAINTAIN_COMMAND_ENV, "").strip()
    if not runner:
        runner = shlex.join([str(repo_root() / "bin" / "carelake"), "maintain"])
    return " ".join([runner, shlex.join(config_arguments(env))])
