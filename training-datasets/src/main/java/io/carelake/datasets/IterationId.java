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
 * suffix hashes a fingerprint of the feature rows' content, the candidate features and the
 * parameters, so that rerunning an interval on the same data with the same parameters replaces its
 * iteration (even when {@code features} was rerun and wrote a new snapshot of identical rows),
 * while new data or new parameters make a new one.
 */
final class IterationId {

  private IterationId() {}

  static String of(String prefix, Interval interval, String featuresFingerprint,
      Iterable<String> candidateFeatures, Map<String, String> params) {
    String basis = "features.chronic_risk#" + featuresFingerprint
        + ";features=" + String.join(",", candidateFeatures)
        + ";params=" + new TreeMap<>(params);
    return prefix + "-" + interval.start() + "-" + interval.end() + "-" + shortHash(basis);
  }

  /**
   * An order-independent fingerprint of the rows' content, computed on the executors: the sum of
   * each row's 64-bit hash over every column but the run ids, which change on every rerun.
   */
  static String contentFingerprint(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows) {
    org.apache.spark.sql.Column[] columns = java.util.Arrays.stream(rows.columns())
        .filter(c -> !c.endsWith("_run_id"))
        .map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
    // summed as decimals: no overflow (ANSI mode or not), whatever the row count
    org.apache.spark.sql.Row r = rows.agg(org.apache.spark.sql.functions.count(
        org.apache.spark.sql.functions.lit(1)), org.apache.spark.sql.functions.sum(
        org.apache.spark.sql.functions.xxhash64(columns).cast("decimal(20,0)"))).first();
    return shortHash(r.get(0) + ":" + r.get(1));
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
