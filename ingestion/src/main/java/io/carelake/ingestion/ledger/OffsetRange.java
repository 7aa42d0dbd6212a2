package io.carelake.ingestion.ledger;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka offsets one bounded run reads: from {@code start} (inclusive) to {@code end}
 * (exclusive) in every partition of the input topics. {@code end - start} summed over partitions
 * is the number of messages the run consumes, measured before it starts.
 */
public record OffsetRange(Map<TopicPartition, Long> start, Map<TopicPartition, Long> end) {

  private static final Comparator<TopicPartition> ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  public OffsetRange {
    if (!start.keySet().equals(end.keySet())) {
      throw new IllegalArgumentException("start and end offsets cover different partitions: "
          + start.keySet() + " vs " + end.keySet());
    }
    start = sorted(start);
    end = sorted(end);
  }

  /** Messages between start and end, over all partitions. */
  public long messages() {
    return start.entrySet().stream().mapToLong(e -> end.get(e.getKey()) - e.getValue()).sum();
  }

  public boolean isEmpty() {
    return messages() == 0;
  }

  /** {@code topic-0=12,topic-1=40}: how offsets are written into the run ledger. */
  public static String describe(Map<TopicPartition, Long> offsets) {
    return sorted(offsets).entrySet().stream()
        .map(e -> e.getKey().topic() + "-" + e.getKey().partition() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static Map<TopicPartition, Long> sorted(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, Long> copy = new TreeMap<>(ORDER);
    copy.putAll(offsets);
    return java.util.Collections.unmodifiableMap(copy);
  }
}
