"""A pyiceberg FileIO that reads ``hdfs://`` locations over WebHDFS, the NameNode's HTTP interface.

The DAGs' checks read Iceberg tables with pyiceberg, whose Arrow FileIO reaches HDFS only through
the native ``libhdfs`` and a JVM with Hadoop's jars. This FileIO needs neither: it is pyiceberg's
fsspec FileIO with the ``hdfs`` scheme served by fsspec's WebHDFS client, pointed at the URI in the
FileIO property :data:`WEBHDFS_URI` (``carelake_airflow.health.open_catalog`` sets it from the
configuration key ``airflow.webhdfs-uri``). A location's own authority (``hdfs://nn:8020``) is not
used: the WebHDFS URI names the NameNode's HTTP address, and only the path is sent.

pyiceberg imports this module by name (the ``py-io-impl`` catalog property) when a task opens the
catalog, never at DAG parse time.
"""

from __future__ import annotations

from urllib.parse import urlparse

from pyiceberg.io.fsspec import FsspecFileIO
from pyiceberg.typedef import Properties

#: The FileIO property naming the NameNode's WebHDFS endpoint, e.g. ``http://127.0.0.1:9870``.
WEBHDFS_URI = "carelake.webhdfs-uri"
#: pyiceberg's own property for the HDFS user (simple authentication), if one is wanted.
HDFS_USER = "hdfs.user"


def webhdfs_filesystem(properties: Properties):
    """fsspec's WebHDFS client for the endpoint in ``properties[WEBHDFS_URI]``."""
    from fsspec.implementations.webhdfs import WebHDFS

    value = properties.get(WEBHDFS_URI, "")
    uri = urlparse(value)
    if uri.scheme not in ("http", "https") or not uri.hostname or uri.port is None:
        raise ValueError(f"FileIO property {WEBHDFS_URI}={value!r} is not a WebHDFS endpoint: give the"
                         " NameNode's HTTP address as http://HOST:PORT (configuration key airflow.webhdfs-uri)")
    return WebHDFS(host=uri.hostname, port=uri.port, user=properties.get(HDFS_USER),
                   use_https=uri.scheme == "https")


class WebHdfsFileIO(FsspecFileIO):
    """pyiceberg's fsspec FileIO, with ``hdfs://`` locations read and written over WebHDFS."""

    def __init__(self, properties: Properties):
        super().__init__(properties)
        self._scheme_to_fs["hdfs"] = webhdfs_filesystem
