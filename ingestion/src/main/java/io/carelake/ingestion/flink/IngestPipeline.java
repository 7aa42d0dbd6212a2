package io.carelake.ingestion.flink;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.events.EventKind;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.IngestSettings;
import io.carelake.ingestion.envelope.KafkaMessage;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.IcebergSink;

/**
 * The ingest topology, from a source of Kafka messages to the three raw Iceberg tables:
 *
 * <pre>
 * kafka-source ─▶ parse-envelope ─┬─ visits ─▶ lateness ─▶ watermarks-visits ─▶ keyBy(event_id) ─▶ dedup-visits ─▶ sink-raw-visits
 *                                 ├─ vitals ─▶ lateness ─▶ watermarks-vitals ─▶ keyBy(event_id) ─▶ dedup-vitals ─▶ sink-raw-vitals
 *                                 └─ dead letters ─────────────────────────────────────────────────▶ sink-raw-dead-letters
 * </pre>
 *
 * Every operator has a fixed uid, so that state survives upgrades of this code. The source is
 * passed in, so that tests can substitute one; production passes a {@code KafkaSource}.
 */
public final class IngestPipeline {

  public static final String UID_SOURCE = "kafka-source";
  public static final String UID_PARSE = "parse-envelope";

  private IngestPipeline() {}

  public static void build(StreamExecutionEnvironment env,
      Source<KafkaMessage, ?, ?> source, IngestSettings settings, CatalogLoader catalog) {
    SingleOutputStreamOperator<Void> parsed = env
        .fromSource(source, WatermarkStrategy.noWatermarks(), "kafka " + settings.topics())
        .uid(UID_SOURCE)
        .process(new ParseFunction(Map.of(
            settings.visitsTopic(), EventKind.VISIT,
            settings.vitalsTopic(), EventKind.VITAL)), Types.VOID)
        .uid(UID_PARSE)
        .name("parse envelope");

    DataStream<RowData> visits = deduplicated(parsed.getSideOutput(ParseFunction.VISITS),
        "visits", RawRows.VISITS_EVENT_ID, RawRows.VISITS_EVENT_TIME, RawRows.VISITS, settings);
    DataStream<RowData> vitals = deduplicated(parsed.getSideOutput(ParseFunction.VITALS),
        "vitals", RawRows.VITALS_EVENT_ID, RawRows.VITALS_EVENT_TIME, RawRows.VITALS, settings);

    sink(visits, Tables.RAW_VISITS, catalog);
    sink(vitals, Tables.RAW_VITALS, catalog);
    sink(parsed.getSideOutput(ParseFunction.DEAD_LETTERS), Tables.RAW_DEAD_LETTERS, catalog);
  }

  private static DataStream<RowData> deduplicated(DataStream<RowData> rows, String label,
      int eventIdPosition, int eventTimePosition, RowLayout layout, IngestSettings settings) {
    // Watermarks follow event time with bounded out-of-orderness. Nothing downstream drops late
    // rows: a late event is written like any other, and lands in its own days(event_time)
    // partition. The watermark is there for event-time consumers and lag metrics.
    WatermarkStrategy<RowData> watermarks = WatermarkStrategy
        .<RowData>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
        .withTimestampAssigner(new EventTimeAssigner(eventTimePosition))
        .withIdleness(Duration.ofMinutes(1));
    return rows
        .process(new LatenessFunction(label, settings.maxOutOfOrderness(), layout),
            layout.typeInfo())
        .uid("lateness-" + label)
        .name("late events " + label)
        .assignTimestampsAndWatermarks(watermarks)
        .uid("watermarks-" + label)
        .name("event-time watermarks " + label)
        .keyBy(new EventIdKey(eventIdPosition))
        .process(new DedupFunction(settings.dedupTtl()), layout.typeInfo())
        .uid("dedup-" + label)
        .name("dedup " + label + " by event_id");
  }

  /**
   * Appends to one Iceberg table with the Sink V2 {@link IcebergSink}: writers flush data files
   * on each checkpoint and a single committer commits them once the checkpoint completes, so a
   * row is committed exactly once even across restarts.
   */
  private static void sink(DataStream<RowData> rows, TableName table, CatalogLoader catalog) {
    String uid = "sink-" + table.toString().replace('.', '-').replace('_', '-');
    IcebergSink.forRowData(rows)
        .tableLoader(TableLoader.fromCatalog(catalog, CatalogFactory.identifier(table)))
        // rows of one day partition go to one writer: fewer, larger files
        .distributionMode(DistributionMode.HASH)
        .setSnapshotProperty("carelake.job", "ingest")
        .uidSuffix(uid)
        .append();
  }
}
