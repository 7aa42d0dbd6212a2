package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
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
    for (String id : ids.subList(0, 200)) {
      String p = first.get(id);
      assertThat(p).startsWith("k1:").hasSize(3 + 64);
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
    assertThat(underA).hasSize(10_000).doesNotContainAnyElementsOf(underB);
    // domain separation: an event key never equals a pseudonym under the same key
    assertThat(eventsA).doesNotContainAnyElementsOf(underA);
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

  @Test
  void dateShiftsKeepEveryIntervalWithinAPatient() {
    SplittableRandom r = new SplittableRandom(2024);
    Mac mac = PseudonymKey.newMac(key(r));
    for (int p = 0; p < 1_000; p++) {
      String id = PhiCorpus.residentId(r);
      int maxDays = 1 + r.nextInt(365);
      Integer shift = KeyedHashes.dateShiftDays(mac, id, maxDays);
      assertThat(shift).isBetween(-maxDays, maxDays);
      assertThat(KeyedHashes.dateShiftDays(mac, id, maxDays)).isEqualTo(shift);
      List<LocalDate> events = new ArrayList<>();
      LocalDate d = LocalDate.of(2000, 1, 1).plusDays(r.nextInt(9000));
      for (int e = 0; e < 2 + r.nextInt(8); e++) {
        events.add(d);
        d = d.plusDays(r.nextInt(200));
      }
      List<LocalDate> shifted = events.stream().map(x -> x.plusDays(shift)).toList();
      for (int i = 0; i < events.size(); i++) {
        for (int j = 0; j < events.size(); j++) {
          assertThat(ChronoUnit.DAYS.between(shifted.get(i), shifted.get(j)))
              .isEqualTo(ChronoUnit.DAYS.between(events.get(i), events.get(j)));
        }
      }
      // the same offset applied to the dates written in the patient's note keeps them too
      String note = events.get(0) + "初诊，" + events.get(1).getYear() + "年"
          + events.get(1).getMonthValue() + "月" + events.get(1).getDayOfMonth() + "日复查。";
      String out = PhiScrubber.scrub(note, null, id, null, null, shift);
      java.util.regex.Matcher m = TextDates.DATE.matcher(out);
      List<LocalDate> found = new ArrayList<>();
      while (m.find()) {
        found.add(m.group(1) != null ? LocalDate.parse(m.group())
            : LocalDate.of(Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
                Integer.parseInt(m.group(7))));
      }
      assertThat(found).containsExactly(shifted.get(0), shifted.get(1));
    }
  }
}
