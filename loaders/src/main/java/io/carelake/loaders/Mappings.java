package io.carelake.loaders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The code tables of the loaders, read from the tab-separated resources under
 * {@code carelake/loaders/}: SNOMED CT → ICD-10, LOINC unit conversions, US state codes.
 */
public final class Mappings {

  public static final String SNOMED_ICD10 = "carelake/loaders/snomed-icd10.tsv";
  public static final String LOINC_VITALS = "carelake/loaders/loinc-vitals.tsv";
  public static final String US_STATES = "carelake/loaders/us-states.tsv";

  /** How one source unit of one LOINC code becomes the canonical unit. */
  public record UnitRule(String loinc, String sourceUnit, String canonicalUnit, double factor) {}

  private final Map<String, String> snomedToIcd10;
  private final Map<String, String> snomedNames;
  private final Map<String, Map<String, UnitRule>> unitRules;
  private final Map<String, String> states;

  private Mappings(Map<String, String> snomedToIcd10, Map<String, String> snomedNames,
      Map<String, Map<String, UnitRule>> unitRules, Map<String, String> states) {
    this.snomedToIcd10 = snomedToIcd10;
    this.snomedNames = snomedNames;
    this.unitRules = unitRules;
    this.states = states;
  }

  public static Mappings load() {
    Map<String, String> icd = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (String[] row : rows(SNOMED_ICD10, 2)) {
      if (icd.put(row[0], row[1]) != null) {
        throw new IllegalStateException(SNOMED_ICD10 + ": SNOMED code " + row[0]
            + " is mapped twice; keep one row per concept");
      }
      names.put(row[0], row.length > 2 ? row[2] : "");
    }
    Map<String, Map<String, UnitRule>> units = new LinkedHashMap<>();
    for (String[] row : rows(LOINC_VITALS, 4)) {
      UnitRule rule = new UnitRule(row[0], row[1], row[2], Double.parseDouble(row[3]));
      units.computeIfAbsent(row[0], k -> new LinkedHashMap<>()).put(row[1], rule);
    }
    Map<String, String> states = new LinkedHashMap<>();
    for (String[] row : rows(US_STATES, 2)) {
      states.put(row[0].toLowerCase(Locale.ROOT), row[1]);
    }
    return new Mappings(Collections.unmodifiableMap(icd), Collections.unmodifiableMap(names),
        Collections.unmodifiableMap(units), Collections.unmodifiableMap(states));
  }

  /** The ICD-10 code of a SNOMED CT concept, or null when the table has none. */
  public String icd10(String snomed) {
    return snomedToIcd10.get(snomed);
  }

  public Map<String, String> snomedToIcd10() {
    return snomedToIcd10;
  }

  /** Whether a LOINC code is one the loaders publish as a vital event. */
  public boolean isVital(String loinc) {
    return unitRules.containsKey(loinc);
  }

  /** The conversion of a source unit of a LOINC code, or null when the unit is not accepted. */
  public UnitRule unit(String loinc, String sourceUnit) {
    Map<String, UnitRule> rules = unitRules.get(loinc);
    return rules == null || sourceUnit == null ? null : rules.get(sourceUnit.trim());
  }

  public Map<String, Map<String, UnitRule>> unitRules() {
    return unitRules;
  }

  /** The USPS code of a US state given by name or code ("Massachusetts", "MA" → "MA"). */
  public String stateCode(String state) {
    if (state == null || state.isBlank()) {
      return null;
    }
    String code = states.get(state.trim().toLowerCase(Locale.ROOT));
    return code != null ? code : state.trim();
  }

  private static List<String[]> rows(String resource, int minColumns) {
    InputStream in = Mappings.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("resource " + resource + " is missing from the loaders jar");
    }
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cols = line.split("\t");
        if (cols.length < minColumns) {
          throw new IllegalStateException(resource + ":" + n + ": expected at least " + minColumns
              + " tab-separated columns, got " + cols.length);
        }
        for (int i = 0; i < cols.length; i++) {
          cols[i] = cols[i].trim();
        }
        rows.add(cols);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return rows;
  }
}
