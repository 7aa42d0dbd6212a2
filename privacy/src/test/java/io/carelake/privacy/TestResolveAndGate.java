package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How overlapping findings are resolved ({@link PhiScrubber#resolve}: leftmost, then longest,
 * then priority; an identifier's tail overlapped by another identifier extends it, never a date's
 * or an age's), mapped back to the original string, and the release gate's counts
 * ({@link PhiScrubber#leaks}, {@link PhiScrubber#mentions}). Spans are placed by hand on short
 * texts, so every expected position is counted off the string.
 */
class TestResolveAndGate {

  static Scan scan(String text) {
    return new Scan(NormalisedText.of(text), null, null, null, null, null);
  }

  static List<PhiScrubber.Finding> resolve(Scan s) {
    return PhiScrubber.resolve(s, s.normalised);
  }

  static PhiScrubber.Finding f(int start, int end, PhiScrubber.Category c) {
    return new PhiScrubber.Finding(start, end, c, c.tag);
  }

  @Test
  void leftmostThenLongestThenPriority() {
    Scan s = scan("0123456789");
    s.add(4, 6, PhiScrubber.Category.EMAIL);
    s.add(2, 4, PhiScrubber.Category.URL);
    s.add(2, 3, PhiScrubber.Category.EMAIL);
    s.add(7, 9, PhiScrubber.Category.CN_NAME);
    s.add(7, 9, PhiScrubber.Category.MOBILE);
    assertThat(resolve(s)).containsExactly(f(2, 4, PhiScrubber.Category.URL),
        f(4, 6, PhiScrubber.Category.EMAIL), f(7, 9, PhiScrubber.Category.MOBILE));
    assertThat(resolve(scan("abc"))).isEmpty();
  }

  @Test
  void anOverlappingTailExtendsAnIdentifierButNotADateOrAnAge() {
    Scan s = scan("0123456789");
    s.add(0, 5, PhiScrubber.Category.ID_18);
    s.add(3, 8, PhiScrubber.Category.MOBILE);
    s.add(4, 6, PhiScrubber.Category.URL);
    assertThat(resolve(s)).containsExactly(f(0, 8, PhiScrubber.Category.ID_18));
    for (PhiScrubber.Category keep : new PhiScrubber.Category[] {PhiScrubber.Category.DATE,
        PhiScrubber.Category.AGE}) {
      Scan first = scan("0123456789");
      first.add(0, 5, keep, "[K]");
      first.add(3, 8, PhiScrubber.Category.MOBILE);
      assertThat(resolve(first)).as("%s first", keep)
          .containsExactly(new PhiScrubber.Finding(0, 5, keep, "[K]"));
      Scan second = scan("0123456789");
      second.add(0, 5, PhiScrubber.Category.MOBILE);
      second.add(3, 8, keep, "[K]");
      assertThat(resolve(second)).as("%s second", keep)
          .containsExactly(f(0, 5, PhiScrubber.Category.MOBILE));
    }
    // spans that only touch are both kept
    Scan touching = scan("0123456789");
    touching.add(0, 5, PhiScrubber.Category.MOBILE);
    touching.add(5, 8, PhiScrubber.Category.URL);
    assertThat(resolve(touching)).containsExactly(f(0, 5, PhiScrubber.Category.MOBILE),
        f(5, 8, PhiScrubber.Category.URL));
  }

  @Test
  void findingsMapBackToTheOriginalString() {
    // "x\u200Byz" normalises to "xyz": the dropped zero-width space lies inside the span
    Scan s = scan("x\u200Byz");
    s.add(0, 2, PhiScrubber.Category.EMAIL);
    assertThat(resolve(s)).containsExactly(f(0, 3, PhiScrubber.Category.EMAIL));
    assertThat(PhiScrubber.replace("x\u200Byz", resolve(s))).isEqualTo("[EMAIL]z");
    assertThat(PhiScrubber.replace("abc", List.of())).isEqualTo("abc");
  }

  @Test
  void theGateCountsIdentifyingMentionsOnly() {
    assertThat(PhiScrubber.Category.DATE.identifying()).isFalse();
    for (PhiScrubber.Category c : PhiScrubber.Category.values()) {
      assertThat(c.identifying()).as("%s", c).isEqualTo(c != PhiScrubber.Category.DATE);
    }
    assertThat(PhiScrubber.leaks("电话13800138000，QQ：123456789", null, null, null, null))
        .isEqualTo(2);
    assertThat(PhiScrubber.leaks("无", null, null, null, null)).isZero();
    assertThat(PhiScrubber.hasPattern(null)).isFalse();
    assertThat(PhiScrubber.hasPattern("电话13800138000")).isTrue();
    assertThat(PhiScrubber.hasPattern("无")).isFalse();
    assertThat(PhiScrubber.mentions("病案号p-00042-77，复诊p0004277", "P0004277")).isEqualTo(2);
    assertThat(PhiScrubber.mentions("无", "P0004277")).isZero();
    assertThat(PhiScrubber.mentions(null, "P0004277")).isZero();
    assertThat(PhiScrubber.mentions("", "P0004277")).isZero();
    assertThat(PhiScrubber.mentions("p0004277", null)).isZero();
    assertThat(PhiScrubber.find(null, null, null, null, null, null)).isEmpty();
    assertThat(PhiScrubber.find("", null, null, null, null, null)).isEmpty();
    assertThat(PhiScrubber.scrub("", null, null, null, null)).isEmpty();
    assertThat(PhiScrubber.scrub(null, null, null, null, null)).isNull();
    assertThat(PhiScrubber.phoneDigits("+86 138-1234-5678")).isEqualTo("13812345678");
  }
}
