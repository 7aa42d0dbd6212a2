package io.carelake.ingestion;

import io.carelake.ingestion.envelope.KafkaMessage;
import io.carelake.ingestion.flink.IngestPipeline;
import io.carelake.ingestion.flink.KafkaMessageDeserializer;
import io.carelake.ingestion.flink.RestorePoints;
import java.time.Duration;
import java.util.HashMap;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The ingest job's Flink side: the configuration exactly once rests on, the environment (restored
 * from the start plan's checkpoint or savepoint, if any), the Kafka source and the pipeline
 * ({@link IngestPipeline}) built on them.
 */
final class IngestTopology {

  /** Restarts before a run gives up: a bounded run must end, not retry forever. */
  static final int RESTART_ATTEMPTS = 3;

  private IngestTopology() {}

  /** The environment of a job starting as {@code plan} says, with the ingest pipeline built. */
  static StreamExecutionEnvironment build(IngestSettings settings, CatalogLoader catalogLoader,
      StartPlan plan) {
    StreamExecutionEnvironment env = environment(settings, plan.restore());
    IngestPipeline.build(env, source(settings, plan), settings, catalogLoader, plan.seed(),
        plan.jobStart());
    return env;
  }

  static String jobName(IngestSettings settings) {
    return "carelake-ingest " + settings.topics();
  }

  /**
   * The Flink settings exactly once rests on: checkpointing always on (Iceberg commits and Kafka
   * offset commits happen on checkpoints), RocksDB state with checkpoints in
   * {@code ingest.checkpoint-dir} kept on cancellation, and a final checkpoint once tasks finish.
   */
  static Configuration flinkConfiguration(IngestSettings settings) {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.NAME, jobName(settings));
    // No operator keeps a record after passing it on or writing it (the writers encode each row
    // into Parquet at once), so chained operators may share records instead of copying them.
    conf.set(PipelineOptions.OBJECT_REUSE, true);
    conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, settings.checkpointDir());
    conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval());
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    // the default in Flink 2, stated because the last Iceberg and offset commits depend on it
    conf.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, true);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(5));
    return conf;
  }

  private static StreamExecutionEnvironment environment(IngestSettings settings,
      RestorePoints.RestorePoint restore) {
    Configuration conf = flinkConfiguration(settings);
    if (restore != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore.path());
      // every operator has a stable uid: state that maps to none is an error, not dropped
      conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(settings.parallelism());
    return env;
  }

  private static KafkaSource<KafkaMessage> source(IngestSettings settings, StartPlan plan) {
    // always unbounded: a bounded run stops with a savepoint once it has read to its end offsets,
    // so that the next run restores its state (a finished job's checkpoint cannot be resumed)
    return sourceBuilder(settings)
        .setTopics(settings.topics())
        .setStartingOffsets(plan.stateless() == null
            ? OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST)
            : OffsetsInitializer.offsets(new HashMap<>(plan.stateless().start()),
                OffsetResetStrategy.EARLIEST))
        .build();
  }

  private static KafkaSourceBuilder<KafkaMessage> sourceBuilder(IngestSettings settings) {
    KafkaSourceBuilder<KafkaMessage> builder = KafkaSource.<KafkaMessage>builder();
    settings.kafkaClient().forEach(builder::setProperty);
    return builder
        .setBootstrapServers(settings.bootstrapServers())
        .setGroupId(settings.consumerGroup())
        .setClientIdPrefix("carelake-ingest")
        // offsets go back to Kafka only when a checkpoint completes, i.e. with the Iceberg commit
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setDeserializer(new KafkaMessageDeserializer());
  }
}
