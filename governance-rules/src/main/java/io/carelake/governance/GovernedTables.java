package io.carelake.governance;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.TableSchemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.types.Types;

/**
 * The schemas govern writes, derived from the raw table's own schema so that curated and quarantine
 * always carry every raw column:
 * <ul>
 *   <li>{@code curated.*} = the raw columns + {@code governance_run_id string} (required);
 *   <li>{@code quarantine.*} = the raw columns + {@code failed_rules array<string>},
 *       {@code reasons array<string>}, {@code governance_run_id string};
 * </ul>
 * both partitioned by {@code day(event_time)} like raw, so that an interval's slice is whole
 * partitions and a rerun replaces it exactly.
 */
final class GovernedTables {

  static final String RUN_ID = "governance_run_id";
  static final String FAILED_RULES = "failed_rules";
  static final String REASONS = "reasons";

  private GovernedTables() {}

  static Schema curatedSchema(Schema raw) {
    List<Types.NestedField> fields = new ArrayList<>(raw.columns());
    int next = raw.highestFieldId() + 1;
    fields.add(Types.NestedField.required(next, RUN_ID, Types.StringType.get(),
        "the govern run that published the row"));
    return new Schema(fields);
  }

  static Schema quarantineSchema(Schema raw) {
    List<Types.NestedField> fields = new ArrayList<>(raw.columns());
    int next = raw.highestFieldId() + 1;
    fields.add(Types.NestedField.optional(next, FAILED_RULES,
        Types.ListType.ofOptional(next + 1, Types.StringType.get()),
        "ids of the block/quarantine rules the row fails"));
    fields.add(Types.NestedField.optional(next + 2, REASONS,
        Types.ListType.ofOptional(next + 3, Types.StringType.get()),
        "one reason per failed rule, '<rule id>: <why>'"));
    fields.add(Types.NestedField.required(next + 4, RUN_ID, Types.StringType.get(),
        "the govern run that quarantined the row"));
    return new Schema(fields);
  }

  /** Creates curated and quarantine for a raw table when missing (with their namespaces). */
  static void ensure(Catalog catalog, TableName raw, TableName curated, TableName quarantine) {
    Schema rawSchema = catalog.loadTable(CatalogFactory.identifier(raw)).schema();
    create(catalog, curated, curatedSchema(rawSchema));
    create(catalog, quarantine, quarantineSchema(rawSchema));
  }

  private static void create(Catalog catalog, TableName name, Schema schema) {
    CatalogFactory.createIfMissing(catalog, name, schema,
        PartitionSpec.builderFor(schema).day(TableSchemas.EVENT_TIME).build());
  }
}
