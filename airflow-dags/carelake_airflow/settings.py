"""The one import a DAG needs for carelake's shared settings. Each concern has its own module; this
one gathers their public names so that DAG files read ``settings.X`` whatever its home:

* :mod:`carelake_airflow.config` — the home, the properties file (Java properties format) and its
  values with environment overrides, as ``io.carelake.core.config.CarelakeConfig`` resolves them;
* :mod:`carelake_airflow.jobs` — the jobs from the one job manifest the launcher reads too
  (``core/src/main/resources/carelake/jobs.json``), their jars, exit codes, JVM flags, Spark conf and
  command lines;
* :mod:`carelake_airflow.schedule` — interval templates, assets, the risk window, trigger days;
* :mod:`carelake_airflow.health` — the ingest health thresholds and the tables they read.

Importing it reads the job manifest and nothing else: DAG files import it at parse time.
"""

from __future__ import annotations

from carelake_airflow.config import (  # noqa: F401
    CONFIG_ENV,
    ENV_PREFIX,
    FILE_NAME,
    HOME_DIR_DEFAULT,
    HOME_ENV,
    Settings,
    SettingsError,
    carelake_home,
    config_arguments,
    config_file,
    env_name,
    explicit_config_file,
    load,
    parse_properties,
    repo_root,
)
from carelake_airflow.health import (  # noqa: F401
    COMPLETE_TABLES,
    DEAD_LETTER_MAX_RATE_DEFAULT,
    DEAD_LETTER_MAX_RATE_KEY,
    LEDGER_TABLE,
    RAW_MAX_AGE_HOURS_DEFAULT,
    RAW_MAX_AGE_HOURS_KEY,
    RAW_TABLES,
    WATERMARK_MS,
)
from carelake_airflow.jobs import (  # noqa: F401
    CORPUS,
    DEIDENTIFY,
    EVALUATE,
    FEATURES,
    GOVERN,
    INGEST,
    INGEST_COMMAND_ENV,
    JARS_DIR_ENV,
    JOBS,
    JVM_OPENS,
    MAINTAIN_COMMAND_ENV,
    MANIFEST,
    REPORT,
    RISK_DATASET,
    SPARK_CONF,
    TRAIN,
    Job,
    JobExit,
    application_args,
    ingest_command,
    job,
    maintain_command,
    project_version,
    read_exit_codes,
    read_manifest,
    spark_submit_kwargs,
)
from carelake_airflow.schedule import (  # noqa: F401
    INTERVAL_END_TEMPLATE,
    INTERVAL_START_TEMPLATE,
    MODELS_ITERATIONS_ASSET,
    RISK_WINDOW_MONTHS_DEFAULT,
    RISK_WINDOW_MONTHS_ENV,
    SAFE_ASSETS,
    TRIGGER_DAYS_END_TEMPLATE,
    TRIGGER_DAYS_START_TEMPLATE,
    months_before,
    risk_window_months,
    risk_window_start_template,
)
