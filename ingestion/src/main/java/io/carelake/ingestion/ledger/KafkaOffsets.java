package io.carelake.ingestion.ledger;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads and writes the Kafka offsets that account for a run, through the admin API (no consumer
 * joins the group, so nothing here disturbs the job's own offset commits).
 */
public final class KafkaOffsets implements AutoCloseable {

  private static final long TIMEOUT_SECONDS = 60;

  private final Admin admin;
  private final String bootstrapServers;

  public KafkaOffsets(Properties adminProperties) {
    Properties props = new Properties();
    props.putAll(adminProperties);
    props.putIfAbsent("client.id", "carelake-ingest-offsets");
    props.putIfAbsent("request.timeout.ms", "30000");
    props.putIfAbsent("default.api.timeout.ms", "60000");
    this.admin = Admin.create(props);
    this.bootstrapServers = props.getProperty("bootstrap.servers");
  }

  /**
   * What a bounded run from the group's committed offsets reads now: from the committed offset of
   * each partition (the earliest available offset when none is committed, or when the committed one
   * has been deleted by retention) to the partition's current end.
   */
  public OffsetRange pending(String group, List<String> topics) {
    List<TopicPartition> partitions = partitions(topics);
    Map<TopicPartition, Long> earliest = list(partitions, OffsetSpec.earliest());
    Map<TopicPartition, Long> latest = list(partitions, OffsetSpec.latest());
    Map<TopicPartition, Long> committed = committed(group);
    Map<TopicPartition, Long> start = new HashMap<>();
    for (TopicPartition tp : partitions) {
      long from = committed.getOrDefault(tp, earliest.get(tp));
      start.put(tp, Math.min(Math.max(from, earliest.get(tp)), latest.get(tp)));
    }
    return new OffsetRange(start, latest);
  }

  /** The current end offset (offset of the next message) of every partition of {@code topics}. */
  public Map<TopicPartition, Long> endOffsets(List<String> topics) {
    return list(partitions(topics), OffsetSpec.latest());
  }

  /** The earliest available offset of every partition of {@code topics}. */
  public Map<TopicPartition, Long> earliestOffsets(List<String> topics) {
    return list(partitions(topics), OffsetSpec.earliest());
  }

  /** The group's committed offsets (next offset to read) for every partition it has any for. */
  public Map<TopicPartition, Long> committed(String group) {
    Map<TopicPartition, OffsetAndMetadata> offsets = await(
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
        "read committed offsets of consumer group '" + group + "'");
    Map<TopicPartition, Long> result = new HashMap<>();
    offsets.forEach((tp, om) -> {
      if (om != null) {
        result.put(tp, om.offset());
      }
    });
    return result;
  }

  /** Commits offsets for the group; only safe while no consumer of the group is running. */
  public void commit(String group, Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
    offsets.forEach((tp, offset) -> request.put(tp, new OffsetAndMetadata(offset)));
    await(admin.alterConsumerGroupOffsets(group, request).all(),
        "commit offsets of consumer group '" + group + "'");
  }

  /** Every partition of {@code topics}. */
  public List<TopicPartition> partitions(List<String> topics) {
    Map<String, TopicDescription> descriptions;
    try {
      descriptions = admin.describeTopics(topics).allTopicNames()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException("Kafka topic missing at " + bootstrapServers + ": one of "
            + topics + " does not exist (create the topics first, e.g. run the generator, or check"
            + " kafka.topic.visits / kafka.topic.vitals)", e.getCause());
      }
      throw failure("describe topics " + topics, e);
    } catch (InterruptedException | TimeoutException e) {
      throw failure("describe topics " + topics, e);
    }
    return descriptions.values().stream()
        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
        .toList();
  }

  private Map<TopicPartition, Long> list(Collection<TopicPartition> partitions, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    Map<TopicPartition, ListOffsetsResultInfo> infos =
        await(admin.listOffsets(request).all(), "list offsets of " + partitions);
    Map<TopicPartition, Long> result = new HashMap<>();
    infos.forEach((tp, info) -> result.put(tp, info.offset()));
    return result;
  }

  private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw failure(what, e);
    }
  }

  private IllegalStateException failure(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return new IllegalStateException("Cannot " + what + " at Kafka " + bootstrapServers + ": "
        + cause + " (check kafka.bootstrap-servers and that the broker is running)", cause);
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(10));
  }
}
