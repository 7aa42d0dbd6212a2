package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Every written date form moved by a number of days, with the expected dates counted on a
 * calendar by hand (month ends, a leap day, year ends), the form kept (padding, separator, 日/号,
 * month names as typed), and what is not a date left alone.
 */
class TestTextDates {

  @Test
  void numericFormsKeepTheirSeparatorAndPadding() {
    assertThat(TextDates.shift("seen 2024-02-28, again", 2)).isEqualTo("seen 2024-03-01, again");
    assertThat(TextDates.shift("2024/3/5", 10)).isEqualTo("2024/3/15");
    assertThat(TextDates.shift("2024/03/05", 10)).isEqualTo("2024/03/15");
    assertThat(TextDates.shift("2024.12.25", 10)).isEqualTo("2025.01.04");
    assertThat(TextDates.shift("2024-12-25", 10)).isEqualTo("2025-01-04");
    assertThat(TextDates.shift("12/31/2023", 1)).isEqualTo("01/01/2024");
    assertThat(TextDates.shift("3/5/2024", 30)).isEqualTo("4/4/2024");
    assertThat(TextDates.shift("3/15/2024", -20)).isEqualTo("02/24/2024");
    assertThat(TextDates.shift("2024-3-1", -1)).isEqualTo("2024-2-29");
  }

  @Test
  void chineseFormsWithAndWithoutYearOrDay() {
    assertThat(TextDates.shift("2023年12月30日入院", 3)).isEqualTo("2024年1月2日入院");
    assertThat(TextDates.shift("2023年1月5号", -10)).isEqualTo("2022年12月26号");
    assertThat(TextDates.shift("2023 年 1 月 5 日", 1)).isEqualTo("2023年1月6日");
    // no year: a non-leap year, except for 2月29日, which only a leap year has
    assertThat(TextDates.shift("3月1日复查", -1)).isEqualTo("2月28日复查");
    assertThat(TextDates.shift("2月29日复查", 1)).isEqualTo("3月1日复查");
    assertThat(TextDates.shift("12月31号", 1)).isEqualTo("1月1号");
    // a 年 or 月 near the text's start (1年前, 月经) does not end the search for the dates after it
    assertThat(TextDates.shift("1年前，2023年12月30日入院", 3)).isEqualTo("1年前，2024年1月2日入院");
    assertThat(TextDates.shift("月经规律，3月1日复查", -1)).isEqualTo("月经规律，2月28日复查");
    // no day: the 15th is moved and its month written
    assertThat(TextDates.shift("2023年12月起服药", 20)).isEqualTo("2024年1月起服药");
    assertThat(TextDates.shift("2023年12月起服药", 16)).isEqualTo("2023年12月起服药");
    assertThat(TextDates.shift("2024年3月起服药", -15)).isEqualTo("2024年2月起服药");
  }

  @Test
  void compactDatesExceptAfterABatchCue() {
    assertThat(TextDates.shift("采样20240131送检", 1)).isEqualTo("采样20240201送检");
    assertThat(TextDates.shift("on 19991231.", 1)).isEqualTo("on 20000101.");
    assertThat(TextDates.shift("批号20240131", 1)).isEqualTo("批号20240131");
    assertThat(TextDates.shift("LOT 20240131", 1)).isEqualTo("LOT 20240131");
    assertThat(TextDates.shift("20241301", 1)).isEqualTo("20241301");
  }

  @Test
  void englishMonthNamesAsTyped() {
    assertThat(TextDates.shift("March 5, 2024", 30)).isEqualTo("April 4, 2024");
    // a month name in capitals or lower case is still a date, and keeps its case
    assertThat(TextDates.shift("MARCH 5, 2024", 30)).isEqualTo("APRIL 4, 2024");
    assertThat(TextDates.shift("seen march 5, 2024", 30)).isEqualTo("seen april 4, 2024");
    assertThat(TextDates.shift("5 DEC 2024", 30)).isEqualTo("4 JAN 2025");
    assertThat(TextDates.shift("05-mar-2024", 1)).isEqualTo("06-mar-2024");
    assertThat(TextDates.shift("Mar 5 2024", 30)).isEqualTo("Apr 4 2024");
    assertThat(TextDates.shift("Mar. 5, 2024", 30)).isEqualTo("Apr. 4, 2024");
    assertThat(TextDates.shift("Sept 30, 2024", 1)).isEqualTo("Oct 1, 2024");
    assertThat(TextDates.shift("Sept 1, 2024", 1)).isEqualTo("Sept 2, 2024");
    assertThat(TextDates.shift("May 31, 2024", 1)).isEqualTo("June 1, 2024");
    assertThat(TextDates.shift("5 March 2024", -5)).isEqualTo("29 February 2024");
    assertThat(TextDates.shift("31 Dec 2023", 1)).isEqualTo("1 Jan 2024");
    assertThat(TextDates.shift("05-Mar-2024", 30)).isEqualTo("04-Apr-2024");
    assertThat(TextDates.shift("5-May-24", 31)).isEqualTo("5-Jun-24");
    assertThat(TextDates.shift("31-Dec-99", 1)).isEqualTo("01-Jan-00");
    assertThat(TextDates.shift("05-Mar-49", 1)).isEqualTo("06-Mar-49");
  }

  @Test
  void whatIsNotACalendarDateIsLeftAsWritten() {
    assertThat(TextDates.shift("2023-02-30", 1)).isEqualTo("2023-02-30");
    assertThat(TextDates.shift("13/45/2024", 1)).isEqualTo("13/45/2024");
    assertThat(TextDates.shift("1899-01-01", 1)).isEqualTo("1899-01-01");
    assertThat(TextDates.shift("2023年2月30日", 1)).isEqualTo("2023年2月30日");
    assertThat(TextDates.shift("13月1日", 1)).isEqualTo("13月1日");
    assertThat(TextDates.shift("February 30, 2024", 1)).isEqualTo("February 30, 2024");
    assertThat(TextDates.shift("version 1.2024.3.4", 1)).isEqualTo("version 1.2024.3.4");
    assertThat(TextDates.shift("2024-03-05", 0)).isEqualTo("2024-03-05");
    assertThat(TextDates.shift("2024-03-05", null)).isEqualTo("2024-03-05");
    assertThat(TextDates.shift(null, 3)).isNull();
    assertThat(TextDates.shift("", 3)).isEmpty();
    assertThat(TextDates.shift("no digits here", 3)).isEqualTo("no digits here");
  }
}
