package io.carelake.ingestion.flink;

import io.carelake.core.events.EventKind;
import io.carelake.ingestion.envelope.DeadLetter;
import io.carelake.ingestion.envelope.EnvelopeValidator;
import io.carelake.ingestion.envelope.ErrorCode;
import io.carelake.ingestion.envelope.KafkaMessage;
import io.carelake.ingestion.envelope.ParsedMessage;
import io.carelake.ingestion.envelope.Provenance;
import io.carelake.ingestion.envelope.RawVisit;
import io.carelake.ingestion.envelope.RawVital;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Validates each message's envelope ({@link EnvelopeValidator}) and routes it: visits and vitals
 * to their side outputs as raw rows, everything else to the dead-letter side output. The main
 * output carries nothing. {@code ingest_time} is the processing time of this function.
 */
public final class ParseFunction extends ProcessFunction<KafkaMessage, Void> {

  private static final long serialVersionUID = 1L;

  public static final OutputTag<RowData> VISITS =
      new OutputTag<>("raw-visits", RawRows.VISITS.typeInfo());
  public static final OutputTag<RowData> VITALS =
      new OutputTag<>("raw-vitals", RawRows.VITALS.typeInfo());
  public static final OutputTag<RowData> DEAD_LETTERS =
      new OutputTag<>("raw-dead-letters", RawRows.DEAD_LETTERS.typeInfo());

  /** Accumulator: messages read from Kafka (progress, and a cross-check of the offsets). */
  public static final String CONSUMED = "consumed";
  /**
   * Accumulator: dead letters read again by a job started without state (see
   * {@link CommittedSeed}) that are already in raw.dead_letters; dropped, counted as duplicates.
   */
  public static final String DEAD_LETTERS_ALREADY_LANDED = "dead_letters_already_landed";

  private final Map<String, EventKind> kindByTopic;
  private final CommittedSeed seed;
  private final ExtraColumnCap extraColumns;
  private transient Set<String> landedDeadLetters;
  private transient LongCounter alreadyLanded;
  private transient EnvelopeValidator validator;
  private transient LongCounter consumed;
  private transient Counter deadLetters;

  public ParseFunction(Map<String, EventKind> kindByTopic) {
    this(kindByTopic, null);
  }

  public ParseFunction(Map<String, EventKind> kindByTopic, CommittedSeed seed) {
    this(kindByTopic, seed, new ExtraColumnCap(
        Integer.parseInt(io.carelake.ingestion.IngestSettings.MAX_EXTRA_COLUMNS_DEFAULT), null));
  }

  /** @param extraColumns the table-wide cap on producer-added columns */
  public ParseFunction(Map<String, EventKind> kindByTopic, CommittedSeed seed,
      ExtraColumnCap extraColumns) {
    this.kindByTopic = Map.copyOf(kindByTopic);
    this.seed = seed;
    this.extraColumns = extraColumns;
  }

  @Override
  public void open(OpenContext context) {
    validator = new EnvelopeValidator();
    consumed = new LongCounter();
    getRuntimeContext().addAccumulator(CONSUMED, consumed);
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    alreadyLanded = new LongCounter();
    getRuntimeContext().addAccumulator(DEAD_LETTERS_ALREADY_LANDED, alreadyLanded);
    landedDeadLetters = seed == null ? Set.of() : seed.deadLetterPositions();
    extraColumns.open();
  }

  @Override
  public void processElement(KafkaMessage message, Context ctx, Collector<Void> out) {
    consumed.add(1);
    EventKind kind = kindByTopic.get(message.topic);
    if (kind == null) {
      // the source subscribes to exactly these topics; anything else is a wiring bug
      throw new IllegalStateException("Message from unexpected topic " + message.position()
          + " (expected one of " + kindByTopic.keySet() + ")");
    }
    ParsedMessage parsed = capExtraColumns(kind, message,
        validator.validate(kind, message, Instant.now()));
    if (parsed instanceof RawVisit visit) {
      ctx.output(VISITS, RawRows.visit(visit));
    } else if (parsed instanceof RawVital vital) {
      ctx.output(VITALS, RawRows.vital(vital));
    } else if (parsed instanceof DeadLetter deadLetter) {
      // the partition's offset moves on, for the completeness watermark
      if (kind == EventKind.VISIT) {
        ctx.output(VISITS, RawRows.position(RawRows.VISITS, deadLetter.provenance()));
      } else {
        ctx.output(VITALS, RawRows.position(RawRows.VITALS, deadLetter.provenance()));
      }
      if (!landedDeadLetters.isEmpty() && landedDeadLetters.remove(message.position())) {
        alreadyLanded.add(1);
        return;
      }
      deadLetters.inc();
      ctx.output(DEAD_LETTERS, RawRows.deadLetter(deadLetter));
    }
  }

  /** The event, or a dead letter when its unknown fields would pass the table's column cap. */
  private ParsedMessage capExtraColumns(EventKind kind, KafkaMessage message,
      ParsedMessage parsed) {
    Map<String, String> extras = parsed instanceof RawVisit v ? v.extras()
        : parsed instanceof RawVital v ? v.extras() : null;
    if (extras == null || extras.isEmpty()) {
      return parsed;
    }
    String refused = extraColumns.admit(kind, extras.keySet());
    if (refused == null) {
      return parsed;
    }
    return parsed instanceof RawVisit v
        ? tooManyColumns(message, v.provenance(), v.eventId(), refused)
        : tooManyColumns(message, ((RawVital) parsed).provenance(),
            ((RawVital) parsed).eventId(), refused);
  }

  private static DeadLetter tooManyColumns(KafkaMessage message, Provenance provenance,
      String eventId, String reason) {
    return new DeadLetter(provenance, message.timestampMillis, message.payload,
        message.payloadSize(), ErrorCode.TOO_MANY_EXTRA_COLUMNS, reason, eventId);
  }
}
