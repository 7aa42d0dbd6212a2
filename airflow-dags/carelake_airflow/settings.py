"""The one place carelake DAGs read shared settings: the carelake home, its properties file, and the
Spark jobs with their jars, main classes and command-line arguments.

It follows ``io.carelake.core.config.CarelakeConfig`` so that the DAGs, the jobs and the launcher
agree on every value:

* The home is ``$CARELAKE_HOME``, else ``<repo>/.carelake``. ``$CARELAKE_CONFIG`` may name the
  properties file itself (cluster deployments), as it may for the jobs.
* The file is ``<home>/carelake.properties`` in Java properties format.
* ``CARELAKE_`` + the key upper-cased, with ``.`` and ``-`` turned into ``_``, overrides the file
  (``kafka.bootstrap-servers`` → ``CARELAKE_KAFKA_BOOTSTRAP_SERVERS``).

Importing this module does no I/O: DAG files import it at parse time. The properties file is read
only by :func:`load`, which a task calls when it needs a value; DAG structure needs only paths.
"""

from __future__ import annotations

import enum
import functools
import os
import re
import shlex
from collections.abc import Mapping
from datetime import date as _date
from datetime import timedelta as _timedelta
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from xml.etree import ElementTree

FILE_NAME = "carelake.properties"
ENV_PREFIX = "CARELAKE_"
HOME_ENV = "CARELAKE_HOME"
CONFIG_ENV = "CARELAKE_CONFIG"
HOME_DIR_DEFAULT = ".carelake"

#: Airflow templates for the data interval, rendered when the task runs (never at parse time).
#: ``ds`` formats a datetime as YYYY-MM-DD, the format the jobs' --interval-* options take.
INTERVAL_START_TEMPLATE = "{{ data_interval_start | ds }}"
INTERVAL_END_TEMPLATE = "{{ data_interval_end | ds }}"


class SettingsError(Exception):
    """A setting is missing or malformed, or the properties file cannot be found or read."""


class JobExit(enum.IntEnum):
    """Exit codes every carelake job uses."""

    OK = 0
    FAILED = 1
    USAGE = 2
    BLOCKED_BY_GOVERNANCE = 3


# --------------------------------------------------------------------------------------------------
# Locations


def repo_root() -> Path:
    """The carelake checkout: this file is ``<repo>/airflow-dags/carelake_airflow/settings.py``."""
    return Path(__file__).resolve().parents[2]


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def carelake_home(env: Mapping[str, str] | None = None) -> Path:
    """``$CARELAKE_HOME`` (absolute, relative paths against the working directory, as the jobs do),
    else ``<repo>/.carelake``."""
    value = _env(env).get(HOME_ENV, "").strip()
    if value:
        return Path(value).expanduser().absolute()
    return repo_root() / HOME_DIR_DEFAULT


def explicit_config_file(env: Mapping[str, str] | None = None) -> Path | None:
    """``$CARELAKE_CONFIG`` if set: a properties file given directly, with no home around it."""
    value = _env(env).get(CONFIG_ENV, "").strip()
    return Path(value).expanduser().absolute() if value else None


def config_file(env: Mapping[str, str] | None = None) -> Path:
    """The properties file the DAGs and the jobs read."""
    explicit = explicit_config_file(env)
    return explicit if explicit is not None else carelake_home(env) / FILE_NAME


def env_name(key: str) -> str:
    """``kafka.bootstrap-servers`` → ``CARELAKE_KAFKA_BOOTSTRAP_SERVERS``."""
    return ENV_PREFIX + key.upper().replace(".", "_").replace("-", "_")


# --------------------------------------------------------------------------------------------------
# Java properties format (java.util.Properties#load)

_WHITESPACE = " \t\f"
_SEPARATORS = "=:"
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def parse_properties(text: str) -> dict[str, str]:
    """Parses text in Java properties format, as ``java.util.Properties#load(Reader)`` does.

    Comment lines start with ``#`` or ``!``; a key ends at the first unescaped ``=``, ``:`` or
    whitespace; a line ending in an odd number of backslashes continues on the next one (whose
    leading whitespace is dropped); ``\\t \\n \\r \\f \\uXXXX`` are escapes and any other escaped
    character stands for itself. Later keys win. Values are returned exactly as written, untrimmed.
    """
    result: dict[str, str] = {}
    for number, line in _logical_lines(text):
        key, value = _split_key_value(line)
        result[_unescape(key, number)] = _unescape(value, number)
    return result


def _logical_lines(text: str):
    """Yields (first natural line number, logical line) with continuations joined."""
    pending: str | None = None
    start = 0
    for number, natural in enumerate(_NEWLINE.split(text), start=1):
        stripped = natural.lstrip(_WHITESPACE)
        if pending is None:
            # Comments and blank lines are whole natural lines; a comment never continues.
            if not stripped or stripped[0] in "#!":
                continue
            pending, start = stripped, number
        else:
            pending += stripped
        trailing = len(pending) - len(pending.rstrip("\\"))
        if trailing % 2 == 1:
            pending = pending[:-1]
            continue
        yield start, pending
        pending = None
    if pending is not None:
        yield start, pending


def _split_key_value(line: str) -> tuple[str, str]:
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == "\\":
            i += 2
            continue
        if c in _SEPARATORS or c in _WHITESPACE:
            break
        i += 1
    key = line[: min(i, n)]
    j = i
    if j < n and line[j] in _SEPARATORS:
        j += 1
    else:
        while j < n and line[j] in _WHITESPACE:
            j += 1
        if j < n and line[j] in _SEPARATORS:
            j += 1
    while j < n and line[j] in _WHITESPACE:
        j += 1
    return key, line[j:]


def _unescape(raw: str, line_number: int) -> str:
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:  # a lone backslash at the very end of the input: Java drops it too
            break
        c = raw[i + 1]
        if c == "u":
            digits = raw[i + 2 : i + 6]
            if len(digits) != 4 or not set(digits) <= _HEX_DIGITS:
                raise SettingsError(
                    f"Malformed \\uXXXX escape on line {line_number}: '\\u{digits}'"
                    " (expected four hexadecimal digits)"
                )
            out.append(chr(int(digits, 16)))
            i += 6
        else:
            out.append(_SIMPLE_ESCAPES.get(c, c))
            i += 2
    # \uXXXX escapes are UTF-16 code units, as in Java: join surrogate pairs into one character.
    return "".join(out).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


# --------------------------------------------------------------------------------------------------
# Loaded settings

_MISSING = object()
# String.trim(): CarelakeConfig trims every value, so a DAG must too to see the same value.
_JAVA_TRIM = "".join(chr(c) for c in range(0x21))


@dataclass(frozen=True)
class Settings:
    """The properties file's values with environment overrides applied on every lookup."""

    file: Path
    file_values: Mapping[str, str]
    env: Mapping[str, str] = field(repr=False)

    def get(self, key: str, default=_MISSING) -> str:
        """The value of ``key``: ``$CARELAKE_<KEY>`` if set, else the file's. An empty value counts
        as missing, as it does for the jobs. Without a default, a missing key raises."""
        override = self.env.get(env_name(key))
        value = override if override is not None else self.file_values.get(key)
        value = value.strip(_JAVA_TRIM) if value is not None else ""
        if value:
            return value
        if default is not _MISSING:
            return default
        raise SettingsError(
            f"Missing configuration key '{key}' in {self.file}"
            f" (set it there or in the environment variable {env_name(key)})"
        )

    def keys(self) -> list[str]:
        return sorted(self.file_values)

    def redacted(self) -> dict[str, str]:
        """Every file key with its effective value, credentials masked: safe to log."""
        return {k: "****" if _is_secret_key(k) else self.get(k, "") for k in self.keys()}


def _is_secret_key(key: str) -> bool:
    k = key.lower()
    return any(w in k for w in ("password", "secret", "token", "credential")) or k.endswith(".key")


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Reads the properties file (see :func:`config_file`). Call it inside a task, not at parse time."""
    env = dict(_env(env))
    path = config_file(env)
    if not path.is_file():
        raise SettingsError(
            f"Config file not found: {path} (set {HOME_ENV} to a carelake home, or {CONFIG_ENV} to a"
            f" {FILE_NAME} file; any carelake job run with --home DIR writes the defaults there)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SettingsError(f"Cannot read {path}: {e}") from e
    try:
        values = parse_properties(text)
    except SettingsError as e:
        raise SettingsError(f"{path}: {e}") from e
    return Settings(file=path, file_values=MappingProxyType(values), env=MappingProxyType(env))


# --------------------------------------------------------------------------------------------------
# Jobs


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


GOVERN = Job("govern", "governance-rules", "io.carelake.governance.GovernJob",
             "Check raw data against the governance specs; split into curated.* and quarantine.*.")
DEIDENTIFY = Job("deidentify", "deidentification", "io.carelake.deid.DeidentifyJob",
                 "De-identify curated.* into safe.* (keyed pseudonyms, scrubbed text).")
FEATURES = Job("features", "feature-jobs", "io.carelake.features.FeaturesJob",
               "The risk cohort: point-in-time features, labels and attrition from safe.*.")
CORPUS = Job("corpus", "training-datasets", "io.carelake.datasets.CorpusJob",
             "Filtered, deduplicated, decontaminated LM corpus and instruction data from the date-shifted release.")
RISK_DATASET = Job("risk-dataset", "training-datasets", "io.carelake.datasets.RiskDatasetJob",
                   "A risk dataset: temporal patient-disjoint split, fitted transforms, data card.")
TRAIN = Job("train", "training-datasets", "io.carelake.datasets.TrainJob",
            "Train risk models and score the published baselines per outcome of a risk dataset.")
EVALUATE = Job("evaluate", "model-evaluation", "io.carelake.evaluation.EvaluateJob",
               "Evaluate a model iteration on its held-out split: every metric with patient-level CIs;"
               " --baseline, --gate.")
REPORT = Job("report", "quality-reports", "io.carelake.reports.ReportJob",
             "Write the auditors' report (HTML and JSON) for an interval.")

#: The Flink ingestion job (Kafka → raw.*). The DAG runs it bounded: see :func:`ingest_command`.
INGEST = Job("ingest", "ingestion", "io.carelake.ingestion.IngestJob",
             "Stream visits and vitals from Kafka into raw.* Iceberg tables, exactly once.",
             engine="flink")

#: Every Spark job, by name, in pipeline order (ingest, on Flink, comes before them all).
JOBS: Mapping[str, Job] = MappingProxyType(
    {j.name: j for j in (GOVERN, DEIDENTIFY, FEATURES, CORPUS, RISK_DATASET, TRAIN, EVALUATE, REPORT)}
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


def config_arguments(env: Mapping[str, str] | None = None) -> list[str]:
    """How a job finds its configuration: ``--config FILE`` when ``$CARELAKE_CONFIG`` is set, else
    ``--home DIR``. Paths are absolute, so the job sees the same file whatever its directory."""
    explicit = explicit_config_file(env)
    if explicit is not None:
        return ["--config", str(explicit)]
    return ["--home", str(carelake_home(env))]


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


# --------------------------------------------------------------------------------------------------
# Assets and the smaller DAGs

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

#: carelake_ingest_health's thresholds: properties keys (environment overrides apply) and defaults.
RAW_MAX_AGE_HOURS_KEY = "airflow.raw-max-age-hours"
RAW_MAX_AGE_HOURS_DEFAULT = "26"
DEAD_LETTER_MAX_RATE_KEY = "airflow.dead-letter-max-rate"
DEAD_LETTER_MAX_RATE_DEFAULT = "0.05"

#: The raw tables ingestion appends to (core's Tables), whose freshness carelake_ingest_health checks.
RAW_TABLES = ("raw.visits", "raw.vitals", "raw.dead_letters")
#: The raw event tables whose completeness watermark carelake_daily waits for (ingestion's
#: ledger.Completeness: snapshot summary key of the watermark in epoch milliseconds).
COMPLETE_TABLES = ("raw.visits", "raw.vitals")
WATERMARK_MS = "carelake.watermark-ms"
LEDGER_TABLE = "governance.runs"
