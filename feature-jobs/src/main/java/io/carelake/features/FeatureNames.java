package io.carelake.features;

import io.carelake.features.cohort.CohortDefinition;
import java.util.ArrayList;
import java.util.List;

/**
 * The feature columns a definition yields, named once: {@code <measurement>_<stat>_<w>d} for each
 * measurement, statistic and window ({@code sbp_mean_90d}), {@code n_visits_<w>d},
 * {@code n_visits_<type>_<longest>d}, and one 0/1 column per history flag.
 */
final class FeatureNames {

  /** Per measurement and window; {@code slope} is per 30 days, {@code missing} 1 when count is 0. */
  static final List<String> STATS = List.of("last", "mean", "min", "max", "sd", "slope", "count",
      "missing");

  private FeatureNames() {}

  static String stat(String measurement, String stat, int windowDays) {
    return measurement + "_" + stat + "_" + windowDays + "d";
  }

  static String visits(int windowDays) {
    return "n_visits_" + windowDays + "d";
  }

  static String visitsOfType(String type, int windowDays) {
    return "n_visits_" + type + "_" + windowDays + "d";
  }

  static List<String> measurementColumns(CohortDefinition.Features f) {
    List<String> out = new ArrayList<>();
    for (CohortDefinition.Measurement m : f.measurements()) {
      for (int w : f.windowsDays()) {
        for (String s : STATS) {
          out.add(stat(m.name(), s, w));
        }
      }
    }
    return out;
  }

  static List<String> visitColumns(CohortDefinition.Features f) {
    List<String> out = new ArrayList<>();
    for (int w : f.windowsDays()) {
      out.add(visits(w));
    }
    for (String type : f.visitTypes()) {
      out.add(visitsOfType(type, f.longestWindow()));
    }
    return out;
  }

  static List<String> historyColumns(CohortDefinition.Features f) {
    return f.history().stream().map(CohortDefinition.HistoryFlag::name).toList();
  }

  /** Every feature column, in table order. */
  static List<String> all(CohortDefinition.Features f) {
    List<String> out = new ArrayList<>(visitColumns(f));
    out.addAll(historyColumns(f));
    out.addAll(measurementColumns(f));
    return out;
  }
}
