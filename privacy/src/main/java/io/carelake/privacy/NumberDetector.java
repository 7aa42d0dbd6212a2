package io.carelake.privacy;

import java.util.List;

/**
 * The numeric identifiers: every run of digit segments ({@link DigitRuns}) is offered once to
 * each category's rule, which checks its length first. One pass over the numbers of the text
 * whatever the number of categories.
 */
final class NumberDetector implements Detector {

  /** A numeric identifier category. */
  interface Rule {
    void check(Scan scan, DigitRuns.Candidate c);
  }

  private final List<Rule> rules;

  NumberDetector(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  @Override
  public void find(Scan scan) {
    if (!scan.normalised.hasDigit) {
      return;
    }
    scan.digitRuns().forEachCandidate(c -> {
      for (Rule r : rules) {
        r.check(scan, c);
      }
    });
  }
}
