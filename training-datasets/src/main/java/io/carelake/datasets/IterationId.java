package io.carelake.datasets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-derived identities: a fingerprint of rows (what a dataset id hashes, so that rebuilding a
 * dataset from identical feature rows gives the same id even when features wrote a new snapshot),
 * and the short hash that ends dataset and iteration ids.
 */
final class IterationId {

  private IterationId() {}

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
