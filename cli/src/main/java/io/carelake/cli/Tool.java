package io.carelake.cli;

/**
 * Commands that are not pipeline stages: they load outside data, inspect or maintain what the
 * pipeline wrote, draft specs, or measure a stage. Each runs on its module's classpath like a job.
 */
enum Tool implements Launchable {
  INGEST_STATUS("ingest status", "ingestion", "io.carelake.ingestion.IngestStatus", Job.Engine.FLINK,
      "Ingestion's recent runs, consumer lag, time since the last commit and the watermark."),
  MAINTAIN("maintain", "ingestion", "io.carelake.ingestion.MaintainJob", Job.Engine.FLINK,
      "Compact small files, rewrite manifests and expire old snapshots of the raw tables."),
  LOAD("load", "loaders", "io.carelake.loaders.LoadCommand", Job.Engine.JAVA,
      "Publish canonical events from FHIR R4 bundles or a Synthea CSV export (--format fhir|synthea-csv)."),
  SUGGEST_SPEC("suggest-spec", "governance-rules", "io.carelake.governance.SuggestSpec",
      Job.Engine.SPARK, "Profile a table with Deequ and write a draft governance spec (--table T)."),
  BENCH_INGEST("bench ingest", "ingestion", "io.carelake.ingestion.IngestBench", Job.Engine.FLINK,
      "Benchmark: a bare Kafka consumer against the ingest job on the same events (scratch tables)."),
  BENCH_GOVERN("bench govern", "governance-rules", "io.carelake.governance.GovernBench",
      Job.Engine.SPARK, "Benchmark: govern with the shipped spec against a scan + group-by floor."),
  DIGEST("digest", "cluster", "io.carelake.cluster.TableDigest", Job.Engine.JAVA,
      "Row count and content hash of every table; --against HOME compares two deployments."),
  BENCH_DEIDENTIFY("bench deidentify", "deidentification", "io.carelake.deid.DeidentifyBench",
      Job.Engine.SPARK, "Benchmark: structured de-identification against a plain copy; scrubber MB/s."),
  BENCH_CORPUS("bench corpus", "training-datasets", "io.carelake.datasets.CorpusBench",
      Job.Engine.SPARK, "Benchmark: corpus near-duplicate detection on planted Chinese notes (MB/s"
          + " per task slot, precision, recall) at each --docs size, beside datatrove's MinHash."),
  EVALUATE_LM("evaluate-lm", "model-evaluation", "io.carelake.evaluation.lm.EvaluateLmJob",
      Job.Engine.SPARK, "Score a language-model iteration's answers to exam items (Wilson"
          + " accuracy, clean subset, McNemar against a second iteration)."),
  BENCH_EVALUATE("bench evaluate", "model-evaluation", "io.carelake.evaluation.EvaluateBench",
      Job.Engine.SPARK, "Benchmark: evaluate (2,000 patient-level resamples) against one scan of"
          + " the predictions (scratch tables)."),
  BENCH_FEATURES("bench features", "feature-jobs", "io.carelake.features.FeaturesBench",
      Job.Engine.SPARK, "Benchmark: features (shipped cohort) against one scan of its inputs.");

  private final String command;
  private final String module;
  private final String mainClass;
  private final Job.Engine engine;
  private final String description;

  Tool(String command, String module, String mainClass, Job.Engine engine, String description) {
    this.command = command;
    this.module = module;
    this.mainClass = mainClass;
    this.engine = engine;
    this.description = description;
  }

  /** A tool of its own word ({@code maintain}), not a second word of a job's or of bench. */
  boolean standalone() {
    return !command.contains(" ");
  }

  @Override
  public String command() {
    return command;
  }

  @Override
  public String module() {
    return module;
  }

  @Override
  public String mainClass() {
    return mainClass;
  }

  @Override
  public Job.Engine engine() {
    return engine;
  }

  @Override
  public String description() {
    return description;
  }
}
