"""How the DAGs' checks open the catalog (carelake_airflow.health.catalog_properties) for each
profile: the embedded SQLite file, the cluster profile's PostgreSQL with its warehouse on HDFS read
over WebHDFS (carelake_airflow.webhdfs), and a REST catalog. Nothing here connects anywhere; the
cluster profile's run is tests/test_cluster_daily.py."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from carelake_airflow import health, settings
from carelake_airflow.webhdfs import WEBHDFS_URI, WebHdfsFileIO


def _config(tmp_path, text: str, env: dict[str, str] | None = None) -> settings.Settings:
    (tmp_path / "carelake.properties").write_text(text, encoding="utf-8")
    return settings.load({"CARELAKE_HOME": str(tmp_path), **(env or {})})


CLUSTER = """\
catalog.type=jdbc
catalog.uri=jdbc:postgresql://127.0.0.1:41234/carelake
catalog.jdbc.user=carelake
catalog.warehouse=hdfs://127.0.0.1:41235/carelake/warehouse
airflow.webhdfs-uri=http://127.0.0.1:41236
"""


def test_the_embedded_catalog_opens_on_its_sqlite_file(tmp_path):
    config = _config(tmp_path, f"catalog.uri=jdbc:sqlite:{tmp_path}/catalog.db\n"
                               f"catalog.warehouse=file://{tmp_path}/warehouse\n")
    assert health.catalog_properties(config) == {
        "type": "sql", "uri": f"sqlite:///{tmp_path}/catalog.db", "warehouse": f"file://{tmp_path}/warehouse"}


def test_the_cluster_catalog_opens_on_postgresql_with_the_password_from_the_environment(tmp_path):
    # the password with characters a URL must escape; from the environment, as a deployment keeps it
    config = _config(tmp_path, CLUSTER, {"CARELAKE_CATALOG_JDBC_PASSWORD": "p@ss/w:rd"})
    properties = health.catalog_properties(config)
    url = make_url(properties["uri"])
    assert (url.drivername, url.username, url.password, url.host, url.port, url.database) == (
        "postgresql+pg8000", "carelake", "p@ss/w:rd", "127.0.0.1", 41234, "carelake")
    assert properties["type"] == "sql"
    assert properties["warehouse"] == "hdfs://127.0.0.1:41235/carelake/warehouse"
    # hdfs:// files through WebHDFS at the configured endpoint, by a FileIO pyiceberg can import
    assert properties["py-io-impl"] == "carelake_airflow.webhdfs.WebHdfsFileIO"
    assert properties[WEBHDFS_URI] == "http://127.0.0.1:41236"


def test_an_hdfs_warehouse_without_a_webhdfs_endpoint_names_the_key_to_set(tmp_path):
    config = _config(tmp_path, CLUSTER.replace("airflow.webhdfs-uri=http://127.0.0.1:41236\n", ""))
    with pytest.raises(settings.SettingsError, match="airflow.webhdfs-uri"):
        health.catalog_properties(config)


def test_jdbc_parameters_in_a_postgresql_uri_are_refused_without_echoing_them(tmp_path):
    config = _config(tmp_path, CLUSTER.replace("/carelake\n", "/carelake?password=pw-123\n", 1))
    with pytest.raises(settings.SettingsError, match="no JDBC parameters") as e:
        health.catalog_properties(config)
    assert "pw-123" not in str(e.value)


def test_a_rest_catalog_opens_as_pyiceberg_rest(tmp_path):
    config = _config(tmp_path, "catalog.type=rest\ncatalog.uri=https://catalog.example/api\n"
                               "catalog.warehouse=s3://bucket/wh\n")
    assert health.catalog_properties(config) == {
        "type": "rest", "uri": "https://catalog.example/api", "warehouse": "s3://bucket/wh"}


def test_webhdfs_file_io_reads_hdfs_locations_at_the_configured_endpoint():
    io = WebHdfsFileIO({WEBHDFS_URI: "http://127.0.0.1:41236"})
    fs = io.get_fs("hdfs")
    assert fs.url == "http://127.0.0.1:41236/webhdfs/v1"
    # only the path of a location is sent: the NameNode's RPC authority is not an HTTP address
    assert fs._strip_protocol("hdfs://127.0.0.1:41235/carelake/warehouse/t/metadata/v1.json") == (
        "/carelake/warehouse/t/metadata/v1.json")
    # other schemes stay pyiceberg's own
    assert io.get_fs("file").protocol[0] == "file"


@pytest.mark.parametrize("endpoint", ["", "127.0.0.1:41236", "hdfs://127.0.0.1:41235", "http://127.0.0.1"])
def test_webhdfs_file_io_refuses_an_endpoint_that_is_not_http_host_port(endpoint):
    with pytest.raises(ValueError, match="airflow.webhdfs-uri"):
        WebHdfsFileIO({WEBHDFS_URI: endpoint}).get_fs("hdfs")
