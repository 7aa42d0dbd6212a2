package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.Version;
import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the launcher starts a stage: a local JVM on the module's classpath in the embedded profile,
 * and {@code spark-submit} / {@code flink run} of the module's bundled jar once the configuration
 * names a cluster (what {@code carelake cluster start} writes). The repository is a scratch tree
 * with the files the launcher looks for.
 */
class TestClusterSubmission {

  @TempDir Path repo;
  @TempDir Path home;
  private Launcher launcher;

  @BeforeEach
  void setUp() throws Exception {
    launcher = new Launcher(repo);
    for (String module : List.of("governance-rules", "ingestion")) {
      Path target = Files.createDirectories(repo.resolve(module).resolve("target"));
      Files.createDirectories(target.resolve("classes"));
      Files.writeString(target.resolve("carelake-" + module + "-" + Version.CARELAKE
          + "-bundled.jar"), "");
    }
    Files.writeString(repo.resolve("governance-rules/target/classpath.txt"), "/m2/spark-core.jar");
    Files.writeString(repo.resolve("ingestion/target/classpath.txt"), String.join(":",
        "/m2/flink-core-2.1.1.jar", "/m2/hadoop-client-api-3.4.1.jar",
        "/m2/hadoop-client-runtime-3.4.1.jar"));
  }

  @Test
  void theEmbeddedProfileRunsAStageInALocalJvmOnItsModulesClasspath() {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    List<String> cmd = launcher.command(Job.GOVERN, config, List.of("--interval", "x"));
    assertThat(cmd.get(0)).endsWith("/bin/java");
    assertThat(cmd).contains("-Dspark.master=local[2]", "io.carelake.governance.GovernJob")
        .noneMatch(a -> a.contains("spark-submit"));
    assertThat(cmd.get(cmd.indexOf("-cp") + 1))
        .isEqualTo(repo.resolve("governance-rules/target/classes") + ":/m2/spark-core.jar");
    assertThat(cmd.subList(cmd.size() - 2, cmd.size())).containsExactly("--interval", "x");
  }

  @Test
  void aClusterProfileSubmitsTheBundledJarUnchangedToTheStandaloneMaster() {
    CarelakeConfig config = cluster();
    List<String> cmd = launcher.command(Job.GOVERN, config, List.of("--interval", "x"));
    assertThat(cmd.get(0)).isEqualTo("/opt/spark/bin/spark-submit");
    assertThat(cmd.get(cmd.indexOf("--master") + 1)).isEqualTo("spark://127.0.0.1:7077");
    assertThat(cmd.get(cmd.indexOf("--deploy-mode") + 1)).isEqualTo("client");
    assertThat(cmd.get(cmd.indexOf("--class") + 1)).isEqualTo("io.carelake.governance.GovernJob");
    // the jar, then the job's own arguments, as the DAG's SparkSubmitOperator passes them
    assertThat(cmd.subList(cmd.size() - 3, cmd.size())).containsExactly(
        repo.resolve("governance-rules/target/carelake-governance-rules-" + Version.CARELAKE
            + "-bundled.jar").toString(), "--interval", "x");
    assertThat(cmd).noneMatch(a -> a.startsWith("-cp") || a.contains("classpath"));
    // the driver's full log goes to the home's logs, as a local job's does
    assertThat(cmd).anyMatch(a -> a.startsWith("spark.driver.extraJavaOptions=")
        && a.contains(" -Dcarelake.log.file=" + home.resolve("logs").resolve("govern-")));
    assertThat(launcher.environment(Job.GOVERN, config))
        .containsEntry("SPARK_HOME", "/opt/spark")
        .containsEntry("SPARK_CONF_DIR", "/tmp/profile/spark-conf")
        .containsEntry("CARELAKE_REPO", repo.toString());
  }

  @Test
  void aClusterProfileRunsIngestWithFlinkRunAndGivesFlinkTheHadoopClientJars() {
    CarelakeConfig config = cluster();
    List<String> cmd = launcher.command(Job.INGEST, config, List.of("--bounded"));
    assertThat(cmd).containsExactly("/opt/flink/bin/flink", "run", "-c",
        "io.carelake.ingestion.IngestJob", repo.resolve("ingestion/target/carelake-ingestion-"
            + Version.CARELAKE + "-bundled.jar").toString(), "--bounded");
    assertThat(launcher.environment(Job.INGEST, config))
        .containsEntry("FLINK_CONF_DIR", "/tmp/profile/flink-conf")
        .containsEntry("HADOOP_CLASSPATH",
            "/m2/hadoop-client-api-3.4.1.jar:/m2/hadoop-client-runtime-3.4.1.jar");
  }

  @Test
  void toolsStayLocalOnAClusterProfile() throws Exception {
    Path target = Files.createDirectories(repo.resolve("cluster/target/classes")).getParent();
    Files.writeString(target.resolve("classpath.txt"), "/m2/iceberg-core.jar");
    List<String> cmd = launcher.command(Tool.DIGEST, cluster(), List.of());
    assertThat(cmd.get(0)).endsWith("/bin/java");
    assertThat(cmd).contains("io.carelake.cluster.TableDigest");
  }

  @Test
  void aMissingBundledJarIsNamedWithTheWayToBuildIt() throws Exception {
    Path jar = repo.resolve("governance-rules/target/carelake-governance-rules-"
        + Version.CARELAKE + "-bundled.jar");
    Files.delete(jar);
    assertThatThrownBy(() -> launcher.command(Job.GOVERN, cluster(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(jar.toString())
        .hasMessageContaining("bin/setup java");
  }

  private CarelakeConfig cluster() {
    return CarelakeConfig.load(home, Map.of()).withSaved(Map.of(
        CarelakeConfig.LAUNCHER_SPARK_MASTER, "spark://127.0.0.1:7077",
        CarelakeConfig.LAUNCHER_SPARK_HOME, "/opt/spark",
        CarelakeConfig.LAUNCHER_SPARK_CONF_DIR, "/tmp/profile/spark-conf",
        CarelakeConfig.LAUNCHER_FLINK_HOME, "/opt/flink",
        CarelakeConfig.LAUNCHER_FLINK_CONF_DIR, "/tmp/profile/flink-conf"), Set.of());
  }
}
