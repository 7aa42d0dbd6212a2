package io.carelake.core.catalog;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import io.carelake.core.tables.TableName;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;

/**
 * Opens the Iceberg catalog named in the configuration with the plain Iceberg Java API, the way
 * every non-Spark client does (Flink jobs, the ledger, tests). Spark opens the same catalog through
 * {@code spark.sql.catalog.<name>.*} with the same properties.
 *
 * <p>Iceberg classes are {@code provided}: each engine's Iceberg runtime supplies them.
 */
public final class CatalogFactory {

  /** Table properties every carelake table is created with. */
  public static final Map<String, String> TABLE_DEFAULTS = Map.of(
      TableProperties.FORMAT_VERSION, "2",
      TableProperties.PARQUET_COMPRESSION, "zstd",
      // Iceberg keeps old metadata files bounded; a streaming writer commits often.
      TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true",
      TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "50");

  private CatalogFactory() {}

  public static Catalog open(CarelakeConfig config) {
    return open(config, new Configuration());
  }

  public static Catalog open(CarelakeConfig config, Configuration hadoopConf) {
    Map<String, String> props = config.catalogProperties();
    try {
      return CatalogUtil.buildIcebergCatalog(config.catalogName(), props, hadoopConf);
    } catch (RuntimeException e) {
      throw new ConfigException("Cannot open Iceberg catalog '" + config.catalogName() + "' ("
          + props.getOrDefault("type", props.getOrDefault("catalog-impl", "?")) + " at "
          + props.getOrDefault("uri", "?") + "): " + e.getMessage()
          + " (check the catalog.* keys in " + config.file() + ")", e);
    }
  }

  public static TableIdentifier identifier(TableName name) {
    return TableIdentifier.of(Namespace.of(name.namespace()), name.name());
  }

  /** Loads a table, creating its namespace and the table itself when they do not exist yet. */
  public static Table createIfMissing(Catalog catalog, TableName name, Schema schema,
      PartitionSpec spec) {
    TableIdentifier id = identifier(name);
    if (catalog.tableExists(id)) {
      return catalog.loadTable(id);
    }
    if (catalog instanceof SupportsNamespaces namespaces
        && !namespaces.namespaceExists(id.namespace())) {
      try {
        namespaces.createNamespace(id.namespace());
      } catch (AlreadyExistsException raced) {
        // another engine created it first: fine
      }
    }
    try {
      return catalog.buildTable(id, schema).withPartitionSpec(spec)
          .withProperties(TABLE_DEFAULTS).create();
    } catch (AlreadyExistsException raced) {
      return catalog.loadTable(id);
    }
  }
}
