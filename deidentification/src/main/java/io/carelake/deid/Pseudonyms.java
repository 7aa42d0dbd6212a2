package io.carelake.deid;

import io.carelake.privacy.KeyedHashes;
import io.carelake.privacy.PseudonymKey;
import java.util.Locale;
import javax.crypto.Mac;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Keyed pseudonyms as Spark functions. Spark 3.5 SQL has no HMAC, so the HMAC runs in a Java UDF;
 * the key travels to executors as a broadcast variable (never as a literal in a plan, where it
 * would show in {@code EXPLAIN} output and logs), and each executor thread keeps one {@link Mac}.
 *
 * <ul>
 *   <li>{@code patient_pseudonym} = {@code <key id>:} + hex HMAC-SHA-256(key, resident id), the
 *       resident id normalised by removing whitespace and upper-casing (so {@code ...002x} and
 *       {@code ...002X} are one person); null when the resident id is null or blank.</li>
 *   <li>{@code event_key} = hex HMAC-SHA-256(key, {@code "event:" + event_id}): stable across
 *       reruns, unlinkable to the source event without the key, and never equal to a pseudonym.</li>
 * </ul>
 */
public final class Pseudonyms {

  static final String EVENT_DOMAIN = KeyedHashes.EVENT_DOMAIN;

  private final String keyId;
  private final Broadcast<byte[]> key;

  private Pseudonyms(String keyId, Broadcast<byte[]> key) {
    this.keyId = keyId;
    this.key = key;
  }

  /** Broadcasts the key once for this run. Call {@link #destroy()} when the run is done. */
  public static Pseudonyms broadcast(SparkSession spark, PseudonymKey key) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return new Pseudonyms(key.id(), jsc.broadcast(key.bytes()));
  }

  /** {@code patient_pseudonym} of a resident id column. */
  public UserDefinedFunction patient() {
    return functions.udf(new PseudonymUdf(keyId, key, false), DataTypes.StringType);
  }

  /** {@code event_key} of an event id column. */
  public UserDefinedFunction eventKey() {
    return functions.udf(new PseudonymUdf(keyId, key, true), DataTypes.StringType);
  }

  /** The patient's date-shift offset in days ({@link DateShift}), Integer, of a resident id column. */
  public UserDefinedFunction dateShift(int maxDays) {
    return functions.udf(new DateShiftUdf(key, maxDays), DataTypes.IntegerType);
  }

  public String keyId() {
    return keyId;
  }

  /** Removes the key from executors and the driver's broadcast store. */
  public void destroy() {
    key.destroy();
  }

  static String normaliseResidentId(String residentId) {
    return KeyedHashes.normaliseResidentId(residentId);
  }

  static String pseudonym(String keyId, Mac mac, String residentId) {
    return KeyedHashes.pseudonym(keyId, mac, residentId);
  }

  static String eventKey(Mac mac, String eventId) {
    return KeyedHashes.eventKey(mac, eventId);
  }

  /** The UDF: deterministic, one {@link Mac} per executor thread, key read from the broadcast. */
  static final class PseudonymUdf implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;
    private final String keyId;
    private final Broadcast<byte[]> key;
    private final boolean event;
    private transient volatile ThreadLocal<Mac> mac;

    PseudonymUdf(String keyId, Broadcast<byte[]> key, boolean event) {
      this.keyId = keyId;
      this.key = key;
      this.event = event;
    }

    @Override
    public String call(String value) {
      if (mac == null) {
        synchronized (this) {
          if (mac == null) {
            mac = ThreadLocal.withInitial(() -> PseudonymKey.newMac(key.value()));
          }
        }
      }
      Mac m = mac.get();
      return event ? eventKey(m, value) : pseudonym(keyId, m, value);
    }

    @Override
    public String toString() {
      // a plan prints its UDFs; this is all it shows
      return event ? "event_key" : "patient_pseudonym(" + keyId + ")";
    }
  }

  /** Offsets of {@link DateShift}: one {@link Mac} per executor thread, key from the broadcast. */
  static final class DateShiftUdf implements UDF1<String, Integer> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<byte[]> key;
    private final int maxDays;
    private transient volatile ThreadLocal<Mac> mac;

    DateShiftUdf(Broadcast<byte[]> key, int maxDays) {
      this.key = key;
      this.maxDays = maxDays;
    }

    @Override
    public Integer call(String residentId) {
      if (mac == null) {
        synchronized (this) {
          if (mac == null) {
            mac = ThreadLocal.withInitial(() -> PseudonymKey.newMac(key.value()));
          }
        }
      }
      return DateShift.offsetDays(mac.get(), residentId, maxDays);
    }

    @Override
    public String toString() {
      return "date_shift_days(" + maxDays + ")";
    }
  }
}
