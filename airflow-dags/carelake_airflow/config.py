"""The carelake configuration as the DAGs read it: the home, its properties file and its values.

It follows ``io.carelake.core.config.CarelakeConfig`` so that the DAGs, the jobs and the launcher
agree on every value:

* The home is ``$CARELAKE_HOME``, else ``<repo>/.carelake``. ``$CARELAKE_CONFIG`` may name the
  properties file itself (cluster deployments), as it may for the jobs.
* The file is ``<home>/carelake.properties`` in Java properties format.
* ``CARELAKE_`` + the key upper-cased, with ``.`` and ``-`` turned into ``_``, overrides the file
  (``kafka.bootstrap-servers`` → ``CARELAKE_KAFKA_BOOTSTRAP_SERVERS``).

Importing this module does no I/O: the properties file is read only by :func:`load`, which a task
calls when it needs a value; DAG structure needs only paths.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

FILE_NAME = "carelake.properties"
ENV_PREFIX = "CARELAKE_"
HOME_ENV = "CARELAKE_HOME"
CONFIG_ENV = "CARELAKE_CONFIG"
HOME_DIR_DEFAULT = ".carelake"


class SettingsError(Exception):
    """A setting is missing or malformed, or the properties file cannot be found or read."""



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


def config_arguments(env: Mapping[str, str] | None = None) -> list[str]:
    """How a job finds its configuration: ``--config FILE`` when ``$CARELAKE_CONFIG`` is set, else
    ``--home DIR``. Paths are absolute, so the job sees the same file whatever its directory."""
    explicit = explicit_config_file(env)
    if explicit is not None:
        return ["--config", str(explicit)]
    return ["--home", str(carelake_home(env))]

