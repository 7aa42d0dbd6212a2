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
    assertThat(scrub("车牌京AB1CDE，")).isEqualTo("车牌[PLATE]，");
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
    // a local part starting with punctuation: the address from its first letter or digit
    assertThat(scrub("mail _jane@x.org now")).isEqualTo("mail _[EMAIL] now");
    assertThat(scrub("mail .a-b@x.org now")).isEqualTo("mail .[EMAIL] now");
    assertThat(scrub("mail ._@x.org now")).isEqualTo("mail ._@x.org now");
    // an @ at the text's start does not end the search; a domain never starts with a dot
    assertThat(scrub("@home a@x.org")).isEqualTo("@home [EMAIL]");
    assertThat(scrub("to a@.x.org.")).isEqualTo("to a@.x.org.");
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
    // the quick checks for a scheme or www find them at the text's start too
    assertThat(scrub("://a http://abc.org")).isEqualTo("://a [URL]");
    assertThat(scrub("ww.x www.abc.org")).isEqualTo("ww.x [URL]");
    assertThat(scrub("WW.x WWW.ABC.ORG")).isEqualTo("WW.x [URL]");
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
    // a lower-case UUID in a text whose first character is a hyphen
    assertThat(scrub("-x 123e4567-e89b-12d3-a456-426614174000"))
        .isEqualTo("-x [MRN]");
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
    assertThat(scrub("加微信wx")).isEqualTo("加微信wx");
    assertThat(scrub("微信号zhang_2024。")).isEqualTo("微信号[IM]。");
    assertThat(scrub("医保号：123456，")).isEqualTo("医保号：[ID]，");
    assertThat(scrub("医保号：12345，")).isEqualTo("医保号：12345，");
    assertThat(scrub("policy no YB-1234，")).isEqualTo("policy no [ID]，");
    assertThat(scrub("护照号：X1234567，")).isEqualTo("护照号：[ID]，");
    assertThat(scrub("护照号：ABCDEF，")).isEqualTo("护照号：ABCDEF，");
  }

  static java.util.List<String> spans(Detector d, String text) {
    Scan s = new Scan(NormalisedText.of(text), null, null, null, null, null);
    d.find(s);
    java.util.List<String> out = new java.util.ArrayList<>();
    for (Scan.Span sp : s.spans) {
      out.add(sp.from() + "-" + sp.to() + " " + sp.category());
    }
    return out;
  }

  @Test
  void eachDetectorFindsItsOwnCategoryOnly() {
    // "病历号A12345，护照G12345678": A12345 at 3-9, G12345678 at 12-21
    String t = "病历号A12345，护照G12345678";
    assertThat(spans(CodedIdentifiers.records(), t)).containsExactly("3-9 RECORD");
    assertThat(spans(CodedIdentifiers.travelDocuments(), t)).containsExactly(
        "12-21 TRAVEL_DOCUMENT");
    assertThat(spans(CuedTokens.travelDocuments(), t)).containsExactly("12-21 TRAVEL_DOCUMENT");
    assertThat(spans(CuedTokens.insurance(), "医保号：YB123456")).containsExactly("4-12 INSURANCE");
    assertThat(spans(CuedTokens.messenger(), "QQ：12345")).containsExactly("3-8 MESSENGER");
    assertThat(spans(CuedTokens.messenger(), t)).isEmpty();
  }

  @Test
  void theRecordAndDocumentGatesByHand() {
    // MRN at a run's start or after a non-letter; not inside a word nor in the last two places
    assertThat(CodedIdentifiers.hasLatinRecordCue("MRN 12345", 0, 9)).isTrue();
    assertThat(CodedIdentifiers.hasLatinRecordCue(" mr 12", 0, 6)).isTrue();
    assertThat(CodedIdentifiers.hasLatinRecordCue("xmr 12", 0, 6)).isFalse();
    assertThat(CodedIdentifiers.hasLatinRecordCue("12 mr", 0, 5)).isFalse();
    assertThat(CodedIdentifiers.hasLatinRecordCue("Record 1", 0, 8)).isTrue();
    assertThat(CodedIdentifiers.hasLatinRecordCue("Rec 1234", 0, 8)).isFalse();
    // "record" cut off by the run's end still counts
    assertThat(CodedIdentifiers.hasLatinRecordCue("x rec", 0, 5)).isTrue();
    assertThat(CodedIdentifiers.hasLatinRecordCue("Patient ID 1", 0, 12)).isTrue();
    assertThat(CodedIdentifiers.hasLatinRecordCue("kid 12", 0, 6)).isFalse();
    assertThat(CodedIdentifiers.hasLatinRecordCue("ID 12", 0, 5)).isFalse();
    // a capital, perhaps a second one, then at least seven digits
    assertThat(CodedIdentifiers.hasCapitalThenDigits("E1234567", 0, 8)).isTrue();
    assertThat(CodedIdentifiers.hasCapitalThenDigits("A1234567", 0, 8)).isTrue();
    assertThat(CodedIdentifiers.hasCapitalThenDigits("Z1234567", 0, 8)).isTrue();
    assertThat(CodedIdentifiers.hasCapitalThenDigits("@1234567", 0, 8)).isFalse();
    assertThat(CodedIdentifiers.hasCapitalThenDigits("[1234567", 0, 8)).isFalse();
    assertThat(CodedIdentifiers.hasCapitalThenDigits("EA1234567", 0, 9)).isTrue();
    assertThat(CodedIdentifiers.hasCapitalThenDigits("E123456x", 0, 8)).isFalse();
    assertThat(CodedIdentifiers.hasCapitalThenDigits("xxxxxE1xxxxxxxx", 0, 15)).isFalse();
    // two capitals in a row, or four hyphens (a hyphen in the last place is not counted)
    assertThat(CodedIdentifiers.hasRecordShape("ZY12", 0, 4)).isTrue();
    assertThat(CodedIdentifiers.hasRecordShape("AB1", 0, 3)).isTrue();
    assertThat(CodedIdentifiers.hasRecordShape("ZB1", 0, 3)).isTrue();
    assertThat(CodedIdentifiers.hasRecordShape("BA1", 0, 3)).isTrue();
    assertThat(CodedIdentifiers.hasRecordShape("BZ1", 0, 3)).isTrue();
    assertThat(CodedIdentifiers.hasRecordShape("@A1 [A1 A@1 A[1", 0, 15)).isFalse();
    assertThat(CodedIdentifiers.hasRecordShape("Z1Y", 0, 3)).isFalse();
    assertThat(CodedIdentifiers.hasRecordShape("a-b-c-d-e", 0, 9)).isTrue();
    assertThat(CodedIdentifiers.hasRecordShape("a-b-c-d", 0, 7)).isFalse();
    assertThat(CodedIdentifiers.hasRecordShape("1-2-3-4-", 0, 8)).isFalse();
  }
}
