package io.carelake.generator;

import io.carelake.core.events.EventKind;
import java.util.ArrayList;
import java.util.List;

/** Keeps every message in memory, in order: for small test runs only. */
final class MemorySink implements MessageSink {

  record Sent(EventKind kind, byte[] key, byte[] value) {}

  final List<Sent> sent = new ArrayList<>();

  @Override
  public void send(EventKind kind, byte[] key, byte[] value) {
    sent.add(new Sent(kind, key, value));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  List<byte[]> values(EventKind kind) {
    return sent.stream().filter(s -> s.kind() == kind).map(Sent::value).toList();
  }
}
