package io.carelake.ingestion;

import io.carelake.core.jobs.JobRuntime;
import io.carelake.core.ledger.Run;
import io.carelake.ingestion.flink.ParseFunction;
import io.carelake.ingestion.flink.RestorePoints;
import io.carelake.ingestion.ledger.KafkaOffsets;
import io.carelake.ingestion.ledger.OffsetRange;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.kafka.common.TopicPartition;

/**
 * The Flink job of a bounded run: submitted, watched (a progress line every
 * {@link #PROGRESS_EVERY}) and stopped with a savepoint once the consumer group's committed
 * offsets reach the run's end offsets.
 */
record BoundedExecution(FlinkJob job, IngestSettings settings, Run run) {

  /** How often a bounded run prints its progress. */
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
  /** How often a bounded run checks whether the committed offsets reached its end offsets. */
  static final Duration STOP_POLL = Duration.ofMillis(250);

  /**
   * Runs the Flink job until the consumer group's committed offsets (committed when a checkpoint
   * completes, i.e. with the Iceberg commit) reach {@code range}'s end in every partition, then
   * stops it with a savepoint (no drain), which commits the rest and is what the next run
   * restores. Prints progress until it ends.
   */
  JobExecutionResult execute(CatalogLoader catalogLoader, StartPlan plan, OffsetRange range)
      throws Exception {
    JobClient client = IngestTopology.build(settings, catalogLoader, plan)
        .executeAsync(IngestTopology.jobName(settings));
    job.progress("Flink job %s submitted", client.getJobID());
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ingest-progress");
      t.setDaemon(true);
      return t;
    });
    long total = range.messages();
    ticker.scheduleAtFixedRate(() -> reportProgress(client, total),
        PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, Long> targets = new HashMap<>();
    range.end().forEach((tp, end) -> {
      if (end > range.start().get(tp)) {
        targets.put(tp, end);
      }
    });
    try (KafkaOffsets offsets = new KafkaOffsets(settings.adminProperties())) {
      var result = client.getJobExecutionResult();
      while (!result.isDone()) {
        if (reached(offsets.committed(settings.consumerGroup()), targets)) {
          job.progress("every message up to the end offsets is committed; stopping with a"
              + " savepoint");
          long t0 = System.nanoTime();
          String savepoint = stopWithSavepoint(client);
          if (savepoint != null) {
            run.parameter("flink.savepoint", savepoint);
            job.progress("stopped with savepoint %s in %.1f s", savepoint,
                (System.nanoTime() - t0) / 1e9);
          }
          break;
        }
        try {
          result.get(STOP_POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // still running: check the committed offsets again
        }
      }
      JobExecutionResult done = result.get();
      RestorePoints.latest(settings.checkpointDir())
          .ifPresent(p -> RestorePoints.deleteAllBut(settings.checkpointDir(), p));
      return done;
    } finally {
      ticker.shutdownNow();
    }
  }

  private static boolean reached(Map<TopicPartition, Long> committed,
      Map<TopicPartition, Long> targets) {
    for (Map.Entry<TopicPartition, Long> e : targets.entrySet()) {
      if (committed.getOrDefault(e.getKey(), -1L) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Stops the job with a savepoint, retrying while it is still deploying (a savepoint needs every
   * task running); returns the savepoint path, or null when the job ended by itself meanwhile.
   */
  private String stopWithSavepoint(JobClient client) throws Exception {
    String dir = RestorePoints.savepointDir(settings.checkpointDir());
    Exception last = null;
    for (int attempt = 1; attempt <= 120; attempt++) {
      if (client.getJobExecutionResult().isDone()) {
        return null;
      }
      try {
        String path = client.stopWithSavepoint(false, dir, SavepointFormatType.NATIVE)
            .get(5, TimeUnit.MINUTES);
        if (attempt > 1) {
          // expected while tasks are still deploying: one line, not a stack trace
          job.progress("stop-with-savepoint took %d attempts (tasks were still starting)",
              attempt);
        }
        return path;
      } catch (ExecutionException e) {
        last = e;
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("Could not stop the Flink job with a savepoint in " + dir
        + ": " + (last == null ? "timed out" : JobRuntime.describe(last)), last);
  }

  private void reportProgress(JobClient client, long total) {
    try {
      Object consumed = client.getAccumulators().get(2, TimeUnit.SECONDS)
          .get(ParseFunction.CONSUMED);
      long read = consumed instanceof Number n ? n.longValue() : 0;
      // accumulators reach the client with task heartbeats, so this trails the job a little
      job.progress("job %s, %,d of %,d messages reported read (%d%%)",
          client.getJobStatus().get(2, TimeUnit.SECONDS), read, total,
          total == 0 ? 100 : read * 100 / total);
    } catch (Exception e) {
      // progress is best effort: a job that is finishing may not answer
    }
  }
}
