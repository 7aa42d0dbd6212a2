package io.carelake.ingestion;

import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** The in-process single-node KRaft broker the ingestion tests share (real Kafka, no mocks). */
final class TestBrokers {

  private TestBrokers() {}

  /** A started, ready broker with its logs under {@code baseDir}; close it when done. */
  static KafkaClusterTestKit start(Path baseDir) throws Exception {
    KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
            .setBaseDirectory(baseDir).build())
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("offsets.topic.num.partitions", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .build();
    kafka.format();
    kafka.startup();
    kafka.waitForReadyBrokers();
    return kafka;
  }
}
