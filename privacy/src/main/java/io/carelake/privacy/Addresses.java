package io.carelake.privacy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Street-level addresses; the city and district before them stay (they are the generalisation
 * level of the structured address).
 * <ul>
 *   <li>{@link #us}: a house number, one to three capitalised words and a street suffix of the
 *       USPS list (Publication 28, appendix C1: {@code St}, {@code Ave}, {@code Ferry},
 *       {@code Gateway} …), with a unit when one follows; a unit alone ({@code Apt 4},
 *       {@code Suite 200});</li>
 *   <li>{@link #cn}: a street (路 / 街 / 大道 / 巷 / 胡同 / 弄 / 里) and house number (号, then 栋
 *       / 单元 / 室 …); a village and its group (…村3组, …社区5组); a housing estate and its
 *       building (…小区5栋2单元301室, …花园3号楼).</li>
 * </ul>
 */
final class Addresses implements Detector {

  static final String STREET_SUFFIX = "(?:Alley|Aly|Annex|Anx|Arcade|Arc|Avenue|Ave|Av|Bayou"
      + "|Beach|Bch|Bend|Bluff|Bluffs|Bottom|Boulevard|Blvd|Branch|Br|Bridge|Brg|Brook|Brooks"
      + "|Burg|Burgs|Bypass|Byp|Camp|Cp|Canyon|Cyn|Cape|Causeway|Cswy|Center|Ctr|Centers|Circle"
      + "|Cir|Circles|Cliff|Cliffs|Club|Common|Commons|Corner|Cor|Corners|Course|Crse|Court|Ct"
      + "|Courts|Cove|Coves|Creek|Crk|Crescent|Cres|Crest|Crossing|Xing|Crossroad|Crossroads"
      + "|Curve|Dale|Dam|Divide|Dv|Drive|Dr|Drives|Estate|Est|Estates|Expressway|Expy|Extension"
      + "|Ext|Extensions|Fall|Falls|Ferry|Fry|Field|Fld|Fields|Flat|Flt|Flats|Ford|Fords|Forest"
      + "|Frst|Forge|Frg|Forges|Fork|Frk|Forks|Fort|Ft|Freeway|Fwy|Garden|Gdn|Gardens|Gateway"
      + "|Gtwy|Glen|Gln|Glens|Green|Grn|Greens|Grove|Grv|Groves|Harbor|Hbr|Harbors|Haven|Hvn"
      + "|Heights|Hts|Highway|Hwy|Hill|Hl|Hills|Hollow|Holw|Inlet|Island|Is|Islands|Isle"
      + "|Junction|Jct|Junctions|Key|Ky|Keys|Knoll|Knl|Knolls|Lake|Lk|Lakes|Land|Landing|Lndg"
      + "|Lane|Ln|Light|Lgt|Lights|Loaf|Lf|Lock|Lck|Locks|Lodge|Ldg|Loop|Mall|Manor|Mnr|Manors"
      + "|Meadow|Mdw|Meadows|Mews|Mill|Ml|Mills|Mission|Msn|Motorway|Mtwy|Mount|Mt|Mountain|Mtn"
      + "|Mountains|Neck|Nck|Orchard|Orch|Oval|Overpass|Opas|Park|Parks|Parkway|Pkwy|Parkways"
      + "|Pass|Passage|Psge|Path|Pathway|Pike|Pine|Pines|Place|Pl|Plain|Pln|Plains|Plaza|Plz"
      + "|Point|Pt|Points|Port|Prt|Ports|Prairie|Pr|Radial|Radl|Ramp|Ranch|Rnch|Rapid|Rpd"
      + "|Rapids|Rest|Rst|Ridge|Rdg|Ridges|River|Riv|Road|Rd|Roads|Route|Rte|Row|Rue|Run"
      + "|Shoal|Shl|Shoals|Shore|Shr|Shores|Skyway|Skwy|Spring|Spg|Springs|Spur|Spurs|Square"
      + "|Sq|Squares|Station|Sta|Stravenue|Stra|Stream|Strm|Street|St|Streets|Summit|Smt"
      + "|Terrace|Ter|Throughway|Trwy|Trace|Trce|Track|Trak|Trafficway|Trfy|Trail|Trl|Trailer"
      + "|Trlr|Tunnel|Tunl|Turnpike|Tpke|Underpass|Upas|Union|Un|Unions|Valley|Vly|Valleys"
      + "|Viaduct|Via|View|Vw|Views|Village|Vlg|Villages|Ville|Vl|Vista|Vis|Walk|Walks|Wall"
      + "|Way|Wy|Ways|Well|Wl|Wells|Wynd|Villa|Vale|Promenade|Quay|Esplanade|Parade|Approach)";
  static final String UNIT = "(?:Apt|Apartment|Suite|Ste|Unit|Room|Rm|#)\\.? ?#? ?[0-9]{1,5}"
      + "[A-Za-z]?(?![A-Za-z0-9])";
  static final Pattern US = Pattern.compile(
      "(?<![A-Za-z0-9])\\d{1,6} (?:[NSEW]\\.? )?(?:[A-Z][A-Za-z'\\-]{0,30}\\d{0,4} ){1,3}"
          + STREET_SUFFIX + "(?![A-Za-z])(?:,? " + UNIT + ")?"
          + "|(?<![A-Za-z0-9])(?:Apt|Apartment|Suite|Ste|Unit)\\.? ?#? ?[0-9]{1,5}[A-Za-z]?"
          + "(?![A-Za-z0-9])");

  static final String HAN_NAME = "[\\p{IsHan}&&[^省市区县镇乡住址在于到至的与村组栋室号路街]]";
  static final Pattern CN_STREET = Pattern.compile(
      "(?<=[区县市镇乡住址:\\s])[\\p{IsHan}&&[^省市区县镇乡住址在于到至的与]]{1,8}?"
          + "(?:路|街|大道|大街|巷|胡同|弄|里)"
          + "(?:[0-9]{1,5}(?:号|弄|支弄))(?:院)?"
          + "(?:[0-9]{1,4}(?:号楼|栋|幢|座|单元|室|层|楼|号|户)){0,4}");
  static final Pattern CN_VILLAGE = Pattern.compile(
      HAN_NAME + "{1,6}?(?:村|社区|屯|寨|庄)(?:委会)?[0-9]{1,3}(?:组|队|社)"
          + "(?:[0-9]{1,4}号)?");
  static final Pattern CN_ESTATE = Pattern.compile(
      HAN_NAME + "{1,8}?(?:小区|花园|公寓|家园|新村|新苑|苑|庭|府|大厦|公馆|名都|华庭|山庄|雅居)"
          + "(?:[0-9]{1,3}期)?[0-9]{1,4}(?:号楼|栋|幢|座|号|区)"
          + "(?:[0-9]{1,4}(?:单元|室|层|楼|号|户)){0,3}");

  private final boolean us;

  private Addresses(boolean us) {
    this.us = us;
  }

  static Addresses us() {
    return new Addresses(true);
  }

  static Addresses cn() {
    return new Addresses(false);
  }

  @Override
  public void find(Scan scan) {
    if (!scan.normalised.hasDigit) {
      return;
    }
    if (us) {
      if (scan.normalised.hasUpperLatin) {
        AsciiRuns.find(scan, US, PhiScrubber.Category.US_ADDRESS, null, 1,
            Addresses::hasAddressCue);
      }
      return;
    }
    String t = scan.text;
    char[] c = scan.chars;
    Matcher street = null;
    Matcher village = null;
    Matcher estate = null;
    for (int k = 0; k < scan.length - 1; k++) {
      char ch = c[k];
      if (ch < 0x4E00) {
        continue;
      }
      boolean digitNext = Scan.isAsciiDigit(c[k + 1]);
      // a number follows the suffix (路12号, 村3组, 小区5栋), or 村委会 then a number, or a
      // phase number precedes 期 (小区3期): only there can a street-level address end
      if (!digitNext && !(ch == '委' && k + 2 < scan.length && c[k + 1] == '会'
          && Scan.isAsciiDigit(c[k + 2]) || ch == '期' && k > 0 && Scan.isAsciiDigit(c[k - 1]))) {
        continue;
      }
      int from = Math.max(0, k - 12);
      int to = Math.min(scan.length, k + 40);
      if (ch == '路' || ch == '街' || ch == '道' || ch == '巷' || ch == '同' || ch == '弄'
          || ch == '里') {
        street = street == null ? CN_STREET.matcher(t).useTransparentBounds(true) : street;
        add(scan, street, from, to, true);
      } else if (ch == '村' || ch == '区' || ch == '屯' || ch == '寨' || ch == '庄' || ch == '委') {
        village = village == null ? CN_VILLAGE.matcher(t).useTransparentBounds(true) : village;
        add(scan, village, from, to, false);
      }
      if (ch == '区' || ch == '园' || ch == '寓' || ch == '村' || ch == '苑' || ch == '庭'
          || ch == '府' || ch == '厦' || ch == '馆' || ch == '都' || ch == '庄' || ch == '居'
          || ch == '期') {
        estate = estate == null ? CN_ESTATE.matcher(t).useTransparentBounds(true) : estate;
        add(scan, estate, from, to, false);
      }
    }
  }

  /** Characters {@link #HAN_NAME} excludes (and the street's name part its own). */
  private static final String NOT_NAME_START = "省市区县镇乡住址在于到至的与村组栋室号路街";
  private static final String NOT_STREET_START = "省市区县镇乡住址在于到至的与";
  private static final String STREET_AFTER = "区县市镇乡住址:";

  /** {@link #CN_STREET}'s look-behind and first character at {@code s}. */
  private static boolean streetMayStart(Scan scan, int s) {
    if (s == 0 || NOT_STREET_START.indexOf(scan.chars[s]) >= 0) {
      return false;
    }
    char before = scan.chars[s - 1];
    return STREET_AFTER.indexOf(before) >= 0 || Character.isWhitespace(before);
  }

  /** A digit, a space and a capital (123 Main), or Apt / Suite / Unit / Ste, in [from, to). */
  static boolean hasAddressCue(String t, int from, int to) {
    for (int i = from; i < to - 2; i++) {
      char a = t.charAt(i);
      if (a >= '0' && a <= '9' && t.charAt(i + 1) == ' ') {
        char c = t.charAt(i + 2);
        if (c >= 'A' && c <= 'Z') {
          return true;
        }
      } else if (a == 'A' && t.charAt(i + 1) == 'p' || a == 'S' && (t.charAt(i + 1) == 'u'
          || t.charAt(i + 1) == 't') || a == 'U' && t.charAt(i + 1) == 'n') {
        return true;
      }
    }
    return false;
  }

  /**
   * The leftmost match of {@code m} starting in [from, k) and ending by {@code to}: tried
   * anchored at each start (at most a dozen), not searched for across the window.
   */
  private static void add(Scan scan, Matcher m, int from, int to, boolean street) {
    int k = Math.min(to, from + 12);
    for (int s = from; s < k; s++) {
      // what the pattern's first character (and the street's look-behind) require, checked
      // before the regular expression is tried: most starts fail here
      char c = scan.chars[s];
      if (!Scan.isHan(c) || (street ? !streetMayStart(scan, s) : NOT_NAME_START.indexOf(c) >= 0)) {
        continue;
      }
      m.region(s, to);
      if (m.lookingAt()) {
        scan.add(m.start(), m.end(), PhiScrubber.Category.CN_ADDRESS);
        return;
      }
    }
  }
}
