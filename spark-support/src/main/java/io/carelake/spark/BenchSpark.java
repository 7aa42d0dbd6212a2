package io.carelake.spark;

import picocli.CommandLine.Option;

/**
 * The local Spark a bench starts in its own JVM: {@code --master} (a picocli {@code @Mixin}),
 * used when {@code spark.master} is not set, and a small machine's settings.
 */
public final class BenchSpark {

  @Option(names = "--master", description = "Spark master when spark.master is not set"
      + " (default ${DEFAULT-VALUE})")
  private String master = "local[2]";

  /** Sets {@code spark.master} to {@code --master} unless it is set. */
  public void useMaster() {
    useMaster(master);
  }

  /** Sets {@code spark.master} to {@code master} unless it is set. */
  public static void useMaster(String master) {
    if (System.getProperty("spark.master") == null) {
      System.setProperty("spark.master", master);
    }
  }

  /**
   * No Spark UI and {@code shufflePartitions} shuffle partitions (Spark's default of 200 is for
   * clusters), each unless set.
   */
  public static void smallMachine(int shufflePartitions) {
    System.setProperty("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"));
    System.setProperty("spark.sql.shuffle.partitions",
        System.getProperty("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions)));
  }
}
