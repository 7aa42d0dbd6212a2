"""Ingest health checks for carelake_ingest_health: how fresh the raw tables are, and the dead-letter
rate of the latest ingest run; and for carelake_daily, whether the raw tables are complete up to the
end of a data interval (their completeness watermark). All read with pyiceberg from the carelake
catalog.

Imported by the DAG file at parse time, so it imports pyiceberg only inside the functions, and reads
no file until a task calls them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from carelake_airflow.config import Settings, SettingsError

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


class HealthError(Exception):
    """A health check failed: the message says what, where, and what to do."""


#: The configuration key for the NameNode's WebHDFS endpoint (``http://HOST:PORT``): how pyiceberg
#: reads a warehouse on ``hdfs://`` (the cluster profile writes it beside ``catalog.*``).
WEBHDFS_URI_KEY = "airflow.webhdfs-uri"


def catalog_properties(config: Settings) -> dict[str, str]:
    """pyiceberg's properties for the carelake catalog, from the same ``catalog.*`` keys the jobs read.

    * ``jdbc:sqlite:PATH`` (the embedded profile): pyiceberg's SQL catalog on the same file;
    * ``jdbc:postgresql://HOST:PORT/DB`` (the cluster profile): pyiceberg's SQL catalog through
      SQLAlchemy and pg8000, as ``catalog.jdbc.user`` with ``catalog.jdbc.password`` (both may come
      from the environment, ``CARELAKE_CATALOG_JDBC_PASSWORD``);
    * ``catalog.type=rest``: pyiceberg's REST catalog.

    A warehouse on ``hdfs://`` is read over WebHDFS (:class:`carelake_airflow.webhdfs.WebHdfsFileIO`)
    at ``airflow.webhdfs-uri``. The result may hold the catalog password: never print it."""
    kind = config.get("catalog.type", "jdbc").lower()
    uri = config.get("catalog.uri")
    if kind == "jdbc" and uri.startswith("jdbc:sqlite:"):
        properties = {"type": "sql", "uri": f"sqlite:///{uri[len('jdbc:sqlite:'):]}"}
    elif kind == "jdbc" and uri.startswith("jdbc:postgresql:"):
        properties = {"type": "sql", "uri": _postgres_url(config, uri)}
    elif kind == "rest":
        properties = {"type": "rest", "uri": uri}
    else:
        raise SettingsError(
            f"catalog.type={kind} with catalog.uri={uri.split('?')[0]} in {config.file}: the DAGs' checks"
            " open jdbc:sqlite:, jdbc:postgresql: and REST catalogs only (run them where such a catalog"
            " is reachable)")
    properties["warehouse"] = config.get("catalog.warehouse", "")
    if properties["warehouse"].startswith("hdfs://"):
        from pyiceberg.io import PY_IO_IMPL

        from carelake_airflow.webhdfs import WEBHDFS_URI, WebHdfsFileIO

        properties[PY_IO_IMPL] = f"{WebHdfsFileIO.__module__}.{WebHdfsFileIO.__qualname__}"
        properties[WEBHDFS_URI] = config.get(WEBHDFS_URI_KEY)
    return properties


def _postgres_url(config: Settings, jdbc_uri: str) -> str:
    """The SQLAlchemy URL (pg8000 driver) of a ``jdbc:postgresql://HOST[:PORT]/DATABASE`` URI."""
    from urllib.parse import urlsplit

    from sqlalchemy.engine import URL

    parts = urlsplit(jdbc_uri[len("jdbc:"):])
    if not parts.hostname or not parts.path.strip("/") or parts.query:
        raise SettingsError(
            f"catalog.uri={jdbc_uri.split('?')[0]} in {config.file}: the DAGs' checks need"
            " jdbc:postgresql://HOST[:PORT]/DATABASE, with no JDBC parameters (user and password"
            " belong in catalog.jdbc.user and catalog.jdbc.password)")
    return URL.create("postgresql+pg8000", username=config.get("catalog.jdbc.user"),
                      password=config.get("catalog.jdbc.password", None), host=parts.hostname,
                      port=parts.port or 5432, database=parts.path.strip("/")
                      ).render_as_string(hide_password=False)


def open_catalog(config: Settings):
    """The carelake Iceberg catalog for pyiceberg (:func:`catalog_properties` says which)."""
    from pyiceberg.catalog import load_catalog

    return load_catalog(config.get("catalog.name", "carelake"), **catalog_properties(config))


@dataclass(frozen=True)
class Freshness:
    table: str
    snapshot_id: int | None
    committed_at: dt.datetime | None
    age: dt.timedelta | None


def raw_freshness(catalog, now: dt.datetime) -> list[Freshness]:
    """The last snapshot of each raw table and how long ago it was committed."""
    result = []
    for table in RAW_TABLES:
        snapshot = catalog.load_table(tuple(table.split("."))).current_snapshot()
        if snapshot is None:
            result.append(Freshness(table, None, None, None))
            continue
        committed = dt.datetime.fromtimestamp(snapshot.timestamp_ms / 1000, tz=dt.timezone.utc)
        result.append(Freshness(table, snapshot.snapshot_id, committed, now - committed))
    return result


def check_raw_freshness(config: Settings, now: dt.datetime | None = None) -> list[Freshness]:
    """Fails when a raw table has no snapshot, or its last one is older than airflow.raw-max-age-hours."""
    now = now or dt.datetime.now(dt.timezone.utc)
    limit = dt.timedelta(hours=float(config.get(RAW_MAX_AGE_HOURS_KEY,
                                                RAW_MAX_AGE_HOURS_DEFAULT)))
    found = raw_freshness(open_catalog(config), now)
    stale = [f for f in found if f.age is None or f.age > limit]
    for f in found:
        print(f"{f.table}: snapshot {f.snapshot_id} committed {f.committed_at} ({f.age} ago)")
    if stale:
        raise HealthError(
            "Stale raw tables (limit " + str(limit) + ", " + RAW_MAX_AGE_HOURS_KEY + "): "
            + ", ".join(f"{f.table} last written {f.committed_at or 'never'}" for f in stale)
            + ". Check that the ingest task of carelake_daily runs and that Kafka receives events.")
    return found


@dataclass(frozen=True)
class DeadLetterRate:
    run_id: str
    ended_at: dt.datetime
    messages: int
    dead_letters: int

    @property
    def rate(self) -> float:
        return self.dead_letters / self.messages if self.messages else 0.0


def latest_ingest(catalog) -> DeadLetterRate | None:
    """The dead letters of the latest ingest run in the ledger (by end time), or None if none ran."""
    from pyiceberg.expressions import EqualTo

    ledger = catalog.load_table(tuple(LEDGER_TABLE.split(".")))
    rows = ledger.scan(row_filter=EqualTo("job", "ingest"),
                       selected_fields=("run_id", "ended_at", "rows_in", "counts")).to_arrow().to_pylist()
    if not rows:
        return None
    last = max(rows, key=lambda r: r["ended_at"])
    counts = _as_dict(last["counts"])
    return DeadLetterRate(last["run_id"], last["ended_at"], int(last["rows_in"]),
                          int(counts.get("dead_letters", 0)))


def _as_dict(value) -> Mapping[str, int]:
    # pyarrow turns an Iceberg map into a list of (key, value) pairs.
    if value is None:
        return {}
    return dict(value) if not isinstance(value, Mapping) else value


def check_dead_letter_rate(config: Settings) -> DeadLetterRate:
    """Fails when the latest ingest run set more than airflow.dead-letter-max-rate of its messages
    aside as dead letters, or when no ingest run is in the ledger."""
    limit = float(config.get(DEAD_LETTER_MAX_RATE_KEY, DEAD_LETTER_MAX_RATE_DEFAULT))
    latest = latest_ingest(open_catalog(config))
    if latest is None:
        raise HealthError(f"No ingest run in {LEDGER_TABLE}: run the ingest task (or"
                          " `bin/carelake ingest --bounded`) first")
    print(f"ingest run {latest.run_id} ended {latest.ended_at}: {latest.dead_letters} dead letters"
          f" of {latest.messages} messages ({latest.rate:.2%}, limit {limit:.2%})")
    if latest.rate > limit:
        raise HealthError(
            f"Ingest run {latest.run_id} dead-lettered {latest.dead_letters} of {latest.messages}"
            f" messages ({latest.rate:.2%} > {DEAD_LETTER_MAX_RATE_KEY}={limit}): read"
            " raw.dead_letters (error_code, kafka_topic/partition/offset) to find the producer at fault")
    return latest


@dataclass(frozen=True)
class Completeness:
    table: str
    #: The newest completeness watermark recorded in the table's current lineage, or None.
    watermark: dt.datetime | None
    snapshot_id: int | None


def raw_completeness(catalog) -> list[Completeness]:
    """The completeness watermark of each raw event table: the newest snapshot of the current
    lineage whose summary has ``carelake.watermark-ms`` (carried by the ingest job's commits of the
    rows themselves: the minimum over the topic's partitions, held back while a backlog is read)."""
    result = []
    for table in COMPLETE_TABLES:
        iceberg = catalog.load_table(tuple(table.split(".")))
        snapshot = iceberg.current_snapshot()
        found = Completeness(table, None, None)
        while snapshot is not None:
            ms = snapshot.summary[WATERMARK_MS] if snapshot.summary is not None else None
            if ms is not None:
                found = Completeness(table, dt.datetime.fromtimestamp(int(ms) / 1000, tz=dt.timezone.utc),
                                     snapshot.snapshot_id)
                break
            parent = snapshot.parent_snapshot_id
            snapshot = iceberg.metadata.snapshot_by_id(parent) if parent is not None else None
        result.append(found)
    return result


def raw_complete_until(config: Settings, until: str | dt.datetime) -> bool:
    """True once every raw event table's completeness watermark has reached ``until`` (the end of the
    data interval): every event before it has been ingested, up to late events, which are counted.
    The poke of carelake_daily's ``raw_complete`` sensor; prints where each table stands."""
    if isinstance(until, str):
        until = dt.datetime.fromisoformat(until)
    if until.tzinfo is None:
        until = until.replace(tzinfo=dt.timezone.utc)
    found = raw_completeness(open_catalog(config))
    for c in found:
        state = "no watermark yet" if c.watermark is None else f"watermark {c.watermark.isoformat()}" \
            f" (snapshot {c.snapshot_id})"
        print(f"{c.table}: {state}; needed {until.isoformat()}")
    return all(c.watermark is not None and c.watermark >= until for c in found)


def deidentified_until(config: Settings, until: str | dt.datetime) -> bool:
    """True once the ledger holds a succeeded ``deidentify`` run whose interval ends at or after
    ``until``: safe.* then hold every day before it. The poke of carelake_risk_model's
    ``safe_complete`` sensor (the month's last daily run may finish after the month does)."""
    from pyiceberg.expressions import And, EqualTo

    if isinstance(until, str):
        until = dt.datetime.fromisoformat(until)
    day = until.date() if isinstance(until, dt.datetime) else until
    ledger = open_catalog(config).load_table(tuple(LEDGER_TABLE.split(".")))
    rows = ledger.scan(row_filter=And(EqualTo("job", "deidentify"), EqualTo("status", "SUCCEEDED")),
                       selected_fields=("run_id", "interval_end")).to_arrow().to_pylist()
    ends = [r["interval_end"] for r in rows if r["interval_end"] is not None]
    latest = max(ends) if ends else None
    print(f"deidentify succeeded up to {latest} (exclusive); needed {day}")
    return latest is not None and latest >= day
