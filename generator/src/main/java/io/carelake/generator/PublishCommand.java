package io.carelake.generator;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.HomeConfigOptions;
import io.carelake.core.events.EventKind;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code carelake publish DIR}: sends {@code DIR/visits.jsonl} and {@code DIR/vitals.jsonl} to the
 * topics byte for byte, one message per line, keyed as {@code generate} keys them.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Send DIR/visits.jsonl and DIR/vitals.jsonl (as written by generate --out) to"
        + " the Kafka topics, one message per line, byte for byte.")
public final class PublishCommand implements Callable<Integer> {

  @Mixin HomeConfigOptions homeOptions = new HomeConfigOptions();

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory holding the JSONL files.")
  Path dir;

  @Override
  public Integer call() throws IOException {
    Path visits = dir.resolve(JsonlSink.VISITS_FILE);
    Path vitals = dir.resolve(JsonlSink.VITALS_FILE);
    if (!Files.isRegularFile(visits) && !Files.isRegularFile(vitals)) {
      System.err.println("publish: neither " + visits + " nor " + vitals
          + " exists; write them with `carelake generate --out " + dir + "`");
      return 2;
    }
    CarelakeConfig cfg = homeOptions.resolve();
    long sent = 0;
    try (KafkaSink sink = new KafkaSink(cfg.kafkaBootstrapServers(), cfg.visitsTopic(),
        cfg.vitalsTopic())) {
      sent += send(visits, EventKind.VISIT, sink);
      sent += send(vitals, EventKind.VITAL, sink);
      sink.flush();
    }
    System.out.printf(Locale.ROOT, "publish: %,d messages sent to %s%n", sent,
        cfg.kafkaBootstrapServers());
    return 0;
  }

  /** Splits on 0x0A only, so that any bytes (not UTF-8, not JSON) go out exactly as written. */
  static long send(Path file, EventKind kind, MessageSink sink) throws IOException {
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    long n = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream(2048);
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          byte[] value = line.toByteArray();
          sink.send(kind, MessageKeys.residentIdKey(value), value);
          line.reset();
          n++;
        } else {
          line.write(b);
        }
      }
      if (line.size() > 0) {
        byte[] value = line.toByteArray();
        sink.send(kind, MessageKeys.residentIdKey(value), value);
        n++;
      }
    }
    return n;
  }
}
