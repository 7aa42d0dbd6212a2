package io.carelake.privacy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Removes PHI from free text (chief complaints, notes): each mention is replaced with a typed tag
 * ({@value #ID}, {@value #PHONE}, {@value #NAME}, {@value #ADDRESS}, {@value #EMAIL},
 * {@value #RECORD}, {@value #CARD}, {@value #URL}, {@value #MESSENGER}, {@value #PLATE}), an age
 * over 89 becomes {@value Ages#OVER_89}, and, when a date shift is given, every written date moves
 * by the patient's offset.
 *
 * <p><b>How.</b> The text is normalised first ({@link NormalisedText}: NFKC, invisible format
 * characters dropped, line breaks as spaces, dashes as hyphens, traditional Han characters folded
 * into simplified ones), keeping for every normalised character the span of the original it came
 * from. Then one detector per PHI category reports spans on the normalised text; overlapping
 * spans are resolved (leftmost, then longest, then the row's own identifiers before generic
 * rules) and the replacement is made on the <b>original</b> string, so the clinical text around a
 * mention keeps its widths and punctuation exactly.
 *
 * <p><b>Detectors</b> (one class per category; see each for its forms and limits):
 * {@link OwnIdentifiers} (the row's name, resident id, phone, address), {@link ResidentIdRule}
 * (18- and 15-digit ids), {@link PhoneRule} (mobiles, landlines with or without separators,
 * local numbers after a cue, US numbers), {@link SsnRule}, {@link BankCardRule} (Luhn),
 * {@link WebAddresses.Emails}, {@link WebAddresses.Urls}, {@link CodedIdentifiers#records()}
 * (record numbers with and without a cue), {@link CodedIdentifiers#travelDocuments()} and
 * {@link CuedTokens#travelDocuments()} (passports, Hong Kong / Macau / Taiwan permits),
 * {@link CuedTokens#insurance()} (medical and social insurance numbers),
 * {@link CuedTokens#messenger()} (QQ, WeChat), {@link VehiclePlates}, {@link Addresses#us()},
 * {@link Addresses#cn()} (streets, villages and groups, housing estates), {@link LatinNames},
 * {@link ChineseNames} (with and without a cue, signatures, staff), {@link Ages}, and
 * {@link TextDates} (only when shifting: without a shift, dates are clinical content).
 *
 * <p><b>Cost.</b> Linear in the text on any input: numbers are tokenised once
 * ({@link DigitRuns}) and every numeric category checks each candidate run of at most 24 digits;
 * Latin-script patterns run only on the ASCII stretches, Han-script rules are anchored on their
 * literals, e-mails and URLs are scanned by hand within bounded windows.
 */
public final class PhiScrubber {

  public static final String ID = "[ID]";
  public static final String PHONE = "[PHONE]";
  public static final String NAME = "[NAME]";
  public static final String ADDRESS = "[ADDRESS]";
  public static final String EMAIL = "[EMAIL]";
  public static final String RECORD = "[MRN]";
  public static final String CARD = "[CARD]";
  public static final String URL = "[URL]";
  public static final String MESSENGER = "[IM]";
  public static final String PLATE = "[PLATE]";

  /** What a finding is; the tag it is replaced with (dates and ages carry their own). */
  public enum Category {
    // in priority order at equal spans: a cued category says what the number is
    OWN_ID(ID), OWN_PHONE(PHONE), OWN_ADDRESS(ADDRESS), OWN_NAME(NAME),
    RECORD(PhiScrubber.RECORD), INSURANCE(ID), TRAVEL_DOCUMENT(ID), MESSENGER(PhiScrubber.MESSENGER),
    ID_18(ID), ID_15(ID), SSN(ID), BANK_CARD(CARD), MOBILE(PHONE), LANDLINE(PHONE), US_PHONE(PHONE),
    EMAIL(PhiScrubber.EMAIL), URL(PhiScrubber.URL), VEHICLE_PLATE(PLATE), US_ADDRESS(ADDRESS), CN_ADDRESS(ADDRESS), TITLE_NAME(NAME),
    LATIN_NAME(NAME), CN_NAME(NAME), AGE(Ages.OVER_89), DATE(null);

    public final String tag;

    Category(String tag) {
      this.tag = tag;
    }

    /** True for what the release gate counts as a leak (every category but a date shift). */
    public boolean identifying() {
      return this != DATE;
    }
  }

  /** A span of the original text, what it is and what replaces it. */
  public record Finding(int start, int end, Category category, String replacement) {}

  private static final List<Detector> DETECTORS = List.of(
      new OwnIdentifiers(),
      new NumberDetector(List.of(new ResidentIdRule(), new BankCardRule(), new PhoneRule(),
          new SsnRule())),
      new WebAddresses.Emails(),
      new WebAddresses.Urls(),
      CodedIdentifiers.records(),
      CodedIdentifiers.travelDocuments(),
      CuedTokens.travelDocuments(),
      CuedTokens.insurance(),
      CuedTokens.messenger(),
      new VehiclePlates(),
      Addresses.us(),
      Addresses.cn(),
      new LatinNames(),
      new ChineseNames(),
      new Ages(),
      TextDates::find);

  private PhiScrubber() {}

  /**
   * Scrubs {@code text} of the generic patterns and of the row's own identifiers (any of which
   * may be null). Dates stay as written. Returns null for null text.
   */
  public static String scrub(String text, String name, String residentId, String phone,
      String address) {
    return scrub(text, name, residentId, phone, address, null);
  }

  /**
   * As {@link #scrub(String, String, String, String, String)}, and when {@code shiftDays} is not
   * null nor 0, dates written in the text move by that many days ({@link TextDates}); pass
   * {@link KeyedHashes#dateShiftDays} of the row's resident id to keep the text consistent with
   * the structured dates.
   */
  public static String scrub(String text, String name, String residentId, String phone,
      String address, Integer shiftDays) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    return replace(text, find(text, name, residentId, phone, address, shiftDays));
  }

  /**
   * What {@link #scrub} would replace, in original-text coordinates, non-overlapping, in order.
   */
  public static List<Finding> find(String text, String name, String residentId, String phone,
      String address, Integer shiftDays) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    NormalisedText n = NormalisedText.of(text);
    Scan scan = new Scan(n, name, residentId, phone, address, shiftDays);
    for (Detector d : DETECTORS) {
      d.find(scan);
    }
    return resolve(scan, n);
  }

  /**
   * How many identifying mentions (any category but a date) the text still holds, with the
   * row's own identifiers when given: the release gate's check of a released text column.
   */
  public static int leaks(String text, String name, String residentId, String phone,
      String address) {
    int n = 0;
    for (Finding f : find(text, name, residentId, phone, address, null)) {
      if (f.category().identifying()) {
        n++;
      }
    }
    return n;
  }

  /**
   * How many times {@code value} occurs in the text whatever was typed between its characters
   * (the own-identifier match), e.g. a source's other direct identifier column (an SSN, a
   * passport number) looked for in the row's released text.
   */
  public static int mentions(String text, String value) {
    if (text == null || text.isEmpty() || value == null) {
      return 0;
    }
    Scan scan = new Scan(NormalisedText.of(text), null, value, null, null, null);
    new OwnIdentifiers().find(scan);
    return scan.spans.size();
  }

  /** True when the text still holds any identifying mention ({@link #leaks} above 0). */
  public static boolean hasPattern(String text) {
    return text != null && leaks(text, null, null, null, null) > 0;
  }

  static String replace(String text, List<Finding> found) {
    if (found.isEmpty()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    int last = 0;
    for (Finding f : found) {
      sb.append(text, last, f.start()).append(f.replacement());
      last = f.end();
    }
    return sb.append(text, last, text.length()).toString();
  }

  /**
   * Leftmost first; at equal start the longest; at equal span the rule of higher priority. A
   * later span overlapping the tail of an identifier extends it (never a date's).
   */
  static List<Finding> resolve(Scan scan, NormalisedText n) {
    List<Scan.Span> spans = scan.spans;
    if (spans.isEmpty()) {
      return List.of();
    }
    spans.sort(Comparator.comparingInt(Scan.Span::from).thenComparingInt(s -> -s.to())
        .thenComparingInt(Scan.Span::priority));
    List<Finding> out = new ArrayList<>();
    int end = -1;
    for (Scan.Span s : spans) {
      if (s.from() >= end) {
        out.add(new Finding(s.from(), s.to(), s.category(), s.replacement()));
        end = s.to();
      } else if (s.to() > end && s.category() != Category.DATE
          && out.get(out.size() - 1).category() != Category.DATE
          && s.category() != Category.AGE && out.get(out.size() - 1).category() != Category.AGE) {
        Finding last = out.remove(out.size() - 1);
        out.add(new Finding(last.start(), s.to(), last.category(), last.replacement()));
        end = s.to();
      }
    }
    List<Finding> original = new ArrayList<>(out.size());
    for (Finding f : out) {
      original.add(new Finding(n.originalStart(f.start()), n.originalEnd(f.end()), f.category(),
          f.replacement()));
    }
    return original;
  }

  /** A phone's significant digits (no separators, no +86 / 0086 prefix on a mobile). */
  static String phoneDigits(String phone) {
    return OwnIdentifiers.phoneDigits(phone);
  }
}
