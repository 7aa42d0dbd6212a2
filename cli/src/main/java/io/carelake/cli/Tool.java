package io.carelake.cli;

/**
 * Operations commands that are not pipeline stages: they inspect or maintain what ingestion wrote,
 * or measure it. Each runs on its module's classpath like a job.
 */
enum Tool implements Launchable {
  INGEST_STATUS("ingest status", "io.carelake.ingestion.IngestStatus",
      "Ingestion's recent runs, consumer lag, time since the last commit and the watermark."),
  MAINTAIN("maintain", "io.carelake.ingestion.MaintainJob",
      "Compact small files, rewrite manifests and expire old snapshots of the raw tables."),
  BENCH_INGEST("bench ingest", "io.carelake.ingestion.IngestBench",
      "Benchmark: a bare Kafka consumer against the ingest job on the same events (scratch tables).");

  private final String command;
  private final String mainClass;
  private final String description;

  Tool(String command, String mainClass, String description) {
    this.command = command;
    this.mainClass = mainClass;
    this.description = description;
  }

  @Override
  public String command() {
    return command;
  }

  @Override
  public String module() {
    return "ingestion";
  }

  @Override
  public String mainClass() {
    return mainClass;
  }

  @Override
  public Job.Engine engine() {
    return Job.Engine.FLINK;
  }

  @Override
  public String description() {
    return description;
  }
}
