package io.carelake.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** generate → Kafka and generate --out → publish put the same records on a real KRaft broker. */
class TestKafkaPublishing {

  private static KafkaClusterTestKit cluster;

  @BeforeAll
  static void startBroker() throws Exception {
    cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build()).build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Path home(Path dir, String visits, String vitals) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(visits, 2, (short) 1),
          new NewTopic(vitals, 2, (short) 1))).all().get();
    }
    Files.writeString(dir.resolve(CarelakeConfig.FILE_NAME), String.join("\n",
        CarelakeConfig.KAFKA_BOOTSTRAP_SERVERS + "=" + cluster.bootstrapServers(),
        CarelakeConfig.KAFKA_TOPIC_VISITS + "=" + visits,
        CarelakeConfig.KAFKA_TOPIC_VITALS + "=" + vitals) + "\n");
    return dir;
  }

  @Test
  void generatedAndPublishedRecordsAreIdentical(@TempDir Path a, @TempDir Path b,
      @TempDir Path files) throws Exception {
    String[] args = {"--patients", "30", "--days", "45", "--seed", "4", "--bad-rate", "0.2"};
    Path direct = home(a, "direct.visits", "direct.vitals");
    assertThat(new CommandLine(new GenerateCommand()).execute(concat(args, "--home",
        direct.toString()))).isZero();
    Path manifest = GenerateCommand.manifestPath(direct,
        new GeneratorSettings(30, 45, 4, java.time.LocalDate.of(2025, 1, 1), 0.2));
    assertThat(manifest).exists();

    assertThat(new CommandLine(new GenerateCommand()).execute(concat(args, "--out",
        files.toString()))).isZero();
    Path published = home(b, "published.visits", "published.vitals");
    assertThat(new CommandLine(new PublishCommand()).execute("--home", published.toString(),
        files.toString())).isZero();

    for (String stream : List.of("visits", "vitals")) {
      List<ConsumerRecord<byte[], byte[]>> x = readAll("direct." + stream);
      List<ConsumerRecord<byte[], byte[]>> y = readAll("published." + stream);
      assertThat(x).isNotEmpty().hasSize(y.size());
      long lines = Files.readAllLines(files.resolve(stream + ".jsonl"),
          java.nio.charset.StandardCharsets.ISO_8859_1).size();
      assertThat(x).hasSize((int) lines);
      for (int i = 0; i < x.size(); i++) {
        assertThat(x.get(i).partition()).isEqualTo(y.get(i).partition());
        assertThat(x.get(i).key()).isEqualTo(y.get(i).key());
        assertThat(x.get(i).value()).isEqualTo(y.get(i).value());
      }
    }
  }

  /** Every record of a topic, ordered by partition then offset. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      out.sort((r1, r2) -> r1.partition() != r2.partition()
          ? Integer.compare(r1.partition(), r2.partition()) : Long.compare(r1.offset(), r2.offset()));
      return out;
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
