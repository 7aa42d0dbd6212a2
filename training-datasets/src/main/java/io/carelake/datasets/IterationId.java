package io.carelake.datasets;

import io.carelake.core.time.Interval;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model iteration's id, readable and deterministic: {@code lr-2025-01-01-2025-03-01-1a2b3c4d}. The
 * suffix hashes the feature snapshot, the candidate features and the parameters, so that rerunning
 * an interval on the same data with the same parameters replaces its iteration, while new data (a
 * new snapshot) or new parameters make a new one.
 */
final class IterationId {

  private IterationId() {}

  static String of(String prefix, Interval interval, long featureSnapshotId,
      Iterable<String> candidateFeatures, Map<String, String> params) {
    String basis = "features.chronic_risk@" + featureSnapshotId
        + ";features=" + String.join(",", candidateFeatures)
        + ";params=" + new TreeMap<>(params);
    return prefix + "-" + interval.start() + "-" + interval.end() + "-" + shortHash(basis);
  }

  static String shortHash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
