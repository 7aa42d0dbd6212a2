package io.carelake.cli;

import io.carelake.core.jobs.JobManifest;

/**
 * Commands that are not pipeline stages: they load outside data, inspect or maintain what the
 * pipeline wrote, draft specs, or measure a stage. Each runs on its module's classpath like a job;
 * where its code lives comes from the job manifest ({@link JobManifest}), its {@code tool} entries.
 */
enum Tool implements Launchable {
  INGEST_STATUS("ingest status"),
  MAINTAIN("maintain"),
  LOAD("load"),
  SUGGEST_SPEC("suggest-spec"),
  BENCH_INGEST("bench ingest"),
  BENCH_GOVERN("bench govern"),
  DIGEST("digest"),
  AUDIT("audit"),
  BENCH_DEIDENTIFY("bench deidentify"),
  BENCH_CORPUS("bench corpus"),
  EVALUATE_LM("evaluate-lm"),
  BENCH_EVALUATE("bench evaluate"),
  BENCH_FEATURES("bench features"),
  BENCH_TRAIN("bench train"),
  BENCH_GROWTH("bench growth");

  private final JobManifest.Entry entry;

  Tool(String command) {
    this.entry = JobManifest.shipped().get(command);
  }

  @Override
  public JobManifest.Entry entry() {
    return entry;
  }

  /** A tool of its own word ({@code maintain}), not a second word of a job's or of bench. */
  boolean standalone() {
    return !command().contains(" ");
  }
}
