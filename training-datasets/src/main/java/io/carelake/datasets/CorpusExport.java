package io.carelake.datasets;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.carelake.core.time.Interval;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Where and how the corpus leaves the lakehouse: sharded gzipped JSONL and Parquet written by
 * Spark, renamed to stable shard names, a manifest with every shard's SHA-256 and row count, and
 * a data card. Everything goes through Hadoop paths, so that {@code datasets.dir} can be a local
 * directory, {@code hdfs://} or {@code s3a://}.
 *
 * <pre>
 * &lt;datasets.dir&gt;/corpus/&lt;start&gt;_&lt;end&gt;/documents/shard-00000-of-00004.jsonl.gz
 * &lt;datasets.dir&gt;/corpus/&lt;start&gt;_&lt;end&gt;/parquet/shard-00000-of-00004.parquet
 * &lt;datasets.dir&gt;/corpus/&lt;start&gt;_&lt;end&gt;/manifest.json
 * &lt;datasets.dir&gt;/corpus/&lt;start&gt;_&lt;end&gt;/datacard.json, README.md
 * </pre>
 *
 * <p>Byte for byte reproducible for a seed: a document's shard is {@code pmod(xxhash64(doc_id,
 * seed), shards)}, every shard is written by one task sorted by doc_id, gzip headers carry no
 * time, and nothing of the run (id, time) is in a shard. The same release, seed and shard count
 * give the same bytes, which the manifest's SHA-256s show.
 */
final class CorpusExport {

  static final String DOCUMENTS_DIR = "documents";
  static final String PARQUET_DIR = "parquet";
  static final String INSTRUCTIONS_DIR = "instructions";
  static final String INSTRUCTIONS_PARQUET_DIR = "instructions-parquet";
  static final String MANIFEST = "manifest.json";
  static final String DATA_CARD = "datacard.json";
  static final String README = "README.md";
  /** UTC with a {@code Z}: the session time zone is UTC (SparkSessions). */
  static final String TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ssXXX";
  static final String SHARD = "_shard";

  private final Path dir;

  private CorpusExport(Path dir) {
    this.dir = dir;
  }

  /** The export folder of one interval under {@code datasetsDir}. */
  static CorpusExport under(String datasetsDir, Interval interval) {
    return new CorpusExport(new Path(new Path(datasetsDir, "corpus"),
        interval.start() + "_" + interval.end()));
  }

  Path dir() {
    return dir;
  }

  Path documentsDir() {
    return new Path(dir, DOCUMENTS_DIR);
  }

  Path dataCard() {
    return new Path(dir, DATA_CARD);
  }

  Path manifest() {
    return new Path(dir, MANIFEST);
  }

  /** One written shard: its path under the export folder, rows, bytes and SHA-256. */
  record Shard(String file, long rows, long bytes, String sha256) {}

  /** The shard of each document: deterministic in doc_id and the seed. */
  static Column shardOf(long seed, int shards) {
    return pmod(xxhash64(col("doc_id"), lit(seed)), lit(shards)).cast("int");
  }

  /**
   * Writes {@code columns} of {@code rows} as {@code shards} JSONL and Parquet shards, replacing
   * what the interval had, and returns the shards (JSONL first), for the manifest.
   */
  List<Shard> write(SparkSession spark, Dataset<Row> rows, Column[] columns, long seed,
      int shards, String runId) throws IOException {
    return write(spark, rows, columns, seed, shards, runId, "doc_id", DOCUMENTS_DIR, PARQUET_DIR);
  }

  /**
   * As {@link #write(SparkSession, Dataset, Column[], long, int, String)} into the folders
   * {@code jsonDir} and {@code parquetDir}, rows sorted by {@code sortKey} (unique) in a shard.
   */
  List<Shard> write(SparkSession spark, Dataset<Row> rows, Column[] columns, long seed,
      int shards, String runId, String sortKey, String jsonDir, String parquetDir)
      throws IOException {
    Dataset<Row> sharded = rows.select(columns).withColumn(SHARD, shardOf(seed, shards))
        .repartition(col(SHARD)).sortWithinPartitions(SHARD, sortKey);
    FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    Path tmp = new Path(dir, "_tmp-" + runId + "-" + jsonDir);
    sharded.write().mode(SaveMode.Overwrite).partitionBy(SHARD)
        .option("compression", "gzip")
        .option("timestampFormat", TIMESTAMP_FORMAT)
        .option("ignoreNullFields", false)
        .json(new Path(tmp, jsonDir).toString());
    sharded.write().mode(SaveMode.Overwrite).partitionBy(SHARD)
        .option("compression", "zstd")
        .parquet(new Path(tmp, parquetDir).toString());
    Map<Integer, Long> counts = new TreeMap<>();
    // one row per shard
    for (Row r : sharded.groupBy(SHARD).count().collectAsList()) {
      counts.put(r.getInt(0), r.getLong(1));
    }
    List<Shard> written = new ArrayList<>();
    written.addAll(place(fs, tmp, jsonDir, ".jsonl.gz", shards, counts));
    written.addAll(place(fs, tmp, parquetDir, ".parquet", shards, counts));
    fs.delete(tmp, true);
    return written;
  }

  /**
   * Moves each {@code _shard=K/part-*} file of {@code tmp/sub} to {@code sub/shard-K-of-N.ext}
   * (the old files of the interval removed first) and hashes it.
   */
  private List<Shard> place(FileSystem fs, Path tmp, String sub, String ext, int shards,
      Map<Integer, Long> counts) throws IOException {
    Path target = new Path(dir, sub);
    fs.delete(target, true);
    fs.mkdirs(target);
    List<Shard> placed = new ArrayList<>();
    for (Map.Entry<Integer, Long> shard : counts.entrySet()) {
      Path from = new Path(new Path(tmp, sub), SHARD + "=" + shard.getKey());
      FileStatus[] parts = fs.globStatus(new Path(from, "part-*"));
      if (parts == null || parts.length != 1) {
        throw new IllegalStateException("shard " + shard.getKey() + " under " + from + " has "
            + (parts == null ? 0 : parts.length) + " part files, expected exactly 1; nothing of"
            + " this shard was placed. Rerun `corpus`.");
      }
      String name = String.format("shard-%05d-of-%05d%s", shard.getKey(), shards, ext);
      Path to = new Path(target, name);
      if (!fs.rename(parts[0].getPath(), to)) {
        throw new IOException("could not move " + parts[0].getPath() + " to " + to);
      }
      placed.add(new Shard(sub + "/" + name, shard.getValue(), fs.getFileStatus(to).getLen(),
          sha256(fs, to)));
    }
    return placed;
  }

  /**
   * The SHA-256 of a file, streamed through the driver (a shard is at most a few hundred MB;
   * nothing is held in memory).
   */
  static String sha256(FileSystem fs, Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    try (InputStream in = new DigestInputStream(fs.open(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Writes a JSON document (the manifest, the data card) next to the shards. */
  void writeJson(SparkSession spark, String name, Map<String, Object> content) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    writeText(spark, name, json.writeValueAsString(content) + "\n");
  }

  void writeText(SparkSession spark, String name, String content) throws IOException {
    Path path = new Path(dir, name);
    FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (OutputStream out = fs.create(path, true)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The manifest: every shard with rows, bytes and SHA-256; what makes the export checkable. */
  static Map<String, Object> manifest(Interval interval, long seed, int shards, List<Shard> files,
      long documents) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("interval", interval.start() + "_" + interval.end());
    m.put("seed", seed);
    m.put("shards", shards);
    m.put("documents", documents);
    m.put("shard_rule", "pmod(xxhash64(doc_id, seed), shards); rows sorted by doc_id");
    List<Map<String, Object>> list = new ArrayList<>();
    for (Shard s : files) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("file", s.file());
      f.put("rows", s.rows());
      f.put("bytes", s.bytes());
      f.put("sha256", s.sha256());
      list.add(f);
    }
    m.put("files", list);
    return m;
  }
}
