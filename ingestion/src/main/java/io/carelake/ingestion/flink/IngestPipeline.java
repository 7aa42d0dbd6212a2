package io.carelake.ingestion.flink;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.events.EventKind;
import io.carelake.core.tables.TableName;
import io.carelake.core.tables.Tables;
import io.carelake.ingestion.IngestSettings;
import io.carelake.ingestion.envelope.KafkaMessage;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
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
import org.apache.iceberg.Schema;
import io.carelake.core.tables.TableSchemas;

/**
 * The ingest topology, from a source of Kafka messages to the three raw Iceberg tables:
 *
 * <pre>
 * kafka-source ─▶ parse-envelope ─┬─ visits ─▶ lateness ─▶ keyBy(event_id) ─▶ dedup ─▶ write raw.visits ─▶ commit raw.visits (parallelism 1)
 *                                 │            └─ progress reports (before each barrier) ───────────────────▶┘ (watermark in the same commit)
 *                                 ├─ vitals ─▶ lateness ─▶ keyBy(event_id) ─▶ dedup ─▶ write raw.vitals ─▶ commit raw.vitals (parallelism 1)
 *                                 │            └─ progress reports ─────────────────────────────────────────▶┘
 *                                 └─ dead letters ─────────────────────────────────────────▶ sink-raw-dead-letters (IcebergSink)
 * </pre>
 *
 * One network shuffle per event (by {@code event_id}, for dedup): the writer runs in the dedup
 * subtask and computes the day partition from the timestamp ({@link RawTableWriter}). Every
 * operator has a fixed uid, so that state survives upgrades of this code. The source is passed
 * in, so that tests can substitute one; production passes a {@code KafkaSource}.
 */
public final class IngestPipeline {

  public static final String UID_SOURCE = "kafka-source";
  public static final String UID_PARSE = "parse-envelope";

  private IngestPipeline() {}

  /**
   * Where the job starts, for the completeness watermark and the late-event count: the end offset
   * of every {@code topic-partition} when the job started (below it: the backlog) and the
   * watermark each raw table had then, by label ({@code visits}, {@code vitals}; absent: none).
   */
  public record JobStart(Map<String, Long> backlogEnds, Map<String, Long> watermarks) {
    public static final JobStart NONE = new JobStart(Map.of(), Map.of());
  }

  public static void build(StreamExecutionEnvironment env,
      Source<KafkaMessage, ?, ?> source, IngestSettings settings, CatalogLoader catalog) {
    build(env, source, settings, catalog, null, JobStart.NONE);
  }

  /**
   * @param seed when not null (a job started without Flink state over tables that already hold
   *     rows), what is already committed counts as seen: see {@link CommittedSeed}
   */
  public static void build(StreamExecutionEnvironment env,
      Source<KafkaMessage, ?, ?> source, IngestSettings settings, CatalogLoader catalog,
      CommittedSeed seed, JobStart start) {
    SingleOutputStreamOperator<Void> parsed = env
        .fromSource(source, WatermarkStrategy.noWatermarks(), "kafka " + settings.topics())
        .uid(UID_SOURCE)
        .process(new ParseFunction(Map.of(
            settings.visitsTopic(), EventKind.VISIT,
            settings.vitalsTopic(), EventKind.VITAL), seed,
            new ExtraColumnCap(settings.maxExtraColumns(), catalog)), Types.VOID)
        .uid(UID_PARSE)
        .name("parse envelope");

    eventTable(parsed.getSideOutput(ParseFunction.VISITS), "visits", Tables.RAW_VISITS,
        TableSchemas.RAW_VISITS, RawRows.VISITS, RawRows.VISITS_EVENT_ID, settings, catalog, seed,
        start);
    eventTable(parsed.getSideOutput(ParseFunction.VITALS), "vitals", Tables.RAW_VITALS,
        TableSchemas.RAW_VITALS, RawRows.VITALS, RawRows.VITALS_EVENT_ID, settings, catalog, seed,
        start);
    sink(parsed.getSideOutput(ParseFunction.DEAD_LETTERS), Tables.RAW_DEAD_LETTERS, catalog);
  }

  /** Lateness, dedup, write and commit of one raw event table. */
  private static void eventTable(DataStream<RowData> rows, String label, TableName table,
      Schema base, RowLayout layout, int eventIdPosition, IngestSettings settings,
      CatalogLoader catalog, CommittedSeed seed, JobStart start) {
    String uid = table.toString().replace('.', '-').replace('_', '-');
    SingleOutputStreamOperator<RowData> counted = rows
        .transform("late events " + label, layout.typeInfo(), new LatenessOperator(
            new LatenessFunction(label, settings.maxOutOfOrderness(),
                start.watermarks().getOrDefault(label, Long.MIN_VALUE), start.backlogEnds(),
                layout)))
        .uid("lateness-" + label);
    DataStream<WrittenFiles> written = counted
        .keyBy(new EventIdKey(eventIdPosition))
        .process(new DedupFunction(settings.dedupTtl(), seed, table), layout.typeInfo())
        .uid("dedup-" + label)
        .name("dedup " + label + " by event_id")
        .transform("write " + table, TypeInformation.of(WrittenFiles.class),
            new RawTableWriter(catalog, table, base, layout, settings.maxOpenFiles()))
        .uid("writer-" + uid);
    written.connect(counted.getSideOutput(LatenessOperator.PROGRESS))
        .transform("commit " + table, Types.VOID,
            new RawTableCommitter(catalog, table, "committer-" + uid, settings.idleTimeout()))
        .setParallelism(1)
        .setMaxParallelism(1)
        .uid("committer-" + uid);
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
