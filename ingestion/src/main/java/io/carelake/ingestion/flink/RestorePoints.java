package io.carelake.ingestion.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The checkpoints and savepoints the ingest job leaves in {@code ingest.checkpoint-dir}, and which
 * one the next start restores from.
 *
 * <p>Layout (Flink's own): {@code <dir>/<job id>/chk-<n>/_metadata} for retained checkpoints
 * (left behind by a crash, a {@code kill -9}, a cancellation), and
 * {@code <dir>/savepoints/savepoint-*}{@code /_metadata} for the savepoint a bounded run takes
 * when it stops cleanly. A restore point is complete once its {@code _metadata} exists (Flink
 * writes it last, through a temporary file); the newest complete one wins. Read through Flink's
 * {@link FileSystem}, so any checkpoint storage Flink supports works.
 */
public final class RestorePoints {

  public static final String SAVEPOINTS = "savepoints";
  private static final String METADATA = "_metadata";
  private static final Pattern JOB_DIR = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern CHECKPOINT_DIR = Pattern.compile("chk-\\d+");

  /** One complete checkpoint or savepoint: its directory and when its metadata was written. */
  public record RestorePoint(String path, long modifiedMillis, boolean savepoint) {}

  private RestorePoints() {}

  /** Where a clean stop puts its savepoint. */
  public static String savepointDir(String checkpointDir) {
    return new Path(checkpointDir, SAVEPOINTS).toString();
  }

  /** The newest complete restore point under {@code checkpointDir}, if any. */
  public static Optional<RestorePoint> latest(String checkpointDir) {
    return all(checkpointDir).stream()
        .max(Comparator.comparingLong(RestorePoint::modifiedMillis)
            .thenComparing(RestorePoint::path));
  }

  /** Every complete restore point under {@code checkpointDir}. */
  public static List<RestorePoint> all(String checkpointDir) {
    List<RestorePoint> found = new ArrayList<>();
    try {
      Path root = new Path(checkpointDir);
      FileSystem fs = root.getFileSystem();
      if (!fs.exists(root)) {
        return found;
      }
      for (FileStatus child : list(fs, root)) {
        String name = child.getPath().getName();
        if (!child.isDir()) {
          continue;
        }
        if (JOB_DIR.matcher(name).matches()) {
          for (FileStatus chk : list(fs, child.getPath())) {
            if (chk.isDir() && CHECKPOINT_DIR.matcher(chk.getPath().getName()).matches()) {
              complete(fs, chk.getPath(), false).ifPresent(found::add);
            }
          }
        } else if (name.equals(SAVEPOINTS)) {
          for (FileStatus sp : list(fs, child.getPath())) {
            if (sp.isDir() && sp.getPath().getName().startsWith("savepoint-")) {
              complete(fs, sp.getPath(), true).ifPresent(found::add);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list restore points in " + checkpointDir
          + " (ingest.checkpoint-dir): " + e.getMessage(), e);
    }
    return found;
  }

  /**
   * Deletes every restore point and job checkpoint directory under {@code checkpointDir} except
   * {@code keep} (and the job directory that holds it). Only names Flink itself creates are
   * touched.
   */
  public static int deleteAllBut(String checkpointDir, RestorePoint keep) {
    int deleted = 0;
    try {
      Path root = new Path(checkpointDir);
      FileSystem fs = root.getFileSystem();
      if (!fs.exists(root)) {
        return 0;
      }
      Path kept = new Path(keep.path());
      for (FileStatus child : list(fs, root)) {
        Path p = child.getPath();
        if (child.isDir() && JOB_DIR.matcher(p.getName()).matches()
            && !isAncestor(p, kept)) {
          fs.delete(p, true);
          deleted++;
        } else if (child.isDir() && p.getName().equals(SAVEPOINTS)) {
          for (FileStatus sp : list(fs, p)) {
            if (sp.isDir() && sp.getPath().getName().startsWith("savepoint-")
                && !sp.getPath().toUri().getPath().equals(kept.toUri().getPath())) {
              fs.delete(sp.getPath(), true);
              deleted++;
            }
          }
        }
      }
    } catch (IOException e) {
      // clean-up only: the next start picks the newest restore point regardless
      return deleted;
    }
    return deleted;
  }

  private static boolean isAncestor(Path dir, Path child) {
    String d = dir.toUri().getPath();
    String c = child.toUri().getPath();
    return c.equals(d) || c.startsWith(d.endsWith("/") ? d : d + "/");
  }

  private static Optional<RestorePoint> complete(FileSystem fs, Path dir, boolean savepoint)
      throws IOException {
    Path metadata = new Path(dir, METADATA);
    if (!fs.exists(metadata)) {
      return Optional.empty();
    }
    FileStatus status = fs.getFileStatus(metadata);
    if (status.getLen() == 0) {
      return Optional.empty();
    }
    return Optional.of(new RestorePoint(dir.toString(), status.getModificationTime(), savepoint));
  }

  private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
    FileStatus[] statuses = fs.listStatus(dir);
    return statuses == null ? new FileStatus[0] : statuses;
  }
}
