package io.carelake.governance;

import io.carelake.core.catalog.CatalogFactory;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.events.Codes;
import io.carelake.core.ids.ResidentIds;
import io.carelake.core.tables.TableSchemas;
import io.carelake.core.tables.Tables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.Catalog;
import org.apache.spark.sql.SparkSession;

/**
 * Hand-built raw.visits and raw.vitals in the shapes ingestion lands (core's TableSchemas, created
 * with the plain Iceberg API, rows inserted with Spark), with the rules each row must fail.
 *
 * <p>The standard fixture, for the interval [2025-03-01, 2025-03-03):
 * <ul>
 *   <li>22 visits in the interval: 20 good, 2 with a wrong GB 11643 check character
 *       (INVALID_RESIDENT_ID); outside it, a good visit at 2025-02-28 23:59:59 and a bad one at
 *       2025-03-03 00:00:00 (the exclusive end);
 *   <li>34 vitals in the interval: 28 good (4 per LOINC code, including the extremes the generator
 *       produces for good readings), 4 IMPOSSIBLE_VALUE (SBP 400, weight -5, glucose 150 mmol/L,
 *       HbA1c -1), 2 MIXED_UNITS (glucose in mg/dL); outside it, an SBP 400 on 2025-03-03.
 * </ul>
 */
final class RawFixture {

  static final String START = "2025-03-01";
  static final String END = "2025-03-03";

  static final String RESIDENT_ID_RULE = "visits-resident-id-check-digit";
  static final String RANGE_RULE = "vitals-value-plausible";
  static final String UNIT_RULE = "vitals-unit-canonical";

  private final List<String> visits = new ArrayList<>();
  private final List<String> vitals = new ArrayList<>();
  /** event id -> the rules it must fail (empty: curated), for rows inside the interval. */
  final Map<String, List<String>> expectedVisits = new LinkedHashMap<>();
  final Map<String, List<String>> expectedVitals = new LinkedHashMap<>();
  private long offset;

  static String validId(int n) {
    return ResidentIds.complete(String.format(Locale.ROOT, "110101%04d0101%03d", 1950 + n % 40,
        n % 1000));
  }

  /** The same body with a wrong check character. */
  static String invalidId(int n) {
    String good = validId(n);
    char wrong = good.charAt(17) == '1' ? '2' : '1';
    return good.substring(0, 17) + wrong;
  }

  RawFixture visit(String eventId, String time, String residentId, String sex, String birthDate,
      String visitType, boolean inInterval, String... diagnoses) {
    String dx = diagnoses.length == 0 ? "CAST(array() AS array<string>)"
        : "array(" + java.util.Arrays.stream(diagnoses).map(d -> "'" + d + "'")
            .collect(Collectors.joining(", ")) + ")";
    visits.add(String.format(Locale.ROOT, "('%s', TIMESTAMP '%s', 1, '%s', '张三', '%s', DATE '%s',"
            + " '13800138000', '北京市东城区某街1号', 'F001', 'D01', '%s', %s, '头晕3天', '血压偏高',"
            + " array(named_struct('drug', '氨氯地平', 'dose', '5 mg', 'frequency', 'qd', 'days', 30)),"
            + " 'carelake.visits', 0, %d, TIMESTAMP '%s' + INTERVAL 5 MINUTES,"
            + " TIMESTAMP '%s' + INTERVAL 2 MINUTES)",
        eventId, time, residentId, sex, birthDate, visitType, dx, offset++, time, time));
    return this;
  }

  RawFixture vital(String eventId, String time, String code, double value, String unit,
      String source) {
    String device = source.equals("home_device") ? "'DEV-" + eventId + "'" : "NULL";
    vitals.add(String.format(Locale.ROOT, "('%s', TIMESTAMP '%s', 1, '%s', 'F001', '%s', CAST(%s AS"
            + " DOUBLE), '%s', '%s', %s, 'carelake.vitals', 1, %d, TIMESTAMP '%s' + INTERVAL 5"
            + " MINUTES, TIMESTAMP '%s' + INTERVAL 2 MINUTES)",
        eventId, time, validId(7), code, Double.toString(value), unit, source, device, offset++,
        time, time));
    return this;
  }

  static RawFixture standard() {
    RawFixture f = new RawFixture();
    String[] types = {"outpatient", "follow_up", "chronic_review", "emergency", "home_visit",
        "inpatient"};
    String[][] dx = {{"I10"}, {"E11.9", "E78.5"}, {}, {"R51"}, {"Z00.0"}, {"J06.9"}, {"R73.03"}};
    for (int i = 1; i <= 20; i++) {
      String id = String.format(Locale.ROOT, "v%02d", i);
      String time = String.format(Locale.ROOT, "2025-03-0%d %02d:%02d:00", 1 + i % 2, i, 7 * i % 60);
      f.visit(id, time, validId(i), i % 2 == 0 ? "2" : "1",
          String.format(Locale.ROOT, "%d-0%d-15", 1940 + i * 2, 1 + i % 9), types[i % types.length],
          true, dx[i % dx.length]);
      f.expectedVisits.put(id, List.of());
    }
    for (int i = 21; i <= 22; i++) {
      String id = "v" + i;
      f.visit(id, "2025-03-02 1" + (i - 20) + ":30:00", invalidId(i), "1", "1960-05-05",
          "outpatient", true, "I10");
      f.expectedVisits.put(id, List.of(RESIDENT_ID_RULE));
    }
    f.visit("v90", "2025-02-28 23:59:59", validId(90), "2", "1970-01-01", "outpatient", false);
    f.visit("v91", "2025-03-03 00:00:00", invalidId(91), "2", "1970-01-01", "outpatient", false);

    Map<String, double[]> good = new LinkedHashMap<>();
    good.put(Codes.LOINC_SYSTOLIC_BP, new double[] {88, 120, 205, 150.5});
    good.put(Codes.LOINC_DIASTOLIC_BP, new double[] {50, 80, 120, 95});
    good.put(Codes.LOINC_GLUCOSE, new double[] {3.3, 5.6, 22.0, 7.8});
    good.put(Codes.LOINC_HBA1C, new double[] {4.2, 5.9, 13.5, 7.1});
    good.put(Codes.LOINC_BMI, new double[] {16, 24.5, 42, 30});
    good.put(Codes.LOINC_BODY_WEIGHT, new double[] {38, 70, 135, 90});
    good.put(Codes.LOINC_BODY_HEIGHT, new double[] {140, 165, 195, 172});
    int n = 0;
    for (Map.Entry<String, double[]> e : good.entrySet()) {
      for (double v : e.getValue()) {
        n++;
        String id = String.format(Locale.ROOT, "s%02d", n);
        f.vital(id, String.format(Locale.ROOT, "2025-03-0%d %02d:15:00", 1 + n % 2, n % 24),
            e.getKey(), v, Codes.CANONICAL_UNIT.get(e.getKey()),
            n % 3 == 0 ? "home_device" : "clinic");
        f.expectedVitals.put(id, List.of());
      }
    }
    f.badVital("s29", Codes.LOINC_SYSTOLIC_BP, 400, "mm[Hg]", RANGE_RULE);
    f.badVital("s30", Codes.LOINC_BODY_WEIGHT, -5, "kg", RANGE_RULE);
    f.badVital("s31", Codes.LOINC_GLUCOSE, 150, "mmol/L", RANGE_RULE);
    f.badVital("s32", Codes.LOINC_HBA1C, -1, "%", RANGE_RULE);
    f.badVital("s33", Codes.LOINC_GLUCOSE, 108, "mg/dL", UNIT_RULE);
    f.badVital("s34", Codes.LOINC_GLUCOSE, 252, "mg/dL", UNIT_RULE);
    f.vital("s90", "2025-03-03 01:00:00", Codes.LOINC_SYSTOLIC_BP, 400, "mm[Hg]", "clinic");
    return f;
  }

  private void badVital(String id, String code, double value, String unit, String rule) {
    vital(id, "2025-03-02 20:" + id.substring(1) + ":00", code, value, unit, "clinic");
    expectedVitals.put(id, List.of(rule));
  }

  /** Creates the raw tables with core's schemas and partition specs, then inserts the rows. */
  void create(CarelakeConfig cfg, SparkSession spark) {
    Catalog catalog = CatalogFactory.open(cfg);
    CatalogFactory.createIfMissing(catalog, Tables.RAW_VISITS, TableSchemas.RAW_VISITS,
        TableSchemas.rawVisitsSpec());
    CatalogFactory.createIfMissing(catalog, Tables.RAW_VITALS, TableSchemas.RAW_VITALS,
        TableSchemas.rawVitalsSpec());
    String c = cfg.catalogName();
    spark.sql("INSERT INTO " + Tables.RAW_VISITS.in(c) + " VALUES " + String.join(", ", visits));
    spark.sql("INSERT INTO " + Tables.RAW_VITALS.in(c) + " VALUES " + String.join(", ", vitals));
  }
}
