package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carelake.core.config.CarelakeConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile's ports survive from one command to the next, and a taken port is not reused. */
class TestClusterState {

  @TempDir Path home;

  @Test
  void aRecordedPortIsReusedByALaterCommandWhileItIsFree() {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    int first = new ClusterState(config).choosePort("spark.master-port");
    assertThat(first).isPositive();
    ClusterState later = new ClusterState(config);
    assertThat(later.port("spark.master-port")).isEqualTo(first);
    assertThat(later.choosePort("spark.master-port")).isEqualTo(first);
    assertThat(later.port("never-recorded")).isZero();
  }

  @Test
  void aRecordedPortThatAnotherProgramHoldsIsReplacedAndTheNewOneRecorded() throws Exception {
    CarelakeConfig config = CarelakeConfig.load(home, Map.of());
    try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      new ClusterState(config).port("flink.rest-port", taken.getLocalPort());
      int chosen = new ClusterState(config).choosePort("flink.rest-port");
      assertThat(chosen).isNotEqualTo(taken.getLocalPort()).isPositive();
      assertThat(new ClusterState(config).port("flink.rest-port")).isEqualTo(chosen);
    }
  }

  @Test
  void daemonsOfTheProfileKeepPidsAndLogsUnderTheHomesClusterDirectory() {
    Daemon d = new ClusterState(CarelakeConfig.load(home, Map.of())).daemon("spark-worker-1");
    assertThat(d.logFile()).isEqualTo(home.resolve("cluster/logs/spark-worker-1.log"));
  }
}
