package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The edges of the shaped and cued identifiers, one rule at a time, with the exact text out:
 * vehicle plates (every separator, body of 5 and 6, the letters I and O, a plate at the text's
 * end, 挂 / 学 / 警), e-mail local parts and top-level labels at their length limits, URL ends
 * (the characters a URL cannot hold, the trailing punctuation left out, the shortest URL),
 * record numbers (a Han cue at the text's start, each Latin cue, the hospital prefixes), travel
 * documents without a cue, and the filler and token lengths of the cued tokens. Expected values
 * are read off the rules' documented forms by hand.
 */
class TestCodedAndCuedForms {

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @Test
  void vehiclePlatesEverySeparatorAndLength() {
    assertThat(scrub("京A12345")).isEqualTo("[PLATE]");
    assertThat(scrub("京Z12345。")).isEqualTo("[PLATE]。");
    for (String sep : new String[] {"·", " ", "-", ".", "•"}) {
      assertThat(scrub("车牌京A" + sep + "12345，")).as(sep).isEqualTo("车牌[PLATE]，");
    }
    assertThat(scrub("车牌京A_12345，")).isEqualTo("车牌京A_12345，");
    // new-energy plates have six characters; seven or four are not plates
    assertThat(scrub("车牌粤BD12345，")).isEqualTo("车牌[PLATE]，");
    assertThat(scrub("编号粤B1234567，")).isEqualTo("编号粤B1234567，");
    assertThat(scrub("编号京A1234，")).isEqualTo("编号京A1234，");
    // I and O are not plate letters, neither after the province nor in the body
    assertThat(scrub("编号京I12345，")).isEqualTo("编号京I12345，");
    assertThat(scrub("编号京O12345，")).isEqualTo("编号京O12345，");
    assertThat(scrub("编号京A12I45，")).isEqualTo("编号京A12I45，");
    // at least one digit in the body
    assertThat(scrub("编号京ABCDEF，3")).isEqualTo("编号京ABCDEF，3");
    // a trailing 挂 / 学 / 警 goes with the plate; two plates in a row
    assertThat(scrub("京A12345挂，")).isEqualTo("[PLATE]，");
    assertThat(scrub("京A1234学，")).isEqualTo("京A1234学，");
    assertThat(scrub("京A12345警")).isEqualTo("[PLATE]");
    assertThat(scrub("京A12345、沪B54321")).isEqualTo("[PLATE]、[PLATE]");
    // a province character not before a plate letter
    assertThat(scrub("京1123456。")).isEqualTo("京1123456。");
  }

  @Test
  void emailLocalPartsAndTopLevelLabels() {
    String local64 = "a".repeat(64);
    assertThat(scrub("mail " + local64 + "@x.org now")).isEqualTo("mail [EMAIL] now");
    assertThat(scrub("mail a" + local64 + "@x.org now")).isEqualTo("mail a" + local64
        + "@x.org now");
    assertThat(scrub("(a@x.org)")).isEqualTo("([EMAIL])");
    assertThat(scrub("a@x.org")).isEqualTo("[EMAIL]");
    assertThat(scrub("to a@x.co.")).isEqualTo("to [EMAIL].");
    assertThat(scrub("to a@x.c.")).isEqualTo("to a@x.c.");
    assertThat(scrub("to a@x." + "c".repeat(24) + ".")).isEqualTo("to [EMAIL].");
    assertThat(scrub("to a@x." + "c".repeat(25) + ".")).isEqualTo("to a@x." + "c".repeat(25)
        + ".");
    assertThat(scrub("to a@x.c0m.")).isEqualTo("to a@x.c0m.");
    assertThat(scrub("to a@.org.")).isEqualTo("to a@.org.");
    assertThat(scrub("to a@x..org.")).isEqualTo("to a@x..org.");
    // the longest valid end: a sub-domain of hyphens and digits, then the top-level label
    assertThat(scrub("to a_b@mail-2.x.org;")).isEqualTo("to [EMAIL];");
    assertThat(scrub("to a@x.org, b@y.cn")).isEqualTo("to [EMAIL], [EMAIL]");
  }

  @Test
  void urlsStopAtTheCharactersAUrlCannotHold() {
    for (String c : new String[] {"\"", "<", ">", "`", "{", "}", "|", "\\", "^", "\u007f"}) {
      assertThat(scrub("see http://abc.org/p" + c + "q")).as(c).isEqualTo("see [URL]" + c + "q");
    }
    assertThat(scrub("see http://abc.org/~p!q")).isEqualTo("see [URL]");
    // trailing punctuation stays text
    for (String c : new String[] {".", ",", ";", ":", "!", "?", ")", "]", "'", "\""}) {
      assertThat(scrub("see http://abc.org" + c)).as(c).isEqualTo("see [URL]" + c);
    }
    assertThat(scrub("(see http://abc.org/x).")).isEqualTo("(see [URL]).");
    // at least three characters after the scheme
    assertThat(scrub("see http://abc now")).isEqualTo("see [URL] now");
    assertThat(scrub("see http://ab now")).isEqualTo("see http://ab now");
    assertThat(scrub("see ftp://files.example.org/a now")).isEqualTo("see [URL] now");
    assertThat(scrub("see WWW.EXAMPLE.ORG now")).isEqualTo("see [URL] now");
    assertThat(scrub("http://a.org http://b.org")).isEqualTo("[URL] [URL]");
    assertThat(scrub("www.a.org www.b.org")).isEqualTo("[URL] [URL]");
  }

  @Test
  void recordNumbersAtTheTextsStartAndAfterEachLatinCue() {
    assertThat(scrub("病历号A12345")).isEqualTo("病历号[MRN]");
    assertThat(scrub("号A12345")).isEqualTo("号A12345");
    // a 号 in the first two characters (1号床) does not end the search for the cues after it
    assertThat(scrub("1号床，病历号A12345。")).isEqualTo("1号床，病历号[MRN]。");
    assertThat(scrub("号，病历号A12345")).isEqualTo("号，病历号[MRN]");
    assertThat(scrub("MRN 1234567")).isEqualTo("MRN [MRN]");
    assertThat(scrub("MR# 1234567")).isEqualTo("MR# [MRN]");
    assertThat(scrub("Record No. 12345")).isEqualTo("Record No. [MRN]");
    assertThat(scrub("Medical Record Number: 12345")).isEqualTo("Medical Record Number: [MRN]");
    assertThat(scrub("Patient ID 12345")).isEqualTo("Patient ID [MRN]");
    assertThat(scrub("Patient ID: P-12345 ok")).isEqualTo("Patient ID: [MRN] ok");
    // a cue inside a word is not a cue
    assertThat(scrub("Hmr 12345 OK")).isEqualTo("Hmr 12345 OK");
    for (String prefix : new String[] {"ZYH", "MZH", "BAH", "ZY", "MZ", "BA", "JZ"}) {
      assertThat(scrub("单号" + prefix + "123456。")).as(prefix).isEqualTo("单号[MRN]。");
    }
    assertThat(scrub("单号ZY-2024-00123。")).isEqualTo("单号[MRN]。");
    assertThat(scrub("单号ZY1234。")).isEqualTo("单号ZY1234。");
    assertThat(scrub("单号XY123456。")).isEqualTo("单号XY123456。");
  }

  @Test
  void travelDocumentsWithoutACue() {
    for (String doc : new String[] {"E12345678", "EA1234567", "G12345678", "C12345678",
        "W12345678", "T12345678", "CA1234567", "H12345678", "H1234567890", "M12345678"}) {
      assertThat(scrub("证件" + doc + "。")).as(doc).isEqualTo("证件[ID]。");
    }
    assertThat(scrub("证件EI1234567。")).isEqualTo("证件EI1234567。");
    assertThat(scrub("证件E1234567。")).isEqualTo("证件E1234567。");
    for (String cue : new String[] {"批号", "编号", "注册", "SN ", "LOT ", "型号", "批准", "备案"}) {
      assertThat(scrub(cue + "G12345678。")).as(cue).isEqualTo(cue + "G12345678。");
    }
  }

  @Test
  void cuedTokensFillerAndTokenLengths() {
    // up to six filler characters between the cue and the token
    assertThat(scrub("QQ      123456")).isEqualTo("QQ      [IM]");
    assertThat(scrub("QQ       123456")).isEqualTo("QQ       123456");
    assertThat(scrub("QQ 12345。")).isEqualTo("QQ [IM]。");
    assertThat(scrub("QQ 1234。")).isEqualTo("QQ 1234。");
    assertThat(scrub("QQ 012345。")).isEqualTo("QQ 012345。");
    assertThat(scrub("QQ：")).isEqualTo("QQ：");
    // a cue that is the start of a longer word is not a cue
    assertThat(scrub("wxyz1234567")).isEqualTo("wxyz1234567");
    assertThat(scrub("微信号zhang_2024。")).isEqualTo("微信号[IM]。");
    assertThat(scrub("医保号：123456，")).isEqualTo("医保号：[ID]，");
    assertThat(scrub("医保号：12345，")).isEqualTo("医保号：12345，");
    assertThat(scrub("policy no YB-1234，")).isEqualTo("policy no [ID]，");
    assertThat(scrub("护照号：X1234567，")).isEqualTo("护照号：[ID]，");
    assertThat(scrub("护照号：ABCDEF，")).isEqualTo("护照号：ABCDEF，");
  }
}
