package io.carelake.generator;

import java.util.SplittableRandom;

/**
 * How long after the fact a primary-care source records it, in seconds: the generator's
 * assumptions (round numbers, no published source), chosen so that point-in-time features meet
 * every case that matters: a result drawn before an index date but reported after it.
 *
 * <ul>
 *   <li>vitals charted during the visit: within 10 minutes;
 *   <li>notes (the visit record, with its diagnoses and prescriptions): signed within the hour
 *       (70 %), the same working day (25 %) or one to three days later (5 %);
 *   <li>glucose: the same day, one to four hours on (60 %), else the next day (a batch lab);
 *   <li>HbA1c: sent out, reported one to five days later;
 *   <li>home devices: synced within a day and a half (95 %), else three to ten days later.
 * </ul>
 */
final class RecordDelays {

  private static final int HOUR = 3600;
  private static final int DAY = 86_400;

  private RecordDelays() {}

  static int chartedAtTheVisit(SplittableRandom r) {
    return r.nextInt(600);
  }

  static int noteSigned(SplittableRandom r) {
    int u = r.nextInt(100);
    if (u < 70) {
      return 300 + r.nextInt(HOUR - 300);
    }
    if (u < 95) {
      return HOUR + r.nextInt(7 * HOUR);
    }
    return DAY + r.nextInt(2 * DAY);
  }

  static int glucoseReported(SplittableRandom r) {
    return r.nextInt(100) < 60 ? HOUR + r.nextInt(3 * HOUR) : 20 * HOUR + r.nextInt(8 * HOUR);
  }

  static int hba1cReported(SplittableRandom r) {
    return DAY + r.nextInt(4 * DAY);
  }

  static int deviceSynced(SplittableRandom r) {
    return r.nextInt(100) < 95 ? r.nextInt(36 * HOUR) : 3 * DAY + r.nextInt(7 * DAY);
  }
}
