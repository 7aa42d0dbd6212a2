package io.carelake.evaluation.bootstrap;

/**
 * The patient-level Poisson bootstrap (Hanley &amp; MacGibbon, Comput Methods Programs Biomed
 * 2006;83:57-62; Chamandy et al., "Estimating uncertainty for massive data streams", Google 2012):
 * in resample r every patient gets a weight w ~ Poisson(1), the same for all of the patient's
 * rows, instead of a multinomial draw of n patients. The weights are independent across patients,
 * so every executor can draw them for its own rows with no coordination, and the resample size
 * varies around n (by about √n), which for the statistics here (ratios of sums) makes no
 * difference to the first order.
 *
 * <p>A weight is a pure function of (seed, resample, patient): a 64-bit hash of the patient's
 * pseudonym, mixed with the seed ({@link #patientBase}), then with the resample number, and turned
 * into a Poisson(1) count by inverting its CDF. So the same seed gives the same resamples on any
 * partitioning, and two models scored on the same patients get the same resamples (a paired
 * bootstrap). The mixer is SplitMix64's finaliser (Steele, Lea &amp; Flood, OOPSLA 2014), whose
 * output passes BigCrush on sequential inputs.
 *
 * <p>Jackknife groups for the BCa acceleration are drawn from the same hash: a patient's group is
 * {@link #jackknifeGroup}; "leave group g out" is the weight 0 for its patients and 1 for the rest.
 */
public final class PoissonWeights {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  /** Kept apart from the resample stream: group membership must not correlate with weights. */
  private static final long JACKKNIFE_SALT = 0x4A61636B6B6E6966L;
  /** P(X <= k) for X ~ Poisson(1), k = 0, 1, ...; the last entry is 1 to stop the search. */
  private static final double[] CDF = poissonOneCdf();
  /**
   * Inversion without a search: the top {@link #TABLE_BITS} bits of the uniform pick a cell of
   * [0, 1); a cell that lies inside one step of the CDF gives its count directly, and only a cell
   * that straddles a step (about 10 of 65,536) falls back to the search. The draw is exactly the
   * search's, only cheaper (no unpredictable branch per draw).
   */
  private static final int TABLE_BITS = 16;
  private static final byte[] TABLE = table();

  private PoissonWeights() {}

  /** The patient's stream base: mix(seed ^ mix(patient hash)). */
  public static long patientBase(long seed, long patientHash) {
    return mix(seed ^ mix(patientHash));
  }

  /** Poisson(1) weight of the patient in resample {@code r} (r >= 1). */
  public static int weight(long patientBase, int r) {
    long h = mix(patientBase + r * GOLDEN);
    int k = TABLE[(int) (h >>> (64 - TABLE_BITS))];
    return k >= 0 ? k : search((h >>> 11) * 0x1.0p-53);
  }

  private static int search(double u) {
    int k = 0;
    while (u >= CDF[k]) {
      k++;
    }
    return k;
  }

  private static byte[] table() {
    int cells = 1 << TABLE_BITS;
    byte[] t = new byte[cells];
    for (int j = 0; j < cells; j++) {
      // every u in [j, j+1)/cells: the smallest and (up to 2^-53) the largest
      int lo = search((double) j / cells);
      int hi = search(Math.nextDown((double) (j + 1) / cells));
      t[j] = (byte) (lo == hi ? lo : -1);
    }
    return t;
  }

  public static int jackknifeGroup(long seed, long patientHash, int groups) {
    return (int) Math.floorMod(mix(seed ^ JACKKNIFE_SALT ^ mix(patientHash)), (long) groups);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double[] poissonOneCdf() {
    double[] cdf = new double[25];
    double p = Math.exp(-1);
    double sum = 0;
    for (int k = 0; k < cdf.length - 1; k++) {
      sum += p;
      cdf[k] = sum;
      p /= (k + 1);
    }
    cdf[cdf.length - 1] = Double.POSITIVE_INFINITY;
    return cdf;
  }
}
