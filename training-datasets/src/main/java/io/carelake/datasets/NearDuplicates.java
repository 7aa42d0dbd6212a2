package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;

import java.text.Normalizer;
import java.util.SplittableRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Exact and near-duplicate removal that works for Chinese (no word segmentation needed).
 *
 * <ol>
 *   <li><b>Exact</b>: documents whose normalised text ({@link #normalise}: NFKC, lower case,
 *   whitespace and punctuation removed) has the same SHA-256 form a group; the lowest
 *   {@code doc_id} is kept.</li>
 *   <li><b>Near</b>: MinHash over the set of character {@value #SHINGLE}-grams of the normalised
 *   text, {@value #HASHES} hash functions split into {@value #BANDS} bands of {@value #ROWS} rows
 *   (LSH). Two documents become candidates when all rows of at least one band agree, with
 *   probability {@code 1 - (1 - s^r)^b} for Jaccard similarity {@code s}; the curve's midpoint
 *   {@code (1/b)^(1/r)} ≈ 0.67 sits just below the stated threshold {@value #THRESHOLD}, so that the
 *   band step loses few pairs above the threshold (a pair of similarity 0.9 is missed with
 *   probability 3e-5, against 4e-4 for 14 bands of 8 rows with the same 112 hashes) and the
 *   verification below, not the banding, decides near the threshold. Each candidate is
 *   linked to its bucket's smallest doc_id (a star, so a bucket of n documents gives n - 1 pairs,
 *   not n²), and a link is kept only when the estimated Jaccard (share of the {@value #HASHES}
 *   minima that agree) is at least {@value #THRESHOLD}: this cuts the false positives of the
 *   band step between 0.5 and 0.7 similarity.</li>
 *   <li><b>Clusters</b>: connected components of the kept links, by iterative min-label
 *   propagation with joins in Spark (no collect; each round's labels are checkpointed locally to
 *   cut the lineage). The representative of a cluster is its longest text, ties broken by the
 *   smallest doc_id: copy-forward notes grow, and the longest copy holds the most.</li>
 * </ol>
 *
 * Hash functions come from the seed, so the same seed gives the same clusters.
 */
final class NearDuplicates {

  static final int SHINGLE = 5;
  static final int BANDS = 16;
  static final int ROWS = 7;
  static final int HASHES = BANDS * ROWS;
  static final double THRESHOLD = 0.7;
  /** More rounds than any realistic cluster diameter: reaching it is an error, not a result. */
  static final int MAX_ROUNDS = 60;

  static final String EXACT = "exact_duplicate";
  static final String NEAR = "near_duplicate";

  private NearDuplicates() {}

  /** NFKC, lower case, whitespace and punctuation removed: what the hashes see. */
  static String normalise(String text) {
    if (text == null) {
      return "";
    }
    return Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(java.util.Locale.ROOT)
        .replaceAll("[\\s\\p{P}\\p{S}]+", "");
  }

  static final UDF1<String, String> NORMALISE = NearDuplicates::normalise;

  /** The probability that a pair of Jaccard similarity {@code s} becomes an LSH candidate. */
  static double candidateProbability(double s, int bands, int rows) {
    return 1 - Math.pow(1 - Math.pow(s, rows), bands);
  }

  /** 64-bit finaliser (splitmix64): a well-mixed hash of a long. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The {@value #HASHES} seeds of the hash functions for {@code seed}. */
  static long[] seeds(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] s = new long[HASHES];
    for (int i = 0; i < HASHES; i++) {
      s[i] = r.nextLong();
    }
    return s;
  }

  /**
   * The MinHash signature of a normalised text: for each hash function the minimum over its
   * character shingles (the whole text when shorter than a shingle).
   */
  static long[] signature(String norm, long[] seeds) {
    long[] sig = new long[HASHES];
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    int n = norm.codePointCount(0, norm.length());
    int[] cps = norm.codePoints().toArray();
    int shingles = Math.max(1, n - SHINGLE + 1);
    for (int start = 0; start < shingles; start++) {
      long h = 0x9E3779B97F4A7C15L;
      for (int k = start; k < Math.min(n, start + SHINGLE); k++) {
        h = mix(h ^ cps[k]);
      }
      for (int i = 0; i < HASHES; i++) {
        long v = mix(h ^ seeds[i]);
        if (v < sig[i]) {
          sig[i] = v;
        }
      }
    }
    return sig;
  }

  /**
   * Marks exact then near duplicates among the kept documents ({@code drop_reason} null): the
   * rows come back with {@code drop_reason} set to {@value #EXACT} or {@value #NEAR} and
   * {@code drop_detail} naming the kept representative; rows dropped earlier pass through.
   */
  static Dataset<Row> apply(Dataset<Row> docs, long seed) {
    Dataset<Row> exact = markExact(docs);
    return markNear(exact, seed);
  }

  static Dataset<Row> markExact(Dataset<Row> docs) {
    UserDefinedFunction norm = functions.udf(NORMALISE, DataTypes.StringType);
    Column kept = col(QualityFilters.DROP_REASON).isNull();
    Dataset<Row> withHash = docs.withColumn("_norm_hash",
        functions.when(kept, sha2(norm.apply(col(VisitNotes.TEXT)), 256)));
    var group = Window.partitionBy("_norm_hash").orderBy("doc_id");
    Dataset<Row> ranked = withHash
        .withColumn("_rank", functions.when(kept, row_number().over(group)))
        .withColumn("_first", functions.when(kept, functions.first("doc_id").over(group)));
    Column dup = kept.and(col("_rank").gt(1));
    return ranked
        .withColumn(QualityFilters.DETAIL, functions.when(dup, col("_first"))
            .otherwise(col(QualityFilters.DETAIL)))
        .withColumn(QualityFilters.DROP_REASON, functions.when(dup, lit(EXACT))
            .otherwise(col(QualityFilters.DROP_REASON)))
        .drop("_norm_hash", "_rank", "_first");
  }

  static Dataset<Row> markNear(Dataset<Row> docs, long seed) {
    long[] seeds = seeds(seed);
    UserDefinedFunction sig = functions.udf((UDF1<String, long[]>) t ->
        signature(normalise(t), seeds), DataTypes.createArrayType(DataTypes.LongType));
    Dataset<Row> kept = docs.where(col(QualityFilters.DROP_REASON).isNull());
    Dataset<Row> signatures = kept.select(col("doc_id"), length(col(VisitNotes.TEXT)).as("_len"),
        sig.apply(col(VisitNotes.TEXT)).as("_sig")).localCheckpoint();
    Dataset<Row> links = verifiedLinks(signatures);
    Dataset<Row> clusters = components(links);
    Dataset<Row> members = clusters.join(signatures.select("doc_id", "_len"), "doc_id");
    var byCluster = Window.partitionBy("_cluster").orderBy(col("_len").desc(), col("doc_id"));
    Dataset<Row> dropped = members
        .withColumn("_keep", functions.first("doc_id").over(byCluster))
        .where(col("doc_id").notEqual(col("_keep")))
        .select(col("doc_id").as("_near_id"), col("_keep"));
    Dataset<Row> joined = docs.join(dropped, docs.col("doc_id").equalTo(dropped.col("_near_id")),
        "left");
    Column near = col("_near_id").isNotNull();
    return joined
        .withColumn(QualityFilters.DETAIL, functions.when(near, col("_keep"))
            .otherwise(col(QualityFilters.DETAIL)))
        .withColumn(QualityFilters.DROP_REASON, functions.when(near, lit(NEAR))
            .otherwise(col(QualityFilters.DROP_REASON)))
        .drop("_near_id", "_keep");
  }

  /**
   * Candidate pairs from the bands (each member linked to its bucket's smallest doc_id), kept when
   * the estimated Jaccard of the full signatures is at least {@value #THRESHOLD}: columns
   * {@code src, dst}.
   */
  static Dataset<Row> verifiedLinks(Dataset<Row> signatures) {
    // band b's key: a hash of its ROWS minima (and of b, so that bands never share buckets)
    Column bandKeys = expr("transform(sequence(0, " + (BANDS - 1) + "), b -> xxhash64(b, slice(_sig, b * "
        + ROWS + " + 1, " + ROWS + ")))");
    Dataset<Row> keyed = signatures.select(col("doc_id"),
        posexplode(bandKeys).as(new String[] {"_band", "_key"}));
    Dataset<Row> buckets = keyed.groupBy("_band", "_key")
        .agg(min("doc_id").as("_rep"), functions.count(lit(1)).as("_n"))
        .where(col("_n").gt(1));
    Dataset<Row> pairs = keyed.join(buckets, new String[] {"_band", "_key"}).where(
        col("doc_id").notEqual(col("_rep")))
        .select(col("doc_id").as("src"), col("_rep").as("dst")).distinct();
    Dataset<Row> a = signatures.select(col("doc_id").as("src"), col("_sig").as("_a"));
    Dataset<Row> b = signatures.select(col("doc_id").as("dst"), col("_sig").as("_b"));
    return pairs.join(a, "src").join(b, "dst")
        .where(expr("aggregate(zip_with(_a, _b, (x, y) -> IF(x = y, 1, 0)), 0, (acc, v) -> acc + v)")
            .geq(Math.ceil(THRESHOLD * HASHES)))
        .select("src", "dst");
  }

  /**
   * Connected components of undirected links ({@code src, dst}): columns {@code doc_id,
   * _cluster}, the cluster being the smallest doc_id of the component. Min-label propagation: each
   * round every vertex takes the smallest label among itself and its neighbours, until no label
   * changes.
   */
  static Dataset<Row> components(Dataset<Row> links) {
    Dataset<Row> edges = links.union(links.select(col("dst").as("src"), col("src").as("dst")))
        .distinct().localCheckpoint();
    Dataset<Row> labels = edges.select(col("src").as("doc_id"), col("src").as("_cluster"))
        .distinct().localCheckpoint();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Dataset<Row> offered = edges.join(labels, edges.col("src").equalTo(labels.col("doc_id")))
          .select(edges.col("dst").as("doc_id"), labels.col("_cluster"));
      Dataset<Row> next = labels.union(offered).groupBy("doc_id")
          .agg(min("_cluster").as("_cluster")).localCheckpoint();
      long changed = next.join(labels.withColumnRenamed("_cluster", "_old"), "doc_id")
          .where(col("_cluster").notEqual(col("_old"))).count();
      labels = next;
      if (changed == 0) {
        return labels;
      }
    }
    throw new IllegalStateException("near-duplicate clusters did not converge in " + MAX_ROUNDS
        + " rounds of label propagation; a cluster this long is not a duplicate group."
        + " Report it with the interval.");
  }
}
