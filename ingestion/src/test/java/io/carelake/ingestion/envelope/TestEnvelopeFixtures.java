package io.carelake.ingestion.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.events.EventKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * One fixture file per dead-letter code, {@code src/test/resources/envelope/<CODE>.json} (or
 * {@code .bin} for bytes that are not text, {@code .json.gz} for the oversized one), each a visit
 * message that must yield exactly that code. Adding an {@link ErrorCode} without a fixture fails
 * here (and the exhaustive switch below does not compile without a case for it).
 */
class TestEnvelopeFixtures {

  private static final Instant NOW = Instant.parse("2025-03-02T00:00:00Z");
  private static final List<String> SUFFIXES = List.of(".json", ".bin", ".json.gz");
  /** PHI values the fixtures contain: never in a dead-letter message. */
  private static final List<String> PHI = List.of("张伟", "110105194912310021", "1949-12-31");

  private static Path fixtures() {
    URL url = TestEnvelopeFixtures.class.getResource("/envelope");
    assertThat(url).as("src/test/resources/envelope on the test classpath").isNotNull();
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] read(Path file) throws IOException {
    if (file.getFileName().toString().endsWith(".gz")) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
        return in.readAllBytes();
      }
    }
    return Files.readAllBytes(file);
  }

  /** What the message must mention, per code: the field or the fault, never the value. */
  private static String expectedInMessage(ErrorCode code) {
    return switch (code) {
      case OVERSIZED -> "bytes, more than the limit";
      case NOT_UTF8 -> "not valid UTF-8";
      case NOT_JSON -> "not valid JSON";
      case NOT_AN_OBJECT -> "got an array";
      case UNKNOWN_SCHEMA_VERSION -> "schema_version 2";
      case MISSING_FIELD -> "'facility_id'";
      case WRONG_TYPE -> "'prescriptions[0].days'";
      case BAD_EVENT_TIME -> "'event_time'";
      case FUTURE_EVENT_TIME -> "'event_time'";
      case PAST_EVENT_TIME -> "'event_time'";
      case UNSUPPORTED_FIELD -> "'patient.Home Town'";
      case BAD_RECORD_TIME -> "'record_time'";
      case TOO_MANY_EXTRA_COLUMNS -> throw new IllegalArgumentException(code + ": parse step");
    };
  }

  @Test
  void everyErrorCodeHasExactlyOneFixtureThatYieldsIt() throws Exception {
    EnvelopeValidator validator = new EnvelopeValidator();
    List<String> checked = new ArrayList<>();
    for (ErrorCode code : ErrorCode.values()) {
      if (!code.fromEnvelope()) {
        continue; // TestExtraColumnCap
      }
      List<Path> files = SUFFIXES.stream().map(s -> fixtures().resolve(code.name() + s))
          .filter(Files::isRegularFile).toList();
      assertThat(files).as("fixture envelope/%s.{json,bin,json.gz}", code).hasSize(1);
      byte[] payload = read(files.get(0));
      ParsedMessage parsed = validator.validate(EventKind.VISIT,
          new KafkaMessage("carelake.visits", 0, 7L, 1_700_000_000_000L, payload), NOW);
      assertThat(parsed).as(code.name()).isInstanceOf(DeadLetter.class);
      DeadLetter dead = (DeadLetter) parsed;
      assertThat(dead.errorCode()).as(files.get(0).getFileName().toString()).isEqualTo(code);
      assertThat(dead.payload()).as("lossless").isEqualTo(payload);
      assertThat(dead.payloadSize()).isEqualTo(payload.length);
      assertThat(dead.errorMessage()).as(code.name()).contains(expectedInMessage(code));
      for (String phi : PHI) {
        assertThat(dead.errorMessage()).as(code + " message leaks PHI").doesNotContain(phi);
      }
      checked.add(code.name());
    }
    assertThat(checked).hasSize((int) Arrays.stream(ErrorCode.values())
        .filter(ErrorCode::fromEnvelope).count());
  }

  @Test
  void everyFixtureNamesAnErrorCode() throws Exception {
    List<String> codes = Arrays.stream(ErrorCode.values()).map(Enum::name).toList();
    try (Stream<Path> files = Files.list(fixtures())) {
      files.forEach(f -> {
        String name = f.getFileName().toString();
        String code = name.substring(0, name.indexOf('.'));
        assertThat(codes).as("fixture %s names no ErrorCode", name).contains(code);
      });
    }
  }
}
