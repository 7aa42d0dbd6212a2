package io.carelake.cli;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every job the launcher can start, with the module whose classpath it runs on. Each runs in a JVM
 * of its own, as {@code spark-submit} or {@code flink run} would run it.
 */
public enum Job implements Launchable {
  INGEST("ingest", "ingestion", "io.carelake.ingestion.IngestJob", Engine.FLINK,
      "Stream visits and vitals from Kafka into raw.* Iceberg tables, exactly once."),
  GOVERN("govern", "governance-rules", "io.carelake.governance.GovernJob", Engine.SPARK,
      "Check raw data against the governance specs; split into curated.* and quarantine.*."),
  DEIDENTIFY("deidentify", "deidentification", "io.carelake.deid.DeidentifyJob",
      Engine.SPARK, "De-identify curated.* into safe.* (keyed pseudonyms, scrubbed text)."),
  FEATURES("features", "feature-jobs", "io.carelake.features.FeaturesJob", Engine.SPARK,
      "The risk cohort: point-in-time features, labels and attrition from safe.*."),
  CORPUS("corpus", "training-datasets", "io.carelake.datasets.CorpusJob", Engine.SPARK,
      "Filtered, deduplicated, decontaminated LM corpus and instruction data from the date-shifted release."),
  RISK_DATASET("risk-dataset", "training-datasets", "io.carelake.datasets.RiskDatasetJob",
      Engine.SPARK, "A risk dataset: temporal patient-disjoint split, fitted transforms, data card."),
  TRAIN("train", "training-datasets", "io.carelake.datasets.TrainJob", Engine.SPARK,
      "Train risk models and score the published baselines per outcome of a risk dataset."),
  EVALUATE("evaluate", "model-evaluation", "io.carelake.evaluation.EvaluateJob", Engine.SPARK,
      "Evaluate a model iteration on its held-out split: every metric with patient-level CIs;"
          + " --baseline, --gate."),
  REPORT("report", "quality-reports", "io.carelake.reports.ReportJob", Engine.SPARK,
      "Write the auditors' report (HTML and JSON) for an interval.");

  /** Which engine a job runs on decides its JVM flags. */
  /** What a job's JVM needs: Spark's local defaults, Flink's, or nothing (plain Java). */
  public enum Engine { SPARK, FLINK, JAVA }

  private final String command;
  private final String module;
  private final String mainClass;
  private final Engine engine;
  private final String description;

  Job(String command, String module, String mainClass, Engine engine, String description) {
    this.command = command;
    this.module = module;
    this.mainClass = mainClass;
    this.engine = engine;
    this.description = description;
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
  public Engine engine() {
    return engine;
  }

  @Override
  public String description() {
    return description;
  }

  public static Optional<Job> byCommand(String command) {
    return Arrays.stream(values()).filter(j -> j.command.equals(command)).findFirst();
  }
}
