package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

/**
 * Properties of the keyed transforms over generated inputs (seeded, so a failure reproduces):
 * determinism across calls, Mac instances and threads; unlinkability across keys; date shifts that
 * keep every interval within a patient, in structured dates and in text.
 */
class TestKeyedHashesProperties {

  static byte[] key(SplittableRandom r) {
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) r.nextInt(256);
    }
    return k;
  }

  static List<String> ids(SplittableRandom r, int n) {
    Set<String> out = new HashSet<>();
    while (out.size() < n) {
      out.add(PhiCorpus.residentId(r));
    }
    return new ArrayList<>(out);
  }

  @Test
  void sameInputAndKeyGiveTheSamePseudonymAcrossMacsThreadsAndTypedForms() throws Exception {
    SplittableRandom r = new SplittableRandom(42);
    byte[] key = key(r);
    List<String> ids = ids(r, 2_000);
    Mac one = PseudonymKey.newMac(key);
    Map<String, String> first = new HashMap<>();
    for (String id : ids) {
      first.put(id, KeyedHashes.pseudonym("k1", one, id));
    }
    // four threads, each with its own Mac, in another order: the same mapping
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Map<String, String>>> parts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int shard = t;
        parts.add(pool.submit(() -> {
          Mac mac = PseudonymKey.newMac(key);
          Map<String, String> m = new HashMap<>();
          for (int i = ids.size() - 1 - shard; i >= 0; i -= 4) {
            m.put(ids.get(i), KeyedHashes.pseudonym("k1", mac, ids.get(i)));
          }
          return m;
        }));
      }
      Map<String, String> again = new HashMap<>();
      for (Future<Map<String, String>> f : parts) {
        again.putAll(f.get());
      }
      assertThat(again).isEqualTo(first);
    } finally {
      pool.shutdown();
    }
    PseudonymKey pk = new PseudonymKey("k1", key, "test");
    javax.crypto.Mac reference = javax.crypto.Mac.getInstance("HmacSHA256");
    reference.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    for (String id : ids.subList(0, 200)) {
      String p = first.get(id);
      // an independent reference: the README's formula with javax.crypto directly
      assertThat(p).isEqualTo("k1:" + java.util.HexFormat.of().formatHex(reference.doFinal(
          id.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
      // the same person however the id is typed
      assertThat(pk.pseudonym(" " + id.substring(0, 6) + " " + id.substring(6).toLowerCase()))
          .isEqualTo(p);
    }
    // one pseudonym per id: no collisions
    assertThat(new HashSet<>(first.values())).hasSize(ids.size());
  }

  @Test
  void differentKeysGiveUnlinkablePseudonyms() {
    SplittableRandom r = new SplittableRandom(7);
    Mac a = PseudonymKey.newMac(key(r));
    Mac b = PseudonymKey.newMac(key(r));
    List<String> ids = ids(r, 10_000);
    Set<String> underA = new HashSet<>();
    Set<String> underB = new HashSet<>();
    Set<String> eventsA = new HashSet<>();
    int sameShift = 0;
    for (String id : ids) {
      underA.add(KeyedHashes.pseudonym("k1", a, id).substring(3));
      underB.add(KeyedHashes.pseudonym("k1", b, id).substring(3));
      eventsA.add(KeyedHashes.eventKey(a, id));
      if (KeyedHashes.dateShiftDays(a, id, 180).equals(KeyedHashes.dateShiftDays(b, id, 180))) {
        sameShift++;
      }
    }
    assertThat(underA).hasSize(10_000);
    // (set intersections: AssertJ's doesNotContainAnyElementsOf compares every pair)
    Set<String> shared = new HashSet<>(underA);
    shared.retainAll(underB);
    assertThat(shared).isEmpty();
    // domain separation: an event key never equals a pseudonym under the same key
    Set<String> crossed = new HashSet<>(eventsA);
    crossed.retainAll(underA);
    assertThat(crossed).isEmpty();
    // offsets under two keys agree by chance only (1/361 expected: about 28 of 10,000)
    assertThat(sameShift).isLessThan(80);
    // and the pseudonyms carry nothing of the id: hex digits are uniform-looking (each of 16
    // symbols within 20 % of its expected share over 640,000 characters)
    int[] counts = new int[16];
    for (String p : underA) {
      for (char c : p.toCharArray()) {
        counts[Character.digit(c, 16)]++;
      }
    }
    for (int c : counts) {
      assertThat(c).isBetween(32_000, 48_000);
    }
  }

  /**
   * The offset as the README defines it, computed here with javax.crypto directly (not with the
   * code under test): floorMod(first 8 bytes of HMAC-SHA-256(key, "date-shift:" + id) read as a
   * big-endian signed long, 2N + 1) - N.
   */
  static int referenceOffset(byte[] key, String normalisedId, int maxDays) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    byte[] h = mac.doFinal(("date-shift:" + normalisedId)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xFF);
    }
    return (int) (Math.floorMod(v, 2L * maxDays + 1) - maxDays);
  }

  @Test
  void dateShiftOffsetsMatchAnIndependentHmacAndMoveTheDatesInNotesByThatOffset()
      throws Exception {
    SplittableRandom r = new SplittableRandom(2024);
    byte[] key = key(r);
    Mac mac = PseudonymKey.newMac(key);
    int seen = 0;
    for (int p = 0; p < 1_000; p++) {
      String id = PhiCorpus.residentId(r);
      int maxDays = 1 + r.nextInt(365);
      int expected = referenceOffset(key, id, maxDays);
      assertThat(KeyedHashes.dateShiftDays(mac, id, maxDays)).isEqualTo(expected);
      // the same person typed another way has the same offset
      assertThat(KeyedHashes.dateShiftDays(mac, " " + id.toLowerCase(), maxDays))
          .isEqualTo(expected);
      LocalDate first = LocalDate.of(2000, 1, 1).plusDays(r.nextInt(9000));
      LocalDate second = first.plusDays(1 + r.nextInt(200));
      String note = first + "初诊，" + second.getYear() + "年" + second.getMonthValue() + "月"
          + second.getDayOfMonth() + "日复查。";
      LocalDate a = first.plusDays(expected);
      LocalDate b = second.plusDays(expected);
      String want = expected == 0 ? note : a + "初诊，" + b.getYear() + "年" + b.getMonthValue()
          + "月" + b.getDayOfMonth() + "日复查。";
      assertThat(PhiScrubber.scrub(note, null, id, null, null, expected)).isEqualTo(want);
      seen += expected != 0 ? 1 : 0;
    }
    assertThat(seen).as("patients with a non-zero offset").isGreaterThan(900);
  }
}
