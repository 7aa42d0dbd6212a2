package io.carelake.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.crypto.Mac;

/**
 * The keyed per-record functions that both engines apply, on a {@link Mac} made by
 * {@link PseudonymKey#newMac}: the same input and key give the same output in a Spark executor,
 * a Flink operator or a test.
 *
 * <ul>
 *   <li>{@link #pseudonym}: {@code <key id>:} + hex HMAC-SHA-256(key, resident id), the resident id
 *       normalised by removing whitespace and upper-casing (so {@code ...002x} and {@code ...002X}
 *       are one person); null when the resident id is null or blank.</li>
 *   <li>{@link #eventKey}: hex HMAC-SHA-256(key, {@code "event:" + event_id}), never equal to a
 *       pseudonym.</li>
 *   <li>{@link #dateShiftDays}: the patient's offset in [-maxDays, +maxDays] from
 *       HMAC-SHA-256(key, {@code "date-shift:" + resident id}).</li>
 * </ul>
 */
public final class KeyedHashes {

  public static final String EVENT_DOMAIN = "event:";
  public static final String DATE_SHIFT_DOMAIN = "date-shift:";

  private KeyedHashes() {}

  /**
   * The resident id as it is hashed: NFKC (full-width digits and letters become ASCII), without
   * whitespace, invisible format characters, hyphens, dots or slashes, upper case; null if
   * nothing is left. {@code １１０１０５-19491231-002x} and {@code 11010519491231002X} are one
   * person with one pseudonym.
   */
  public static String normaliseResidentId(String residentId) {
    if (residentId == null) {
      return null;
    }
    String nfkc = java.text.Normalizer.normalize(residentId, java.text.Normalizer.Form.NFKC);
    StringBuilder sb = new StringBuilder(nfkc.length());
    for (int i = 0; i < nfkc.length(); i++) {
      char c = nfkc.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)
          || Character.getType(c) == Character.FORMAT || c == '-' || c == '.' || c == '/'
          || c >= 0x2010 && c <= 0x2015 || c == 0x2212) {
        continue;
      }
      sb.append(c);
    }
    String n = sb.toString().toUpperCase(Locale.ROOT);
    return n.isEmpty() ? null : n;
  }

  public static String pseudonym(String keyId, Mac mac, String residentId) {
    String n = normaliseResidentId(residentId);
    return n == null ? null : keyId + ":" + PseudonymKey.hmacHex(mac, n);
  }

  public static String eventKey(Mac mac, String eventId) {
    return eventId == null ? null : PseudonymKey.hmacHex(mac, EVENT_DOMAIN + eventId);
  }

  /** The patient's offset in days, in [-maxDays, +maxDays]; null without a resident id. */
  public static Integer dateShiftDays(Mac mac, String residentId, int maxDays) {
    String n = normaliseResidentId(residentId);
    if (n == null) {
      return null;
    }
    if (maxDays == 0) {
      return 0;
    }
    byte[] h = mac.doFinal((DATE_SHIFT_DOMAIN + n).getBytes(StandardCharsets.UTF_8));
    long v = ByteBuffer.wrap(h, 0, 8).getLong();
    return (int) (Math.floorMod(v, 2L * maxDays + 1) - maxDays);
  }
}
