package io.carelake.generator;

import java.util.SplittableRandom;

/**
 * Derives independent, reproducible random streams from the one {@code --seed}: one per patient,
 * one for clinics, one for the bad-event planter. A patient's stream depends only on the seed and
 * the patient's index, so changing {@code --bad-rate} never changes who the patients are or what
 * happens to them.
 */
final class Seeds {

  static final long PATIENTS = 0x70617469656e7473L;
  static final long PLANTER = 0x706c616e74657221L;
  static final long CLINICS = 0x636c696e69637321L;
  /**
   * Risk factors (smoking, family history, central adiposity) and the timing of records (when a
   * note is signed, a lab reports): streams of their own, so that adding them left every event the
   * patient stream already drew exactly as it was.
   */
  static final long RISK_FACTORS = 0x7269736b73212121L;
  static final long RECORDS = 0x7265636f72647321L;

  private Seeds() {}

  /** SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mix with good avalanche. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static long derive(long seed, long stream, long index) {
    return mix64(mix64(seed ^ stream) + 0x9E3779B97F4A7C15L * (index + 1));
  }

  static SplittableRandom random(long seed, long stream, long index) {
    return new SplittableRandom(derive(seed, stream, index));
  }
}
