package io.carelake.generator;

import io.carelake.core.events.EventKind;
import java.io.IOException;

/** Where generated messages go: JSONL files or Kafka topics. Receives exact message bytes. */
public interface MessageSink extends AutoCloseable {

  /**
   * @param key the resident id in UTF-8 (Kafka partitions by it, keeping each patient's events in
   *     order), or null when the message carries none that parses
   */
  void send(EventKind kind, byte[] key, byte[] value) throws IOException;

  /** Makes everything sent so far durable (files flushed, Kafka acknowledged). */
  void flush() throws IOException;

  @Override
  void close() throws IOException;
}
