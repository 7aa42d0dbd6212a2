package io.carelake.generator;

import io.carelake.core.events.EventKind;
import io.carelake.core.files.OwnerOnlyFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes each stream's exact message bytes to {@code visits.jsonl} / {@code vitals.jsonl}, one
 * message per line. A message never contains a raw newline byte: JSON escapes it in strings, GBK
 * never uses 0x0A in a multi-byte character, and truncation keeps a prefix of one line.
 */
public final class JsonlSink implements MessageSink {

  public static final String VISITS_FILE = "visits.jsonl";
  public static final String VITALS_FILE = "vitals.jsonl";

  private final OutputStream visits;
  private final OutputStream vitals;
  private final Path dir;
  private final Path visitsTmp;
  private final Path vitalsTmp;

  /**
   * The files hold patient-like data: each is written through {@link OwnerOnlyFiles} (owner-only,
   * renamed over {@code visits.jsonl} / {@code vitals.jsonl} on close).
   */
  public JsonlSink(Path dir) throws IOException {
    Files.createDirectories(dir);
    this.dir = dir;
    this.visitsTmp = OwnerOnlyFiles.temp(dir, VISITS_FILE);
    this.vitalsTmp = OwnerOnlyFiles.temp(dir, VITALS_FILE);
    this.visits = new BufferedOutputStream(Files.newOutputStream(visitsTmp), 1 << 16);
    this.vitals = new BufferedOutputStream(Files.newOutputStream(vitalsTmp), 1 << 16);
  }

  @Override
  public void send(EventKind kind, byte[] key, byte[] value) throws IOException {
    for (byte b : value) {
      if (b == '\n') {
        throw new IOException("a generated message contains a newline byte; JSONL cannot hold it");
      }
    }
    OutputStream out = kind == EventKind.VISIT ? visits : vitals;
    out.write(value);
    out.write('\n');
  }

  @Override
  public void flush() throws IOException {
    visits.flush();
    vitals.flush();
  }

  @Override
  public void close() throws IOException {
    try (visits; vitals) {
      flush();
    }
    OwnerOnlyFiles.publish(visitsTmp, dir.resolve(VISITS_FILE));
    OwnerOnlyFiles.publish(vitalsTmp, dir.resolve(VITALS_FILE));
  }
}
