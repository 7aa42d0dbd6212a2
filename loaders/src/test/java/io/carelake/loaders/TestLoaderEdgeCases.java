package io.carelake.loaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.events.VitalEvent;
import io.carelake.core.jobs.JobExit;
import io.carelake.core.jobs.JobRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records that cannot be mapped are counted with a reason; conversions; bad input explained. */
class TestLoaderEdgeCases {

  private static final String BUNDLE = """
      {"resourceType": "Bundle", "type": "collection", "entry": [
       {"resource": {"resourceType": "Patient", "id": "p1", "gender": "other",
         "birthDate": "1960-02-03",
         "name": [{"use": "official", "family": "Doe", "given": ["Jane", "Q"], "prefix": ["Dr."]}],
         "telecom": [{"system": "email", "value": "x@y"}, {"system": "phone", "value": "555-1"}],
         "address": [{"line": ["1 Main St", "Apt 2"], "city": "Salem", "state": "Oregon",
                      "postalCode": "97301"}],
         "identifier": [{"system": "http://hl7.org/fhir/sid/us-ssn", "value": "999-00-1111"}]}},
       {"resource": {"resourceType": "Encounter", "id": "e1", "class": {"code": "EMER"},
         "subject": {"reference": "Patient/p1"},
         "period": {"start": "2024-05-01T10:00:00-04:00", "end": "2024-05-01T12:00:00-04:00"},
         "location": [{"location": {"reference": "Location/loc9"}}],
         "type": [{"text": "Emergency room admission"}],
         "reasonCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "29857009",
                                     "display": "Chest pain"}]}]}},
       {"resource": {"resourceType": "Encounter", "id": "e2", "class": {"code": "AMB"},
         "subject": {"reference": "Patient/nobody"}, "period": {"start": "2024-05-02"},
         "serviceProvider": {"reference": "Organization/o1"}}},
       {"resource": {"resourceType": "Encounter", "id": "e3", "class": {"code": "AMB"},
         "subject": {"reference": "Patient/p1"}, "period": {"start": "yesterday"}}},
       {"resource": {"resourceType": "Encounter", "id": "e4", "class": {"code": "XYZ"},
         "subject": {"reference": "Patient/p1"}, "period": {"start": "2024-06-01T08:00:00Z"},
         "serviceProvider": {"reference": "Organization?identifier=https://x|o7"}}},
       {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/p1"},
         "encounter": {"reference": "Encounter/e1"}, "effectiveDateTime": "2024-05-01T10:05:00-04:00",
         "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
         "valueQuantity": {"value": 150, "unit": "lb", "code": "[lb_av]"}}},
       {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/p1"},
         "encounter": {"reference": "Encounter/e1"}, "effectiveDateTime": "2024-05-01T10:05:00-04:00",
         "issued": "2024-05-02T09:30:00-04:00",
         "code": {"coding": [{"system": "http://loinc.org", "code": "2339-0"}]},
         "valueQuantity": {"value": 126, "code": "mg/dL"}}},
       {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/p1"},
         "encounter": {"reference": "Encounter/e1"}, "effectiveDateTime": "2024-05-01T10:05:00-04:00",
         "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]},
         "valueQuantity": {"value": 5, "code": "[ft_i]"}}},
       {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/p1"},
         "encounter": {"reference": "Encounter/e1"}, "effectiveDateTime": "2024-05-01T10:05:00-04:00",
         "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}]},
         "valueString": "high"}},
       {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/p1"},
         "effectiveDateTime": "2024-05-01T10:05:00-04:00",
         "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}]},
         "valueQuantity": {"value": 6.1, "code": "%"}}},
       {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/p1"},
         "encounter": {"reference": "Encounter/e1"},
         "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4"}]},
         "valueQuantity": {"value": 6.1, "code": "%"}}},
       {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/p1"},
         "encounter": {"reference": "Encounter/e1"}, "effectiveDateTime": "2024-05-01T10:05:00-04:00",
         "code": {"coding": [{"system": "http://loinc.org", "code": "2093-3"}]},
         "valueQuantity": {"value": 190, "code": "mg/dL"}}},
       {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p1"},
         "onsetDateTime": "2024-05-01T11:00:00-04:00",
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "59621000"}]}}},
       {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p1"},
         "encounter": {"reference": "Encounter/e1"},
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "29857009",
                              "display": "Chest pain"}]}}},
       {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p1"},
         "encounter": {"reference": "Encounter/e1"},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "E11.9"}]}}},
       {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p1"},
         "onsetDateTime": "2020-01-01",
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44054006"}]}}},
       {"resource": {"resourceType": "Procedure", "id": "x"}}
      ]}
      """;

  @Test
  void everyFhirRecordIsAnEventMergedOrSkippedWithAReason(@TempDir Path dir) throws Exception {
    Path bundle = dir.resolve("b.json");
    Files.writeString(bundle, BUNDLE);
    EventMapper.Result r = new Loader().load(Format.FHIR, bundle, "clinic-a");
    Ledger l = r.ledger();
    assertThat(l.reconciles()).isTrue();
    assertThat(l.read()).isEqualTo(Map.of("patient", 1L, "encounter", 4L, "observation", 7L,
        "condition", 4L));
    assertThat(l.skipped()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "encounter-unknown-patient", 1L,
        "encounter-bad-time", 1L,
        "observation-unit-not-convertible", 1L,
        "observation-no-numeric-value", 1L,
        "observation-no-encounter", 1L,
        "observation-no-time", 1L,
        "observation-code-not-of-interest", 1L,
        "condition-no-encounter", 1L,
        "condition-unmapped-code", 1L));
    assertThat(l.unmappedSnomed()).containsOnlyKeys("29857009");
    assertThat(l.notLoaded()).isEqualTo(Map.of("Procedure", 1L));

    assertThat(r.visits()).hasSize(2);
    LoadedVisit v = r.visits().stream().filter(x -> x.eventTime().startsWith("2024-05-01"))
        .findFirst().orElseThrow();
    assertThat(v.eventTime()).isEqualTo("2024-05-01T14:00:00Z");
    assertThat(v.facilityId()).as("location when no serviceProvider").isEqualTo("clinic-a:loc9");
    assertThat(v.visitType()).isEqualTo("emergency");
    // I10 found by onset within the encounter; E11.9 already ICD-10; chest pain unmapped
    assertThat(v.diagnoses()).containsExactly("E11.9", "I10");
    assertThat(v.chiefComplaint()).isEqualTo("Chest pain");
    assertThat(v.note()).contains("Emergency visit").contains("Chest pain").contains("(I10)");
    assertThat(v.patient()).isEqualTo(new LoadedPatient("p1", "Dr. Jane Q Doe", "9",
        "1960-02-03", "555-1", "1 Main St Apt 2, Salem, OR 97301", "999-00-1111", null, null));
    // an unknown class passes through (governance quarantines it with a reason)
    assertThat(r.visits()).extracting(LoadedVisit::visitType).contains("xyz");

    assertThat(r.vitals()).hasSize(2);
    VitalEvent weight = r.vitals().stream().filter(x -> x.code().equals("29463-7")).findFirst()
        .orElseThrow();
    assertThat(weight.value()).isEqualTo(68.04);
    assertThat(weight.unit()).isEqualTo("kg");
    VitalEvent glucose = r.vitals().stream().filter(x -> x.code().equals("2339-0")).findFirst()
        .orElseThrow();
    assertThat(glucose.value()).isEqualTo(6.99);
    assertThat(glucose.unit()).isEqualTo("mmol/L");
    assertThat(glucose.eventTime()).isEqualTo("2024-05-01T14:05:00Z");
    // FHIR's Observation.issued is the source's record time: the lab reported it the next day
    assertThat(glucose.recordTime()).isEqualTo("2024-05-02T13:30:00Z");
    assertThat(weight.recordTime()).as("no issued time: unknown, not guessed").isNull();
  }

  /**
   * Bundles are streamed entry by entry when resourceType comes first (as FHIR writers put it),
   * read whole otherwise: both give the same events; broken JSON says where.
   */
  @Test
  void aBundleLoadsTheSameWhereverItsResourceTypeStandsAndBrokenJsonSaysWhere(@TempDir Path dir)
      throws Exception {
    Path first = dir.resolve("first.json");
    Files.writeString(first, BUNDLE);
    Path last = dir.resolve("last.json");
    String reordered = BUNDLE.replaceFirst("\"resourceType\": \"Bundle\", ", "");
    reordered = reordered.substring(0, reordered.lastIndexOf("]}"))
        + "], \"resourceType\": \"Bundle\"}\n";
    Files.writeString(last, reordered);
    EventMapper.Result a = new Loader().load(Format.FHIR, first, "clinic-a");
    EventMapper.Result b = new Loader().load(Format.FHIR, last, "clinic-a");
    assertThat(b.ledger().read()).isEqualTo(a.ledger().read());
    assertThat(b.ledger().skipped()).isEqualTo(a.ledger().skipped());
    assertThat(b.visits()).isEqualTo(a.visits());
    assertThat(b.vitals()).isEqualTo(a.vitals());
    assertThat(a.visits()).hasSize(2);

    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, BUNDLE.substring(0, BUNDLE.indexOf("\"Observation\"") + 20)
        + "}}}");
    assertThatThrownBy(() -> new Loader().load(Format.FHIR, broken, "clinic-a"))
        .isInstanceOf(IOException.class).hasMessageContaining("broken.json")
        .hasMessageContaining("not a JSON FHIR bundle").hasMessageContaining("line ");
    Path notBundle = dir.resolve("patient.json");
    Files.writeString(notBundle, "{\"resourceType\": \"Patient\", \"entry\": []}");
    assertThatThrownBy(() -> new Loader().load(Format.FHIR, notBundle, "clinic-a"))
        .isInstanceOf(IOException.class).hasMessageContaining("'Patient', expected 'Bundle'");
  }

  /** --out FILE holds patient data: owner-only, and a symbolic link there is replaced, not followed. */
  @Test
  void theJsonlOutputIsOwnerOnlyAndNeverWrittenThroughALink(@TempDir Path dir) throws Exception {
    Path victim = dir.resolve("victim.txt");
    Files.writeString(victim, "keep me");
    Path out = dir.resolve("events.jsonl");
    Files.createSymbolicLink(out, victim);
    try (SingleJsonlSink sink = new SingleJsonlSink(out)) {
      sink.send(io.carelake.core.events.EventKind.VISIT, null,
          "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(Files.readString(victim)).isEqualTo("keep me");
    assertThat(Files.isSymbolicLink(out)).isFalse();
    assertThat(Files.readString(out)).isEqualTo("{\"a\":1}\n");
    assertThat(Files.getPosixFilePermissions(out))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (java.util.stream.Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("no temporary file left").hasSize(2);
    }
  }

  @Test
  void csvProblemsAreCountedAndMissingColumnsExplained(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("patients.csv"), """
        Id,BIRTHDATE,SSN,DRIVERS,PASSPORT,PREFIX,FIRST,MIDDLE,LAST,SUFFIX,GENDER,ADDRESS,CITY,STATE,ZIP
        p1,1970-01-01,999-1,S1,X1,Mr.,John,,Roe,,M,"2 Elm St, Unit 3",Austin,Texas,73301
        p2,1980-01-01,,,,,Ann,,Lee,,F,,,,
        """);
    Files.writeString(dir.resolve("encounters.csv"), """
        Id,START,STOP,PATIENT,ORGANIZATION,PROVIDER,ENCOUNTERCLASS,CODE,DESCRIPTION,REASONCODE,REASONDESCRIPTION
        e1,2024-01-01T10:00:00Z,2024-01-01T10:30:00Z,p1,o1,d1,wellness,1,"Check up, annual",,
        e2,2024-01-02T10:00:00Z,,p1,,d1,ambulatory,1,x,,
        e1,2024-01-03T10:00:00Z,,p1,o1,d1,ambulatory,1,x,,
        """);
    Files.writeString(dir.resolve("observations.csv"), """
        DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE
        2024-01-01T10:00:00Z,p1,e1,vital-signs,8480-6,Systolic,128.0,mm[Hg],numeric
        2024-01-01T10:00:00Z,p1,e1,vital-signs,8480-6,Systolic,131.0,mm[Hg],numeric
        2024-01-01T10:00:00Z,p1,e2,vital-signs,8462-4,Diastolic,80.0,mm[Hg],numeric
        2024-01-01T10:00:00Z,p1,e1,survey,72166-2,Tobacco,Never smoked,,text
        not-a-date,p1,e1,vital-signs,8302-2,Height,180,cm,numeric
        """);
    Files.writeString(dir.resolve("conditions.csv"), """
        START,STOP,PATIENT,ENCOUNTER,SYSTEM,CODE,DESCRIPTION
        2024-01-01,,p1,e1,http://snomed.info/sct,44054006,Diabetes mellitus type 2 (disorder)
        2024-01-01,,p1,e9,http://snomed.info/sct,59621000,Essential hypertension (disorder)
        """);
    EventMapper.Result r = new Loader().load(Format.SYNTHEA_CSV, dir, "s");
    Ledger l = r.ledger();
    assertThat(l.reconciles()).isTrue();
    assertThat(l.skipped()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "encounter-duplicate-id", 1L,
        "encounter-no-facility", 1L,
        "observation-encounter-not-loaded", 1L,
        "observation-code-not-of-interest", 1L,
        "observation-no-time", 1L,
        "condition-encounter-not-loaded", 1L,
        "patient-no-events", 1L));
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    l.print(new PrintStream(summary, true, StandardCharsets.UTF_8));
    assertThat(summary.toString(StandardCharsets.UTF_8))
        .contains("encounter-duplicate-id  e.g. encounters.csv:4")
        .contains("observation-no-time  e.g. observations.csv:6")
        .contains("condition-encounter-not-loaded  e.g. conditions.csv:3");
    assertThat(r.visits()).hasSize(1);
    LoadedVisit v = r.visits().get(0);
    assertThat(v.diagnoses()).containsExactly("E11.9");
    assertThat(v.patient().address()).isEqualTo("2 Elm St, Unit 3, Austin, TX 73301");
    assertThat(v.patient().name()).isEqualTo("Mr. John Roe");
    assertThat(v.patient().sex()).isEqualTo("1");
    // two systolic readings at the same time: both kept, with distinct stable ids
    assertThat(r.vitals()).extracting(VitalEvent::value).containsExactly(128.0, 131.0);
    assertThat(r.vitals().get(0).eventId()).isNotEqualTo(r.vitals().get(1).eventId());
    assertThat(new Loader().load(Format.SYNTHEA_CSV, dir, "s").vitals()).isEqualTo(r.vitals());

    Files.writeString(dir.resolve("conditions.csv"), "START,PATIENT,CODE\n");
    assertThatThrownBy(() -> new Loader().load(Format.SYNTHEA_CSV, dir, "s"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("conditions.csv:1: missing column ENCOUNTER");
    // a file without its header row: the message names the file and column, never the row
    Files.writeString(dir.resolve("conditions.csv"),
        "2020-01-01,p-1,enc-9,44054006,Diabetes of John Roe 555-12-3456\n");
    assertThatThrownBy(() -> new Loader().load(Format.SYNTHEA_CSV, dir, "s"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("conditions.csv:1: missing column")
        .hasMessageNotContaining("John Roe").hasMessageNotContaining("555-12-3456")
        .hasMessageNotContaining("p-1");
  }

  @Test
  void loadCommandExplainsUsageErrors(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThat(new LoadCommand(out, errors).execute("--format", "fhir",
        dir.resolve("none").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not exist");
    assertThat(new LoadCommand(out, errors).execute("--format", "hl7v2", dir.toString()))
        .isEqualTo(2);
    err.reset();
    assertThat(new LoadCommand(out, errors).execute("--format", "synthea-csv", dir.toString()))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no patients.csv");
    Files.writeString(dir.resolve("x.json"), "{\"resourceType\": \"Patient\"}");
    err.reset();
    assertThat(new LoadCommand(out, errors).execute("--format", "fhir", "--out",
        dir.resolve("o.jsonl").toString(), dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("x.json").contains("'Bundle'");
    assertThat(List.of(Format.values())).extracting(Format::label)
        .containsExactly("fhir", "synthea-csv");
  }

  /**
   * Bad input ends the load with exit 2 before anything is published: the runtime never reaches
   * the run, so no Kafka producer is made (the broker here does not exist and would fail it).
   */
  @Test
  void badInputExitsTwoBeforeKafkaIsReached(@TempDir Path dir) throws Exception {
    Path home = dir.resolve("home");
    CarelakeConfig.load(home, Map.of())
        .withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:1");
    Files.createDirectories(dir.resolve("csv"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream results = new PrintStream(out, true, StandardCharsets.UTF_8);

    JobRuntime.Outcome missing = new LoadCommand(results, errors).outcome("--home",
        home.toString(), "--format", "fhir", dir.resolve("none").toString());
    assertThat(missing.exit()).isEqualTo(JobExit.USAGE);
    assertThat(missing.engineStarted()).isFalse();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("carelake load: " + dir.resolve("none") + " does not exist");

    err.reset();
    JobRuntime.Outcome badConfig = new LoadCommand(results, errors).outcome("--config",
        dir.resolve("absent.properties").toString(), "--format", "synthea-csv",
        dir.resolve("csv").toString());
    assertThat(badConfig.exit()).isEqualTo(JobExit.USAGE);
    assertThat(badConfig.engineStarted()).isFalse();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Config file not found");

    err.reset();
    JobRuntime.Outcome badSource = new LoadCommand(results, errors).outcome("--home",
        home.toString(), "--format", "fhir", "--source", "no spaces", dir.toString());
    assertThat(badSource.exit()).isEqualTo(JobExit.USAGE);
    assertThat(badSource.engineStarted()).isFalse();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--source 'no spaces' must be")
        .contains("Usage: load");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("\tat ");
  }

  @Test
  void helpExitsZero() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
    JobRuntime.Outcome help = new LoadCommand(stream, stream).outcome("--help");
    assertThat(help.exit()).isEqualTo(JobExit.OK);
    assertThat(help.engineStarted()).isFalse();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
