package io.carelake.reports;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes a report's files under {@code reports.dir} through Hadoop's FileSystem, so that the same
 * code writes to a local directory, HDFS or an object store ({@code s3a://...}).
 *
 * <p>Layout: {@code <dir>/<report_id>/report.json}, {@code index.html} (and {@code report.pdf}
 * when asked for), then the same bytes to {@code <dir>/latest/}. The report's own directory is written first: if the copy to {@code latest}
 * fails, the report itself is complete and the job fails loudly.
 */
final class ReportFiles {

  static final String JSON = "report.json";
  static final String HTML = "index.html";
  static final String PDF = "report.pdf";
  static final String LATEST = "latest";

  /** Where the files went: the report's index.html, fully qualified, and as a user would type it. */
  record Written(Path indexHtml, Path latestIndexHtml) {

    /** A local path for {@code file:} (what a user opens), else the full URI ({@code s3a://...}). */
    String display() {
      URI uri = indexHtml.toUri();
      return "file".equals(uri.getScheme()) ? uri.getPath() : uri.toString();
    }
  }

  private ReportFiles() {}

  /**
   * Writes {@code files} (name → bytes, in order; index.html among them) to the report's
   * directory, then the same to {@code latest/}.
   */
  static Written write(Configuration conf, String reportsDir, String reportId,
      Map<String, byte[]> files) throws IOException {
    Path root = new Path(reportsDir);
    // A private instance: turning checksum files off must not change the cached one Spark shares.
    try (FileSystem fs = FileSystem.newInstance(root.toUri(), conf)) {
      // Local file systems would add .crc files beside each report; auditors need only the files.
      fs.setWriteChecksum(false);
      Path dir = fs.makeQualified(new Path(root, reportId));
      Path latest = fs.makeQualified(new Path(root, LATEST));
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        put(fs, new Path(dir, f.getKey()), f.getValue());
      }
      // latest/ holds exactly this report: a PDF of an earlier report must not stay beside it
      for (String stale : List.of(JSON, HTML, PDF)) {
        if (!files.containsKey(stale) && fs.exists(new Path(latest, stale))) {
          fs.delete(new Path(latest, stale), false);
        }
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        put(fs, new Path(latest, f.getKey()), f.getValue());
      }
      return new Written(new Path(dir, HTML), new Path(latest, HTML));
    }
  }

  private static void put(FileSystem fs, Path path, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(path, true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new IOException("Cannot write " + path + ": " + e.getMessage()
          + " (check that reports.dir is writable)", e);
    }
  }
}
