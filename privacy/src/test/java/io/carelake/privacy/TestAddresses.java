package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Street-level addresses, one form at a time, with no row identifiers to lean on: the exact span
 * replaced (the city and district before the street stay) and the near misses that are not an
 * address. The addresses are made up for this test in the documented forms.
 */
class TestAddresses {

  static String scrub(String text) {
    return PhiScrubber.scrub(text, null, null, null, null);
  }

  @Test
  void usStreetAddressesWithAndWithoutUnits() {
    assertThat(scrub("Lives at 1200 Larkspur Ferry, Unit 5B since May."))
        .isEqualTo("Lives at [ADDRESS] since May.");
    assertThat(scrub("moved to 77 N. Old Mill Road last year"))
        .isEqualTo("moved to [ADDRESS] last year");
    assertThat(scrub("9 Quarry Hill Dr Apt 12")).isEqualTo("[ADDRESS]");
    assertThat(scrub("mail to Suite 200 please")).isEqualTo("mail to [ADDRESS] please");
    assertThat(scrub("Ste. #14B")).isEqualTo("[ADDRESS]");
    // a number and capitalised words without a street suffix: not an address
    assertThat(scrub("took 2 Tylenol Extra tablets")).isEqualTo("took 2 Tylenol Extra tablets");
    // a suffix glued to more letters is a word, not a suffix
    assertThat(scrub("12 Main Streetcar")).isEqualTo("12 Main Streetcar");
    // lower-case words are not a street name
    assertThat(scrub("gave 3 units per day")).isEqualTo("gave 3 units per day");
  }

  @Test
  void addressCueNeedsADigitASpaceAndACapitalOrAUnitWord() {
    assertThat(Addresses.hasAddressCue("at 5 Elm", 0, 8)).isTrue();
    assertThat(Addresses.hasAddressCue("at 5 elm", 0, 8)).isFalse();
    assertThat(Addresses.hasAddressCue("at 5Elm", 0, 7)).isFalse();
    assertThat(Addresses.hasAddressCue("Apt", 0, 3)).isTrue();
    assertThat(Addresses.hasAddressCue("Suite", 0, 5)).isTrue();
    assertThat(Addresses.hasAddressCue("Ste", 0, 3)).isTrue();
    assertThat(Addresses.hasAddressCue("Unit", 0, 4)).isTrue();
    assertThat(Addresses.hasAddressCue("Sample", 0, 6)).isFalse();
    assertThat(Addresses.hasAddressCue("Apt", 1, 3)).isFalse();
    // the window's end is exclusive: "5 E" needs all three characters inside it
    assertThat(Addresses.hasAddressCue("x 5 E", 0, 4)).isFalse();
    assertThat(Addresses.hasAddressCue("x 5 E", 0, 5)).isTrue();
    // each end of the digit and capital ranges
    assertThat(Addresses.hasAddressCue("0 A", 0, 3)).isTrue();
    assertThat(Addresses.hasAddressCue("9 Z", 0, 3)).isTrue();
    assertThat(Addresses.hasAddressCue("/ A", 0, 3)).isFalse();
    assertThat(Addresses.hasAddressCue(": A", 0, 3)).isFalse();
    assertThat(Addresses.hasAddressCue("5 @", 0, 3)).isFalse();
    assertThat(Addresses.hasAddressCue("5 [", 0, 3)).isFalse();
  }

  @Test
  void chineseStreetAndHouseNumberAfterADistrict() {
    assertThat(scrub("住海淀区学院路37号院5号楼2单元，近日发热"))
        .isEqualTo("住海淀区[ADDRESS]，近日发热");
    assertThat(scrub("上海市静安区南京西路1266号")).isEqualTo("上海市静安区[ADDRESS]");
    assertThat(scrub("家住 长乐巷12号")).isEqualTo("家住 [ADDRESS]");
    assertThat(scrub("址:东四十条胡同8号")).isEqualTo("址:[ADDRESS]");
    assertThat(scrub("浦东新区世纪大道100号3层")).isEqualTo("浦东新区[ADDRESS]");
    // a street without a house number is the generalisation level: kept
    assertThat(scrub("朝阳区建国路附近")).isEqualTo("朝阳区建国路附近");
    // not after a district, address cue or space: not taken for a street
    assertThat(scrub("走了建国路88号")).isEqualTo("走了建国路88号");
  }

  /**
   * Each suffix character that lets a street, village or estate end there, with the address last
   * in the text so that only that character (a digit after it) can start the search.
   */
  @Test
  void everySuffixCharacterStartsItsSearch() {
    for (String street : new String[] {"学院路37号", "长安街5号", "世纪大道100号", "长乐巷12号",
        "南锣胡同8号", "石库弄3号", "平安里6号"}) {
      assertThat(scrub("住区 " + street)).as(street).isEqualTo("住区 [ADDRESS]");
    }
    for (String village : new String[] {"王家村3组", "幸福社区5组", "李家屯2队", "苗家寨4组",
        "赵家庄1组", "新华村委会2组"}) {
      assertThat(scrub("住" + village)).as(village).isEqualTo("住[ADDRESS]");
    }
    for (String estate : new String[] {"阳光小区5栋", "碧水花园3号", "锦绣公寓12座", "幸福家园8号",
        "曙光新村2栋", "怡景新苑6幢", "桂苑5栋", "华庭9号楼", "名门府2号", "金融大厦3座",
        "江南公馆7栋", "世纪名都4号", "云台山庄1栋", "翠湖雅居5号", "阳光小区3期8号楼"}) {
      assertThat(scrub("住" + estate)).as(estate).isEqualTo("住[ADDRESS]");
    }
  }

  @Test
  void villagesWithTheirGroupAndEstatesWithTheirBuilding() {
    assertThat(scrub("家住王家村3组，务农")).isEqualTo("家住[ADDRESS]，务农");
    assertThat(scrub("住幸福社区5组12号")).isEqualTo("住[ADDRESS]");
    assertThat(scrub("李庄村委会2组")).isEqualTo("[ADDRESS]");
    assertThat(scrub("住阳光小区5栋2单元301室，独居")).isEqualTo("住[ADDRESS]，独居");
    assertThat(scrub("住碧水花园3期8号楼")).isEqualTo("住[ADDRESS]");
    assertThat(scrub("锦绣公寓12座1203室")).isEqualTo("[ADDRESS]");
    assertThat(scrub("名门府2号")).isEqualTo("[ADDRESS]");
    // a village or estate name without its group or building number: kept
    assertThat(scrub("来自王家村，务农")).isEqualTo("来自王家村，务农");
    assertThat(scrub("阳光小区门诊")).isEqualTo("阳光小区门诊");
  }
}
