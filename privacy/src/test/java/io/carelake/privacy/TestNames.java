package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Personal names, one rule at a time, with the exact text out: every title of the Latin-script
 * rule, first-name / surname pairs of the US Census lists (a pair that is not one moves on to the
 * next word, a middle initial, Synthea's digit suffixes, the shortest run), and every Chinese
 * cue, staff cue, honorific (with a compound surname), signature, relative and visit verb, and
 * the words the uncued rule leaves alone. The lexicon entries used are read from its resource
 * files.
 */
class TestNames {

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @Test
  void everyTitleTakesOneOrTwoCapitalisedWords() {
    for (String title : new String[] {"Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.",
        "Miss", "Mx", "Prof", "Prof."}) {
      assertThat(scrub("seen by " + title + " Okafor today")).as(title)
          .isEqualTo("seen by " + title + " [NAME] today");
    }
    assertThat(scrub("seen by Prof. Ada Ngata, today")).isEqualTo("seen by Prof. [NAME], today");
    assertThat(scrub("Dr. Okafor604")).isEqualTo("Dr. [NAME]");
    // a title needs a capitalised word, and is not the end of a longer word
    assertThat(scrub("seen by Dr. okafor today")).isEqualTo("seen by Dr. okafor today");
    assertThat(scrub("seen by XDr. Okafor today")).isEqualTo("seen by XDr. Okafor today");
  }

  @Test
  void firstNameAndSurnamePairsOfTheCensusLists() {
    assertThat(scrub("Seen John Smith today")).isEqualTo("Seen [NAME] today");
    assertThat(scrub("with Mary J. Smith, ok")).isEqualTo("with [NAME], ok");
    assertThat(scrub("Seen Mary604 Smith547 today")).isEqualTo("Seen [NAME] today");
    assertThat(scrub("见Jo Li。")).isEqualTo("见[NAME]。");
    assertThat(scrub("Blood Pressure normal")).isEqualTo("Blood Pressure normal");
    // a single capitalised first name is not a name without a title
    assertThat(scrub("Mary said")).isEqualTo("Mary said");
    assertThat(NameLexicon.INSTANCE.isUsFirst("mary")).isTrue();
    assertThat(NameLexicon.INSTANCE.isUsLast("Smith")).isTrue();
    assertThat(NameLexicon.INSTANCE.isUsFirst("Smith")).isFalse();
  }

  @Test
  void theChineseLexicon() {
    NameLexicon l = NameLexicon.INSTANCE;
    // cn-given-chars.tsv: 芳 195506, 述 3972 (a name character), 今 1630 (not), 牌 absent
    assertThat(l.givenCount('芳')).isEqualTo(195_506);
    assertThat(l.givenCount('牌')).isZero();
    assertThat(l.isNameChar('述')).isTrue();
    assertThat(l.isNameChar('今')).isFalse();
    assertThat(l.surnameAt("欧阳明华", 0)).isEqualTo(2);
    assertThat(l.surnameAt("王芳", 0)).isEqualTo(1);
    assertThat(l.surnameAt("王芳", 1)).isZero();
    assertThat(l.surnameAt("芳王", 1)).isEqualTo(1);
    assertThat(l.surnameAt("王", 1)).isZero();
    assertThat(l.isSurname('王')).isTrue();
    assertThat(l.isSurname('芳')).isFalse();
  }

  @Test
  void everyCueBeforeAName() {
    for (String cue : new String[] {"患者", "病人", "家属", "联系人", "监护人", "姓名：", "姓名: ",
        "签名：", "签字：", "签字"}) {
      assertThat(scrub(cue + "王芳，")).as(cue).isEqualTo(cue + "[NAME]，");
    }
    assertThat(scrub("患者王芳女，")).isEqualTo("患者[NAME]女，");
    assertThat(scrub("患者王芳65岁")).isEqualTo("患者[NAME]65岁");
    assertThat(scrub("患者王芳")).isEqualTo("患者[NAME]");
    assertThat(scrub("患者欧阳明华，")).isEqualTo("患者[NAME]，");
    // after a cue the name still needs a surname, and 高热 is a fever
    assertThat(scrub("患者高热，")).isEqualTo("患者高热，");
  }

  @Test
  void staffHonorificsSignaturesAndRelatives() {
    for (String staff : new String[] {"主治医师", "接诊医生", "责任护士", "医师", "医生", "护士",
        "主任", "记录者", "记录人"}) {
      assertThat(scrub("。" + staff + "：陈建国。")).as(staff).isEqualTo("。" + staff
          + "：[NAME]。");
    }
    assertThat(scrub("。护士李娜")).isEqualTo("。护士[NAME]");
    for (String h : new String[] {"先生", "女士", "大夫", "老师", "阿姨", "同志"}) {
      assertThat(scrub("请沈" + h + "来")).as(h).isEqualTo("请[NAME]" + h + "来");
    }
    assertThat(scrub("欧阳女士来诊")).isEqualTo("[NAME]女士来诊");
    assertThat(scrub("沈先生，")).isEqualTo("[NAME]先生，");
    assertThat(scrub("先生您好")).isEqualTo("先生您好");
    assertThat(scrub("已阅（李娜）")).isEqualTo("已阅（[NAME]）");
    assertThat(scrub("已阅(李娜)")).isEqualTo("已阅([NAME])");
    // in parentheses a name needs no common given-name character (牌 is none)
    assertThat(scrub("已阅（王牌）")).isEqualTo("已阅（[NAME]）");
    for (String verb : new String[] {"陪同", "陪伴", "代述"}) {
      assertThat(scrub("由儿子王强" + verb + "。")).as(verb).isEqualTo("由儿子[NAME]" + verb
          + "。");
    }
  }

  @Test
  void uncuedNamesAndTheWordsLeftAlone() {
    assertThat(scrub("王芳，")).isEqualTo("[NAME]，");
    assertThat(scrub("今日王芳来诊")).isEqualTo("今日[NAME]来诊");
    assertThat(scrub("今日王建国来诊")).isEqualTo("今日[NAME]来诊");
    assertThat(scrub("王芳65岁")).isEqualTo("[NAME]65岁");
    assertThat(scrub("王牌，")).isEqualTo("王牌，");
    assertThat(scrub("明显，")).isEqualTo("明显，");
    assertThat(scrub("3王芳，")).isEqualTo("3王芳，");
    assertThat(scrub("王芳3次")).isEqualTo("王芳3次");
    assertThat(scrub("王芳1000岁")).isEqualTo("王芳1000岁");
  }

  @Test
  void theLatinGatesByHand() {
    // a title's two letters: D, M or P, then r, s, i or x
    for (String t : new String[] {"Dr", "Ms", "Mi", "Mx", "Pr"}) {
      assertThat(LatinNames.hasTitleCue(t, 0, 2)).as(t).isTrue();
    }
    for (String t : new String[] {"ab", "Da", "Xr", "dr", "Dr"}) {
      assertThat(LatinNames.hasTitleCue("." + t, 0, 2)).as(t).isFalse();
    }
    // a capital, lower-case letters (digits, ' and - after the first), a space, a capital
    for (String t : new String[] {"Ab Cd", "Zb Cd", "Ba Cd", "Bz Cd", "Ba0 Cd", "Ba9 Cd",
        "Ba'x-y Cd", "Ba Ab", "Ba Zb", "xx Ab Cd"}) {
      assertThat(LatinNames.hasCapitalPair(t, 0, t.length())).as(t).isTrue();
    }
    for (String t : new String[] {"@b Cd", "[b Cd", "B` Cd", "B{ Cd", "Ba @b", "Ba [b",
        "Ba cd", "ab Cd", "BA Cd", "Ba_ Cd", "Ba ", "Ba  C"}) {
      assertThat(LatinNames.hasCapitalPair(t, 0, t.length())).as(t).isFalse();
    }
  }

  @Test
  void aThreeCharacterCandidateThatIsNoNameLeavesTheTwoCharacterOne() {
    // before 来诊: 王查芳 is no name (查 is a surname but no common given-name character), so
    // the two characters 查芳 are tried and taken
    assertThat(scrub("王查芳来诊")).isEqualTo("王[NAME]来诊");
  }
}
