package io.carelake.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCarelakeConfig {

  @TempDir Path home;

  @Test
  void writesDefaultsOnFirstUse() throws Exception {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    Path file = home.resolve(CarelakeConfig.FILE_NAME);
    assertThat(file).exists();
    String text = Files.readString(file);
    assertThat(text).contains("kafka.bootstrap-servers=").contains("catalog.uri=jdbc:sqlite:")
        .contains("catalog.warehouse=");
    assertThat(config.catalogName()).isEqualTo("carelake");
    assertThat(config.catalogProperties())
        .containsEntry("type", "jdbc")
        .containsEntry("uri", "jdbc:sqlite:" + home.toAbsolutePath().resolve("catalog.db"))
        .containsEntry("jdbc.journal_mode", "WAL")
        .doesNotContainKey("name");
  }

  @Test
  void fileValuesWinOverDefaultsAndEnvironmentWinsOverFile() throws Exception {
    CarelakeConfig.load(home, Map.of());
    Path file = home.resolve(CarelakeConfig.FILE_NAME);
    Files.writeString(file, Files.readString(file)
        .replaceAll("kafka.topic.visits=.*", "kafka.topic.visits=clinic.visits"));
    assertThat(CarelakeConfig.load(home, Map.of()).visitsTopic()).isEqualTo("clinic.visits");
    CarelakeConfig overridden = CarelakeConfig.load(home,
        Map.of("CARELAKE_KAFKA_TOPIC_VISITS", "env.visits",
            "CARELAKE_KAFKA_BOOTSTRAP_SERVERS", "broker:9092"));
    assertThat(overridden.visitsTopic()).isEqualTo("env.visits");
    assertThat(overridden.kafkaBootstrapServers()).isEqualTo("broker:9092");
  }

  @Test
  void envNamesFollowTheDocumentedRule() {
    assertThat(CarelakeConfig.envName("kafka.bootstrap-servers"))
        .isEqualTo("CARELAKE_KAFKA_BOOTSTRAP_SERVERS");
    assertThat(CarelakeConfig.envName("catalog.jdbc.busy_timeout"))
        .isEqualTo("CARELAKE_CATALOG_JDBC_BUSY_TIMEOUT");
  }

  @Test
  void aProfileRewritesKeysRemovesOthersAndKeepsTheEnvironmentOverrides() throws Exception {
    Map<String, String> env = Map.of("CARELAKE_KAFKA_TOPIC_VISITS", "env.visits");
    CarelakeConfig config = CarelakeConfig.load(home, env);
    CarelakeConfig cluster = config.withSaved(Map.of(
            CarelakeConfig.CATALOG_URI, "jdbc:postgresql://127.0.0.1:45432/carelake",
            "catalog.jdbc.user", "carelake"),
        java.util.Set.of("catalog.jdbc.journal_mode"));
    assertThat(cluster.catalogProperties())
        .containsEntry("uri", "jdbc:postgresql://127.0.0.1:45432/carelake")
        .containsEntry("jdbc.user", "carelake")
        .containsEntry("jdbc.schema-version", "V1")
        // SQLite's settings stay out of a PostgreSQL catalog's driver properties: the one the
        // profile removed, and the default the file still holds is the file's own choice
        .doesNotContainKey("jdbc.journal_mode")
        .containsEntry("jdbc.busy_timeout", "30000");
    assertThat(cluster.visitsTopic()).isEqualTo("env.visits");
    assertThat(Files.readString(home.resolve(CarelakeConfig.FILE_NAME)))
        .contains("catalog.uri=jdbc:postgresql://127.0.0.1:45432/carelake")
        .doesNotContain("journal_mode");
  }

  @Test
  void sqliteDefaultsDoNotReachAnotherDatabase() throws Exception {
    Files.createDirectories(home);
    Files.writeString(home.resolve(CarelakeConfig.FILE_NAME),
        "catalog.uri=jdbc:postgresql://db:5432/carelake\n");
    assertThat(CarelakeConfig.load(home, Map.of()).catalogProperties())
        .doesNotContainKeys("jdbc.journal_mode", "jdbc.busy_timeout");
  }

  @Test
  void aFileHoldingACredentialIsOwnerOnly() throws Exception {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    Path file = home.resolve(CarelakeConfig.FILE_NAME);
    config.withSaved("catalog.jdbc.password", "s3cret");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void savedValuesSurviveAReload() {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    CarelakeConfig saved = config.withSaved(CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS, "127.0.0.1:40123");
    assertThat(saved.kafkaBootstrapServers()).isEqualTo("127.0.0.1:40123");
    assertThat(CarelakeConfig.load(home, Map.of()).kafkaBootstrapServers())
        .isEqualTo("127.0.0.1:40123");
  }

  @Test
  void unicodeAndBackslashesRoundTrip() {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    config.withSaved("reports.title", "质量报告 C:\\reports");
    assertThat(CarelakeConfig.load(home, Map.of()).get("reports.title"))
        .isEqualTo("质量报告 C:\\reports");
  }

  @Test
  void badValuesNameTheKeyAndTheFile() {
    CarelakeConfig config = CarelakeConfig.load(home,
        Map.of("CARELAKE_KAFKA_TOPIC_PARTITIONS", "two"));
    assertThatThrownBy(() -> config.getInt(CarelakeConfig.KAFKA_TOPIC_PARTITIONS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.topic.partitions")
        .hasMessageContaining("must be a whole number, got 'two'")
        .hasMessageContaining(home.resolve("carelake.properties").toString());
    assertThatThrownBy(() -> config.get("no.such.key"))
        .hasMessageContaining("CARELAKE_NO_SUCH_KEY");
  }

  @Test
  void redactsCredentials() {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of())
        .withSaved("catalog.jdbc.password", "hunter2");
    assertThat(config.redacted()).containsEntry("catalog.jdbc.password", "****");
    assertThat(config.redacted().toString()).doesNotContain("hunter2");
  }

  @Test
  void explicitConfigFileIsNotRewritten() throws Exception {
    Path file = home.resolve("cluster.properties");
    Files.writeString(file, "catalog.type=rest\ncatalog.uri=https://catalog.example:8181\n");
    CarelakeConfig config = CarelakeConfig.resolve(null, file, Map.of());
    assertThat(config.catalogProperties()).containsEntry("type", "rest")
        .containsEntry("uri", "https://catalog.example:8181");
    assertThat(Files.readString(file)).doesNotContain("kafka");
    assertThatThrownBy(() -> CarelakeConfig.resolve(null, home.resolve("missing"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Config file not found");
  }
}
