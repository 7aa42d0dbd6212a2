package io.carelake.deid;

import io.carelake.privacy.PseudonymKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.config.CarelakeConfig;
import io.carelake.core.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-patient offsets and the shifting of dates in text (no Spark). */
class TestDateShift {

  static final PseudonymKey KEY = new PseudonymKey("k1",
      Base64.getDecoder().decode("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="), "test");
  static final PseudonymKey OTHER = new PseudonymKey("k1",
      TestDeidentifyJob.filled((byte) 0xAA), "test");

  static String id(int i) {
    return String.format("1101051980%07d", i) + "X";
  }

  @Test
  void offsetsAreStablePerPatientWithinRangeAndCoverIt() {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      Integer d = KEY.dateShiftDays(id(i), 10);
      assertThat(d).isBetween(-10, 10);
      // same patient, same offset: again, with spaces and lower-case x as typed elsewhere
      assertThat(KEY.dateShiftDays(id(i), 10)).isEqualTo(d);
      assertThat(KEY.dateShiftDays(" " + id(i).toLowerCase(), 10)).isEqualTo(d);
      seen.add(d);
    }
    assertThat(seen).hasSize(21); // every offset in [-10, 10] occurs among 2,000 patients
    assertThat(KEY.dateShiftDays(null, 10)).isNull();
    assertThat(KEY.dateShiftDays("  ", 10)).isNull();
    assertThat(KEY.dateShiftDays(id(1), 0)).isZero();
  }

  @Test
  void anotherKeyGivesUnrelatedOffsets() {
    int same = 0;
    for (int i = 0; i < 500; i++) {
      if (KEY.dateShiftDays(id(i), 180).equals(OTHER.dateShiftDays(id(i), 180))) {
        same++;
      }
    }
    // 361 possible offsets: a few coincidences at most
    assertThat(same).isLessThan(10);
  }

  @Test
  void datesInTextMoveByTheOffsetAndKeepTheirFormat() {
    String note = "2025-02-27复查，2025/3/1随访，2024年12月31日初诊；血压150/90，剂量5 mg，"
        + "编号2025-13-45，ICD I10。";
    assertThat(DateShift.shiftText(note, 3)).isEqualTo("2025-03-02复查，2025/3/4随访，"
        + "2025年1月3日初诊；血压150/90，剂量5 mg，编号2025-13-45，ICD I10。");
    assertThat(DateShift.shiftText(note, -60)).startsWith("2024-12-29复查，2024/12/31随访，"
        + "2024年11月1日初诊");
    // leap year, and a round trip
    assertThat(DateShift.shiftText("2024-02-28", 1)).isEqualTo("2024-02-29");
    assertThat(DateShift.shiftText(DateShift.shiftText(note, 17), -17)).isEqualTo(note);
    assertThat(DateShift.shiftText(note, 0)).isEqualTo(note);
    assertThat(DateShift.shiftText(null, 5)).isNull();
    // not dates: digits around, lab values, ids
    assertThat(DateShift.shiftText("120251-01-011 7.8/5.6 国药准字H20000000", 5))
        .isEqualTo("120251-01-011 7.8/5.6 国药准字H20000000");
  }

  @Test
  void theRangeComesFromTheConfiguration(@TempDir Path home) throws Exception {
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    assertThat(DateShift.maxDays(cfg)).isZero();
    Files.writeString(cfg.file(), "\ndeid.date-shift-days=30\n", StandardOpenOption.APPEND);
    assertThat(DateShift.maxDays(CarelakeConfig.load(home, Map.of()))).isEqualTo(30);
    Files.writeString(cfg.file(), "\ndeid.date-shift-days=-3\n", StandardOpenOption.APPEND);
    assertThatThrownBy(() -> DateShift.maxDays(CarelakeConfig.load(home, Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("deid.date-shift-days")
        .hasMessageContaining("-3");
  }
}
