package io.carelake.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.carelake.core.time.Interval;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Where and how the corpus leaves the lakehouse: gzipped JSONL written by Spark, one document per
 * line, and a data card written by the driver. Everything goes through Hadoop paths, so that
 * {@code datasets.dir} can be a local directory, {@code hdfs://} or {@code s3a://}.
 *
 * <pre>
 * &lt;datasets.dir&gt;/corpus/&lt;start&gt;_&lt;end&gt;/documents/part-*.json.gz
 * &lt;datasets.dir&gt;/corpus/&lt;start&gt;_&lt;end&gt;/datacard.json
 * </pre>
 *
 * The documents sit in a folder of their own so that {@code spark.read.json(".../documents")} or
 * any JSONL loader pointed at it never reads the data card as a document.
 */
final class CorpusExport {

  static final String DOCUMENTS_DIR = "documents";
  static final String DATA_CARD = "datacard.json";
  /** UTC with a {@code Z}: the session time zone is UTC (SparkSessions). */
  static final String TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ssXXX";

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

  /**
   * Replaces the interval's JSONL files with {@code documents}, ordered by time then id so that a
   * rerun on the same data writes the same lines. Null fields are written as {@code null} rather
   * than left out, so that every line has every documented field.
   */
  void writeDocuments(Dataset<Row> documents) {
    documents.select(VisitNotes.documentColumns())
        .orderBy("event_time", "doc_id")
        .write().mode(SaveMode.Overwrite)
        .option("compression", "gzip")
        .option("timestampFormat", TIMESTAMP_FORMAT)
        .option("ignoreNullFields", false)
        .json(documentsDir().toString());
  }

  /** Writes the data card (aggregate counts and descriptions only, never a row) next to the documents. */
  void writeDataCard(SparkSession spark, Map<String, Object> card) throws IOException {
    Path path = dataCard();
    FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    try (OutputStream out = fs.create(path, true)) {
      out.write(json.writeValueAsBytes(card));
      out.write('\n');
    }
  }
}
