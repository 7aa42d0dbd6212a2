package io.carelake.reports;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The de-identified release of the interval: the deidentify run's rows of
 * {@code governance.privacy_results} (k-anonymity measures per released table), the release gate's
 * PHI scan (the run's counts), the pseudonymisation key by its id only — never the key nor its
 * fingerprint — from {@code governance.pseudonym_keys}, and the date-shift policy.
 *
 * @param releaseStatus PASSED or BLOCKED as privacy_results records it (null: no row)
 * @param policySha256 the SHA-256 of the de-identification policy (the run's spec hash)
 */
public record Privacy(
    String deidentifyRunId,
    String runStatus,
    String releaseStatus,
    String releaseModel,
    Double maxClassRisk,
    Integer k,
    Double maxSuppression,
    String quasiIdentifiers,
    List<TableMeasures> tables,
    ReleaseGate releaseGate,
    Key key,
    DateShift dateShift,
    String policy,
    String policySha256) {

  public Privacy {
    tables = List.copyOf(tables);
  }

  /**
   * The k-anonymity measures of one released table. {@code recordsByLevel}: visits per
   * generalisation level (0 as staged … 4 suppressed); {@code classSizes}: released classes per
   * size band (distinct patients). Both null for runs recorded before deidentify wrote them.
   */
  public record TableMeasures(String table, Long records, Long recordsGeneralised,
      Long recordsSuppressed, Double suppressionRate, Long classes, Long minClassSize,
      Double prosecutorRiskMax, Double prosecutorRiskMean, Double informationLoss,
      Map<String, Long> recordsByLevel, Map<String, Long> classSizes) {}

  /**
   * The release check's findings: identifiers left in staged rows, resident ids of known
   * patients mentioned in notes, identifiers in the rows as published on the audit branch.
   */
  public record ReleaseGate(Long leaksStaged, Long residentIdMentions, Long leaksPublished,
      String result) {}

  /** The pseudonymisation key by id: when and by which run it was first used. */
  public record Key(String keyId, String firstRunId, String firstUsedAt, boolean registered) {}

  /**
   * @param maxDays dates are shifted by up to this many days per patient (0: off)
   * @param eventTimeQuasiIdentifier event dates count as a quasi-identifier of the k-anonymity
   * @param shiftedRows rows of the date-shifted release by table
   */
  public record DateShift(Integer maxDays, boolean eventTimeQuasiIdentifier,
      Map<String, Long> shiftedRows) {}

  /** Levels as the de-identification module numbers them, for the page. */
  public static final Map<String, String> LEVELS = Map.of(
      "0", "as staged (birth year, clinic)",
      "1", "birth decade, region",
      "2", "twenty-year band, no location",
      "3", "forty-year band, no location",
      "4", "suppressed (no quasi-identifier)");

  private static final String[] COLUMNS = {"table", "records", "records_generalised",
      "records_suppressed", "classes", "min_class_size", "prosecutor_risk_max",
      "prosecutor_risk_mean", "information_loss", "status", "release_model", "max_class_risk",
      "k", "max_suppression", "quasi_identifiers", "date_shift_days", "records_by_level",
      "class_sizes"};

  /**
   * @param results governance.privacy_results at the cited snapshot
   * @param keys governance.pseudonym_keys at the cited snapshot
   * @param stage the deidentify run picked for the interval
   * @param parameters that run's parameters
   */
  static Privacy read(Optional<Dataset<Row>> results, Optional<Dataset<Row>> keys,
      Report.Stage stage, Map<String, String> parameters) {
    DataType[] types = new DataType[COLUMNS.length];
    Arrays.fill(types, DataTypes.StringType);
    for (int i : new int[] {1, 2, 3, 4, 5}) {
      types[i] = DataTypes.LongType;
    }
    for (int i : new int[] {6, 7, 8, 11, 13}) {
      types[i] = DataTypes.DoubleType;
    }
    types[12] = DataTypes.IntegerType;
    types[15] = DataTypes.IntegerType;
    types[16] = DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType);
    types[17] = types[16];
    List<TableMeasures> tables = new ArrayList<>();
    Row first = null;
    if (results.isPresent()) {
      Dataset<Row> rows = results.get().filter(col("run_id").equalTo(stage.runId()));
      for (Row r : RunResults.select(rows, COLUMNS, types).orderBy("table").collectAsList()) {
        first = first == null ? r : first;
        Long records = RunResults.longOrNull(r, 1);
        Long suppressed = RunResults.longOrNull(r, 3);
        tables.add(new TableMeasures(r.getString(0), records, RunResults.longOrNull(r, 2),
            suppressed, records == null || suppressed == null || records == 0 ? null
            : (double) suppressed / records, RunResults.longOrNull(r, 4),
            RunResults.longOrNull(r, 5), RunResults.doubleOrNull(r, 6),
            RunResults.doubleOrNull(r, 7), RunResults.doubleOrNull(r, 8),
            ordered(r, 16), ordered(r, 17)));
      }
    }
    Map<String, Long> counts = stage.counts();
    Long staged = counts.get("privacy.leaks_staged");
    Long mentions = counts.get("privacy.resident_id_mentions");
    Long published = counts.get("privacy.leaks_published");
    // the policy's quasi-identifiers (privacy_results lists the released columns instead)
    String quasi = parameters.getOrDefault("quasi_identifiers",
        first == null ? null : first.getString(14));
    Map<String, Long> shifted = new TreeMap<>();
    counts.forEach((name, n) -> {
      if (name.startsWith("date_shifted.") && name.endsWith(".rows")) {
        shifted.put("safe." + name.substring("date_shifted.".length(), name.length()
            - ".rows".length()) + "_date_shifted", n);
      }
    });
    Integer shiftDays = first != null && !first.isNullAt(15) ? Integer.valueOf(first.getInt(15))
        : integerOrNull(parameters.get("date_shift_days"));
    return new Privacy(stage.runId(), stage.status(), first == null ? null : first.getString(9),
        first == null ? parameters.get("release_model") : first.getString(10),
        first == null ? null : RunResults.doubleOrNull(first, 11),
        first == null || first.isNullAt(12) ? integerOrNull(parameters.get("k"))
            : Integer.valueOf(first.getInt(12)),
        first == null ? null : RunResults.doubleOrNull(first, 13), quasi,
        tables, new ReleaseGate(staged, mentions, published, gate(staged, mentions, published)),
        key(keys, parameters.get("key_id")), new DateShift(shiftDays, eventTimeIsQuasi(parameters,
            quasi), shifted), parameters.get("policy"), stage.specHash());
  }

  private static String gate(Long staged, Long mentions, Long published) {
    if (staged == null && mentions == null && published == null) {
      return "NOT_RECORDED: the deidentify run recorded no release check";
    }
    long found = (staged == null ? 0 : staged) + (mentions == null ? 0 : mentions)
        + (published == null ? 0 : published);
    if (found > 0) {
      return "BLOCKED: " + found + " identifier finding(s); nothing was published";
    }
    return published == null
        ? "STOPPED: the staged rows were clean; the run ended before the published rows were scanned"
        : "PASSED: no identifier in any released text column, staged or published";
  }

  /** Event dates are a quasi-identifier when the policy lists {@code event_time} among them. */
  private static boolean eventTimeIsQuasi(Map<String, String> parameters, String quasi) {
    return quasi != null && Arrays.asList(quasi.split(",")).contains("event_time");
  }

  private static Key key(Optional<Dataset<Row>> keys, String keyId) {
    if (keyId == null) {
      return new Key(null, null, null, false);
    }
    List<Row> rows = keys.map(k -> k.filter(col("key_id").equalTo(keyId))
        .select("first_run_id", "first_used_at").limit(1).collectAsList()).orElse(List.of());
    if (rows.isEmpty()) {
      return new Key(keyId, null, null, false);
    }
    Row r = rows.get(0);
    return new Key(keyId, r.getString(0), LedgerStages.iso(r.get(1)), true);
  }

  /** A band or level map in numeric order of its keys ("1", "2", "3-4", … "50+"). */
  private static Map<String, Long> ordered(Row r, int i) {
    if (r.isNullAt(i)) {
      return null;
    }
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    r.<String, Long>getJavaMap(i).entrySet().stream()
        .sorted(java.util.Comparator.comparingInt(e -> Integer.parseInt(
            e.getKey().replaceAll("[^0-9].*$", ""))))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Integer integerOrNull(String text) {
    try {
      return text == null ? null : Integer.valueOf(text.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

}
