package io.carelake.cli;

import io.carelake.core.jobs.JobManifest;
import java.util.Arrays;
import java.util.Optional;

/**
 * Every pipeline job the launcher can start. Module, main class, engine and description come from
 * the one job manifest ({@link JobManifest}, read by the Airflow settings too); this enum is the
 * launcher's typed handle on its {@code job} entries. Each runs in a JVM of its own, as
 * {@code spark-submit} or {@code flink run} would run it.
 */
public enum Job implements Launchable {
  INGEST("ingest"),
  GOVERN("govern"),
  DEIDENTIFY("deidentify"),
  FEATURES("features"),
  CORPUS("corpus"),
  RISK_DATASET("risk-dataset"),
  TRAIN("train"),
  EVALUATE("evaluate"),
  REPORT("report");

  private final JobManifest.Entry entry;

  Job(String command) {
    this.entry = JobManifest.shipped().get(command);
  }

  @Override
  public JobManifest.Entry entry() {
    return entry;
  }

  public static Optional<Job> byCommand(String command) {
    return Arrays.stream(values()).filter(j -> j.command().equals(command)).findFirst();
  }
}
