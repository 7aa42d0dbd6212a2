package io.carelake.privacy;

/**
 * US Social Security numbers: 9 digits grouped 3-2-4 with any separators (hyphens, spaces, dots;
 * Synthea writes {@code 999-xx-xxxx}), or 9 digits in one run after an SSN cue. A bare 9-digit
 * number without a cue is not taken for an SSN: batch numbers, serials and approval numbers in
 * clinical text have that shape.
 */
final class SsnRule implements NumberDetector.Rule {

  static final String[] CUES = {"ssn", "social security", "social security number",
      "social security no", "社会安全号"};

  @Override
  public void check(Scan scan, DigitRuns.Candidate c) {
    String d = c.digits();
    if (d.length() != 9 || d.indexOf('X') >= 0) {
      return;
    }
    boolean grouped = c.sized(3, 2, 4) && !c.separators(scan.text).contains("/");
    if (grouped && !c.gluedToLetter(scan.text)
        || c.parts() == 1 && scan.cueBefore(c.from(), 24, CUES)) {
      scan.add(c.from(), c.to(), PhiScrubber.Category.SSN);
    }
  }
}
