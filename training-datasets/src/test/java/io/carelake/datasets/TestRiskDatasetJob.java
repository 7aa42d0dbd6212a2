package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** risk-dataset: the temporal patient-disjoint split, transforms, data card, registry, blocking. */
class TestRiskDatasetJob {

  static final List<LocalDate> INDEX_DATES = List.of(LocalDate.parse("2025-01-01"),
      LocalDate.parse("2025-02-01"), LocalDate.parse("2025-03-01"), LocalDate.parse("2025-04-01"),
      LocalDate.parse("2025-05-01"), LocalDate.parse("2025-06-01"), LocalDate.parse("2025-07-01"));
  /** Six of the seven index dates: 2025-02-01 .. 2025-07-01 (the first one lies outside). */
  static final String START = "2025-01-15";
  static final String END = "2025-07-15";

  @TempDir Path home;
  CarelakeConfig cfg;

  @AfterEach
  void stopSpark() {
    LocalSpark.stop();
  }

  int run(String... extra) {
    LocalSpark.session(cfg);
    List<String> args = new ArrayList<>(List.of("--home", home.toString(), "--interval-start",
        START, "--interval-end", END));
    args.addAll(List.of(extra));
    return JobMain.run(new RiskDatasetJob(), args.toArray(String[]::new));
  }

  @Test
  void splitsByTimeAndPatientFitsTransformsAndWritesACardAndARegistryRow() throws Exception {
    cfg = CarelakeConfig.load(home);
    List<FeatureFixture.FeatureRow> fixture = FeatureFixture.rows("k1", 120, INDEX_DATES, 3,
        false);
    FeatureFixture.write(LocalSpark.session(cfg), fixture);
    assertThat(run()).isEqualTo(JobMain.EXIT_OK);

    SparkSession spark = LocalSpark.session(cfg);
    Row registry = spark.table("carelake.datasets.chronic_risk_datasets").head();
    String id = registry.getAs("dataset_id");
    assertThat(id).startsWith("rd-2025-01-15-2025-07-15-");
    // six index dates: the latest third (two) are test dates, from 2025-06-01 on
    assertThat(registry.<Date>getAs("test_from").toLocalDate()).isEqualTo(LocalDate.of(2025, 6, 1));
    List<Row> rows = spark.table("carelake.datasets.chronic_risk").where(col("dataset_id")
        .equalTo(id)).select("patient_pseudonym", "index_date", "split", "outcome").collectAsList();
    Map<String, Set<String>> sides = new HashMap<>();
    for (Row r : rows) {
      LocalDate d = r.getDate(1).toLocalDate();
      boolean test = r.getString(2).equals("test");
      // temporal: every train row before T0, every test row on or after it
      assertThat(test ? !d.isBefore(LocalDate.of(2025, 6, 1)) : d.isBefore(LocalDate.of(2025, 6,
          1))).as(r.toString()).isTrue();
      sides.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(2));
    }
    // patient-disjoint: no patient on both sides; about 30 % of patients on the test side
    assertThat(sides.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    long testPatients = sides.values().stream().filter(s -> s.contains("test")).count();
    assertThat(testPatients).isBetween(20L, 52L);
    // reconciliation: in = train + test + the two set-aside kinds
    long inInterval = fixture.stream().filter(f -> !f.indexDate().isBefore(LocalDate.parse(START))
        && f.indexDate().isBefore(LocalDate.parse(END))).count();
    Row run = LocalSpark.latestRun(spark, "risk-dataset");
    assertThat(run.<String>getAs("status")).isEqualTo("SUCCEEDED");
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(inInterval);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(rows.size());
    assertThat(run.<Long>getAs("rows_in") - run.<Long>getAs("rows_out"))
        .isEqualTo(run.<Long>getAs("rows_set_aside"));
    assertThat(run.<String>getAs("spec_hash")).isEqualTo(FeatureFixture.DEFINITION_HASH);

    // the transforms (per outcome) and the data card sit beside each other
    Path dir = Path.of(cfg.get(CarelakeConfig.DATASETS_DIR)).resolve("risk").resolve(id);
    assertThat(dir.resolve("transforms/hypertension/metadata")).isDirectory();
    JsonNode card = new ObjectMapper().readTree(dir.resolve("datacard.json").toFile());
    assertThat(card.path("cohort").path("hash").asText()).isEqualTo(FeatureFixture.DEFINITION_HASH);
    JsonNode htn = card.path("outcomes").get(0);
    assertThat(htn.path("id").asText()).isEqualTo("hypertension");
    JsonNode lastStep = htn.path("attrition").get(htn.path("attrition").size() - 1);
    assertThat(lastStep.path("remaining").asLong()).as("the attrition ends at the dataset's rows")
        .isEqualTo(rows.stream().filter(r -> r.getString(3).equals("hypertension")).count());
    assertThat(htn.path("features_without_values").asInt()).as("never_measured").isEqualTo(1);
    assertThat(htn.path("missingness").path("waist_last_365d").path("train").asDouble())
        .isBetween(0.25, 0.42);
    String markdown = Files.readString(dir.resolve("datacard.md"));
    assertThat(markdown).contains("# Data card: " + id).contains("## type2_diabetes")
        .contains("| test_patient_before_test_from |").contains(FeatureFixture.DEFINITION_HASH);

    // a rerun on the same rows is the same dataset, replaced
    assertThat(run()).isEqualTo(JobMain.EXIT_OK);
    spark = LocalSpark.session(cfg);
    assertThat(spark.table("carelake.datasets.chronic_risk_datasets").count()).isEqualTo(1);
    assertThat(spark.table("carelake.datasets.chronic_risk").count()).isEqualTo(rows.size());
  }

  @Test
  void theSplitIgnoresTheKeyIdAndFollowsTheSalt() {
    cfg = CarelakeConfig.load(home);
    SparkSession spark = LocalSpark.session(cfg);
    TemporalSplit split = new TemporalSplit(LocalDate.of(2025, 6, 1), 0.3, "salt-a");
    List<Row> people = new ArrayList<>();
    for (int p = 0; p < 200; p++) {
      people.add(org.apache.spark.sql.RowFactory.create(FeatureFixture.pseudonym("k1", p),
          FeatureFixture.pseudonym("key-2026", p)));
    }
    var frame = spark.createDataFrame(people, new org.apache.spark.sql.types.StructType()
        .add("a", "string").add("b", "string"));
    // the same patients under another key id land on the same sides; another salt moves some
    List<Boolean> withK1 = frame.withColumn("patient_pseudonym", col("a"))
        .select(split.testPatient()).as(org.apache.spark.sql.Encoders.BOOLEAN()).collectAsList();
    List<Boolean> withK2 = frame.withColumn("patient_pseudonym", col("b"))
        .select(split.testPatient()).as(org.apache.spark.sql.Encoders.BOOLEAN()).collectAsList();
    List<Boolean> otherSalt = frame.withColumn("patient_pseudonym", col("a"))
        .select(new TemporalSplit(split.testFrom(), 0.3, "salt-b").testPatient())
        .as(org.apache.spark.sql.Encoders.BOOLEAN()).collectAsList();
    assertThat(withK2).isEqualTo(withK1);
    assertThat(otherSalt).isNotEqualTo(withK1);
    assertThat(withK1.stream().filter(b -> b).count()).isBetween(40L, 80L);
  }

  @Test
  void tooFewEventsBlocksWithTheCountsAndWritesNothing() throws Exception {
    cfg = CarelakeConfig.load(home);
    FeatureFixture.write(LocalSpark.session(cfg), FeatureFixture.rows("k1", 40, INDEX_DATES, 5,
        true));
    assertThat(run()).isEqualTo(JobMain.EXIT_BLOCKED);
    SparkSession spark = LocalSpark.session(cfg);
    Row run = LocalSpark.latestRun(spark, "risk-dataset");
    assertThat(run.<String>getAs("status")).isEqualTo("BLOCKED");
    assertThat(run.<String>getAs("message")).contains("hypertension has 0 event(s) in")
        .contains("(minimum 10)").contains("nothing was written");
    assertThat(run.<scala.collection.Map<String, Long>>getAs("counts")
        .get("hypertension.train.events").get()).isZero();
    assertThat(spark.catalog().tableExists("carelake.datasets.chronic_risk")).isFalse();
    assertThat(spark.catalog().tableExists("carelake.datasets.chronic_risk_datasets")).isFalse();
  }
}
