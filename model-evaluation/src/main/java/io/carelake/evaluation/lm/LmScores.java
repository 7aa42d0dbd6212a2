package io.carelake.evaluation.lm;

import io.carelake.evaluation.stats.BootstrapInterval;
import io.carelake.evaluation.stats.ConfidenceLevel;
import io.carelake.evaluation.stats.McNemar;
import io.carelake.evaluation.stats.WilsonInterval;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Accuracy of a language-model iteration on an exam item set, the way a clinician can read it:
 * <ul>
 *   <li><b>micro</b>: correct items over all items, with the Wilson interval;</li>
 *   <li><b>per subject</b>: the same within each subject;</li>
 *   <li><b>macro</b>: the mean of the subjects' accuracies (each subject counts once, whatever its
 *       size), with a percentile interval from a bootstrap that resamples items within each
 *       subject (seeded, {@link #MACRO_RESAMPLES} resamples);</li>
 * </ul>
 * each on all items and, when the items' contamination is known, on the items not flagged as
 * contaminated (seen in training data), side by side. An unparseable or missing answer is wrong and
 * counted. Two iterations on the same items are compared with McNemar's exact test.
 */
public final class LmScores {

  public static final int MACRO_RESAMPLES = 2000;
  public static final String ALL = "all";
  public static final String CLEAN = "clean";

  private LmScores() {}

  /** Each item's outcome for one iteration, in item order. */
  public record Scored(boolean[] correct, boolean[] unparseable, boolean[] unanswered) {}

  /** One accuracy with its interval. */
  public record Accuracy(String subset, String scope, String subject, long items, long correct,
      long unparseable, long unanswered, double accuracy, double[] ci, String method) {}

  /** McNemar's exact test between two iterations on the same items. */
  public record Comparison(String subset, long items, long bothCorrect, long onlyFirst,
      long onlySecond, long neither, double pValue) {

    public double accuracyFirst() {
      return items == 0 ? Double.NaN : (double) (bothCorrect + onlyFirst) / items;
    }

    public double accuracySecond() {
      return items == 0 ? Double.NaN : (double) (bothCorrect + onlySecond) / items;
    }
  }

  public static Scored score(ExamItems items, ExamAnswers answers) {
    int n = items.items().size();
    boolean[] correct = new boolean[n];
    boolean[] unparseable = new boolean[n];
    boolean[] unanswered = new boolean[n];
    for (int i = 0; i < n; i++) {
      ExamItems.Item item = items.items().get(i);
      ExamAnswers.Answer a = answers.byItem().get(item.id());
      if (a == null) {
        unanswered[i] = true;
      } else if (!a.parseable()) {
        unparseable[i] = true;
      } else {
        correct[i] = a.letter().equals(item.answer());
      }
    }
    return new Scored(correct, unparseable, unanswered);
  }

  /**
   * Micro, macro and per-subject accuracy on the items {@code in} selects, labelled
   * {@code subset}.
   */
  public static List<Accuracy> accuracies(ExamItems items, Scored s, String subset,
      IntPredicate in, ConfidenceLevel level, long seed) {
    List<Accuracy> out = new ArrayList<>();
    Map<String, List<Integer>> bySubject = new TreeMap<>();
    for (int i = 0; i < items.items().size(); i++) {
      if (in.test(i)) {
        bySubject.computeIfAbsent(items.items().get(i).subject(), k -> new ArrayList<>()).add(i);
      }
    }
    List<Integer> all = bySubject.values().stream().flatMap(List::stream).toList();
    out.add(wilson(subset, "micro", null, all, s, level));
    for (Map.Entry<String, List<Integer>> e : bySubject.entrySet()) {
      out.add(wilson(subset, "subject", e.getKey(), e.getValue(), s, level));
    }
    out.add(macro(subset, bySubject, s, level, seed, all));
    return out;
  }

  private static Accuracy wilson(String subset, String scope, String subject, List<Integer> idx,
      Scored s, ConfidenceLevel level) {
    long correct = idx.stream().filter(i -> s.correct()[i]).count();
    long n = idx.size();
    return new Accuracy(subset, scope, subject, n, correct,
        idx.stream().filter(i -> s.unparseable()[i]).count(),
        idx.stream().filter(i -> s.unanswered()[i]).count(),
        n == 0 ? Double.NaN : (double) correct / n, WilsonInterval.of(correct, n, level), "wilson");
  }

  private static Accuracy macro(String subset, Map<String, List<Integer>> bySubject, Scored s,
      ConfidenceLevel level, long seed, List<Integer> all) {
    List<boolean[]> subjects = new ArrayList<>();
    for (List<Integer> idx : bySubject.values()) {
      boolean[] c = new boolean[idx.size()];
      for (int k = 0; k < c.length; k++) {
        c[k] = s.correct()[idx.get(k)];
      }
      subjects.add(c);
    }
    double estimate = macroAccuracy(subjects);
    SplittableRandom r = new SplittableRandom(seed);
    double[] replicates = new double[MACRO_RESAMPLES];
    for (int b = 0; b < replicates.length; b++) {
      double sum = 0;
      for (boolean[] c : subjects) {
        int hits = 0;
        for (int k = 0; k < c.length; k++) {
          hits += c[r.nextInt(c.length)] ? 1 : 0;
        }
        sum += (double) hits / c.length;
      }
      replicates[b] = subjects.isEmpty() ? Double.NaN : sum / subjects.size();
    }
    long correct = all.stream().filter(i -> s.correct()[i]).count();
    return new Accuracy(subset, "macro", null, all.size(), correct,
        all.stream().filter(i -> s.unparseable()[i]).count(),
        all.stream().filter(i -> s.unanswered()[i]).count(), estimate,
        BootstrapInterval.percentile(replicates, level), "stratified-item-bootstrap-percentile");
  }

  static double macroAccuracy(List<boolean[]> subjects) {
    if (subjects.isEmpty()) {
      return Double.NaN;
    }
    double sum = 0;
    for (boolean[] c : subjects) {
      int hits = 0;
      for (boolean b : c) {
        hits += b ? 1 : 0;
      }
      sum += (double) hits / c.length;
    }
    return sum / subjects.size();
  }

  /** McNemar's exact test on the items {@code in} selects. */
  public static Comparison compare(Scored first, Scored second, String subset, IntPredicate in) {
    long both = 0;
    long onlyFirst = 0;
    long onlySecond = 0;
    long neither = 0;
    for (int i = 0; i < first.correct().length; i++) {
      if (!in.test(i)) {
        continue;
      }
      boolean a = first.correct()[i];
      boolean b = second.correct()[i];
      if (a && b) {
        both++;
      } else if (a) {
        onlyFirst++;
      } else if (b) {
        onlySecond++;
      } else {
        neither++;
      }
    }
    return new Comparison(subset, both + onlyFirst + onlySecond + neither, both, onlyFirst,
        onlySecond, neither, McNemar.exactPValue(onlyFirst, onlySecond));
  }
}
