package io.carelake.loaders;

import io.carelake.core.events.EventKind;
import io.carelake.generator.MessageSink;
import io.carelake.core.files.OwnerOnlyFiles;
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
  private final Path file;
  private final Path temp;

  /** The file holds patient data: written owner-only and renamed into place on close. */
  SingleJsonlSink(Path file) throws IOException {
    this.file = file.toAbsolutePath();
    this.temp = OwnerOnlyFiles.temp(this.file.getParent(), this.file.getFileName().toString());
    this.out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
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
    OwnerOnlyFiles.publish(temp, file);
  }
}
