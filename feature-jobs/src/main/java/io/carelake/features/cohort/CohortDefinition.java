package io.carelake.features.cohort;

import java.util.ArrayList;
import java.util.List;

/**
 * A risk-model study design as data (OHDSI's vocabulary): the target cohort, how index dates are
 * sampled, the time at risk, the washout, the features and the outcome phenotypes. Loaded and
 * validated by {@link DefinitionLoader}; {@link #hash()} covers the file and every code set it
 * names, and is recorded with every row, dataset and model built from it.
 *
 * @param source where it was read from (a file, or the built-in resource)
 * @param hash hex SHA-256 of the definition and its code sets
 */
public record CohortDefinition(String name, String version, String description, Target target,
    IndexDates indexDates, TimeAtRisk timeAtRisk, Washout washout, Features features,
    List<Outcome> outcomes, String source, String hash) {

  /** {@code name@version}, how the definition is cited beside its hash. */
  public String id() {
    return name + "@" + version;
  }

  /**
   * The target cohort: a candidate at index date t has at least {@code minVisits} visits in the
   * {@code lookbackDays} before t, and a first record at least {@code minPriorObservationDays}
   * before t. Observation ends {@code observationPersistenceDays} after the patient's last record
   * (an EHR has no disenrolment date), or at the end of the data.
   */
  public record Target(int lookbackDays, int minVisits, int minPriorObservationDays,
      int observationPersistenceDays) {}

  /** How index dates are drawn. */
  public enum Sampling {
    /** The first day of every month. */
    MONTHLY("monthly"),
    /** Every day a patient visited. */
    EVERY_VISIT("every-visit"),
    /** One visit day per patient in the interval, drawn with the seed. */
    ONE_RANDOM_PER_PATIENT("one-random-per-patient");

    private final String yaml;

    Sampling(String yaml) {
      this.yaml = yaml;
    }

    public String yaml() {
      return yaml;
    }

    static Sampling of(String text) {
      for (Sampling s : values()) {
        if (s.yaml.equals(text)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown sampling '" + text + "'");
    }
  }

  public record IndexDates(Sampling sampling, long seed) {}

  /**
   * The time at risk, {@code [index + startDays, index + endDays)} in days from the index
   * instant (00:00 UTC); a row without the outcome must be observed {@code minDays} of it.
   */
  public record TimeAtRisk(int startDays, int endDays, int minDays) {
    public int lengthDays() {
      return endDays - startDays;
    }
  }

  /** How far before the index an outcome makes a patient prevalent; null: ever. */
  public record Washout(Integer priorOutcomeLookbackDays) {}

  /** A measured variable: one or more LOINC codes read as one quantity (in canonical units). */
  public record Measurement(String name, List<String> loinc) {}

  /** A history flag: 1 when the criterion was met before the index date. */
  public record HistoryFlag(String name, Criterion criterion) {}

  public record Features(List<Integer> windowsDays, List<Measurement> measurements,
      List<String> visitTypes, List<HistoryFlag> history) {

    public int longestWindow() {
      return windowsDays.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
  }

  /** One outcome phenotype: met when any of its criteria is. */
  public record Outcome(String id, List<Criterion> anyOf) {}

  /** One way a phenotype (or a history flag) is met. */
  public sealed interface Criterion permits Diagnosis, Prescription, MeasuredTwice {}

  /** A visit coded with any ICD-10 code of the set. */
  public record Diagnosis(CodeSet codes) implements Criterion {}

  /** A prescription of a drug in any of the ATC classes (code prefixes). */
  public record Prescription(List<String> atcClasses) implements Criterion {}

  /** Abnormal measurements (any threshold) on at least {@code distinctDays} separate days. */
  public record MeasuredTwice(int distinctDays, List<Threshold> anyOf) implements Criterion {}

  /** A measurement of one of the codes at or above {@code min} (or at or below {@code max}). */
  public record Threshold(List<String> loinc, Double min, Double max, String source) {}

  /** Every code set, drug class and LOINC code the definition names (for the data card). */
  public List<String> codeSetsUsed() {
    List<String> out = new ArrayList<>();
    for (Outcome o : outcomes) {
      for (Criterion c : o.anyOf()) {
        if (c instanceof Diagnosis d) {
          out.add(d.codes().name());
        }
      }
    }
    return out;
  }
}
