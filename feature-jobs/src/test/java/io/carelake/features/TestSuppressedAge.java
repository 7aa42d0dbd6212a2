package io.carelake.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.features.cohort.DefinitionLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Age from a latest visit whose birth year and age k-anonymity suppressed (both null) stays
 * unknown: null age, null band, null flag, never "90+". Spark's least() skips nulls, so
 * {@code least(null, 90)} is 90: the leakage audit once caught a suppressed age written as 90+.
 * The other rows pin the neighbouring cases (exact, widened, withheld below the top code, top
 * code), hand-computed for index 2025-04-01; the audit's own recomputation agrees.
 */
class TestSuppressedAge {

  @TempDir static Path home;
  static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = TestSessions.open(CarelakeConfig.load(home));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** patient → (age, age_band, age_band_generalised) as the job states them. */
  static Map<String, List<Object>> demographics() {
    Dataset<Row> rows = spark.sql("SELECT p AS patient_pseudonym,"
        + " DATE '2025-04-01' AS index_date, named_struct('sex', '1', 'birth_year', by,"
        + " 'birth_year_band_years', band, 'age_at_visit', aav,"
        + " 'visit_time', TIMESTAMP '2024-06-01 08:00:00', 'facility_id', 'F11010501') AS _latest"
        + " FROM VALUES ('suppressed', CAST(NULL AS INT), CAST(NULL AS INT), CAST(NULL AS INT)),"
        + " ('exact', 1970, 1, 55), ('widened', 1961, 10, 63), ('withheld', NULL, NULL, 45),"
        + " ('top', NULL, NULL, 90) AS t(p, by, band, aav)");
    Map<String, List<Object>> out = new HashMap<>();
    for (Row r : CohortBuilder.demographics(rows).collectAsList()) {
      out.put(r.getAs("patient_pseudonym"), java.util.Arrays.asList(r.getAs("age"),
          r.getAs("age_band"), r.getAs("age_band_generalised")));
    }
    return out;
  }

  @Test
  void aSuppressedAgeStaysUnknownNeverNinetyPlus() {
    Map<String, List<Object>> d = demographics();
    assertThat(d.get("suppressed")).containsExactly(null, null, null);
    assertThat(d.get("exact")).containsExactly(55, "50-59", false);
    // a 10-year band's middle: 2025 - 1961 - 4
    assertThat(d.get("widened")).containsExactly(60, "60-69", true);
    // age withheld below the top code: the age at the visit plus the years since, flagged
    assertThat(d.get("withheld")).containsExactly(46, "40-49", true);
    // the top code stays the top code: 90+, exact as far as it goes
    assertThat(d.get("top")).containsExactly(90, "90+", false);
  }

  @Test
  void theAuditsRecomputationAlsoLeavesASuppressedAgeUnknown() {
    LeakageAudit audit = new LeakageAudit(DefinitionLoader.builtIn());
    LeakageAudit.Fact suppressed = new LeakageAudit.Fact("suppressed", "v1",
        Instant.parse("2024-06-01T08:00:00Z"), Instant.parse("2024-06-01T08:30:00Z"), null, null,
        null, "outpatient", List.of(), List.of(), "1", null, null, null);
    Map<String, Object> expected = audit.recompute(LocalDate.of(2025, 4, 1), List.of(suppressed),
        List.of());
    assertThat(expected).containsEntry("age", null).containsEntry("sex", "1");
  }
}
