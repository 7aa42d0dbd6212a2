package io.carelake.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.carelake.core.events.Codes;
import io.carelake.core.events.EventKind;
import io.carelake.core.ids.ResidentIds;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestGenerator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate START = LocalDate.of(2025, 1, 1);

  /** A mid-sized run shared by the rate and content tests: 400 patients, 240 days, 10 % bad. */
  private static MemorySink big;
  private static Manifest bigManifest;

  @BeforeAll
  static void generateOnce() throws Exception {
    big = new MemorySink();
    bigManifest = new Generator(new GeneratorSettings(400, 240, 7, START, 0.10))
        .run(big, "memory", p -> { });
  }

  private static String digest(MemorySink sink) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (MemorySink.Sent s : sink.sent) {
      sha.update((byte) s.kind().ordinal());
      sha.update(s.key() == null ? new byte[] {-1} : s.key());
      sha.update(s.value());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MemorySink run(int patients, int days, long seed, double badRate) throws Exception {
    MemorySink sink = new MemorySink();
    new Generator(new GeneratorSettings(patients, days, seed, START, badRate))
        .run(sink, "memory", p -> { });
    return sink;
  }

  @Test
  void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
    String a = digest(run(60, 60, 11, 0.05));
    String b = digest(run(60, 60, 11, 0.05));
    String c = digest(run(60, 60, 12, 0.05));
    assertThat(a).isEqualTo(b);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void theBadRateDoesNotChangeWhoThePatientsAre() throws Exception {
    Set<String> clean = residentIds(run(50, 30, 3, 0.0));
    Set<String> dirty = residentIds(run(50, 30, 3, 0.3));
    // damaged messages may lose or corrupt an id, but no new patient appears and most remain
    Set<String> validDirty = new HashSet<>(dirty);
    validDirty.removeIf(id -> !ResidentIds.isValid(id));
    assertThat(clean).containsAll(validDirty);
    assertThat(validDirty.size()).isGreaterThan(clean.size() * 9 / 10);
  }

  private static Set<String> residentIds(MemorySink sink) {
    Set<String> ids = new HashSet<>();
    for (MemorySink.Sent s : sink.sent) {
      if (s.key() != null) {
        ids.add(new String(s.key(), StandardCharsets.UTF_8));
      }
    }
    return ids;
  }

  @Test
  void theManifestCountsEveryMessageSent() {
    assertThat(big.values(EventKind.VISIT)).hasSize((int) bigManifest.visits.messages);
    assertThat(big.values(EventKind.VITAL)).hasSize((int) bigManifest.vitals.messages);
    for (Manifest.Stream s : List.of(bigManifest.visits, bigManifest.vitals)) {
      long dead = s.expectedDeadLetters.values().stream().mapToLong(Long::longValue).sum();
      assertThat(s.messages).isEqualTo(s.expectedRawRows + dead + s.expectedDuplicates);
      long planted = s.planted.values().stream().mapToLong(Long::longValue).sum();
      assertThat(planted).isGreaterThan(0);
    }
  }

  @Test
  void badMessagesComeAtTheRequestedRateSpreadOverTheKinds() {
    long events = bigManifest.visits.events + bigManifest.vitals.events;
    long planted = bigManifest.plantedByKind().values().stream().mapToLong(Long::longValue).sum();
    double rate = (double) planted / events;
    // binomial: sd = sqrt(0.1 * 0.9 / n), n > 20,000 → sd < 0.0021; allow 4 sd
    assertThat(rate).isBetween(0.10 - 0.0085, 0.10 + 0.0085);
    // visits: 9 applicable kinds, each about 1/9 of the visit bad messages
    Map<String, Long> visitKinds = bigManifest.visits.planted;
    long visitBad = visitKinds.values().stream().mapToLong(Long::longValue).sum();
    assertThat(visitKinds.keySet()).containsExactlyInAnyOrder("MALFORMED_JSON", "NOT_UTF8",
        "MISSING_FIELD", "WRONG_TYPE", "BAD_TIMESTAMP", "DUPLICATE", "INVALID_RESIDENT_ID", "LATE",
        "OUT_OF_ORDER");
    for (long n : visitKinds.values()) {
      assertThat((double) n / visitBad).isBetween(1 / 9.0 - 0.05, 1 / 9.0 + 0.05);
    }
    // mixed units only on glucose, impossible values on any vital
    assertThat(bigManifest.vitals.planted).containsKeys("MIXED_UNITS", "IMPOSSIBLE_VALUE")
        .doesNotContainKey("INVALID_RESIDENT_ID");
  }

  @Test
  void everyMessageIsWhatTheManifestSaysItIs() throws Exception {
    JsonSchema visitSchema = schema("visit-event.schema.json");
    JsonSchema vitalSchema = schema("vital-event.schema.json");
    Map<String, Long> seen = new HashMap<>();
    Set<String> eventIds = new HashSet<>();
    long duplicates = 0;
    for (MemorySink.Sent s : big.sent) {
      String kind = classify(s, s.kind() == EventKind.VISIT ? visitSchema : vitalSchema);
      if (kind.equals("GOOD") || kind.equals("QUARANTINE")) {
        String id = JSON.readTree(s.value()).get("event_id").asText();
        if (!eventIds.add(id)) {
          duplicates++;
          continue;
        }
      }
      seen.merge(s.kind() + ":" + kind, 1L, Long::sum);
    }
    Manifest.Stream visits = bigManifest.visits;
    Manifest.Stream vitals = bigManifest.vitals;
    assertThat(duplicates).isEqualTo(visits.expectedDuplicates + vitals.expectedDuplicates);
    assertThat(seen.getOrDefault("VISIT:QUARANTINE", 0L)).isEqualTo(visits.expectedQuarantine);
    assertThat(seen.getOrDefault("VITAL:QUARANTINE", 0L)).isEqualTo(vitals.expectedQuarantine);
    for (String code : List.of("NOT_JSON", "NOT_UTF8", "MISSING_FIELD", "WRONG_TYPE",
        "BAD_EVENT_TIME")) {
      assertThat(seen.getOrDefault("VISIT:" + code, 0L)).as("visits " + code)
          .isEqualTo(visits.expectedDeadLetters.getOrDefault(code, 0L));
      assertThat(seen.getOrDefault("VITAL:" + code, 0L)).as("vitals " + code)
          .isEqualTo(vitals.expectedDeadLetters.getOrDefault(code, 0L));
    }
    assertThat(seen.get("VISIT:GOOD") + seen.getOrDefault("VISIT:QUARANTINE", 0L))
        .isEqualTo(visits.expectedRawRows);
    assertThat(seen.get("VITAL:GOOD") + seen.getOrDefault("VITAL:QUARANTINE", 0L))
        .isEqualTo(vitals.expectedRawRows);
  }

  /** An independent reading of one message: which stage must catch it, if any. */
  private static String classify(MemorySink.Sent s, JsonSchema schema) throws Exception {
    if (!MessageKeys.isUtf8(s.value())) {
      return "NOT_UTF8";
    }
    JsonNode node;
    try {
      node = JSON.readTree(s.value());
    } catch (Exception e) {
      return "NOT_JSON";
    }
    var errors = schema.validate(node);
    if (!errors.isEmpty()) {
      String text = errors.toString();
      return text.contains("required") ? "MISSING_FIELD"
          : text.contains("date-time") ? "BAD_EVENT_TIME" : "WRONG_TYPE";
    }
    try {
      OffsetDateTime.parse(node.get("event_time").asText());
    } catch (Exception e) {
      return "BAD_EVENT_TIME";
    }
    if (s.kind() == EventKind.VISIT) {
      return ResidentIds.isValid(node.at("/patient/resident_id").asText()) ? "GOOD" : "QUARANTINE";
    }
    String code = node.get("code").asText();
    double value = node.get("value").asDouble();
    boolean canonical = Codes.CANONICAL_UNIT.get(code).equals(node.get("unit").asText());
    return canonical && Plausible.GOOD.get(code).contains(value) ? "GOOD" : "QUARANTINE";
  }

  private static JsonSchema schema(String name) throws Exception {
    try (InputStream in = TestGenerator.class.getResourceAsStream("/carelake/schemas/" + name)) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  @Test
  void goodVisitsCarryValidIdsAndNotesMentionPhiAsRealNotesDo() throws Exception {
    int withIdInNote = 0;
    int withPhoneInNote = 0;
    int visits = 0;
    for (byte[] v : run(80, 120, 5, 0.0).values(EventKind.VISIT)) {
      JsonNode n = JSON.readTree(v);
      String id = n.at("/patient/resident_id").asText();
      assertThat(ResidentIds.isValid(id)).as(id).isTrue();
      assertThat(n.at("/patient/phone").asText()).matches("1[3-9]\\d{9}");
      String note = n.get("note").asText();
      String digits = note.replaceAll("[\\s\\-]", "");
      withIdInNote += digits.contains(id) ? 1 : 0;
      withPhoneInNote += digits.contains(n.at("/patient/phone").asText()) ? 1 : 0;
      visits++;
    }
    assertThat(visits).isGreaterThan(100);
    assertThat(withIdInNote).isGreaterThan(visits / 20);
    assertThat(withPhoneInNote).isGreaterThan(visits / 20);
  }

  @Test
  void incidentHypertensionIsPrecededByRisingBloodPressure() throws Exception {
    // per patient: clinic SBP readings in the 120 days before the first I10 visit vs. the rest
    MemorySink sink = run(600, 365, 21, 0.0);
    Map<String, String> firstHtnTime = new HashMap<>();
    Set<String> hypertensiveAtAnyTime = new HashSet<>();
    for (byte[] v : sink.values(EventKind.VISIT)) {
      JsonNode n = JSON.readTree(v);
      String id = n.at("/patient/resident_id").asText();
      boolean i10 = n.get("diagnoses").toString().contains("\"I10\"");
      if (i10) {
        hypertensiveAtAnyTime.add(id);
        firstHtnTime.putIfAbsent(id, n.get("event_time").asText());
      }
    }
    double[] before = new double[2];
    double[] never = new double[2];
    for (byte[] v : sink.values(EventKind.VITAL)) {
      JsonNode n = JSON.readTree(v);
      if (!n.get("code").asText().equals(Codes.LOINC_SYSTOLIC_BP)) {
        continue;
      }
      String id = n.at("/patient/resident_id").asText();
      String t = n.get("event_time").asText();
      if (!hypertensiveAtAnyTime.contains(id)) {
        never[0] += n.get("value").asDouble();
        never[1]++;
      } else {
        OffsetDateTime dx = OffsetDateTime.parse(firstHtnTime.get(id));
        OffsetDateTime at = OffsetDateTime.parse(t);
        if (at.isBefore(dx) && at.isAfter(dx.minusDays(120)) && dx.isAfter(
            OffsetDateTime.parse("2025-03-01T00:00:00+08:00"))) {
          before[0] += n.get("value").asDouble();
          before[1]++;
        }
      }
    }
    assertThat(before[1]).isGreaterThan(10);
    assertThat(before[0] / before[1]).isGreaterThan(never[0] / never[1] + 8);
  }

  @Test
  void everyEventSaysWhenItsSourceRecordedIt() throws Exception {
    Map<String, Long> minDelay = new HashMap<>();
    Map<String, Long> maxDelay = new HashMap<>();
    int events = 0;
    for (MemorySink.Sent s : run(120, 120, 17, 0.0).sent) {
      JsonNode n = JSON.readTree(s.value());
      long delay = java.time.Duration.between(OffsetDateTime.parse(n.get("event_time").asText()),
          OffsetDateTime.parse(n.get("record_time").asText())).getSeconds();
      String kind = s.kind() == EventKind.VISIT ? "visit"
          : n.get("code").asText() + "/" + n.get("source").asText();
      minDelay.merge(kind, delay, Math::min);
      maxDelay.merge(kind, delay, Math::max);
      events++;
    }
    assertThat(events).isGreaterThan(1000);
    // never recorded before it happened; labs report days later, charting is immediate
    assertThat(minDelay.values()).allSatisfy(d -> assertThat(d).isNotNegative());
    assertThat(minDelay.get(Codes.LOINC_HBA1C + "/clinic")).isGreaterThanOrEqualTo(86_400);
    assertThat(maxDelay.get(Codes.LOINC_HBA1C + "/clinic")).isLessThanOrEqualTo(5 * 86_400);
    assertThat(maxDelay.get(Codes.LOINC_SYSTOLIC_BP + "/clinic")).isLessThan(600);
    assertThat(minDelay.get(Codes.LOINC_GLUCOSE + "/clinic")).isGreaterThanOrEqualTo(3600);
    assertThat(maxDelay.get("visit")).isGreaterThan(86_400);
    assertThat(maxDelay.get("visit")).isLessThanOrEqualTo(3 * 86_400);
    // the score inputs are measured: waist at health checks, smoking when first asked
    assertThat(minDelay).containsKeys(Codes.LOINC_WAIST + "/clinic",
        Codes.LOINC_SMOKING_PACKS_PER_DAY + "/clinic");
  }

  @Test
  void theManifestHoldsEachPatientsDiseaseCourseAndTheEventsFollowIt() throws Exception {
    GeneratorSettings settings = new GeneratorSettings(500, 300, 23, START, 0.0);
    MemorySink sink = new MemorySink();
    Manifest manifest = new Generator(settings).run(sink, "memory", p -> { });
    // first I10 / E11 visit per patient, as clinic-local dates
    Map<String, String> firstI10 = new HashMap<>();
    Map<String, String> firstE11 = new HashMap<>();
    Map<String, Boolean> familyCirculatory = new HashMap<>();
    Set<String> visitedWithoutI10 = new HashSet<>();
    for (byte[] v : sink.values(EventKind.VISIT)) {
      JsonNode n = JSON.readTree(v);
      String id = n.at("/patient/resident_id").asText();
      String day = n.get("event_time").asText().substring(0, 10);
      String dx = n.get("diagnoses").toString();
      if (dx.contains("\"I10\"")) {
        firstI10.merge(id, day, (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
      if (dx.contains("\"E11")) {
        firstE11.merge(id, day, (a, b) -> a.compareTo(b) <= 0 ? a : b);
      }
      if (dx.contains("Z82.4")) {
        familyCirculatory.put(id, true);
      }
      if (!dx.contains("\"I10\"")) {
        visitedWithoutI10.add(id);
      }
    }
    Map<String, Manifest.PatientCourse> truth = new HashMap<>();
    manifest.diseaseCourses.forEach(c -> truth.put(c.residentId(), c));
    int incident = 0;
    for (Manifest.PatientCourse c : manifest.diseaseCourses) {
      if (c.hypertension().status().equals("incident")) {
        incident++;
        // the diagnosis visit is on the day the manifest says, never earlier
        assertThat(firstI10.get(c.residentId())).as(c.residentId())
            .isEqualTo(c.hypertension().diagnosisDate());
        assertThat(c.hypertension().driftStart()).isLessThan(c.hypertension().diagnosisDate());
      }
      if (c.type2Diabetes().status().equals("incident")) {
        assertThat(firstE11.get(c.residentId())).isEqualTo(c.type2Diabetes().diagnosisDate());
      }
      if (c.hypertension().status().equals("prevalent")) {
        // a known patient's every visit of the period carries the code
        assertThat(visitedWithoutI10).as(c.residentId()).doesNotContain(c.residentId());
      }
    }
    assertThat(incident).isGreaterThan(10);
    // nobody outside the manifest is ever diagnosed
    assertThat(truth.keySet()).containsAll(firstI10.keySet()).containsAll(firstE11.keySet());
    // and the risk factors raise incidence: parents with hypertension (Z82.4 at a health check)
    long[] withFamily = new long[2];
    long[] without = new long[2];
    for (String id : residentIds(sink)) {
      Manifest.PatientCourse c = truth.get(id);
      if (c != null && c.hypertension().status().equals("prevalent")) {
        continue;
      }
      boolean sick = c != null && c.hypertension().status().equals("incident");
      long[] group = familyCirculatory.containsKey(id) ? withFamily : without;
      group[0] += sick ? 1 : 0;
      group[1]++;
    }
    assertThat((double) withFamily[0] / withFamily[1])
        .isGreaterThan((double) without[0] / without[1]);
  }

  @Test
  void jsonlFilesAreOwnerOnlyAndNeverWrittenThroughASymlink(@TempDir Path dir) throws Exception {
    Path elsewhere = dir.resolve("elsewhere.txt");
    Files.writeString(elsewhere, "keep me");
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.createSymbolicLink(out.resolve(JsonlSink.VISITS_FILE), elsewhere);
    try (JsonlSink files = new JsonlSink(out)) {
      new Generator(new GeneratorSettings(5, 5, 3, START, 0.0)).run(files, out.toString(),
          p -> { });
    }
    assertThat(Files.readString(elsewhere)).isEqualTo("keep me");
    assertThat(Files.isSymbolicLink(out.resolve(JsonlSink.VISITS_FILE))).isFalse();
    for (String f : List.of(JsonlSink.VISITS_FILE, JsonlSink.VITALS_FILE)) {
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(out.resolve(f)))).as(f).isEqualTo("rw-------");
    }
  }

  @Test
  void jsonlFilesHoldTheExactMessagesOnePerLine(@TempDir Path dir) throws Exception {
    GeneratorSettings s = new GeneratorSettings(40, 40, 9, START, 0.2);
    MemorySink memory = new MemorySink();
    new Generator(s).run(memory, "memory", p -> { });
    try (JsonlSink files = new JsonlSink(dir)) {
      new Generator(s).run(files, dir.toString(), p -> { });
    }
    for (EventKind kind : EventKind.values()) {
      MemorySink reread = new MemorySink();
      PublishCommand.send(dir.resolve(kind == EventKind.VISIT ? JsonlSink.VISITS_FILE
          : JsonlSink.VITALS_FILE), kind, reread);
      List<byte[]> expected = memory.values(kind);
      assertThat(reread.sent).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertThat(reread.sent.get(i).value()).isEqualTo(expected.get(i));
        assertThat(reread.sent.get(i).key()).isEqualTo(memory.sent.stream()
            .filter(m -> m.kind() == kind).toList().get(i).key());
      }
    }
    assertThat(Files.size(dir.resolve(JsonlSink.VISITS_FILE))).isGreaterThan(0);
  }

  @Test
  void settingsAreCheckedWithMessagesThatSayWhatToFix() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new GeneratorSettings(10, 10, 1, START, 0.9));
    assertThat(e.getMessage()).contains("--bad-rate").contains("0.9");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> new GeneratorSettings(0, 10, 1, START, 0)).getMessage()).contains("--patients");
  }

  @Test
  void slashedTimestampsAreNotIso() {
    assertThat(BadEventPlanter.slashed("2025-03-01T09:12:32+08:00")).isEqualTo("2025/03/01 09:12");
  }
}
