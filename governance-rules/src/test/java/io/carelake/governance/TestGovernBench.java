package io.carelake.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.spark.JobMain;
import io.carelake.spark.LocalSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench govern on a few hundred rows: it runs govern for real, and what it prints holds together —
 * the machine-readable last line parses, its counts are the input's, and the ratio and rates
 * follow from the printed times and the ledger's. No assertion on how fast anything was.
 */
class TestGovernBench {

  static final Pattern LAST = Pattern.compile("bench-govern rows=(\\d+) curated=(\\d+)"
      + " quarantined=(\\d+) floor_ms=(\\d+) govern_ms=(\\d+) ratio=([0-9.]+|NaN|Infinity)"
      + " floor_write_ms=(\\d+) ratio_write=([0-9.]+|NaN|Infinity)");
  static final Pattern FLOOR = Pattern.compile(
      "floor  \\(full scan \\+ group-by event_id -> noop\\): +([0-9.]+) s +([0-9,]+) rows/s");
  static final Pattern GOVERN = Pattern.compile(
      "govern \\(shipped specs, metrics, split, WAP\\): +([0-9.]+) s +([0-9,]+) rows/s");

  @TempDir static Path home;

  @AfterAll
  static void stopSpark() {
    LocalSpark.stop();
  }

  @Test
  void theBenchGovernsTheSyntheticRowsAndPrintsWhatItMeasured() {
    LocalSpark.stop();
    GovernBench bench = new GovernBench();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    bench.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    int exit = JobMain.run(bench, new String[] {"--home", home.toString(), "--rows", "700"});
    assertThat(exit).isEqualTo(JobMain.EXIT_OK);
    String printed = buf.toString(StandardCharsets.UTF_8);
    List<String> lines = printed.lines().toList();

    // the last line parses, and its counts are the input's: every hundredth row (99, 199, ...,
    // 699) carries 400, impossible for every code but body weight (id % 7 == 5: only 299)
    Matcher last = LAST.matcher(lines.get(lines.size() - 1));
    assertThat(last.matches()).as("last line: " + lines.get(lines.size() - 1)).isTrue();
    long rows = Long.parseLong(last.group(1));
    long curated = Long.parseLong(last.group(2));
    long quarantined = Long.parseLong(last.group(3));
    long floorMs = Long.parseLong(last.group(4));
    long governMs = Long.parseLong(last.group(5));
    double ratio = Double.parseDouble(last.group(6));
    assertThat(rows).isEqualTo(700);
    assertThat(quarantined).isEqualTo(6);
    assertThat(curated).isEqualTo(694);
    assertThat(printed).contains("bench govern: 700 vitals rows (694 curated, 6 quarantined)")
        .contains("for reference: event_id column only");

    // the ratio is the two printed times' (each rounded to the millisecond)
    assertThat(floorMs).as("a measured floor").isGreaterThan(0);
    double slack = ratio * (0.5 / floorMs + 0.5 / governMs) + 0.0005;
    assertThat(ratio).isCloseTo((double) governMs / floorMs, within(slack));
    // the human line rounds the unrounded ratio to 2 places, the last line to 3: within 0.0055
    assertThat(printedRatio(printed, "ratio govern / floor: ")).isCloseTo(ratio, within(0.0055));
    // the floor with a write (issue 18), and govern's ratio to it
    long floorWriteMs = Long.parseLong(last.group(7));
    double ratioWrite = Double.parseDouble(last.group(8));
    assertThat(floorWriteMs).as("a measured floor with a write").isGreaterThan(0);
    double slackWrite = ratioWrite * (0.5 / floorWriteMs + 0.5 / governMs) + 0.0005;
    assertThat(ratioWrite).isCloseTo((double) governMs / floorWriteMs, within(slackWrite));
    assertThat(printedRatio(printed, "ratio govern / floor with write: "))
        .isCloseTo(ratioWrite, within(0.0055));
    // the human lines say the same times, and rows/s is rows over them
    Matcher floor = FLOOR.matcher(printed);
    Matcher govern = GOVERN.matcher(printed);
    assertThat(floor.find()).as(printed).isTrue();
    assertThat(govern.find()).as(printed).isTrue();
    assertThat(Double.parseDouble(floor.group(1))).isCloseTo(floorMs / 1000.0, within(0.0055));
    assertThat(Double.parseDouble(govern.group(1))).isCloseTo(governMs / 1000.0, within(0.0055));
    assertThat(Double.parseDouble(govern.group(2).replace(",", "")))
        .isCloseTo(700_000.0 / governMs, within(700_000.0 / governMs * (0.5 / governMs) + 1));
    assertThat(Double.parseDouble(floor.group(2).replace(",", "")))
        .isCloseTo(700_000.0 / floorMs, within(700_000.0 / floorMs * (0.5 / floorMs) + 1));

    // the ledger keeps the same figures
    LocalSpark.stop();
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    org.apache.spark.sql.SparkSession spark = LocalSpark.open(cfg);
    Row run = LocalSpark.latestRun(spark, "bench-govern");
    assertThat(TestSpark.longMap(run, "counts")).containsEntry("bench.rows", 700L)
        .containsEntry("bench.floor_ms", floorMs).containsEntry("bench.govern_ms", governMs)
        .containsEntry("bench.floor_write_ms", floorWriteMs);
    // the floor with a write wrote every row of the slice, once
    assertThat(spark.table(cfg.catalogName() + ".bench.floor_vitals").count()).isEqualTo(700);

    // a home that already has raw tables is refused: the bench would overwrite them
    LocalSpark.stop();
    assertThat(JobMain.run(new GovernBench(), new String[] {"--home", home.toString(),
        "--rows", "10"})).isEqualTo(JobMain.EXIT_FAILED);
  }

  /** The number printed after {@code label} (a human line of the bench's output). */
  private static double printedRatio(String printed, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + "([0-9.]+)").matcher(printed);
    assertThat(m.find()).as("%s in %s", label, printed).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
