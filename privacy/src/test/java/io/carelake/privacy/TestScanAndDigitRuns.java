package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shared machinery of the detectors, directly: how {@link DigitRuns} cuts a text into
 * segments and groups and which candidates it offers (lengths 7-19, at most eight parts), and
 * {@link Scan}'s ASCII runs, lower-casing, cue search and spans. Every expected value is read off
 * the input by hand (positions counted in the strings below).
 */
class TestScanAndDigitRuns {

  static Scan scan(String text) {
    return new Scan(NormalisedText.of(text), null, null, null, null, null);
  }

  static List<String> candidates(String text) {
    List<String> out = new ArrayList<>();
    DigitRuns.of(text).forEachCandidate(c -> out.add(c.digits() + "@" + c.from() + "-" + c.to()
        + "/" + c.parts()));
    return out;
  }

  @Test
  void segmentsJoinOverShortSeparatorRunsOnly() {
    // "a 138 0013 8000 b": 138 at 2-5, 0013 at 6-10, 8000 at 11-15
    List<DigitRuns.Group> g = DigitRuns.of("a 138 0013 8000 b").groups();
    assertThat(g).hasSize(1);
    assertThat(g.get(0).segments()).extracting(DigitRuns.Segment::digits)
        .containsExactly("138", "0013", "8000");
    assertThat(g.get(0).segments().get(1).from()).isEqualTo(6);
    assertThat(g.get(0).segments().get(1).to()).isEqualTo(10);
    assertThat(g.get(0).letterBefore()).isFalse();
    assertThat(g.get(0).letterAfter()).isFalse();
    // four separator characters join, five do not
    assertThat(DigitRuns.of("12 -  34").groups()).hasSize(1);
    assertThat(DigitRuns.of("12     34").groups()).hasSize(2);
    // every separator character, and one dot or slash at most
    assertThat(DigitRuns.of("1(2)3-4 5.6").groups()).hasSize(1);
    assertThat(DigitRuns.of("12/34").groups()).hasSize(1);
    assertThat(DigitRuns.of("12./34").groups()).hasSize(2);
    assertThat(DigitRuns.of("12//34").groups()).hasSize(2);
    assertThat(DigitRuns.of("12_34").groups()).hasSize(2);
    assertThat(DigitRuns.of("12a34").groups()).hasSize(2);
    assertThat(DigitRuns.of("no digits").groups()).isEmpty();
  }

  @Test
  void lettersAroundAGroupAndTheFinalX() {
    List<DigitRuns.Group> g = DigitRuns.of("A12345 x 678b").groups();
    assertThat(g).hasSize(2);
    assertThat(g.get(0).letterBefore()).isTrue();
    assertThat(g.get(0).letterAfter()).isFalse();
    assertThat(g.get(1).letterBefore()).isFalse();
    assertThat(g.get(1).letterAfter()).isTrue();
    // a letter right after a group that is not the text's last
    assertThat(DigitRuns.of("12b 34").groups().get(0).letterAfter()).isTrue();
    // the text's first and last characters are digits: nothing before or after
    g = DigitRuns.of("12 34").groups();
    assertThat(g.get(0).letterBefore()).isFalse();
    assertThat(g.get(0).letterAfter()).isFalse();
    // a final X (either case) belongs to the run unless a letter follows it
    assertThat(DigitRuns.of("110105194912310020x").groups().get(0).segments().get(0).digits())
        .isEqualTo("110105194912310020X");
    assertThat(DigitRuns.of("1234X").groups().get(0).segments().get(0).digits())
        .isEqualTo("1234X");
    DigitRuns.Group xa = DigitRuns.of("1234xa").groups().get(0);
    assertThat(xa.segments().get(0).digits()).isEqualTo("1234");
    assertThat(xa.letterAfter()).isTrue();
    // a letter after the X of an earlier group: the group ends at the X
    assertThat(DigitRuns.of("12x 34").groups().get(0).segments()).extracting(
        DigitRuns.Segment::digits).containsExactly("12X", "34");
  }

  @Test
  void candidatesAreRunsOfSevenToNineteenDigitsInAtMostEightParts() {
    // 1234 at 0-4, 5678 at 5-9, 9012 at 10-14
    assertThat(candidates("1234 5678 9012")).containsExactly("12345678@0-9/2",
        "123456789012@0-14/3", "56789012@5-14/2");
    // 6 digits: none; 7: one
    assertThat(candidates("123456")).isEmpty();
    assertThat(candidates("1234567")).containsExactly("1234567@0-7/1");
    // 19 digits is a candidate, 20 is not, nor anything longer from the same start
    assertThat(candidates("1234567890123456789")).hasSize(1);
    assertThat(candidates("12345678901234567890")).isEmpty();
    assertThat(candidates("1234567890 123456789 1")).containsExactly(
        "1234567890@0-10/1", "1234567890123456789@0-20/2", "123456789@11-20/1",
        "1234567891@11-22/2");
    // nine one-digit parts: 7 and 8 parts from the first two starts, 7 from the third
    assertThat(candidates("1 2 3 4 5 6 7 8 9")).containsExactly("1234567@0-13/7",
        "12345678@0-15/8", "2345678@2-15/7", "23456789@2-17/8", "3456789@4-17/7");
  }

  @Test
  void aCandidateKnowsItsSizesSeparatorsAndLetters() {
    List<DigitRuns.Candidate> cs = new ArrayList<>();
    DigitRuns.of("A138-0013 8000").forEachCandidate(cs::add);
    DigitRuns.Candidate whole = cs.get(1);
    assertThat(whole.digits()).isEqualTo("13800138000");
    assertThat(whole.sizes()).containsExactly(3, 4, 4);
    assertThat(whole.sized(3, 4, 4)).isTrue();
    assertThat(whole.sized(3, 8)).isFalse();
    assertThat(whole.separators("A138-0013 8000")).isEqualTo("- ");
    assertThat(whole.gluedToLetter("A138-0013 8000")).isTrue();
    // the last two segments do not start at the letter
    DigitRuns.Candidate tail = cs.get(2);
    assertThat(tail.digits()).isEqualTo("00138000");
    assertThat(tail.gluedToLetter("A138-0013 8000")).isFalse();
    cs.clear();
    DigitRuns.of("138-0013 8000B").forEachCandidate(cs::add);
    assertThat(cs.get(0).digits()).isEqualTo("1380013");
    assertThat(cs.get(0).gluedToLetter("138-0013 8000B")).isFalse();
    assertThat(cs.get(1).gluedToLetter("138-0013 8000B")).isTrue();
    assertThat(cs.get(1).separators("138-0013 8000B")).isEqualTo("- ");
  }

  @Test
  void asciiRunsAreStartEndAndDigitCount() {
    // "ab12" 0-4 (2 digits), "中", "cd 3" 5-9 (1 digit), "文"
    assertThat(scan("ab12中cd 3文").asciiRuns()).containsExactly(0, 4, 2, 5, 9, 1);
    assertThat(scan("中文").asciiRuns()).isEmpty();
    // U+0080, the first character past ASCII, ends a run
    assertThat(scan("a\u0080b").asciiRuns()).containsExactly(0, 1, 0, 2, 3, 0);
    // digits 0 and 9 count, '/' and ':' (either side of them) do not
    assertThat(scan("0/9:").asciiRuns()).containsExactly(0, 4, 2);
    // more runs than the first array holds (16)
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append("a1中");
    }
    int[] runs = scan(sb.toString()).asciiRuns();
    assertThat(runs).hasSize(60);
    assertThat(runs[57]).isEqualTo(57);
    assertThat(runs[58]).isEqualTo(59);
    assertThat(runs[59]).isEqualTo(1);
  }

  @Test
  void lowerFoldsAsciiCapitalsOnly() {
    assertThat(scan("@AZ[`az{中").lower()).isEqualTo("@az[`az{中");
    Scan s = scan("Tel: 010");
    assertThat(s.startsWithFolded("tel", 0)).isTrue();
    assertThat(s.startsWithFolded("tel", -1)).isFalse();
    assertThat(s.startsWithFolded("010", 5)).isTrue();
    assertThat(s.startsWithFolded("0100", 5)).isFalse();
    assertThat(s.startsWithFolded("tex", 0)).isFalse();
    // A and Z fold; '@' and '[', next to the capitals, do not
    assertThat(scan("AZ").startsWithFolded("az", 0)).isTrue();
    assertThat(scan("@[").startsWithFolded("`{", 0)).isFalse();
  }

  @Test
  void cueBeforeWalksBackOverFillerWithinTheWindow() {
    // "QQ号: 12345": the cue ends at 2, filler 号: and a space up to 5
    Scan s = scan("QQ号: 12345");
    assertThat(s.cueBefore(5, 10, "qq")).isTrue();
    assertThat(s.cueBefore(5, 3, "qq")).isTrue();
    assertThat(s.cueBefore(5, 2, "qq")).isFalse();
    assertThat(s.cueBefore(5, 10, "wx")).isFalse();
    // a word between cue and number stops the walk
    assertThat(scan("QQ is 12345").cueBefore(6, 10, "qq")).isFalse();
    // every filler character
    for (String filler : new String[] {" ", ":", "#", "：", "号", "码", "是", "为", ".", "(", ")",
        "（", "）", "-", "="}) {
      assertThat(scan("tel" + filler + "1").cueBefore(4, 10, "tel")).as(filler).isTrue();
    }
    assertThat(scan("tel,1").cueBefore(4, 10, "tel")).isFalse();
    // a cue at the very start, the number right after it
    assertThat(scan("tel1").cueBefore(3, 10, "tel")).isTrue();
  }

  @Test
  void cuePositionsFindEveryCueStartOnce() {
    boolean[] first = Scan.firstChars("qq", "tel");
    // qq at 0, Tel (folded) at 5, a lone q at 11, qq at 15, tel at 20, qq at 26
    Scan s = scan("qq 1 Tel 2 q 3 qq 4 tel 5 qq 6");
    assertThat(s.cuePositions(first, new String[] {"qq", "tel"}))
        .containsExactly(0, 2, 5, 3, 15, 2, 20, 3, 26, 2);
    // more than four cues (the first array holds four) and more than 16 cue-start characters
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append("qq ");
    }
    int[] at = scan(sb.toString()).cuePositions(first, new String[] {"qq"});
    assertThat(at).hasSize(40);
    assertThat(at[38]).isEqualTo(57);
    assertThat(scan("no cue here").cuePositions(first, new String[] {"qq"})).isEmpty();
    // cues typed with the first and last capitals, A and Z
    assertThat(scan("AQ ZQ").cuePositions(Scan.firstChars("aq", "zq"), new String[] {"aq", "zq"}))
        .containsExactly(0, 2, 3, 2);
  }

  @Test
  void spansCharactersAndShift() {
    Scan s = scan("abc");
    s.add(1, 1, PhiScrubber.Category.EMAIL);
    s.addOwn(2, 2, PhiScrubber.Category.OWN_ID);
    assertThat(s.spans).isEmpty();
    s.add(0, 1, PhiScrubber.Category.EMAIL);
    s.addOwn(1, 2, PhiScrubber.Category.OWN_PHONE);
    s.add(2, 3, PhiScrubber.Category.AGE, "[X]");
    assertThat(s.spans).containsExactly(
        new Scan.Span(0, 1, PhiScrubber.Category.EMAIL, "[EMAIL]",
            PhiScrubber.Category.EMAIL.ordinal()),
        new Scan.Span(1, 2, PhiScrubber.Category.OWN_PHONE, "[PHONE]", -99),
        new Scan.Span(2, 3, PhiScrubber.Category.AGE, "[X]", PhiScrubber.Category.AGE.ordinal()));
    assertThat(s.at(-1)).isEqualTo((char) 0);
    assertThat(s.at(0)).isEqualTo('a');
    assertThat(s.at(2)).isEqualTo('c');
    assertThat(s.at(3)).isEqualTo((char) 0);
    assertThat(s.shifting()).isFalse();
    assertThat(new Scan(NormalisedText.of("x"), null, null, null, null, 0).shifting()).isFalse();
    assertThat(new Scan(NormalisedText.of("x"), null, null, null, null, -3).shifting()).isTrue();
    assertThat(s.digitRuns()).isSameAs(s.digitRuns());
  }

  @Test
  void characterClassesAtTheirEnds() {
    assertThat(Scan.isAsciiDigit('0')).isTrue();
    assertThat(Scan.isAsciiDigit('9')).isTrue();
    assertThat(Scan.isAsciiDigit('/')).isFalse();
    assertThat(Scan.isAsciiDigit(':')).isFalse();
    for (char c : "azAZ".toCharArray()) {
      assertThat(Scan.isAsciiLetter(c)).as("%s", c).isTrue();
    }
    for (char c : "@[`{".toCharArray()) {
      assertThat(Scan.isAsciiLetter(c)).as("%s", c).isFalse();
    }
    // CJK Unified Ideographs 4E00-9FFF and Extension A 3400-4DBF; the hexagrams 4DC0- are not
    for (char c : new char[] {0x4E00, 0x9FFF, 0x3400, 0x4DBF}) {
      assertThat(Scan.isHan(c)).as("%x", (int) c).isTrue();
    }
    for (char c : new char[] {0x4DFF, 0x4DC0, 0x33FF, 0xA000}) {
      assertThat(Scan.isHan(c)).as("%x", (int) c).isFalse();
    }
  }

  static java.util.List<String> found(String text, java.util.function.Consumer<Scan> rule) {
    Scan s = scan(text);
    rule.accept(s);
    java.util.List<String> out = new ArrayList<>();
    for (Scan.Span sp : s.spans) {
      out.add(sp.from() + "-" + sp.to());
    }
    return out;
  }

  @Test
  void asciiRunsFindGroupOneOrTheWholeMatchOnRunsOfFourOrMore() {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile("id:(\\d+)|\\d{5}");
    PhiScrubber.Category cat = PhiScrubber.Category.RECORD;
    // 中 0, "id:12 ab 34567" 1-15 (id:12 at 1-6, its digits 4-6; 34567 at 10-15), 中 15
    assertThat(found("中id:12 ab 34567中", s -> AsciiRuns.find(s, p, cat, null)))
        .containsExactly("4-6", "10-15");
    // runs shorter than four characters are not searched; four are
    java.util.regex.Pattern three = java.util.regex.Pattern.compile("\\d{3}");
    assertThat(found("中123中", s -> AsciiRuns.find(s, three, cat, null))).isEmpty();
    assertThat(found("中 123中", s -> AsciiRuns.find(s, three, cat, null))).containsExactly("2-5");
    // at least minDigits digits in the run
    assertThat(found("中ab1x中", s -> AsciiRuns.find(s, java.util.regex.Pattern.compile("b"), cat,
        null, 2, null))).isEmpty();
    assertThat(found("中ab12中", s -> AsciiRuns.find(s, java.util.regex.Pattern.compile("b"), cat,
        null, 2, null))).containsExactly("2-3");
    // the gate and the acceptance test
    assertThat(found("中 123中", s -> AsciiRuns.find(s, three, cat, null, 0,
        (t, from, to) -> false))).isEmpty();
    assertThat(found("中 123中", s -> AsciiRuns.find(s, three, cat, null, 0,
        (t, from, to) -> t.charAt(from) == ' ' && to - from == 4))).containsExactly("2-5");
    assertThat(found("中 123 456中", s -> AsciiRuns.find(s, three, cat, null, 0, null,
        m -> m.group().equals("456")))).containsExactly("6-9");
    // a cue ending just before (filler between) vetoes the match; a word between does not
    assertThat(found("中ab 34567中", s -> AsciiRuns.find(s, p, cat, new String[] {"ab"})))
        .isEmpty();
    assertThat(found("中ab x 34567中", s -> AsciiRuns.find(s, p, cat, new String[] {"ab"})))
        .containsExactly("6-11");
  }
}
