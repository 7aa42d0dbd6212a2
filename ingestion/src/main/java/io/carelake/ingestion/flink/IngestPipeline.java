package io.carelake.ingestion.flink;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.events.EventKind;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.IngestSettings;
import io.carelake.ingestion.envelope.KafkaMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.iceberg.flink.sink.dynamic.DynamicIcebergSink;
import org.apache.iceberg.Schema;
import io.carelake.core.tables.TableSchemas;

/**
 * The ingest topology, from a source of Kafka messages to the three raw Iceberg tables:
 *
 * <pre>
 * kafka-source ─▶ parse-envelope ─┬─ visits ─▶ lateness ─▶ watermarks-visits ─▶ keyBy(event_id) ─▶ dedup-visits ─▶ sink-raw-visits
 *                                 ├─ vitals ─▶ lateness ─▶ watermarks-vitals ─▶ keyBy(event_id) ─▶ dedup-vitals ─▶ sink-raw-vitals
 *                       lateness ─▶ progress reports (before each barrier) ─▶ completeness watermark (parallelism 1)
 *                                 └─ dead letters ─────────────────────────────────────────────────▶ sink-raw-dead-letters
 * </pre>
 *
 * Every operator has a fixed uid, so that state survives upgrades of this code. The source is
 * passed in, so that tests can substitute one; production passes a {@code KafkaSource}.
 */
public final class IngestPipeline {

  public static final String UID_SOURCE = "kafka-source";
  public static final String UID_PARSE = "parse-envelope";
  public static final String UID_COMPLETENESS = "completeness-committer";

  private IngestPipeline() {}

  public static void build(StreamExecutionEnvironment env,
      Source<KafkaMessage, ?, ?> source, IngestSettings settings, CatalogLoader catalog) {
    build(env, source, settings, catalog, null);
  }

  /**
   * @param seed when not null (a job started without Flink state over tables that already hold
   *     rows), what is already committed counts as seen: see {@link CommittedSeed}
   */
  public static void build(StreamExecutionEnvironment env,
      Source<KafkaMessage, ?, ?> source, IngestSettings settings, CatalogLoader catalog,
      CommittedSeed seed) {
    SingleOutputStreamOperator<Void> parsed = env
        .fromSource(source, WatermarkStrategy.noWatermarks(), "kafka " + settings.topics())
        .uid(UID_SOURCE)
        .process(new ParseFunction(Map.of(
            settings.visitsTopic(), EventKind.VISIT,
            settings.vitalsTopic(), EventKind.VITAL), seed), Types.VOID)
        .uid(UID_PARSE)
        .name("parse envelope");

    List<DataStream<ProgressReport>> progress = new ArrayList<>();
    DataStream<RowData> visits = deduplicated(parsed.getSideOutput(ParseFunction.VISITS),
        "visits", RawRows.VISITS_EVENT_ID, RawRows.VISITS_EVENT_TIME, RawRows.VISITS, settings,
        seed, Tables.RAW_VISITS, progress);
    DataStream<RowData> vitals = deduplicated(parsed.getSideOutput(ParseFunction.VITALS),
        "vitals", RawRows.VITALS_EVENT_ID, RawRows.VITALS_EVENT_TIME, RawRows.VITALS, settings,
        seed, Tables.RAW_VITALS, progress);
    // the completeness watermark, committed to each table after the checkpoints that hold its rows
    progress.get(0).union(progress.get(1))
        .process(new CompletenessCommitter(catalog,
            Map.of("visits", Tables.RAW_VISITS, "vitals", Tables.RAW_VITALS),
            settings.maxOutOfOrderness()), Types.VOID)
        .setParallelism(1)
        .uid(UID_COMPLETENESS)
        .name("completeness watermark");

    evolvingSink(visits, Tables.RAW_VISITS, TableSchemas.RAW_VISITS, catalog, settings);
    evolvingSink(vitals, Tables.RAW_VITALS, TableSchemas.RAW_VITALS, catalog, settings);
    sink(parsed.getSideOutput(ParseFunction.DEAD_LETTERS), Tables.RAW_DEAD_LETTERS, catalog);
  }

  private static DataStream<RowData> deduplicated(DataStream<RowData> rows, String label,
      int eventIdPosition, int eventTimePosition, RowLayout layout, IngestSettings settings,
      CommittedSeed seed, TableName table, List<DataStream<ProgressReport>> progress) {
    // Watermarks follow event time with bounded out-of-orderness. Nothing downstream drops late
    // rows: a late event is written like any other, and lands in its own days(event_time)
    // partition. The watermark is there for event-time consumers and lag metrics.
    WatermarkStrategy<RowData> watermarks = WatermarkStrategy
        .<RowData>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
        .withTimestampAssigner(new EventTimeAssigner(eventTimePosition))
        .withIdleness(Duration.ofMinutes(1));
    SingleOutputStreamOperator<RowData> counted = rows
        .transform("late events " + label, layout.typeInfo(), new LatenessOperator(
            new LatenessFunction(label, settings.maxOutOfOrderness(), layout), label))
        .uid("lateness-" + label);
    progress.add(counted.getSideOutput(LatenessOperator.PROGRESS));
    return counted
        .assignTimestampsAndWatermarks(watermarks)
        .uid("watermarks-" + label)
        .name("event-time watermarks " + label)
        .keyBy(new EventIdKey(eventIdPosition))
        .process(new DedupFunction(settings.dedupTtl(), seed, table), layout.typeInfo())
        .uid("dedup-" + label)
        .name("dedup " + label + " by event_id");
  }

  /**
   * Appends events to a raw table with Iceberg's {@link DynamicIcebergSink}, which evolves the
   * table's schema while the job runs: a row carrying fields the table has no column for
   * ({@link RawRecordGenerator}) gets them added as optional columns first. Exactly once like
   * {@link IcebergSink}: writers flush on each checkpoint, the committer commits once it completes
   * and skips checkpoints a table already holds ({@code flink.max-committed-checkpoint-id}).
   */
  private static void evolvingSink(DataStream<RowData> rows, TableName table, Schema base,
      CatalogLoader catalog, IngestSettings settings) {
    String uid = "sink-" + table.toString().replace('.', '-').replace('_', '-');
    DynamicIcebergSink.forInput(rows)
        .generator(new RawRecordGenerator(table, base, TableSchemas.EVENT_TIME,
            settings.parallelism()))
        .catalogLoader(catalog)
        .writeParallelism(settings.parallelism())
        // add columns in the writer's path, no separate update operator: additions are rare
        .immediateTableUpdate(true)
        .setSnapshotProperty("carelake.job", "ingest")
        .uidPrefix(uid)
        .append();
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
