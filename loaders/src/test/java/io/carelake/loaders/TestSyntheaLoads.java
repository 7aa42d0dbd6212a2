package io.carelake.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.carelake.core.ids.EventIds;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.events.Codes;
import io.carelake.core.events.VitalEvent;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Synthea export (generated on the fly, CSV and FHIR R4 of the same population) loaded by
 * both loaders: schema-valid events, a reconciling ledger, canonical LOINC units, ICD-10
 * diagnoses, equal events from both formats, stable ids, and a round trip through a real broker.
 */
class TestSyntheaLoads {

  @TempDir
  static Path export;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> GLUCOSE = Set.of("2339-0", "2345-7");
  private static EventMapper.Result csv;
  private static EventMapper.Result fhir;
  private static KafkaClusterTestKit cluster;

  @BeforeAll
  static void generateAndLoad() throws Exception {
    SyntheaExport.generate(export);
    csv = new Loader().load(Format.SYNTHEA_CSV, export.resolve("csv"), "synthea");
    fhir = new Loader().load(Format.FHIR, export.resolve("fhir"), "synthea");
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyEventValidatesAgainstCoreSchemas() throws Exception {
    JsonSchema visit = schema("visit-event.schema.json");
    JsonSchema vital = schema("vital-event.schema.json");
    EventWriter w = new EventWriter();
    // the validator does reject a broken event (a vital without its unit, a bad event_time)
    JsonNode broken = JSON.readTree(w.vital(csv.vitals().get(0)));
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken).remove("unit");
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken).put("event_time", "yesterday");
    assertThat(vital.validate(broken)).hasSize(2);
    for (EventMapper.Result r : List.of(csv, fhir)) {
      assertThat(r.visits()).hasSizeGreaterThan(100);
      assertThat(r.vitals()).hasSizeGreaterThan(100);
      for (LoadedVisit v : r.visits()) {
        Set<ValidationMessage> errors = visit.validate(JSON.readTree(w.visit(v)));
        assertThat(errors).as("visit %s", v.eventId()).isEmpty();
      }
      for (VitalEvent v : r.vitals()) {
        Set<ValidationMessage> errors = vital.validate(JSON.readTree(w.vital(v)));
        assertThat(errors).as("vital %s", v.eventId()).isEmpty();
      }
    }
  }

  @Test
  void countsReconcileWithTheExport() throws Exception {
    List<Map<String, String>> encounters = csvRows("encounters.csv");
    List<Map<String, String>> observations = csvRows("observations.csv");
    List<Map<String, String>> conditions = csvRows("conditions.csv");
    Mappings m = Mappings.load();
    long vitalRows = observations.stream().filter(o -> m.isVital(o.get("CODE"))).count();
    for (EventMapper.Result r : List.of(csv, fhir)) {
      Ledger l = r.ledger();
      assertThat(l.reconciles()).isTrue();
      assertThat(l.recordsRead())
          .isEqualTo(l.eventsPublished() + l.recordsMerged() + l.recordsSkipped());
      assertThat(l.read().get("encounter")).isEqualTo(encounters.size());
      assertThat(l.read().get("condition")).isEqualTo(conditions.size());
      assertThat(l.read().get("patient")).isEqualTo(SyntheaExport.PATIENTS);
      assertThat(r.visits()).hasSize(encounters.size());
      assertThat(r.vitals()).hasSize((int) vitalRows);
      assertThat(l.events()).containsEntry("visit", (long) encounters.size())
          .containsEntry("vital", vitalRows);
      assertThat(l.merged()).containsEntry("patient", (long) SyntheaExport.PATIENTS);
      assertThat(l.merged().get("condition") + l.skipped().get("condition-unmapped-code"))
          .isEqualTo(conditions.size());
    }
    // the CSV has one row per observation: every one is an event or skipped with a reason
    assertThat(csv.ledger().read().get("observation")).isEqualTo(observations.size());
    assertThat(csv.ledger().skipped().get("observation-code-not-of-interest"))
        .isEqualTo(observations.size() - vitalRows);
    // the FHIR side counts unrelated resource types apart, not as records read
    assertThat(fhir.ledger().notLoaded()).containsKeys("Procedure", "Claim");
  }

  @Test
  void loincCodesAreKeptAndUnitsAreCanonical() throws Exception {
    for (EventMapper.Result r : List.of(csv, fhir)) {
      Map<String, Long> byCode = r.vitals().stream()
          .collect(Collectors.groupingBy(VitalEvent::code, Collectors.counting()));
      assertThat(byCode).containsKeys(Codes.LOINC_SYSTOLIC_BP, Codes.LOINC_DIASTOLIC_BP,
          Codes.LOINC_GLUCOSE, Codes.LOINC_HBA1C, Codes.LOINC_BMI, Codes.LOINC_BODY_WEIGHT,
          Codes.LOINC_BODY_HEIGHT);
      // the FHIR 85354-9 panels give one systolic and one diastolic each, as the CSV rows do
      assertThat(byCode.get(Codes.LOINC_SYSTOLIC_BP))
          .isEqualTo(byCode.get(Codes.LOINC_DIASTOLIC_BP));
      for (VitalEvent v : r.vitals()) {
        String expected = GLUCOSE.contains(v.code()) ? "mmol/L" : Codes.CANONICAL_UNIT.get(v.code());
        assertThat(v.unit()).as(v.code()).isEqualTo(expected);
        if (GLUCOSE.contains(v.code())) {
          assertThat(v.value()).as("glucose in mmol/L").isBetween(1.0, 40.0);
        }
        assertThat(v.source()).isEqualTo(Codes.SOURCE_CLINIC);
        assertThat(v.facilityId()).startsWith("synthea:");
      }
    }
    // glucose converted from the export's mg/dL: value / 18.016
    Map<String, Double> mgdl = new HashMap<>();
    for (Map<String, String> o : csvRows("observations.csv")) {
      if ("2339-0".equals(o.get("CODE"))) {
        assertThat(o.get("UNITS")).isEqualTo("mg/dL");
        mgdl.put(o.get("PATIENT") + "|" + o.get("DATE"), Double.parseDouble(o.get("VALUE")));
      }
    }
    assertThat(mgdl).isNotEmpty();
    for (VitalEvent v : csv.vitals()) {
      if ("2339-0".equals(v.code())) {
        Double source = mgdl.get(v.patient().residentId() + "|" + v.eventTime());
        assertThat(source).as(v.eventId()).isNotNull();
        assertThat(v.value()).isCloseTo(source / 18.016, within(0.006));
      }
    }
  }

  @Test
  void snomedConditionsOfInterestBecomeIcd10Diagnoses() throws Exception {
    Mappings m = Mappings.load();
    Map<String, LoadedVisit> visitsById = csv.visits().stream()
        .collect(Collectors.toMap(LoadedVisit::eventId, Function.identity()));
    Map<String, Long> unmapped = new HashMap<>();
    int checked = 0;
    Set<String> seenIcd = new HashSet<>();
    for (Map<String, String> c : csvRows("conditions.csv")) {
      String icd = m.icd10(c.get("CODE"));
      LoadedVisit v = visitsById.get(EventIds.fromParts(EventMapper.ID_NAMESPACE, "synthea", "visit", c.get("ENCOUNTER")));
      assertThat(v).as("visit of encounter %s", c.get("ENCOUNTER")).isNotNull();
      if (icd == null) {
        unmapped.merge(c.get("CODE"), 1L, Long::sum);
        assertThat(v.note()).contains(c.get("DESCRIPTION"));
      } else {
        assertThat(v.diagnoses()).contains(icd);
        seenIcd.add(icd);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(10);
    // the conditions of interest this population has, mapped as the table says
    assertThat(seenIcd).contains("I10", "R73.03", "E66.9");
    assertThat(m.icd10("59621000")).isEqualTo("I10");
    assertThat(m.icd10("44054006")).startsWith(Codes.ICD10_T2DM_PREFIX);
    assertThat(m.icd10("714628002")).startsWith(Codes.ICD10_PREDIABETES_PREFIX);
    assertThat(m.icd10("55822004")).isEqualTo("E78.5");
    assertThat(m.icd10("162864005")).isEqualTo("E66.9");
    // unmapped conditions are counted per SNOMED code, exactly
    for (EventMapper.Result r : List.of(csv, fhir)) {
      Map<String, Long> counted = new HashMap<>();
      r.ledger().unmappedSnomed().forEach((code, u) -> counted.put(code, u.count()));
      assertThat(counted).isEqualTo(unmapped);
      for (LoadedVisit v : r.visits()) {
        for (String d : v.diagnoses()) {
          assertThat(d).matches("[A-Z][0-9][0-9A-Z](\\.[0-9A-Z]{1,4})?");
        }
      }
    }
  }

  @Test
  void patientBlockCarriesUsIdentifiers() throws Exception {
    Map<String, Map<String, String>> patients = csvRows("patients.csv").stream()
        .collect(Collectors.toMap(p -> p.get("Id"), Function.identity()));
    for (LoadedVisit v : fhir.visits()) {
      LoadedPatient p = v.patient();
      Map<String, String> src = patients.get(p.residentId());
      assertThat(src).as(p.residentId()).isNotNull();
      assertThat(p.ssn()).isEqualTo(src.get("SSN")).matches("\\d{3}-\\d{2}-\\d{4}");
      assertThat(p.passport()).isEqualTo(src.get("PASSPORT"));
      assertThat(p.driversLicense()).isEqualTo(src.get("DRIVERS"));
      assertThat(p.birthDate()).isEqualTo(src.get("BIRTHDATE"));
      assertThat(p.sex()).isEqualTo("M".equals(src.get("GENDER")) ? "1" : "2");
      assertThat(p.name()).contains(src.get("FIRST")).contains(src.get("LAST"));
      assertThat(p.address()).startsWith(src.get("ADDRESS")).contains(src.get("CITY"))
          .contains(", MA ");
      assertThat(p.phone()).as("FHIR telecom").isNotBlank();
      assertThat(v.note()).doesNotContain(src.get("LAST")).doesNotContain(src.get("SSN"));
    }
    // the serialised message carries them as optional patient fields
    JsonNode json = JSON.readTree(new EventWriter().visit(fhir.visits().get(0)));
    assertThat(json.path("patient").fieldNames()).toIterable()
        .contains("resident_id", "ssn", "passport", "drivers_license", "phone", "address");
    assertThat(json.path("schema_version").asInt()).isEqualTo(1);
  }

  @Test
  void bothFormatsGiveTheSamePatientsAndEvents() {
    assertThat(ids(csv.visits().stream().map(LoadedVisit::eventId).toList()))
        .isEqualTo(ids(fhir.visits().stream().map(LoadedVisit::eventId).toList()));
    assertThat(csv.visits()).hasSameSizeAs(fhir.visits());
    for (int i = 0; i < csv.visits().size(); i++) {
      LoadedVisit a = csv.visits().get(i);
      LoadedVisit b = fhir.visits().get(i);
      assertThat(a.eventId()).isEqualTo(b.eventId());
      assertThat(a.eventTime()).isEqualTo(b.eventTime());
      assertThat(a.facilityId()).isEqualTo(b.facilityId());
      assertThat(a.visitType()).isEqualTo(b.visitType());
      assertThat(a.diagnoses()).isEqualTo(b.diagnoses());
      // Synthea's CSV has no phone column and drops commas from descriptions
      assertThat(a.patient()).isEqualTo(new LoadedPatient(b.patient().residentId(),
          b.patient().name(), b.patient().sex(), b.patient().birthDate(), null,
          b.patient().address(), b.patient().ssn(), b.patient().passport(),
          b.patient().driversLicense()));
      assertThat(text(a.note())).isEqualTo(text(b.note()));
      assertThat(text(a.chiefComplaint())).isEqualTo(text(b.chiefComplaint()));
    }
    assertThat(csv.vitals()).hasSameSizeAs(fhir.vitals());
    for (int i = 0; i < csv.vitals().size(); i++) {
      VitalEvent a = csv.vitals().get(i);
      VitalEvent b = fhir.vitals().get(i);
      assertThat(a.eventId()).isEqualTo(b.eventId());
      assertThat(a.eventTime()).isEqualTo(b.eventTime());
      assertThat(a.patient()).isEqualTo(b.patient());
      assertThat(a.facilityId()).isEqualTo(b.facilityId());
      assertThat(a.code()).isEqualTo(b.code());
      assertThat(a.unit()).isEqualTo(b.unit());
      // the CSV rounds to one decimal, the bundle keeps two
      assertThat(a.value()).as(a.eventId()).isCloseTo(b.value(), within(0.051));
      // only the bundle says when a result was issued; the CSV has no such column
      assertThat(a.recordTime()).isNull();
      assertThat(b.recordTime()).as(b.eventId()).isNotNull();
    }
  }

  @Test
  void reloadingGivesIdenticalEventIds() throws Exception {
    EventWriter w = new EventWriter();
    for (Format f : Format.values()) {
      Path path = export.resolve(f == Format.FHIR ? "fhir" : "csv");
      EventMapper.Result again = new Loader().load(f, path, "synthea");
      EventMapper.Result first = f == Format.FHIR ? fhir : csv;
      assertThat(again.visits()).isEqualTo(first.visits());
      assertThat(again.vitals()).isEqualTo(first.vitals());
      assertThat(w.vital(again.vitals().get(0))).isEqualTo(w.vital(first.vitals().get(0)));
    }
    Set<String> all = new HashSet<>();
    csv.visits().forEach(v -> all.add(v.eventId()));
    csv.vitals().forEach(v -> all.add(v.eventId()));
    assertThat(all).as("ids are unique").hasSize(csv.visits().size() + csv.vitals().size());
    // another source name gives other ids: two sources never collide
    EventMapper.Result other = new Loader().load(Format.SYNTHEA_CSV, export.resolve("csv"), "b");
    assertThat(other.visits().get(0).eventId()).isNotIn(all);
  }

  @Test
  void loadCommandPublishesToKafkaAndEventsReadBack(@TempDir Path home) throws Exception {
    cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build()).build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("t.visits", 2, (short) 1),
          new NewTopic("t.vitals", 2, (short) 1))).all().get();
    }
    Files.writeString(home.resolve(CarelakeConfig.FILE_NAME), String.join("\n",
        CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS + "=" + cluster.bootstrapServers(),
        CarelakeConfig.KAFKA_TOPIC_VISITS + "=t.visits",
        CarelakeConfig.KAFKA_TOPIC_VITALS + "=t.vitals") + "\n");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    LoadCommand cmd = new LoadCommand(new PrintStream(stdout, true, StandardCharsets.UTF_8),
        System.err);
    int exit = cmd.execute("--home", home.toString(), "--format", "fhir",
        "--source", "synthea", export.resolve("fhir").toString());
    String out = stdout.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out).contains("reconciles").contains("unmapped").contains("events/s");

    List<ConsumerRecord<byte[], byte[]>> visits = readAll("t.visits");
    List<ConsumerRecord<byte[], byte[]>> vitals = readAll("t.vitals");
    assertThat(visits).hasSize(fhir.visits().size());
    assertThat(vitals).hasSize(fhir.vitals().size());
    JsonSchema visitSchema = schema("visit-event.schema.json");
    Set<String> ids = new HashSet<>();
    Map<String, Integer> partitionOf = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : visits) {
      JsonNode v = JSON.readTree(r.value());
      assertThat(visitSchema.validate(v)).isEmpty();
      String resident = v.path("patient").path("resident_id").asText();
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(resident);
      // keyed by resident id: one patient's visits stay on one partition, in order
      assertThat(partitionOf.computeIfAbsent(resident, k -> r.partition()))
          .isEqualTo(r.partition());
      ids.add(v.path("event_id").asText());
    }
    for (ConsumerRecord<byte[], byte[]> r : vitals) {
      ids.add(JSON.readTree(r.value()).path("event_id").asText());
    }
    Set<String> expected = new HashSet<>();
    fhir.visits().forEach(v -> expected.add(v.eventId()));
    fhir.vitals().forEach(v -> expected.add(v.eventId()));
    assertThat(ids).isEqualTo(expected);

    // loading the CSV export of the same population publishes the same event ids again:
    // ingestion's dedup by event_id keeps one copy of each
    assertThat(new LoadCommand().execute("--home", home.toString(), "--format",
        "synthea-csv", "--source", "synthea", export.resolve("csv").toString())).isZero();
    List<ConsumerRecord<byte[], byte[]>> again = readAll("t.vitals");
    assertThat(again).hasSize(2 * fhir.vitals().size());
    Set<String> distinct = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : again) {
      distinct.add(JSON.readTree(r.value()).path("event_id").asText());
    }
    assertThat(distinct).hasSize(fhir.vitals().size());
  }

  @Test
  void outFileAndDirectoryWriteEveryEvent(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("events.jsonl");
    assertThat(new LoadCommand().execute("--format", "synthea-csv", "--out",
        file.toString(), export.toString())).isZero();
    assertThat(Files.readAllLines(file)).hasSize(csv.visits().size() + csv.vitals().size());
    Path out = dir.resolve("publishable");
    assertThat(new LoadCommand().execute("--format", "fhir", "--out",
        out.toString(), export.resolve("fhir").toString())).isZero();
    assertThat(Files.readAllLines(out.resolve("visits.jsonl"))).hasSize(fhir.visits().size());
    assertThat(Files.readAllLines(out.resolve("vitals.jsonl"))).hasSize(fhir.vitals().size());
  }

  private static String text(String s) {
    return s == null ? null : s.replace(",", " ").replaceAll("\\s+", " ");
  }

  private static Set<String> ids(List<String> ids) {
    return new HashSet<>(ids);
  }

  private static List<Map<String, String>> csvRows(String file) throws Exception {
    CsvMapper mapper = new CsvMapper();
    List<Map<String, String>> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it = mapper.readerFor(Map.class)
        .with(CsvSchema.emptySchema().withHeader())
        .readValues(export.resolve("csv").resolve(file).toFile())) {
      it.forEachRemaining(rows::add);
    }
    return rows;
  }

  private static JsonSchema schema(String name) throws Exception {
    try (InputStream in = TestSyntheaLoads.class.getResourceAsStream("/carelake/schemas/"
        + name)) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }
}
