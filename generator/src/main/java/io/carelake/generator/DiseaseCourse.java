package io.carelake.generator;

/**
 * When a chronic disease (hypertension or type 2 diabetes) begins for one patient, on the
 * generator's day axis (day 0 = {@code --start}). A prevalent disease was diagnosed before day 0;
 * an incident one is diagnosed on {@link #diagnosisDay()}, and its marker (blood pressure, glucose)
 * drifts up from {@link #driftStart()} so that the months before the diagnosis carry signal.
 */
record DiseaseCourse(int driftStart, int diagnosisDay) {

  static final DiseaseCourse NEVER = new DiseaseCourse(Integer.MAX_VALUE, Integer.MAX_VALUE);
  static final DiseaseCourse PREVALENT = new DiseaseCourse(Integer.MIN_VALUE, -1);

  boolean present() {
    return diagnosisDay != Integer.MAX_VALUE;
  }

  boolean prevalent() {
    return diagnosisDay < 0;
  }

  boolean incident() {
    return present() && !prevalent();
  }

  boolean diagnosedBy(int day) {
    return day >= diagnosisDay;
  }

  /** 0 before the drift, rising linearly to 1 on the diagnosis day, 1 afterwards. */
  double progress(int day) {
    if (!present()) {
      return 0;
    }
    if (prevalent() || day >= diagnosisDay) {
      return 1;
    }
    if (day <= driftStart) {
      return 0;
    }
    return (double) (day - driftStart) / (diagnosisDay - driftStart);
  }

  /** Days since diagnosis, or -1 when not (yet) diagnosed; prevalent cases count as long treated. */
  int daysTreated(int day) {
    if (prevalent()) {
      return 10_000;
    }
    return day >= diagnosisDay ? day - diagnosisDay : -1;
  }
}
