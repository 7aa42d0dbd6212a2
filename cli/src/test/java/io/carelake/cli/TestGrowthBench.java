package io.carelake.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * bench growth's reading of each bench's output and the probe's line, its slopes and its report
 * (the shape of the table and of the JSON last line; no bench is run and nothing is timed here:
 * the benches themselves are commands).
 */
class TestGrowthBench {

  static String probe(long heap, long live, String files) {
    return probe(heap, live, 0, 0, 0, files);
  }

  static String probe(long heap, long live, long driver, long largest, long tasks, String files) {
    return "growth-probe peak_heap_bytes=" + heap + " peak_live_heap_bytes=" + live
        + " driver_result_bytes=" + driver + " max_task_result_bytes=" + largest + " tasks="
        + tasks + " files=" + files;
  }

  @Test
  void eachBenchsTimeAndTheFilesOfItsOutputTablesAreRead() {
    String govern = "bench govern: ...\nbench-govern rows=2000 curated=1980 quarantined=20"
        + " floor_ms=812 govern_ms=4321 ratio=5.321\n"
        + probe(300_000_000, 120_000_000, 5_300_000, 41_000, 212,
            "carelake.raw.vitals:2,carelake.curated.vitals:3,"
            + "carelake.quarantine.vitals:1,carelake.governance.runs:4");
    GrowthBench.Point p = GrowthBench.point(GrowthBench.Measured.GOVERN, 2000, govern);
    assertThat(p.seconds()).isEqualTo(4.321);
    assertThat(p.files()).isEqualTo(4);
    assertThat(p.peakHeapBytes()).isEqualTo(300_000_000L);
    assertThat(p.peakLiveHeapBytes()).isEqualTo(120_000_000L);
    assertThat(p.driverResultBytes()).isEqualTo(5_300_000L);
    assertThat(p.maxTaskResultBytes()).isEqualTo(41_000L);
    assertThat(p.tasks()).isEqualTo(212L);

    String deid = "{\"bench\":\"deidentify\",\"rows\":5000,\"copy_rows_per_s\":1000.0,"
        + "\"full_rows_per_s\":2500.0,\"task_slots\":2}\n"
        + probe(1, 1, "carelake.bench.visits_copy:2,carelake.bench.visits_full:5");
    GrowthBench.Point d = GrowthBench.point(GrowthBench.Measured.DEIDENTIFY, 5000, deid);
    assertThat(d.seconds()).isEqualTo(2.0);
    assertThat(d.files()).isEqualTo(5);

    assertThat(GrowthBench.point(GrowthBench.Measured.FEATURES, 2000,
        "{\"bench\":\"features\",\"rows\":2000,\"floor_s\":0.5,\"features_s\":7.250,\"ratio\":14.5}\n"
            + probe(1, 1, "carelake.safe.vitals:1,carelake.features.chronic_risk:6")))
        .isEqualTo(new GrowthBench.Point(2000, 7.25, 1, 1, 0, 0, 0, 6));
    assertThat(GrowthBench.point(GrowthBench.Measured.TRAIN, 2000,
        "{\"bench\":\"train\",\"rows\":2000,\"train_s\":3.5}\n"
            + probe(1, 1, "carelake.models.predictions:2,carelake.models.iterations:1,"
                + "carelake.datasets.risk:3")).files()).isEqualTo(3);
  }

  @Test
  void aBenchWithoutTheProbeLineOrItsTimeIsAnError() {
    assertThatThrownBy(() -> GrowthBench.point(GrowthBench.Measured.EVALUATE, 2000,
        "{\"bench\":\"evaluate\",\"evaluate_s\":1.0}\n"))
        .hasMessageContaining("no growth-probe line");
    assertThatThrownBy(() -> GrowthBench.point(GrowthBench.Measured.EVALUATE, 2000,
        probe(1, 1, "")))
        .hasMessageContaining("evaluate_s");
  }

  @Test
  void theProbeGoesBeforeTheBenchsMainClass() {
    List<String> cmd = GrowthBench.probed(List.of("java", "-Xmx3g", "-cp", "a:b",
        "io.carelake.governance.GovernBench", "--rows", "2000"),
        "io.carelake.governance.GovernBench", "carelake", true);
    assertThat(cmd).containsExactly("java", "-Dcarelake.scratch.keep=true",
        "-Dcarelake.catalog.name=carelake", "-Xmx3g", "-cp", "a:b", GrowthBench.PROBE_MAIN,
        "io.carelake.governance.GovernBench", "--rows", "2000");
  }

  @Test
  void theSlopeIsTheLeastSquaresSlopeOfLogTimeOnLogRows() {
    // time proportional to rows: slope 1 exactly; to rows^2: 2; constant: 0
    List<Long> rows = List.of(2000L, 5000L, 20000L);
    assertThat(GrowthBench.logLogSlope(rows, List.of(1.0, 2.5, 10.0))).isCloseTo(1.0,
        within(1e-12));
    assertThat(GrowthBench.logLogSlope(rows, List.of(4.0, 25.0, 400.0))).isCloseTo(2.0,
        within(1e-12));
    assertThat(GrowthBench.logLogSlope(rows, List.of(7.0, 7.0, 7.0))).isCloseTo(0.0,
        within(1e-12));
    // two points: the slope of the line through them
    assertThat(GrowthBench.logLogSlope(List.of(2000L, 5000L), List.of(3.0, 6.0)))
        .isCloseTo(Math.log(2) / Math.log(2.5), within(1e-12));
    assertThat(GrowthBench.logLogSlope(List.of(2000L), List.of(3.0))).isNaN();
  }

  @Test
  void theReportHasARowPerJobAndSizeASlopeLinePerJobAndAJsonLastLine() throws Exception {
    GrowthBench bench = new GrowthBench();
    bench.rows = List.of(2000L, 5000L);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bench.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Map<GrowthBench.Measured, List<GrowthBench.Point>> points = new LinkedHashMap<>();
    points.put(GrowthBench.Measured.GOVERN, List.of(
        new GrowthBench.Point(2000, 2.0, 400L << 20, 100L << 20, 64L << 10, 4L << 10, 20, 3),
        new GrowthBench.Point(5000, 5.0, 410L << 20, 100L << 20, 64L << 10, 4L << 10, 20, 3)));
    points.put(GrowthBench.Measured.EVALUATE, List.of(
        new GrowthBench.Point(2000, 1.0, 300L << 20, 50L << 20, 100L << 10, 50L << 10, 2, 2),
        new GrowthBench.Point(5000, 6.25, 700L << 20, 125L << 20, 250L << 10, 125L << 10, 2,
            2)));
    bench.report(points);
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).contains("job", "rows", "time s", "peak heap MB", "live heap MB",
        "to driver KB", "tasks", "files");
    assertThat(lines.get(1)).startsWith("govern").contains("2,000", "2.00", "400", "100", "64");
    assertThat(lines.get(4)).startsWith("evaluate").contains("5,000", "6.25", "700", "125",
        "250");
    assertThat(lines.get(5)).startsWith("govern: log-log slope of time on rows 1.000 (<= 1.1:"
        + " yes)").contains("of bytes sent to the driver 0.000 (nothing collected, <= 0.5: yes)",
            "local executors, 0.000 (flat, <= 0.1: yes)");
    // evaluate: time 6.25x for 2.5x the rows (slope 2), heap and driver-bound bytes 2.5x (slope 1)
    assertThat(lines.get(6)).contains("2.000 (<= 1.1: NO)", "1.000 (nothing collected, <= 0.5:"
        + " NO)", "1.000 (flat, <= 0.1: NO)");
    assertThat(lines).hasSize(8);
    JsonNode json = new ObjectMapper().readTree(lines.get(7));
    assertThat(json.get("bench").asText()).isEqualTo("growth");
    assertThat(json.get("rows").toString()).isEqualTo("[2000,5000]");
    JsonNode govern = json.get("jobs").get("govern");
    assertThat(govern.get("seconds").toString()).isEqualTo("[2.0,5.0]");
    assertThat(govern.get("files").toString()).isEqualTo("[3,3]");
    assertThat(govern.get("peak_live_heap_bytes").get(1).asLong()).isEqualTo(100L << 20);
    assertThat(govern.get("time_slope").asDouble()).isEqualTo(1.0);
    assertThat(govern.get("time_slope_ok").asBoolean()).isTrue();
    assertThat(govern.get("heap_flat").asBoolean()).isTrue();
    assertThat(govern.get("driver_result_bytes").toString()).isEqualTo("[65536,65536]");
    assertThat(govern.get("tasks").toString()).isEqualTo("[20,20]");
    assertThat(govern.get("driver_bytes_ok").asBoolean()).isTrue();
    JsonNode evaluate = json.get("jobs").get("evaluate");
    assertThat(evaluate.get("time_slope").asDouble()).isEqualTo(2.0);
    assertThat(evaluate.get("time_slope_ok").asBoolean()).isFalse();
    assertThat(evaluate.get("heap_flat").asBoolean()).isFalse();
    assertThat(evaluate.get("driver_bytes_slope").asDouble()).isEqualTo(1.0);
    assertThat(evaluate.get("driver_bytes_ok").asBoolean()).isFalse();
  }
}
