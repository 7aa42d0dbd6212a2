"""carelake_airflow.settings: properties parsing, home and file resolution, env overrides, jobs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from carelake_airflow import settings
from carelake_airflow.settings import SettingsError, parse_properties

REPO = Path(__file__).resolve().parents[2]


# --- Java properties format -----------------------------------------------------------------------


def test_separators_and_surrounding_whitespace():
    text = "a=1\nb:2\nc 3\n  d  =  4\ne\t:\t5\nf = = 6\n"
    assert parse_properties(text) == {"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "= 6"}


def test_comments_and_blank_lines_are_skipped():
    text = "# a comment\n   ! another=one\n\n   \t\nkey=value # not a comment\n"
    assert parse_properties(text) == {"key": "value # not a comment"}


def test_key_without_value_and_empty_value():
    assert parse_properties("alone\nempty=\n") == {"alone": "", "empty": ""}


def test_trailing_whitespace_of_values_is_kept():
    # java.util.Properties keeps it; Settings.get trims, as CarelakeConfig does.
    assert parse_properties("k=v  \n") == {"k": "v  "}


def test_character_escapes():
    text = r"k=tab\tnl\ncr\rff\fq\q\\back" + "\n"
    assert parse_properties(text) == {"k": "tab\tnl\ncr\rff\fqq\\back"}


def test_unicode_escapes_including_surrogate_pairs():
    text = r"name=Jos\u00e9 \u738b\u82b3 \uD83D\uDE00" + "\n"
    assert parse_properties(text) == {"name": "José 王芳 😀"}


def test_escaped_separators_and_spaces_in_keys():
    text = r"a\=b\:c\ d = v" + "\n" + r"url=jdbc\:sqlite\:/tmp/x.db" + "\n"
    assert parse_properties(text) == {"a=b:c d": "v", "url": "jdbc:sqlite:/tmp/x.db"}


def test_continuation_lines_drop_leading_whitespace():
    text = "list = a, \\\n        b, \\\n        c\nnext=1\n"
    assert parse_properties(text) == {"list": "a, b, c", "next": "1"}


def test_even_backslashes_do_not_continue():
    text = "path=C:\\\\dir\\\\\nnext=1\n"
    assert parse_properties(text) == {"path": "C:\\dir\\", "next": "1"}


def test_comment_marker_inside_a_continuation_is_text():
    assert parse_properties("k=a\\\n#b\n") == {"k": "a#b"}


def test_crlf_and_cr_line_endings():
    assert parse_properties("a=1\r\nb=2\rc=3") == {"a": "1", "b": "2", "c": "3"}


def test_later_keys_win():
    assert parse_properties("k=1\nk=2\n") == {"k": "2"}


def test_malformed_unicode_escape_names_the_line():
    with pytest.raises(SettingsError, match=r"Malformed \\uXXXX escape on line 2: '\\u12G4'"):
        parse_properties("ok=1\nbad=\\u12G4\n")


TRICKY = (
    "# carelake runtime configuration\n"
    "catalog.uri=jdbc\\:sqlite\\:/home/x/.carelake/catalog.db\n"
    "  kafka.bootstrap-servers  :  127.0.0.1:19092\n"
    "a\\ key\\=with\\:seps value with spaces  \n"
    "multi = one, \\\n   two, \\\n\tthree\n"
    "unicode=\\u00e9\\u4e2d\\uD83D\\uDE00 caf\u00e9\n"
    "escapes=\\t\\n\\r\\f\\q\\\\\n"
    "! bang comment\n"
    "evenslashes=x\\\\\\\\\n"
    "empty=\n"
    "lonely\n"
    "dup=1\r\ndup=2\r"
    "last=no newline"
)

JAVA_DUMP = """
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

public class PropsDump {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) { p.load(r); }
    for (String k : new TreeSet<>(p.stringPropertyNames())) {
      System.out.println(hex(k) + " " + hex(p.getProperty(k)));
    }
  }
  static String hex(String s) {
    StringBuilder b = new StringBuilder("x");
    for (char c : s.toCharArray()) b.append(String.format("%04x", (int) c));
    return b.toString();
  }
}
"""


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        return str(Path(java_home) / "bin" / "java")
    return "java"


def _from_hex(h: str) -> str:
    units = bytes.fromhex(h[1:])
    return units.decode("utf-16-be", "surrogatepass")


def test_parser_agrees_with_java_util_properties(tmp_path):
    """The same bytes through java.util.Properties#load (what every carelake job uses)."""
    props = tmp_path / "tricky.properties"
    props.write_text(TRICKY, encoding="utf-8")
    source = tmp_path / "PropsDump.java"
    source.write_text(JAVA_DUMP, encoding="utf-8")
    result = subprocess.run(
        [_java(), str(source), str(props)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    java = dict(tuple(map(_from_hex, line.split(" "))) for line in result.stdout.splitlines())
    assert parse_properties(TRICKY) == java
    assert java["multi"] == "one, two, three"  # the fixture does exercise the hard cases


# --- locations and loading ------------------------------------------------------------------------


def _home(tmp_path: Path, text: str) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "carelake.properties").write_text(text, encoding="utf-8")
    return home


def test_env_name():
    assert settings.env_name("kafka.bootstrap-servers") == "CARELAKE_KAFKA_BOOTSTRAP_SERVERS"
    assert settings.env_name("catalog.jdbc.busy_timeout") == "CARELAKE_CATALOG_JDBC_BUSY_TIMEOUT"
    assert settings.env_name("ingest.checkpoint-interval-ms") == "CARELAKE_INGEST_CHECKPOINT_INTERVAL_MS"


def test_default_home_is_dot_carelake_in_the_repo():
    assert settings.repo_root() == REPO
    assert settings.carelake_home({}) == REPO / ".carelake"
    assert settings.config_file({}) == REPO / ".carelake" / "carelake.properties"


def test_home_from_env_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert settings.carelake_home({"CARELAKE_HOME": "rel/home"}) == tmp_path / "rel" / "home"


def test_config_env_names_the_file_directly(tmp_path):
    home = _home(tmp_path, "k=from-home\n")
    other = tmp_path / "cluster.properties"
    other.write_text("k=from-config\n", encoding="utf-8")
    env = {"CARELAKE_HOME": str(home), "CARELAKE_CONFIG": str(other)}
    assert settings.load(env).get("k") == "from-config"
    assert settings.config_arguments(env) == ["--config", str(other)]
    assert settings.config_arguments({"CARELAKE_HOME": str(home)}) == ["--home", str(home)]


def test_load_reads_the_file_and_trims_values(tmp_path):
    home = _home(tmp_path, "kafka.bootstrap-servers = 127.0.0.1:19092  \nreports.dir=/r\n")
    loaded = settings.load({"CARELAKE_HOME": str(home)})
    assert loaded.file == home / "carelake.properties"
    assert loaded.get("kafka.bootstrap-servers") == "127.0.0.1:19092"
    assert loaded.keys() == ["kafka.bootstrap-servers", "reports.dir"]


def test_environment_wins_over_the_file(tmp_path):
    home = _home(tmp_path, "kafka.bootstrap-servers=127.0.0.1:19092\n")
    env = {
        "CARELAKE_HOME": str(home),
        "CARELAKE_KAFKA_BOOTSTRAP_SERVERS": " broker-1:9092 ",
        "CARELAKE_LAUNCHER_JOB_HEAP": "6g",
    }
    loaded = settings.load(env)
    assert loaded.get("kafka.bootstrap-servers") == "broker-1:9092"
    # A key that is only in the environment is found too.
    assert loaded.get("launcher.job-heap") == "6g"


def test_environment_is_read_at_load_time(tmp_path, monkeypatch):
    home = _home(tmp_path, "reports.dir=/file\n")
    monkeypatch.setenv("CARELAKE_HOME", str(home))
    monkeypatch.setenv("CARELAKE_REPORTS_DIR", "/env")
    assert settings.load().get("reports.dir") == "/env"


def test_missing_and_empty_keys(tmp_path):
    loaded = settings.load({"CARELAKE_HOME": str(_home(tmp_path, "empty=  \n"))})
    assert loaded.get("nope", "fallback") == "fallback"
    assert loaded.get("empty", None) is None
    with pytest.raises(SettingsError) as e:
        loaded.get("catalog.uri")
    assert str(e.value) == (
        f"Missing configuration key 'catalog.uri' in {loaded.file}"
        " (set it there or in the environment variable CARELAKE_CATALOG_URI)"
    )


def test_missing_file_says_where_and_how(tmp_path):
    home = tmp_path / "empty-home"
    with pytest.raises(SettingsError) as e:
        settings.load({"CARELAKE_HOME": str(home)})
    assert str(e.value) == (
        f"Config file not found: {home / 'carelake.properties'} (set CARELAKE_HOME to a carelake"
        " home, or CARELAKE_CONFIG to a carelake.properties file; any carelake job run with"
        " --home DIR writes the defaults there)"
    )


def test_malformed_file_names_the_file(tmp_path):
    home = _home(tmp_path, "bad=\\uZZZZ\n")
    with pytest.raises(SettingsError, match=re.escape(str(home / "carelake.properties")) + ".*line 1"):
        settings.load({"CARELAKE_HOME": str(home)})


def test_redacted_masks_credentials(tmp_path):
    home = _home(tmp_path, "catalog.s3.secret-access-key=abc\ncatalog.jdbc.password=pw\ndeid.key-id=k1\n")
    assert settings.load({"CARELAKE_HOME": str(home)}).redacted() == {
        "catalog.jdbc.password": "****",
        "catalog.s3.secret-access-key": "****",
        "deid.key-id": "k1",
    }


def test_import_is_light():
    """DAG files import settings at parse time: it must not pull in Airflow or Spark."""
    code = (
        "import sys, carelake_airflow.settings;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('airflow', 'pyspark', 'py4j')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- jobs -----------------------------------------------------------------------------------------


def test_jobs_modules_and_main_classes():
    assert {name: (j.module, j.main_class) for name, j in settings.JOBS.items()} == {
        "govern": ("governance-rules", "io.carelake.governance.GovernJob"),
        "deidentify": ("deidentification", "io.carelake.deid.DeidentifyJob"),
        "features": ("feature-jobs", "io.carelake.features.FeaturesJob"),
        "corpus": ("training-datasets", "io.carelake.datasets.CorpusJob"),
        "risk-dataset": ("training-datasets", "io.carelake.datasets.RiskDatasetJob"),
        "train": ("training-datasets", "io.carelake.datasets.TrainJob"),
        "evaluate": ("model-evaluation", "io.carelake.evaluation.EvaluateJob"),
        "report": ("quality-reports", "io.carelake.reports.ReportJob"),
    }
    assert list(settings.JOBS) == ["govern", "deidentify", "features", "corpus", "risk-dataset", "train",
                                   "evaluate", "report"]


def test_jobs_come_from_the_manifest_the_java_launcher_reads():
    """One job manifest: the launcher's Job enum holds only command names (TestJobsFromManifest checks
    them against the manifest), and these settings are the manifest's job entries."""
    manifest = json.loads((REPO / settings.MANIFEST).read_text(encoding="utf-8"))["entries"]
    assert {(e["command"], e["module"], e["main_class"], e["engine"]) for e in manifest
            if e["kind"] == "job"} == {
        (j.name, j.module, j.main_class, j.engine) for j in (settings.INGEST, *settings.JOBS.values())
    }
    assert all(j.engine == "spark" for j in settings.JOBS.values())
    java = (REPO / "cli/src/main/java/io/carelake/cli/Job.java").read_text(encoding="utf-8")
    assert set(re.findall(r'^  [A-Z_]+\("([\w-]+)"\)', java, re.M)) == {
        j.name for j in (settings.INGEST, *settings.JOBS.values())}


def test_a_broken_manifest_is_named(tmp_path):
    (tmp_path / settings.MANIFEST).parent.mkdir(parents=True)
    (tmp_path / settings.MANIFEST).write_text('{"entries": [{"command": "govern", "kind": "job"}]}')
    with pytest.raises(settings.SettingsError, match="'govern' has no 'module'"):
        settings.read_manifest(tmp_path)
    (tmp_path / settings.MANIFEST).write_text("not json")
    with pytest.raises(settings.SettingsError, match="Cannot read the job manifest"):
        settings.read_manifest(tmp_path)


def test_exit_codes_come_from_the_manifest_and_match_the_jvm_side():
    """JobExit's values are the manifest's exit_codes, which are core's JobExit (TestJobManifest checks
    the manifest against it; this checks the Java source too, so neither side can drift alone)."""
    manifest = json.loads((REPO / settings.MANIFEST).read_text(encoding="utf-8"))["exit_codes"]
    assert {e.name: e.value for e in settings.JobExit} == {
        "OK": manifest["ok"], "FAILED": manifest["failed"], "USAGE": manifest["usage"],
        "BLOCKED_BY_GOVERNANCE": manifest["blocked"]}
    java = (REPO / "core/src/main/java/io/carelake/core/jobs/JobExit.java").read_text(encoding="utf-8")
    assert {name.lower(): int(code) for name, code in re.findall(r"^  ([A-Z]+)\((\d+)\)", java, re.M)} \
        == manifest


def test_missing_exit_codes_are_named(tmp_path):
    (tmp_path / settings.MANIFEST).parent.mkdir(parents=True)
    (tmp_path / settings.MANIFEST).write_text('{"exit_codes": {"ok": 0, "failed": 1}, "entries": []}')
    with pytest.raises(settings.SettingsError, match="'exit_codes' must give a whole number for each of"
                                                     " ok, failed, usage, blocked"):
        settings.read_exit_codes(tmp_path)


def test_jar_path():
    version = settings.project_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+(-SNAPSHOT)?", version)
    assert settings.GOVERN.jar() == (
        REPO / "governance-rules" / "target" / f"carelake-governance-rules-{version}-bundled.jar"
    )
    assert settings.REPORT.jar(Path("/opt/carelake"), "1.2.3") == Path(
        "/opt/carelake/quality-reports/target/carelake-quality-reports-1.2.3-bundled.jar"
    )


def test_project_version_error_names_the_pom(tmp_path):
    with pytest.raises(SettingsError, match=re.escape(str(tmp_path / "pom.xml"))):
        settings.project_version(tmp_path)


def test_unknown_job_lists_the_known_ones():
    assert settings.job("train") is settings.TRAIN
    with pytest.raises(SettingsError, match="Unknown carelake job: 'trian' \\(known: govern, deidentify,"):
        settings.job("trian")


def test_application_args_use_the_templated_data_interval(tmp_path):
    env = {"CARELAKE_HOME": str(tmp_path)}
    assert settings.application_args(env=env) == [
        "--home", str(tmp_path),
        "--interval-start", "{{ data_interval_start | ds }}",
        "--interval-end", "{{ data_interval_end | ds }}",
    ]
    assert settings.application_args("2025-03-01", "2025-03-02", env=env)[-4:] == [
        "--interval-start", "2025-03-01", "--interval-end", "2025-03-02",
    ]
    with pytest.raises(SettingsError, match="--interval-end cannot be empty"):
        settings.application_args("2025-03-01", " ", env=env)


def test_spark_submit_kwargs(tmp_path):
    kwargs = settings.spark_submit_kwargs(settings.DEIDENTIFY, env={"CARELAKE_HOME": str(tmp_path)})
    assert kwargs == {
        "application": str(settings.DEIDENTIFY.jar()),
        "java_class": "io.carelake.deid.DeidentifyJob",
        "name": "carelake-deidentify",
        "conf": {
            "spark.sql.session.timeZone": "UTC",
            "spark.yarn.maxAppAttempts": "1",
            "spark.ui.showConsoleProgress": "false",
            "spark.driver.extraJavaOptions": settings.JVM_OPENS,
            "spark.executor.extraJavaOptions": settings.JVM_OPENS,
        },
        "application_args": settings.application_args(env={"CARELAKE_HOME": str(tmp_path)}),
    }
    kwargs["conf"]["spark.extra"] = "1"  # a copy: one DAG cannot change another's conf
    assert "spark.extra" not in settings.SPARK_CONF
    with pytest.raises(SettingsError, match="runs on flink, not Spark"):
        settings.spark_submit_kwargs(settings.INGEST)


def test_ingest_command_defaults_to_the_launcher(tmp_path):
    env = {"CARELAKE_HOME": str(tmp_path / "a home")}
    assert settings.ingest_command(env) == (
        f"{REPO}/bin/carelake ingest --home '{tmp_path}/a home' --bounded"
    )


def test_ingest_command_from_the_environment(tmp_path):
    env = {
        "CARELAKE_CONFIG": str(tmp_path / "cluster.properties"),
        "CARELAKE_AIRFLOW_INGEST_COMMAND": " flink run -c io.carelake.ingestion.IngestJob /opt/i.jar ",
    }
    assert settings.env_name("airflow.ingest-command") == settings.INGEST_COMMAND_ENV
    assert settings.ingest_command(env) == (
        f"flink run -c io.carelake.ingestion.IngestJob /opt/i.jar --config {tmp_path}/cluster.properties --bounded"
    )


def test_exit_codes():
    assert [int(c) for c in settings.JobExit] == [0, 1, 2, 3]
    assert settings.JobExit.BLOCKED_BY_GOVERNANCE == 3


def test_jvm_opens_match_the_parent_pom():
    """The spark-submit driver gets the same JDK 17 openings as the Maven tests and the launcher."""
    import re

    pom = (REPO / "pom.xml").read_text(encoding="utf-8")
    expected = re.search(r"<carelake\.jvm\.opens>([^<]+)</carelake\.jvm\.opens>", pom).group(1)
    assert settings.JVM_OPENS.split() == expected.split()
    assert settings.SPARK_CONF["spark.driver.extraJavaOptions"] == settings.JVM_OPENS


def test_jars_dir_from_the_environment(tmp_path):
    env = {"CARELAKE_AIRFLOW_JARS_DIR": str(tmp_path / "jars"), "CARELAKE_HOME": str(tmp_path)}
    version = settings.project_version()
    assert settings.TRAIN.jar(env=env) == tmp_path / "jars" / f"carelake-training-datasets-{version}-bundled.jar"
    assert settings.spark_submit_kwargs(settings.TRAIN, env=env)["application"] == str(settings.TRAIN.jar(env=env))
    assert settings.TRAIN.jar(env={}) == REPO / "training-datasets" / "target" / f"carelake-training-datasets-{version}-bundled.jar"


def test_end_to_end_ingest_heap_is_the_launchers_default():
    """test_daily_end_to_end starts IngestJob as `bin/carelake ingest` does, with its heap."""
    import test_daily_end_to_end

    java = (REPO / "core" / "src" / "main" / "java" / "io" / "carelake" / "core" / "config"
            / "CarelakeConfig.java").read_text(encoding="utf-8")
    default = re.search(r'LAUNCHER_JOB_HEAP_DEFAULT = "([^"]+)"', java)
    assert default and test_daily_end_to_end.LAUNCHER_JOB_HEAP == default.group(1)
