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
