package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The normalised text and its map back to the original, character class by character class, with
 * the expected characters taken from the Unicode tables (NFKC decompositions, general category
 * Cf) and the expected spans counted by hand.
 */
class TestNormalisedText {

  @Test
  void asciiIsTheOriginalStringWithAnIdentityMap() {
    String s = "Patient 42 seen";
    NormalisedText n = NormalisedText.of(s);
    assertThat(n.text()).isSameAs(s);
    assertThat(n.original()).isSameAs(s);
    for (int i = 0; i < s.length(); i++) {
      assertThat(n.start(i)).isEqualTo(i);
      assertThat(n.end(i)).isEqualTo(i + 1);
    }
    assertThat(n.originalStart(3)).isEqualTo(3);
    assertThat(n.originalEnd(5)).isEqualTo(5);
  }

  @Test
  void flagsSeeDigitsAtSignsAndCapitalsExactlyAtTheirRangeEnds() {
    for (String yes : new String[] {"0", "9"}) {
      assertThat(NormalisedText.of(yes).hasDigit).as(yes).isTrue();
    }
    for (String no : new String[] {"/", ":", "a"}) {
      assertThat(NormalisedText.of(no).hasDigit).as(no).isFalse();
    }
    for (String yes : new String[] {"A", "Z"}) {
      assertThat(NormalisedText.of(yes).hasUpperLatin).as(yes).isTrue();
    }
    for (String no : new String[] {"@", "[", "z"}) {
      assertThat(NormalisedText.of(no).hasUpperLatin).as(no).isFalse();
    }
    assertThat(NormalisedText.of("@").hasAt).isTrue();
    assertThat(NormalisedText.of("a").hasAt).isFalse();
    // the same through a full-width form (one to one) and an expansion (NFKC of ½ is 1⁄2, of ℡ TEL)
    assertThat(NormalisedText.of("\uFF11").hasDigit).isTrue();
    assertThat(NormalisedText.of("\uFF20").hasAt).isTrue();
    assertThat(NormalisedText.of("\uFF21").hasUpperLatin).isTrue();
    NormalisedText half = NormalisedText.of("\u00BD");
    assertThat(half.text()).isEqualTo("1\u20442");
    assertThat(half.hasDigit).isTrue();
    assertThat(half.hasUpperLatin).isFalse();
    NormalisedText tel = NormalisedText.of("\u2121");
    assertThat(tel.text()).isEqualTo("TEL");
    assertThat(tel.hasUpperLatin).isTrue();
    assertThat(tel.hasDigit).isFalse();
    assertThat(tel.hasAt).isFalse();
  }

  @Test
  void separatorsBecomeSpacesAndHyphens() {
    assertThat(NormalisedText.of("a\tb\nc\rd\u000Be\u000Cf").text()).isEqualTo("a b c d e f");
    assertThat(NormalisedText.of("\u2028\u2029\u0085").text()).isEqualTo("   ");
    assertThat(NormalisedText.of("\u3000\u00A0\u2002\u2003\u2009\u202F").text())
        .isEqualTo("      ");
    assertThat(NormalisedText.of("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE63").text())
        .isEqualTo("--------");
  }

  @Test
  void fullWidthBecomesAsciiExceptClausePunctuation() {
    assertThat(NormalisedText.of("\uFF11\uFF12\uFF13\uFF08\uFF41\uFF5E").text()).isEqualTo("123(a~");
    assertThat(NormalisedText.of("\uFF01\uFF0C\uFF1B\uFF1F").text())
        .isEqualTo("\uFF01\uFF0C\uFF1B\uFF1F");
    // CJK punctuation U+3001 to U+3011 is kept as typed
    String cjk = "\u3001\u3002\u3008\u3009\u300A\u300B\u300C\u300D\u3010\u3011";
    assertThat(NormalisedText.of(cjk).text()).isEqualTo(cjk);
    NormalisedText n = NormalisedText.of("\uFF11\uFF12");
    assertThat(n.start(1)).isEqualTo(1);
    assertThat(n.end(1)).isEqualTo(2);
  }

  @Test
  void traditionalHanIsFoldedAndExtensionAIsRead() {
    assertThat(NormalisedText.of("醫院").text()).isEqualTo("医院");
    assertThat(NormalisedText.of("\u3400").text()).isEqualTo("\u3400");
    assertThat(NormalisedText.of("\u9FFF").text()).isEqualTo("\u9FFF");
  }

  @Test
  void formatCharactersAreDroppedAndTheMapSkipsThem() {
    NormalisedText n = NormalisedText.of("1\u200B2\u00AD3\uFEFF");
    assertThat(n.text()).isEqualTo("123");
    assertThat(n.hasDigit).isTrue();
    assertThat(new int[] {n.start(0), n.start(1), n.start(2)}).containsExactly(0, 2, 4);
    assertThat(new int[] {n.end(0), n.end(1), n.end(2)}).containsExactly(1, 3, 5);
    assertThat(n.originalStart(1)).isEqualTo(2);
    assertThat(n.originalEnd(3)).isEqualTo(5);
    assertThat(n.chars()).hasSize(3);
  }

  @Test
  void expansionsAndSurrogatePairsMapBackToTheirCharacter() {
    // NFKC: the ligature U+FB01 is "fi"; U+1D7CF (mathematical bold one, a surrogate pair) is "1"
    NormalisedText lig = NormalisedText.of("x\uFB01y");
    assertThat(lig.text()).isEqualTo("xfiy");
    assertThat(new int[] {lig.start(1), lig.end(1), lig.start(2), lig.end(2), lig.start(3)})
        .containsExactly(1, 2, 1, 2, 2);
    NormalisedText bold = NormalisedText.of("a\uD835\uDFCFb");
    assertThat(bold.text()).isEqualTo("a1b");
    assertThat(new int[] {bold.start(1), bold.end(1), bold.start(2), bold.end(2)})
        .containsExactly(1, 3, 3, 4);
    assertThat(bold.hasDigit).isTrue();
  }

  @Test
  void longTextsKeepTheirMapWhileTheArraysGrow() {
    // a dropped character first: every later character sits one further on in the original
    String tail = "0123456789".repeat(30);
    NormalisedText shifted = NormalisedText.of("\u200B" + tail);
    assertThat(shifted.text()).isEqualTo(tail);
    for (int i = 0; i < tail.length(); i++) {
      assertThat(shifted.start(i)).isEqualTo(i + 1);
      assertThat(shifted.end(i)).isEqualTo(i + 2);
    }
    // 100 ligatures: 200 characters, two per original character
    NormalisedText many = NormalisedText.of("ab" + "\uFB01".repeat(100));
    assertThat(many.text()).isEqualTo("ab" + "fi".repeat(100));
    assertThat(many.start(0)).isZero();
    assertThat(many.end(1)).isEqualTo(2);
    for (int k = 2; k < 202; k++) {
      assertThat(many.start(k)).as("start %d", k).isEqualTo(2 + (k - 2) / 2);
      assertThat(many.end(k)).as("end %d", k).isEqualTo(3 + (k - 2) / 2);
    }
    // expansions after a long one-to-one stretch, then more one-to-one characters
    NormalisedText mixed = NormalisedText.of("x".repeat(40) + "\u00BD".repeat(20) + "y".repeat(40));
    assertThat(mixed.text()).hasSize(40 + 60 + 40);
    assertThat(mixed.start(39)).isEqualTo(39);
    assertThat(mixed.start(40)).isEqualTo(40);
    assertThat(mixed.end(99)).isEqualTo(60);
    assertThat(mixed.start(100)).isEqualTo(60);
    assertThat(mixed.end(139)).isEqualTo(100);
  }

  @Test
  void halfWidthFormsBeyondTheFullWidthBlockGoThroughNfkc() {
    // U+FF61 halfwidth ideographic full stop: NFKC 。 (U+3002), not an ASCII character
    assertThat(NormalisedText.of("\uFF61").text()).isEqualTo("\u3002");
    // U+FF5E fullwidth tilde, the block's last character: ~
    assertThat(NormalisedText.of("\uFF5E").text()).isEqualTo("~");
  }

  @Test
  void aHighSurrogateAtTheEndIsKeptAlone() {
    NormalisedText t = NormalisedText.of("a\uD83D");
    assertThat(t.text()).isEqualTo("a\uD83D");
    assertThat(t.end(1)).isEqualTo(2);
  }

  @Test
  void expansionsSetTheDigitAtAndCapitalFlags() {
    // NFKC (Unicode): U+2490 -> "9.", U+3358 -> "0点", U+3383 -> "mA", U+1F129 -> "(Z)",
    // U+FB01 -> "fi", U+2105 -> "c/o"
    assertThat(NormalisedText.of("\u2490").hasDigit).isTrue();
    assertThat(NormalisedText.of("\u3358").hasDigit).isTrue();
    assertThat(NormalisedText.of("\u2105").hasDigit).isFalse();
    assertThat(NormalisedText.of("\u3383").hasUpperLatin).isTrue();
    assertThat(NormalisedText.of("\uD83C\uDD29").hasUpperLatin).isTrue();
    assertThat(NormalisedText.of("\uD83C\uDD29").text()).isEqualTo("(Z)");
    NormalisedText fi = NormalisedText.of("\uFB01");
    assertThat(fi.hasDigit).isFalse();
    assertThat(fi.hasAt).isFalse();
    assertThat(fi.hasUpperLatin).isFalse();
    // a flag set before an expansion stays set
    assertThat(NormalisedText.of("a@b \uFB01").hasAt).isTrue();
    assertThat(NormalisedText.of("1 \uFB01").hasDigit).isTrue();
    assertThat(NormalisedText.of("A \uFB01").hasUpperLatin).isTrue();
  }
}
