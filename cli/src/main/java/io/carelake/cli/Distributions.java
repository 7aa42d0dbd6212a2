package io.carelake.cli;

import io.carelake.core.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the stock engine distributions are that the project's own set-up installs
 * ({@code bin/setup python flink}): Spark 3.5 from the pinned pyspark in the Airflow virtual
 * environment (its {@code bin/spark-class}, {@code bin/spark-submit} and {@code jars/}), Flink 2.1
 * from PyPI's PyFlink packages, and the shaded Hadoop client jars the POM pins, which a Flink
 * distribution does not carry ({@code HADOOP_CLASSPATH}).
 */
final class Distributions {

  private final Path repo;

  Distributions(Path repo) {
    this.repo = repo;
  }

  /** {@code SPARK_HOME}: pyspark's package directory in {@code airflow-dags/.venv}. */
  Path sparkHome() {
    Path lib = repo.resolve("airflow-dags").resolve(".venv").resolve("lib");
    try (Stream<Path> pythons = Files.isDirectory(lib) ? Files.list(lib) : Stream.empty()) {
      return pythons.map(p -> p.resolve("site-packages").resolve("pyspark"))
          .filter(p -> Files.isExecutable(p.resolve("bin").resolve("spark-class")))
          .findFirst()
          .orElseThrow(() -> new ConfigException("No Spark distribution under " + lib
              + " (pyspark's bin/spark-class): run bin/setup python"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code FLINK_HOME}: the distribution {@code airflow-dags/scripts/setup-flink.sh} unpacks. */
  Path flinkHome() {
    Path home = repo.resolve("airflow-dags").resolve(".flink").resolve("pyflink");
    if (!Files.isExecutable(home.resolve("bin").resolve("flink"))) {
      throw new ConfigException("No Flink distribution at " + home + ": run bin/setup flink");
    }
    return home;
  }

  /**
   * The shaded Hadoop client jars (hadoop-client-api and -runtime at the POM's version) from the
   * ingestion module's resolved classpath: what {@code HADOOP_CLASSPATH} gives Flink for HDFS and
   * for Iceberg's Hadoop classes.
   */
  String hadoopClasspath() {
    Path file = repo.resolve("ingestion").resolve("target").resolve("classpath.txt");
    try {
      List<String> jars = Arrays.stream(Files.readString(file, StandardCharsets.UTF_8).trim()
              .split(java.io.File.pathSeparator))
          .filter(j -> Path.of(j).getFileName().toString()
              .matches("hadoop-client-(api|runtime)-[0-9.]+\\.jar"))
          .toList();
      if (jars.size() != 2) {
        throw new ConfigException("Expected hadoop-client-api and -runtime in " + file
            + ", found " + jars + ": rebuild (bin/setup java)");
      }
      return String.join(java.io.File.pathSeparator, jars);
    } catch (IOException e) {
      throw new ConfigException("Cannot read " + file + " (" + e.getMessage()
          + "): build the ingestion module first (bin/setup java)", e);
    }
  }
}
