package io.carelake.loaders;

import io.carelake.core.events.EventKind;
import io.carelake.generator.MessageSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes visits and vitals to one JSONL file, one event per line (visits first). A vital is told
 * from a visit by its {@code code} field; {@code --out DIR} writes the two files that
 * {@code carelake publish} sends instead.
 */
final class SingleJsonlSink implements MessageSink {

  private final OutputStream out;

  SingleJsonlSink(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
  }

  @Override
  public void send(EventKind kind, byte[] key, byte[] value) throws IOException {
    out.write(value);
    out.write('\n');
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
