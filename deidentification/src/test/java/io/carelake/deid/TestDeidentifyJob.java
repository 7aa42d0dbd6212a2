// Over 400 lines: the job's end-to-end cases share one fixture and its helpers.
package io.carelake.deid;

import io.carelake.privacy.PhiScrubber;
import io.carelake.privacy.PseudonymKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.deid.CuratedFixture.Patient;
import io.carelake.deid.CuratedFixture.Visit;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestDeidentifyJob {

  static final LocalDate START = CuratedFixture.START;
  static final LocalDate END = CuratedFixture.END;
  /** bytes 0x01..0x20 */
  static final String KEY_B64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
  /** 32 bytes 0xAA: a second key. */
  static final String OTHER_KEY_B64 = java.util.Base64.getEncoder().encodeToString(
      filled((byte) 0xAA));

  @TempDir
  Path home;

  CarelakeConfig cfg;
  Path keyFile;

  static byte[] filled(byte b) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, b);
    return k;
  }

  @BeforeEach
  void writeCurated() throws Exception {
    LocalSpark.stop(); // a session left by another test class would hold another home's catalog
    cfg = CarelakeConfig.load(home, Map.of());
    keyFile = Path.of(cfg.get(CarelakeConfig.DEID_KEY_FILE));
    // three patients cannot be 5-anonymous: the tests below that are not about k ask for k = 1
    configure(KAnonymity.K_KEY, "1");
    CuratedFixture.write(cfg, LocalSpark.session(cfg));
  }

  /** Sets a configuration key in the home's file (the job reads it when it starts). */
  void configure(String key, String value) throws Exception {
    Files.writeString(cfg.file(), "\n" + key + "=" + value + "\n",
        java.nio.file.StandardOpenOption.APPEND);
  }

  @AfterEach
  void stopSpark() {
    LocalSpark.stop();
  }

  void writeKeyFile(String b64) throws Exception {
    Files.createDirectories(keyFile.getParent());
    Files.writeString(keyFile, b64 + "\n");
    // owner-only, as the job requires (a key others can read reverses every pseudonym)
    Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
  }

  record Outcome(int exit, String stderr) {}

  Outcome run(LocalDate start, LocalDate end, DeidentifyJob job) {
    LocalSpark.session(cfg);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = JobMain.run(job, new String[] {"--home", home.toString(),
          "--interval-start", start.toString(), "--interval-end", end.toString()});
    } finally {
      System.setErr(original);
    }
    String err = captured.toString(StandardCharsets.UTF_8);
    original.print(err);
    return new Outcome(exit, err);
  }

  Outcome run(LocalDate start, LocalDate end) {
    DeidentifyJob job = new DeidentifyJob();
    job.env = Map.of();
    return run(start, end, job);
  }

  static String hmacHex(String keyB64, String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(java.util.Base64.getDecoder().decode(keyB64), "HmacSHA256"));
    return java.util.HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * A patient's date offset as the README defines it, computed here with javax.crypto (not with
   * the code under test): floorMod(first 8 bytes of HMAC-SHA-256(key, "date-shift:" + id) as a
   * big-endian signed long, 2N + 1) - N.
   */
  static long referenceOffset(String keyB64, String residentId, int maxDays) throws Exception {
    byte[] h = java.util.HexFormat.of().parseHex(hmacHex(keyB64, "date-shift:"
        + residentId.toUpperCase(Locale.ROOT)));
    long v = java.nio.ByteBuffer.wrap(h, 0, 8).getLong();
    return Math.floorMod(v, 2L * maxDays + 1) - maxDays;
  }

  static String pseudonym(String keyB64, Patient p) throws Exception {
    return "k1:" + hmacHex(keyB64, p.residentId());
  }

  static Map<String, Row> byEventKey(Dataset<Row> df) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      out.put(r.getAs("event_key"), r);
    }
    return out;
  }

  static List<String> sortedJson(SparkSession spark, String table) {
    return spark.table(table).toJSON().collectAsList().stream().sorted().toList();
  }

  @Test
  void pseudonymisesScrubsAndReconciles() throws Exception {
    writeKeyFile(KEY_B64);
    Outcome out = run(START, END);
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_OK);

    SparkSession spark = LocalSpark.session(cfg);
    Dataset<Row> visits = spark.table("carelake.safe.visits");
    Dataset<Row> vitals = spark.table("carelake.safe.vitals");

    // exact schemas, in contract order
    assertThat(visits.columns()).containsExactlyElementsOf(SafeRows.VISIT_COLUMNS);
    assertThat(vitals.columns()).containsExactlyElementsOf(SafeRows.VITAL_COLUMNS);
    assertThat(visits.schema().apply("age_at_visit").dataType().typeName()).isEqualTo("integer");
    assertThat(visits.schema().apply("birth_year").dataType().typeName()).isEqualTo("integer");
    assertThat(visits.schema().apply("event_time").dataType().typeName()).isEqualTo("timestamp");

    // rows: the interval's curated rows that have a resident id, keyed by HMAC of the event id
    Map<String, Row> safeVisits = byEventKey(visits);
    Map<String, Visit> expectedVisits = new HashMap<>();
    for (Visit v : CuratedFixture.VISITS) {
      if (CuratedFixture.inInterval(v.eventTime(), START, END) && !v.p().residentId().isBlank()) {
        expectedVisits.put(hmacHex(KEY_B64, "event:" + v.eventId()), v);
      }
    }
    assertThat(safeVisits.keySet()).isEqualTo(expectedVisits.keySet()).hasSize(4);
    for (Map.Entry<String, Visit> e : expectedVisits.entrySet()) {
      Row r = safeVisits.get(e.getKey());
      assertThat(r.<String>getAs("patient_pseudonym")).isEqualTo(pseudonym(KEY_B64, e.getValue().p()));
      assertThat(r.<String>getAs("key_id")).isEqualTo("k1");
      assertThat(r.<String>getAs("sex")).isEqualTo(e.getValue().p().sex());
    }
    Map<String, Row> safeVitals = byEventKey(vitals);
    assertThat(safeVitals).hasSize(3);
    for (CuratedFixture.Vital s : CuratedFixture.VITALS) {
      Row r = safeVitals.get(hmacHex(KEY_B64, "event:" + s.eventId()));
      if (!CuratedFixture.inInterval(s.eventTime(), START, END)) {
        assertThat(r).isNull();
        continue;
      }
      // same patient, same pseudonym in visits and vitals
      assertThat(r.<String>getAs("patient_pseudonym")).isEqualTo(pseudonym(KEY_B64, s.p()));
      assertThat(r.<Double>getAs("value")).isEqualTo(s.value());
      assertThat(r.<String>getAs("unit")).isEqualTo(s.unit());
    }
    assertThat(visits.select("patient_pseudonym").distinct().count()).isEqualTo(3);

    // ages: 94 → 90 with birth year withheld; birthday not yet reached; birthday on the day
    Row v1 = safeVisits.get(hmacHex(KEY_B64, "event:v1"));
    Row v3 = safeVisits.get(hmacHex(KEY_B64, "event:v3"));
    Row v4 = safeVisits.get(hmacHex(KEY_B64, "event:v4"));
    assertThat(v1.<Integer>getAs("age_at_visit")).isEqualTo(90);
    assertThat(v1.<Integer>getAs("birth_year")).isNull();
    assertThat(v3.<Integer>getAs("age_at_visit")).isEqualTo(39);
    assertThat(v3.<Integer>getAs("birth_year")).isEqualTo(1985);
    assertThat(v4.<Integer>getAs("age_at_visit")).isEqualTo(65);
    assertThat(v4.<Integer>getAs("birth_year")).isEqualTo(1960);

    // the scrubbed text keeps the clinical content and carries the tags
    // an age over 89 is aggregated (HIPAA Safe Harbor), issue 11 item 2
    assertThat(v1.<String>getAs("note")).isEqualTo("患者[NAME]，男，90+岁，身份证号[ID]，联系电话[PHONE]，"
        + "家住[ADDRESS]。主诉：头晕。");
    assertThat(v3.<String>getAs("chief_complaint")).isEqualTo("[NAME]诉胸闷");
    assertThat(v4.<String>getAs("note")).isEqualTo("[NAME], MRN [ID], tel [PHONE], lives at [ADDRESS].");
    assertThat(safeVisits.get(hmacHex(KEY_B64, "event:v2")).<String>getAs("note"))
        .isEqualTo("[NAME]，电话[PHONE]。由其女儿[NAME]陪同就诊。身份证[ID]。[NAME]自述服药规律。");

    // no PHI of any input anywhere in safe.*, in any column (rows as JSON, case-insensitive)
    assertNoPhi(spark);

    // the ledger: in = out + set aside, the set-aside reason, inputs and outputs
    Row run = LocalSpark.latestRun(spark, "deidentify");
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(8);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(7);
    assertThat(run.<Long>getAs("rows_set_aside")).isEqualTo(1);
    scala.collection.Map<String, Long> counts = run.getAs("counts");
    assertThat(counts.get("set_aside.visits.no_resident_id").get()).isEqualTo(1L);
    assertThat(counts.get("set_aside.vitals.no_resident_id").get()).isEqualTo(0L);
    assertThat(counts.get("privacy.leaks_staged").get()).isEqualTo(0L);
    assertThat(counts.get("privacy.leaks_published").get()).isEqualTo(0L);
    assertThat(counts.get("privacy.resident_id_mentions").get()).isEqualTo(0L);
    assertThat(counts.get("safe.visits.rows").get()).isEqualTo(4L);
    assertThat(counts.get("visits.text_scrubbed").get()).isEqualTo(5L);
    scala.collection.Map<String, Long> inputs = run.getAs("input_snapshots");
    assertThat(inputs.contains("curated.visits")).isTrue();
    assertThat(inputs.contains("curated.vitals")).isTrue();
    scala.collection.Map<String, Long> outputs = run.getAs("output_snapshots");
    assertThat(outputs.get("safe.visits").get()).isEqualTo(spark.sql(
        "SELECT snapshot_id FROM carelake.safe.visits.snapshots ORDER BY committed_at DESC LIMIT 1")
        .first().getLong(0));
    scala.collection.Map<String, String> params = run.getAs("parameters");
    assertThat(params.get("key_id").get()).isEqualTo("k1");

    // governance.privacy_results: one row per table for this run; k = 1 releases everything
    List<Row> privacy = spark.sql("SELECT * FROM carelake.governance.privacy_results WHERE run_id = '"
        + run.<String>getAs("run_id") + "' ORDER BY table").collectAsList();
    assertThat(privacy).hasSize(2);
    Row pv = privacy.get(0);
    assertThat(pv.<String>getAs("table")).isEqualTo("safe.visits");
    assertThat(pv.<Integer>getAs("k")).isEqualTo(1);
    assertThat(pv.<Long>getAs("records")).isEqualTo(4);
    // Ouyang (1, top-coded, F001) with 2 visits, Wang (2, 1985), Li (1, 1960): 3 classes of 1
    assertThat(pv.<Long>getAs("classes")).isEqualTo(3);
    assertThat(pv.<Long>getAs("min_class_size")).isEqualTo(1);
    assertThat(pv.<Double>getAs("prosecutor_risk_max")).isEqualTo(1.0);
    assertThat(pv.<Double>getAs("prosecutor_risk_mean")).isEqualTo(1.0);
    assertThat(pv.<Long>getAs("records_suppressed")).isZero();
    assertThat(pv.<Double>getAs("information_loss")).isZero();
    assertThat(pv.<String>getAs("status")).isEqualTo("PASSED");
    // the shipped policy: dates shifted by up to 30 days, recorded with the release model
    assertThat(pv.<Integer>getAs("date_shift_days")).isEqualTo(30);
    assertThat(pv.<String>getAs("release_model")).isEqualTo("agreement");
    assertThat(pv.<Double>getAs("max_class_risk")).isEqualTo(0.2);
    // the report's class-size distribution and generalisation levels: 3 classes of one patient
    assertThat(pv.<scala.collection.Map<String, Long>>getAs("class_sizes").get("1").get())
        .isEqualTo(3L);
    assertThat(pv.<scala.collection.Map<String, Long>>getAs("records_by_level").get("0").get())
        .isEqualTo(4L);
    // the policy's hash is the run's spec hash
    assertThat(run.<String>getAs("spec_hash")).isEqualTo(DeidPolicy.builtIn().sha256())
        .matches("[0-9a-f]{64}");
    assertThat(privacy.get(1).<String>getAs("table")).isEqualTo("safe.vitals");
    assertThat(privacy.get(1).<Long>getAs("records")).isEqualTo(3);
    assertThat(spark.table("carelake.safe.visits_date_shifted").count()).isEqualTo(4);
    assertThat(spark.table("carelake.safe.vitals_date_shifted").count()).isEqualTo(3);
    // write-audit-publish: the run's outputs are the published snapshots, no branch is left,
    // and no older snapshot of a released table remains readable
    scala.collection.Map<String, Long> published = run.getAs("output_snapshots");
    for (String t : List.of("safe.visits", "safe.vitals", "safe.visits_date_shifted",
        "safe.vitals_date_shifted")) {
      long current = spark.sql("SELECT snapshot_id FROM carelake." + t + ".snapshots ORDER BY"
          + " committed_at DESC LIMIT 1").first().getLong(0);
      assertThat(published.get(t).get()).as(t).isEqualTo(current);
      assertThat(spark.sql("SELECT * FROM carelake." + t + ".refs").count()).as(t).isEqualTo(1);
    }

    // the key itself is never printed nor recorded
    assertThat(out.stderr()).contains("[deidentify]").doesNotContain(KEY_B64)
        .doesNotContain("0102030405060708");
    assertThat(run.toString()).doesNotContain(KEY_B64);
  }

  void assertNoPhi(SparkSession spark) {
    List<String> rows = new ArrayList<>();
    rows.addAll(spark.table("carelake.safe.visits").toJSON().collectAsList());
    rows.addAll(spark.table("carelake.safe.vitals").toJSON().collectAsList());
    assertThat(rows).isNotEmpty();
    for (StructField f : spark.table("carelake.safe.visits").schema().fields()) {
      assertThat(f.name()).isNotIn("resident_id", "patient_name", "phone", "address",
          "birth_date", "clinician_id", "event_id");
    }
    for (String row : rows) {
      String lower = row.toLowerCase(Locale.ROOT);
      for (String phi : CuratedFixture.phiSubstrings()) {
        assertThat(lower).as("safe row %s must not contain '%s'", row, phi)
            .doesNotContain(phi.toLowerCase(Locale.ROOT));
      }
      assertThat(PhiScrubber.hasPattern(row)).as("id or mobile pattern in %s", row).isFalse();
    }
  }

  @Test
  void rerunsAreIdempotentStableAndReplaceOnlyTheirInterval() throws Exception {
    writeKeyFile(KEY_B64);
    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.session(cfg);
    List<String> firstVisits = sortedJson(spark, "carelake.safe.visits");
    List<String> firstVitals = sortedJson(spark, "carelake.safe.vitals");

    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);
    spark = LocalSpark.session(cfg);
    assertThat(sortedJson(spark, "carelake.safe.visits")).isEqualTo(firstVisits);
    assertThat(sortedJson(spark, "carelake.safe.vitals")).isEqualTo(firstVitals);

    // the next day adds v5 and leaves the first interval alone; the day before adds v0 and s0
    assertThat(run(END, END.plusDays(1)).exit()).isEqualTo(JobMain.EXIT_OK);
    assertThat(run(START.minusDays(1), START).exit()).isEqualTo(JobMain.EXIT_OK);
    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);
    spark = LocalSpark.session(cfg);
    Dataset<Row> visits = spark.table("carelake.safe.visits");
    assertThat(visits.count()).isEqualTo(6);
    assertThat(visits.select("event_key").distinct().count()).isEqualTo(6);
    assertThat(spark.table("carelake.safe.vitals").count()).isEqualTo(4);
    assertThat(visits.where("event_time >= timestamp'2025-03-01 00:00:00' "
        + "AND event_time < timestamp'2025-03-03 00:00:00'").toJSON().collectAsList().stream()
        .sorted().toList()).isEqualTo(firstVisits);
    // one patient, one pseudonym, across days and tables
    assertThat(visits.where("patient_pseudonym = '" + pseudonym(KEY_B64, CuratedFixture.LI) + "'")
        .count()).isEqualTo(2);
    assertThat(spark.table("carelake.safe.vitals").where("patient_pseudonym = '"
        + pseudonym(KEY_B64, CuratedFixture.OUYANG) + "'").count()).isEqualTo(2);
    assertNoPhi(spark);
  }

  @Test
  void anotherKeyGivesOtherPseudonymsAndTheEnvironmentWins() throws Exception {
    writeKeyFile(KEY_B64);
    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.session(cfg);
    List<String> first = spark.table("carelake.safe.visits").select("patient_pseudonym")
        .distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();

    // other key bytes under the same key id: refused, nothing read (issue 11 item 8)
    DeidentifyJob job = new DeidentifyJob();
    job.env = Map.of(CarelakeConfig.DEID_KEY_ENV_DEFAULT, OTHER_KEY_B64);
    Outcome refused = run(START, END, job);
    assertThat(refused.exit()).isEqualTo(JobMain.EXIT_FAILED);
    assertThat(refused.stderr()).contains("key id 'k1' was first used with fingerprint")
        .contains("deid.key-id=<new id>").doesNotContain(OTHER_KEY_B64);

    // a deliberate rotation: a new id
    configure(CarelakeConfig.DEID_KEY_ID, "k2");
    job = new DeidentifyJob();
    job.env = Map.of(CarelakeConfig.DEID_KEY_ENV_DEFAULT, OTHER_KEY_B64);
    Outcome out = run(START, END, job);
    assertThat(out.exit()).as(out.stderr()).isEqualTo(JobMain.EXIT_OK);
    assertThat(out.stderr()).doesNotContain(OTHER_KEY_B64);
    spark = LocalSpark.session(cfg);
    List<String> second = spark.table("carelake.safe.visits").select("patient_pseudonym")
        .distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertThat(second).hasSize(3).doesNotContainAnyElementsOf(first)
        .contains("k2:" + hmacHex(OTHER_KEY_B64, CuratedFixture.WANG.residentId()));
    assertThat(LocalSpark.latestRun(spark, "deidentify")
        .<scala.collection.Map<String, String>>getAs("parameters").get("key_source").get())
        .isEqualTo("env:" + CarelakeConfig.DEID_KEY_ENV_DEFAULT);
  }

  @Test
  void theShippedSettingsBlockAReleaseTooSmallForTheReleaseModel() throws Exception {
    writeKeyFile(KEY_B64);
    // no deid.k override: the shipped policy and the default release model (agreement, k 5)
    Files.writeString(cfg.file(), Files.readString(cfg.file())
        .replace("\n" + KAnonymity.K_KEY + "=1\n", "\n"));
    Outcome out = run(START, END);
    assertThat(out.exit()).as(out.stderr()).isEqualTo(JobMain.EXIT_BLOCKED);
    assertThat(out.stderr()).contains("k-anonymity of the agreement release model")
        .contains("needs k=5");
    SparkSession spark = LocalSpark.session(cfg);
    assertThat(spark.catalog().tableExists("carelake.safe.visits")).isFalse();
    Row pv = spark.sql("SELECT * FROM carelake.governance.privacy_results WHERE table ="
        + " 'safe.visits'").first();
    assertThat(pv.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(pv.<String>getAs("release_model")).isEqualTo("agreement");
    assertThat(pv.<Integer>getAs("k")).isEqualTo(5);
    // a public release asks for classes of 20
    configure(ReleaseModel.CONFIG_KEY, "public");
    Outcome pub = run(START, END);
    assertThat(pub.exit()).isEqualTo(JobMain.EXIT_BLOCKED);
    assertThat(pub.stderr()).contains("public release model").contains("needs k=20");
  }

  @Test
  void aRunStoppedBeforeThePublishLeavesEveryReleasedTableAsItWas() throws Exception {
    writeKeyFile(KEY_B64);
    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.session(cfg);
    Map<String, Long> before = new HashMap<>();
    Map<String, List<String>> rows = new HashMap<>();
    List<String> tables = List.of("safe.visits", "safe.vitals", "safe.visits_date_shifted",
        "safe.vitals_date_shifted");
    for (String t : tables) {
      before.put(t, spark.sql("SELECT snapshot_id FROM carelake." + t + ".snapshots ORDER BY"
          + " committed_at DESC LIMIT 1").first().getLong(0));
      rows.put(t, sortedJson(spark, "carelake." + t));
    }
    DeidentifyJob job = new DeidentifyJob();
    job.env = Map.of();
    job.beforePublish = () -> {
      throw new IllegalStateException("stopped before the publish");
    };
    CuratedFixture.write(cfg, LocalSpark.session(cfg), List.of(new Visit("v9", CuratedFixture.LI,
        java.time.Instant.parse("2025-03-02T09:00:00Z"), "复诊", "血压平稳。")), false);
    assertThat(run(START, END, job).exit()).isEqualTo(JobMain.EXIT_FAILED);
    spark = LocalSpark.session(cfg);
    for (String t : tables) {
      // main is where it was: same snapshot, same rows (v9 written on the branch only)
      org.apache.spark.sql.Row main = spark.sql("SELECT snapshot_id FROM carelake." + t
          + ".refs WHERE name = 'main'").first();
      assertThat(main.getLong(0)).as(t).isEqualTo(before.get(t));
      assertThat(sortedJson(spark, "carelake." + t)).as(t).isEqualTo(rows.get(t));
    }
    Row failed = LocalSpark.latestRun(spark, "deidentify");
    assertThat(failed.<String>getAs("status")).isEqualTo("FAILED");
    scala.collection.Map<String, Long> outputs = failed.getAs("output_snapshots");
    assertThat(outputs.contains("safe.visits")).as("an unpublished snapshot recorded").isFalse();
  }


  @Test
  void missingKeyFailsWithExitOneAndSaysHowToCreateIt() throws Exception {
    Outcome out = run(START, END);
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_FAILED);
    assertThat(out.stderr()).contains("No pseudonymisation key").contains(keyFile.toString())
        .contains("head -c 32 /dev/urandom | base64");
    SparkSession spark = LocalSpark.session(cfg);
    Row run = LocalSpark.latestRun(spark, "deidentify");
    assertThat(run.<String>getAs("status")).isEqualTo("FAILED");
    assertThat(run.<String>getAs("message")).contains("deid.key-file")
        .contains(CarelakeConfig.DEID_KEY_ENV_DEFAULT);
    assertThat(spark.catalog().tableExists("carelake.safe.visits")).isFalse();
  }

  @Test
  void missingCuratedTableFailsWithExitOneAndNamesIt() throws Exception {
    writeKeyFile(KEY_B64);
    LocalSpark.stop(); // its catalog cache still holds the table
    io.carelake.core.catalog.CatalogFactory.open(cfg).dropTable(
        io.carelake.core.catalog.CatalogFactory.identifier(
            io.carelake.core.tables.Tables.CURATED_VITALS), true);
    Outcome out = run(START, END);
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_FAILED);
    assertThat(out.stderr()).contains("curated.vitals does not exist").contains("run govern");
  }

  @Test
  void aScrubberGapBlocksTheRunBeforeSafeChanges() throws Exception {
    writeKeyFile(KEY_B64);
    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.session(cfg);
    List<String> before = sortedJson(spark, "carelake.safe.visits");
    long snapshotBefore = spark.sql("SELECT snapshot_id FROM carelake.safe.visits.snapshots "
        + "ORDER BY committed_at DESC LIMIT 1").first().getLong(0);

    DeidentifyJob job = new DeidentifyJob();
    job.env = Map.of();
    // a scrubber that misses everything: the Spark-side check must catch every note with PHI
    job.scrubber = (text, name, id, phone, address) -> text;
    Outcome out = run(START, END, job);
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_BLOCKED);
    assertThat(out.stderr()).contains("blocked").contains("Nothing was written");

    spark = LocalSpark.session(cfg);
    assertThat(sortedJson(spark, "carelake.safe.visits")).isEqualTo(before);
    assertThat(spark.sql("SELECT snapshot_id FROM carelake.safe.visits.snapshots "
        + "ORDER BY committed_at DESC LIMIT 1").first().getLong(0)).isEqualTo(snapshotBefore);
    Row run = LocalSpark.latestRun(spark, "deidentify");
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    // v1-v4 all mention their own identifiers (v6 is set aside, never published)
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts")
        .get("privacy.leaks_staged").get()).isEqualTo(4L);
    // v2 (full-width id) and v4 (source id) also carry a resident id as a whole token
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts")
        .get("privacy.resident_id_mentions").get()).isEqualTo(2L);
    assertThat(run.<Long>getAs("rows_out")).isZero();
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(run.<Long>getAs("rows_set_aside"));
  }

  @Test
  void anotherPatientsSourceIdInANoteBlocksTheRun() throws Exception {
    writeKeyFile(KEY_B64);
    // Wang's note names Li's source patient id: neither her own id nor an 18-digit pattern
    CuratedFixture.write(cfg, LocalSpark.session(cfg), List.of(new Visit("v7", CuratedFixture.WANG,
        java.time.Instant.parse("2025-03-02T16:00:00Z"), "复诊", "与病友P0004277同来复诊。")));
    Outcome out = run(START, END);
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_BLOCKED);
    SparkSession spark = LocalSpark.session(cfg);
    assertThat(spark.catalog().tableExists("carelake.safe.visits")).isFalse();
    scala.collection.Map<String, Long> counts = LocalSpark.latestRun(spark, "deidentify")
        .getAs("counts");
    assertThat(counts.get("privacy.resident_id_mentions").get()).isEqualTo(1L);
    assertThat(counts.get("privacy.leaks_staged").get()).isEqualTo(0L);
  }

  @Test
  void anyDirectIdentifierColumnTheRowCarriesIsCheckedInItsText() throws Exception {
    writeKeyFile(KEY_B64);
    SparkSession spark = LocalSpark.session(cfg);
    // a column a US loader adds (optional in the policy), and a note that repeats its value in a
    // form the scrubber has no rule for: the release gate must catch it from the column
    spark.sql("ALTER TABLE carelake.curated.visits ADD COLUMN patient_passport string");
    spark.sql("UPDATE carelake.curated.visits SET patient_passport = 'X48291735X',"
        + " note = concat(note, ' 证件X48291735X已核。') WHERE event_id = 'v1'");
    Outcome out = run(START, END);
    assertThat(out.exit()).as(out.stderr()).isEqualTo(JobMain.EXIT_BLOCKED);
    assertThat(out.stderr()).doesNotContain("X48291735X");
    spark = LocalSpark.session(cfg);
    assertThat(spark.catalog().tableExists("carelake.safe.visits")).isFalse();
    scala.collection.Map<String, Long> counts = LocalSpark.latestRun(spark, "deidentify")
        .getAs("counts");
    assertThat(counts.get("privacy.leaks_staged").get()).isEqualTo(1L);
  }

  @Test
  void kAnonymityBelowPolicyBlocksBeforeSafeChangesAndIsRecorded() throws Exception {
    writeKeyFile(KEY_B64);
    configure(KAnonymity.K_KEY, "5"); // the default: three patients cannot meet it
    Outcome out = run(START, END);
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_BLOCKED);
    assertThat(out.stderr()).contains("k-anonymity").contains("deid.k")
        .contains("4 of 4 visits would be suppressed");
    SparkSession spark = LocalSpark.session(cfg);
    assertThat(spark.catalog().tableExists("carelake.safe.visits")).isFalse();
    Row run = LocalSpark.latestRun(spark, "deidentify");
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<Long>getAs("rows_out")).isZero();
    List<Row> privacy = spark.sql("SELECT * FROM carelake.governance.privacy_results WHERE run_id = '"
        + run.<String>getAs("run_id") + "' ORDER BY table").collectAsList();
    assertThat(privacy).hasSize(2);
    Row pv = privacy.get(0);
    assertThat(pv.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(pv.<Integer>getAs("k")).isEqualTo(5);
    assertThat(pv.<Long>getAs("records")).isEqualTo(4);
    assertThat(pv.<Long>getAs("records_suppressed")).isEqualTo(4);
    assertThat(pv.<Long>getAs("min_class_size")).isNull();
    assertThat(pv.<Double>getAs("information_loss")).isEqualTo(1.0);
    // vitals at the same facility as the suppressed visits lose their facility too
    assertThat(privacy.get(1).<Long>getAs("records_suppressed")).isEqualTo(3);
  }

  @Test
  void suppressionWithinTheLimitKeepsEveryRowWithoutQuasiIdentifiers() throws Exception {
    writeKeyFile(KEY_B64);
    configure(KAnonymity.K_KEY, "2");
    configure(KAnonymity.MAX_SUPPRESSION_KEY, "1.0");
    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);
    SparkSession spark = LocalSpark.session(cfg);
    Dataset<Row> visits = spark.table("carelake.safe.visits");
    // safe rows = curated rows (with a resident id): suppression nulls the QIs, drops nothing
    assertThat(visits.count()).isEqualTo(4);
    assertThat(visits.where("sex IS NULL AND birth_year IS NULL AND age_at_visit IS NULL"
        + " AND facility_id IS NULL AND patient_pseudonym IS NOT NULL AND note IS NOT NULL")
        .count()).isEqualTo(4);
    assertThat(spark.table("carelake.safe.vitals").where("facility_id IS NULL").count())
        .isEqualTo(3);
    Row run = LocalSpark.latestRun(spark, "deidentify");
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(7);
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts")
        .get("privacy.k.records_suppressed").get()).isEqualTo(4L);
  }

  @Test
  void dateShiftingMovesEachPatientByOneOffsetIntoTheShiftedRelease() throws Exception {
    writeKeyFile(KEY_B64);
    Visit v8 = new Visit("v8", CuratedFixture.WANG, java.time.Instant.parse("2025-03-02T18:00:00Z"),
        "复诊", "2025-02-27复查血压，2025年3月1日随访，下次2025/3/30。");
    CuratedFixture.write(cfg, LocalSpark.session(cfg), List.of(v8), false);
    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);

    Map<String, java.time.Instant> eventTimes = new HashMap<>();
    Map<String, Patient> patients = new HashMap<>();
    List<Visit> visits = new ArrayList<>(CuratedFixture.VISITS);
    visits.add(v8);
    for (Visit v : visits) {
      eventTimes.put(hmacHex(KEY_B64, "event:" + v.eventId()), v.eventTime());
      patients.put(hmacHex(KEY_B64, "event:" + v.eventId()), v.p());
    }
    for (CuratedFixture.Vital s : CuratedFixture.VITALS) {
      eventTimes.put(hmacHex(KEY_B64, "event:" + s.eventId()), s.eventTime());
      patients.put(hmacHex(KEY_B64, "event:" + s.eventId()), s.p());
    }

    SparkSession spark = LocalSpark.session(cfg);
    // safe.* keep the real event and record times (the downstream contract)
    for (Row r : spark.table("carelake.safe.visits").collectAsList()) {
      assertThat(r.<java.sql.Timestamp>getAs("event_time").toInstant())
          .isEqualTo(eventTimes.get(r.<String>getAs("event_key")));
      assertThat(r.<java.sql.Timestamp>getAs("record_time").toInstant()).isEqualTo(
          eventTimes.get(r.<String>getAs("event_key")).plusSeconds(
              CuratedFixture.RECORD_DELAY_SECONDS));
    }
    List<String> firstShifted = sortedJson(spark, "carelake.safe.visits_date_shifted");
    List<Row> shifted = new ArrayList<>(spark.table("carelake.safe.visits_date_shifted")
        .collectAsList());
    shifted.addAll(spark.table("carelake.safe.vitals_date_shifted").collectAsList());
    assertThat(shifted).hasSize(5 + 3);
    Map<String, java.time.Duration> offsetOfPatient = new HashMap<>();
    for (Row r : shifted) {
      String eventKey = r.getAs("event_key");
      Patient p = patients.get(eventKey);
      long expected = referenceOffset(KEY_B64, p.residentId(), 30);
      assertThat(expected).isBetween(-30L, 30L);
      java.time.Instant original = eventTimes.get(eventKey);
      java.time.Instant moved = r.<java.sql.Timestamp>getAs("event_time").toInstant();
      // exactly whole days, the independently computed offset of the patient
      java.time.Duration measured = java.time.Duration.between(original, moved);
      assertThat(measured).isEqualTo(java.time.Duration.ofDays(expected));
      // and what the data shows for one pseudonym is one offset, in visits and vitals alike
      java.time.Duration before = offsetOfPatient.putIfAbsent(r.getAs("patient_pseudonym"),
          measured);
      if (before != null) {
        assertThat(measured).isEqualTo(before);
      }
      // the interval event → ingest is preserved exactly (60 s for visits, 30 s for vitals)
      assertThat(java.time.Duration.between(moved,
          r.<java.sql.Timestamp>getAs("ingest_time").toInstant()).getSeconds()).isIn(30L, 60L);
      // the source's record time moves with the patient's offset too (features judge by it)
      assertThat(java.time.Duration.between(moved,
          r.<java.sql.Timestamp>getAs("record_time").toInstant()).getSeconds())
          .isEqualTo(CuratedFixture.RECORD_DELAY_SECONDS);
    }
    assertThat(offsetOfPatient).hasSize(3);
    // intervals between two events of one patient are preserved: Ouyang's v1 → v2
    Map<String, Row> byKey = byEventKey(spark.table("carelake.safe.visits_date_shifted"));
    Row v1 = byKey.get(hmacHex(KEY_B64, "event:v1"));
    Row v2 = byKey.get(hmacHex(KEY_B64, "event:v2"));
    assertThat(java.time.Duration.between(v1.<java.sql.Timestamp>getAs("event_time").toInstant(),
        v2.<java.sql.Timestamp>getAs("event_time").toInstant())).isEqualTo(java.time.Duration
        .between(java.time.Instant.parse("2025-03-01T08:00:00Z"),
            java.time.Instant.parse("2025-03-02T10:00:00Z")));
    // dates in the note move by Wang's offset; her birth date moved with them
    int wang = (int) referenceOffset(KEY_B64, CuratedFixture.WANG.residentId(), 30);
    java.time.LocalDate d1 = java.time.LocalDate.parse("2025-02-27").plusDays(wang);
    java.time.LocalDate d2 = java.time.LocalDate.parse("2025-03-01").plusDays(wang);
    java.time.LocalDate d3 = java.time.LocalDate.parse("2025-03-30").plusDays(wang);
    Row r8 = byKey.get(hmacHex(KEY_B64, "event:v8"));
    assertThat(r8.<String>getAs("note")).isEqualTo(d1 + "复查血压，" + d2.getYear() + "年"
        + d2.getMonthValue() + "月" + d2.getDayOfMonth() + "日随访，下次" + d3.getYear() + "/"
        + d3.getMonthValue() + "/" + d3.getDayOfMonth() + "。");
    assertThat(r8.<Integer>getAs("birth_year")).isEqualTo(
        CuratedFixture.WANG.birthDate().plusDays(wang).getYear());
    assertThat(byKey.get(hmacHex(KEY_B64, "event:v3")).<String>getAs("note"))
        .contains("[ID]").contains("[PHONE]").doesNotContain("330106");
    assertThat(spark.table("carelake.safe.visits_date_shifted").columns())
        .containsExactlyElementsOf(SafeRows.VISIT_COLUMNS);

    // a rerun gives the same offsets and replaces the same rows: nothing duplicated
    assertThat(run(START, END).exit()).isEqualTo(JobMain.EXIT_OK);
    spark = LocalSpark.session(cfg);
    assertThat(sortedJson(spark, "carelake.safe.visits_date_shifted")).isEqualTo(firstShifted);
    assertThat(spark.table("carelake.safe.vitals_date_shifted").count()).isEqualTo(3);
    assertThat(spark.sql("SELECT date_shift_days FROM carelake.governance.privacy_results"
        + " WHERE table = 'safe.visits'").collectAsList()).extracting(r -> r.getInt(0))
        .containsOnly(30);
    assertNoPhi(spark);
  }

  /** The built-in policy with replacements, written to the home; returns the file. */
  Path policyVariant(String... fromTo) throws Exception {
    String text = TestDeidPolicy.builtInText();
    for (int i = 0; i < fromTo.length; i += 2) {
      assertThat(text).contains(fromTo[i]);
      text = text.replace(fromTo[i], fromTo[i + 1]);
    }
    Path f = home.resolve("my-policy.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void thePolicyDrivesTheReleasedColumns() throws Exception {
    writeKeyFile(KEY_B64);
    DeidentifyJob job = new DeidentifyJob();
    job.env = Map.of();
    job.policyFile = policyVariant(
        "sex:               {class: quasi_identifier, action: keep}",
        "sex:               {class: quasi_identifier, action: suppress}",
        "method: birth_year, top_code: 90}", "method: age_band, band_years: 5, top_code: 90}",
        "      facility_id:       {class: quasi_identifier, action: keep}\n      clinician_id",
        "      facility_id:       {class: quasi_identifier, action: generalise, method: region}"
            + "\n      clinician_id",
        "      facility_id:       {class: quasi_identifier, action: keep}\n      code",
        "      facility_id:       {class: quasi_identifier, action: generalise, method: region}"
            + "\n      code",
        "diagnoses:         {class: sensitive, action: keep}",
        "diagnoses:         {class: sensitive, action: suppress}",
        "event_id:          {class: clinical, action: pseudonymise, key: configured, output:"
            + " event_key}\n      event_time",
        "event_id:          {class: clinical, action: keep}\n      event_time");
    Outcome out = run(START, END, job);
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_OK);
    assertThat(out.stderr()).contains("policy " + job.policyFile);
    SparkSession spark = LocalSpark.session(cfg);
    Dataset<Row> visits = spark.table("carelake.safe.visits");
    // the contract's columns, whatever the policy: downstream jobs read them by name
    assertThat(visits.columns()).containsExactlyElementsOf(SafeRows.VISIT_COLUMNS);
    Map<String, Row> byEvent = byEventKey(visits);
    // event_id kept: event_key is the event id in clear
    assertThat(byEvent.keySet()).containsExactlyInAnyOrder("v1", "v2", "v3", "v4");
    for (Row r : byEvent.values()) {
      assertThat(r.<String>getAs("sex")).isNull();
      assertThat(r.<Integer>getAs("birth_year")).isNull();
      assertThat(r.<String>getAs("facility_id")).isEqualTo("other"); // F001 has no district code
      assertThat(r.<Object>getAs("diagnoses")).isNull();
      assertThat(r.<String>getAs("note")).doesNotContain("欧阳明华", "王芳");
    }
    // 5-year bands, top-coded at 90: Ouyang 94 → 90, Wang 39 → 35, Li 65 → 65
    assertThat(byEvent.get("v1").<Integer>getAs("age_at_visit")).isEqualTo(90);
    assertThat(byEvent.get("v3").<Integer>getAs("age_at_visit")).isEqualTo(35);
    assertThat(byEvent.get("v4").<Integer>getAs("age_at_visit")).isEqualTo(65);
    assertThat(spark.table("carelake.safe.vitals").where("facility_id = 'F001'").count()).isZero();
    assertThat(LocalSpark.latestRun(spark, "deidentify")
        .<scala.collection.Map<String, String>>getAs("parameters").get("policy").get())
        .isEqualTo(job.policyFile.toString());
    assertNoPhi(spark);
  }

  @Test
  void anUnclassifiedCuratedColumnFailsBeforeAnyRowIsRead() throws Exception {
    writeKeyFile(KEY_B64);
    DeidentifyJob job = new DeidentifyJob();
    job.env = Map.of();
    job.policyFile = policyVariant("      phone:             {class: direct_identifier, action:"
        + " drop}\n", "");
    Outcome out = run(START, END, job);
    assertThat(out.exit()).isEqualTo(JobMain.EXIT_FAILED);
    int columnsLine = TestDeidPolicy.lineOf(job.policyFile, "columns:");
    assertThat(out.stderr()).contains(job.policyFile + ":" + columnsLine + ": curated.visits has"
        + " a column 'phone' that the policy does not classify");
    SparkSession spark = LocalSpark.session(cfg);
    Row run = LocalSpark.latestRun(spark, "deidentify");
    assertThat(run.<String>getAs("status")).isEqualTo("FAILED");
    // nothing was read: no input snapshot recorded, no safe table created
    scala.collection.Map<String, Long> inputs = run.getAs("input_snapshots");
    assertThat(inputs == null || inputs.isEmpty()).isTrue();
    assertThat(spark.catalog().tableExists("carelake.safe.visits")).isFalse();
  }
}
