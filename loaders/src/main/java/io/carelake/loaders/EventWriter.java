package io.carelake.loaders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.carelake.core.events.EventKind;
import io.carelake.core.events.VitalEvent;
import io.carelake.generator.MessageSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serialises loaded events to compact UTF-8 JSON (nulls omitted, as the core records' mapping
 * does) and sends them to a {@link MessageSink}, keyed by resident id like the generator's, so
 * that each patient's events stay in order on one Kafka partition.
 */
public final class EventWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ObjectWriter visits = JSON.writerFor(LoadedVisit.class);
  private final ObjectWriter vitals = JSON.writerFor(VitalEvent.class);

  public byte[] visit(LoadedVisit v) {
    try {
      return visits.writeValueAsBytes(v);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise visit " + v.eventId(), e);
    }
  }

  public byte[] vital(VitalEvent v) {
    try {
      return vitals.writeValueAsBytes(v);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise vital " + v.eventId(), e);
    }
  }

  /** Sends every event; returns the number sent. */
  public long send(EventMapper.Result result, MessageSink sink) throws IOException {
    long n = 0;
    for (LoadedVisit v : result.visits()) {
      sink.send(EventKind.VISIT, key(v.patient().residentId()), visit(v));
      n++;
    }
    for (VitalEvent v : result.vitals()) {
      sink.send(EventKind.VITAL, key(v.patient().residentId()), vital(v));
      n++;
    }
    sink.flush();
    return n;
  }

  private static byte[] key(String residentId) {
    return residentId.getBytes(StandardCharsets.UTF_8);
  }
}
