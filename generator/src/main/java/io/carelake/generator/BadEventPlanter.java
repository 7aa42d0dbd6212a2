package io.carelake.generator;

import io.carelake.core.events.Codes;
import io.carelake.core.events.EventKind;
import io.carelake.core.events.Patient;
import io.carelake.core.events.VisitEvent;
import io.carelake.core.events.VitalEvent;
import io.carelake.core.ids.ResidentIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Turns the simulation's good events into messages and damages a share of them the way real feeds
 * go wrong: each message is bad with probability {@code badRate}, with one {@link BadKind} drawn
 * uniformly among those that can apply to it. A dead-letter kind replaces the good message; a
 * duplicate re-sends it a few messages later; a late event is held back 3-9 days; an out-of-order
 * one is held behind 2-6 later messages of its stream. Every planted message is counted in the
 * {@link Manifest}. Memory is bounded by the held-back messages, not by the run's size.
 */
final class BadEventPlanter implements EventConsumer {

  private static final Charset GBK = Charset.forName("GBK");
  private static final String[] VISIT_REQUIRED = {
      "event_id", "event_time", "patient.resident_id", "facility_id", "visit_type"};
  private static final String[] VITAL_REQUIRED = {
      "event_id", "event_time", "patient.resident_id", "facility_id", "code", "value", "unit",
      "source"};

  private record Message(EventKind kind, byte[] value) {}

  /** A message waiting for {@code remaining} more messages of its stream to go first. */
  private static final class Held {
    final Message message;
    int remaining;

    Held(Message message, int remaining) {
      this.message = message;
      this.remaining = remaining;
    }
  }

  private final MessageSink sink;
  private final Manifest manifest;
  private final double badRate;
  private final SplittableRandom random;
  private final EventJson json = new EventJson();
  private final List<Held> heldVisits = new ArrayList<>();
  private final List<Held> heldVitals = new ArrayList<>();
  /** Late messages by the day they are released on. */
  private final TreeMap<Integer, ArrayDeque<Message>> late = new TreeMap<>();
  private int day;

  BadEventPlanter(MessageSink sink, Manifest manifest, long seed, double badRate) {
    this.sink = sink;
    this.manifest = manifest;
    this.badRate = badRate;
    this.random = Seeds.random(seed, Seeds.PLANTER, 0);
  }

  /** Called before the simulation of each day: releases the late messages due that day. */
  void startDay(int day) {
    this.day = day;
    while (!late.isEmpty() && late.firstKey() <= day) {
      for (Message m : late.pollFirstEntry().getValue()) {
        send(m);
      }
    }
  }

  /** Sends everything still held back, after the last day. */
  void finish() {
    for (ArrayDeque<Message> due : late.values()) {
      for (Message m : due) {
        send(m);
      }
    }
    late.clear();
    for (List<Held> held : List.of(heldVisits, heldVitals)) {
      for (Held h : held) {
        sendNow(h.message);
      }
      held.clear();
    }
    manifest.settle();
  }

  @Override
  public void visit(VisitEvent v) {
    manifest.visits.events++;
    BadKind kind = draw(EventKind.VISIT, null);
    if (kind == null) {
      send(new Message(EventKind.VISIT, json.visit(v, Damage.NONE)));
      return;
    }
    manifest.visits.count(kind);
    byte[] good = json.visit(v, Damage.NONE);
    switch (kind) {
      case MALFORMED_JSON -> send(new Message(EventKind.VISIT, truncate(good)));
      case NOT_UTF8 -> send(new Message(EventKind.VISIT, notUtf8(good)));
      case MISSING_FIELD -> send(new Message(EventKind.VISIT, json.visit(v,
          Damage.omit(VISIT_REQUIRED[random.nextInt(VISIT_REQUIRED.length)]))));
      case WRONG_TYPE -> send(new Message(EventKind.VISIT,
          json.visit(v, Damage.wrongType("schema_version", "1"))));
      case BAD_TIMESTAMP -> send(new Message(EventKind.VISIT,
          json.visit(v, Damage.eventTime(slashed(v.eventTime())))));
      case INVALID_RESIDENT_ID -> send(new Message(EventKind.VISIT,
          json.visit(withResidentId(v, wrongCheckCharacter(v.patient().residentId())),
              Damage.NONE)));
      default -> moved(kind, new Message(EventKind.VISIT, good));
    }
  }

  @Override
  public void vital(VitalEvent v) {
    manifest.vitals.events++;
    BadKind kind = draw(EventKind.VITAL, v.code());
    if (kind == null) {
      send(new Message(EventKind.VITAL, json.vital(v, Damage.NONE)));
      return;
    }
    manifest.vitals.count(kind);
    byte[] good = json.vital(v, Damage.NONE);
    switch (kind) {
      case MALFORMED_JSON -> send(new Message(EventKind.VITAL, truncate(good)));
      case NOT_UTF8 -> send(new Message(EventKind.VITAL, latin1InFacility(good)));
      case MISSING_FIELD -> send(new Message(EventKind.VITAL, json.vital(v,
          Damage.omit(VITAL_REQUIRED[random.nextInt(VITAL_REQUIRED.length)]))));
      case WRONG_TYPE -> send(new Message(EventKind.VITAL, random.nextBoolean()
          ? json.vital(v, Damage.wrongType("value", random.nextBoolean() ? "high" : "偏高"))
          : json.vital(v, Damage.wrongType("schema_version", "1"))));
      case BAD_TIMESTAMP -> send(new Message(EventKind.VITAL,
          json.vital(v, Damage.eventTime(slashed(v.eventTime())))));
      case IMPOSSIBLE_VALUE -> {
        double[] values = Plausible.IMPOSSIBLE.get(v.code());
        send(new Message(EventKind.VITAL, json.vital(withValue(v,
            values[random.nextInt(values.length)], v.unit()), Damage.NONE)));
      }
      case MIXED_UNITS -> send(new Message(EventKind.VITAL, json.vital(withValue(v,
          Plausible.round1(v.value() * Plausible.GLUCOSE_MG_PER_DL_PER_MMOL_PER_L), "mg/dL"),
          Damage.NONE)));
      default -> moved(kind, new Message(EventKind.VITAL, good));
    }
  }

  /** Null for a good message, else the kind planted in it. */
  private BadKind draw(EventKind stream, String code) {
    if (random.nextDouble() >= badRate) {
      return null;
    }
    List<BadKind> candidates = new ArrayList<>(BadKind.values().length);
    for (BadKind k : BadKind.values()) {
      if (k.appliesTo(stream) && (k != BadKind.MIXED_UNITS || Codes.LOINC_GLUCOSE.equals(code))) {
        candidates.add(k);
      }
    }
    return candidates.get(random.nextInt(candidates.size()));
  }

  /** The kinds that change when a good message is sent, not what it says. */
  private void moved(BadKind kind, Message m) {
    switch (kind) {
      case DUPLICATE -> {
        send(m);
        held(m.kind()).add(new Held(m, 1 + random.nextInt(20)));
      }
      case LATE -> late.computeIfAbsent(day + 3 + random.nextInt(7), d -> new ArrayDeque<>()).add(m);
      case OUT_OF_ORDER -> held(m.kind()).add(new Held(m, 2 + random.nextInt(5)));
      default -> throw new IllegalStateException("not a moving kind: " + kind);
    }
  }

  private List<Held> held(EventKind kind) {
    return kind == EventKind.VISIT ? heldVisits : heldVitals;
  }

  /** Sends a message, then any held message of its stream whose turn has come. */
  private void send(Message m) {
    sendNow(m);
    List<Held> held = held(m.kind());
    if (held.isEmpty()) {
      return;
    }
    List<Message> due = null;
    for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (--h.remaining <= 0) {
        it.remove();
        if (due == null) {
          due = new ArrayList<>(2);
        }
        due.add(h.message);
      }
    }
    if (due != null) {
      for (Message d : due) {
        sendNow(d);
      }
    }
  }

  private void sendNow(Message m) {
    try {
      sink.send(m.kind(), MessageKeys.residentIdKey(m.value()), m.value());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot send a generated message: " + e.getMessage(), e);
    }
  }

  /** A strict prefix ending on a character boundary: valid UTF-8, never valid JSON. */
  private byte[] truncate(byte[] good) {
    int cut = good.length / 4 + random.nextInt(Math.max(1, good.length * 3 / 4 - 1));
    while (cut > 1 && (good[cut] & 0xC0) == 0x80) {
      cut--; // back to the first byte of a character
    }
    byte[] out = new byte[cut];
    System.arraycopy(good, 0, out, 0, cut);
    return out;
  }

  /** A visit as a clinic system still on GBK sends it; falls back to a stray Latin-1 byte. */
  private static byte[] notUtf8(byte[] good) {
    byte[] gbk = new String(good, StandardCharsets.UTF_8).getBytes(GBK);
    return MessageKeys.isUtf8(gbk) ? latin1InFacility(good) : gbk;
  }

  /** {@code F11010501} with an ISO-8859-1 'é' typed into it: invalid as UTF-8. */
  private static byte[] latin1InFacility(byte[] good) {
    byte[] marker = "\"facility_id\":\"".getBytes(StandardCharsets.US_ASCII);
    int at = indexOf(good, marker);
    int insert = at < 0 ? good.length / 2 : at + marker.length + 1;
    byte[] out = new byte[good.length + 1];
    System.arraycopy(good, 0, out, 0, insert);
    out[insert] = (byte) 0xE9;
    System.arraycopy(good, insert, out, insert + 1, good.length - insert);
    return out;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** {@code 2025-03-01T09:12:32+08:00} → {@code 2025/03/01 09:12}: no offset, not ISO-8601. */
  static String slashed(String isoTime) {
    return isoTime.substring(0, 10).replace('-', '/') + " " + isoTime.substring(11, 16);
  }

  private String wrongCheckCharacter(String id) {
    char right = id.charAt(17);
    String alphabet = "0123456789X";
    char wrong;
    do {
      wrong = alphabet.charAt(random.nextInt(alphabet.length()));
    } while (wrong == right);
    String bad = id.substring(0, 17) + wrong;
    if (ResidentIds.isValid(bad)) {
      throw new IllegalStateException("check character did not change validity: " + bad);
    }
    return bad;
  }

  private static VisitEvent withResidentId(VisitEvent v, String residentId) {
    Patient p = v.patient();
    return new VisitEvent(v.schemaVersion(), v.eventId(), v.eventTime(),
        new Patient(residentId, p.name(), p.sex(), p.birthDate(), p.phone(), p.address()),
        v.facilityId(), v.clinicianId(), v.visitType(), v.diagnoses(), v.chiefComplaint(),
        v.note(), v.prescriptions(), v.recordTime());
  }

  private static VitalEvent withValue(VitalEvent v, double value, String unit) {
    return new VitalEvent(v.schemaVersion(), v.eventId(), v.eventTime(), v.patient(),
        v.facilityId(), v.code(), value, unit, v.source(), v.deviceId(), v.recordTime());
  }
}
