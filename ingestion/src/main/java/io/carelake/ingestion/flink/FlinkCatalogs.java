package io.carelake.ingestion.flink;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * Builds the Iceberg {@link CatalogLoader} that Flink's sinks use to reopen the catalog on every
 * task manager, from the same {@code catalog.*} keys as every other engine.
 *
 * <p>{@code CatalogLoader} has factories for Hadoop, Hive and REST only; any other catalog (JDBC
 * here) goes through {@link CatalogLoader#custom}, which needs the implementation class rather
 * than the {@code type} shorthand that {@code CatalogUtil.buildIcebergCatalog} accepts.
 */
public final class FlinkCatalogs {

  private static final Map<String, String> IMPL_BY_TYPE = Map.of(
      CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC, CatalogUtil.ICEBERG_CATALOG_JDBC,
      CatalogUtil.ICEBERG_CATALOG_TYPE_REST, CatalogUtil.ICEBERG_CATALOG_REST,
      CatalogUtil.ICEBERG_CATALOG_TYPE_HIVE, CatalogUtil.ICEBERG_CATALOG_HIVE,
      CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP, CatalogUtil.ICEBERG_CATALOG_HADOOP,
      CatalogUtil.ICEBERG_CATALOG_TYPE_GLUE, CatalogUtil.ICEBERG_CATALOG_GLUE,
      CatalogUtil.ICEBERG_CATALOG_TYPE_NESSIE, CatalogUtil.ICEBERG_CATALOG_NESSIE);

  private FlinkCatalogs() {}

  public static CatalogLoader loader(CarelakeConfig config) {
    Map<String, String> props = new HashMap<>(config.catalogProperties());
    String type = props.remove(CatalogUtil.ICEBERG_CATALOG_TYPE);
    String impl = props.remove(CatalogProperties.CATALOG_IMPL);
    if (impl == null) {
      impl = type == null ? null : IMPL_BY_TYPE.get(type.toLowerCase(Locale.ROOT));
      if (impl == null) {
        throw new ConfigException("Unknown Iceberg catalog type '" + type + "' in "
            + CarelakeConfig.CATALOG_TYPE + " (" + config.file() + "): use one of "
            + IMPL_BY_TYPE.keySet() + ", or set catalog.catalog-impl to a Catalog class");
      }
    }
    return CatalogLoader.custom(config.catalogName(), props, new Configuration(), impl);
  }
}
