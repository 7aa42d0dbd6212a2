package io.carelake.core.ids;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The one event-id scheme: every event id is an RFC 9562 version 8 ("custom") UUID whose 122 free
 * bits come from a deterministic hash, so that producing the same events again gives the same ids
 * and ingestion's dedup drops the repeat instead of doubling it. Two sources of those bits:
 *
 * <ul>
 *   <li>{@link #fromParts}: SHA-256 of a namespace and the event's source ids (the loaders: the
 *   same export loaded again gives the same ids);</li>
 *   <li>{@link #v8} of bits a caller derives itself (the generator: a seeded hash of its event
 *   counter).</li>
 * </ul>
 */
public final class EventIds {

  private EventIds() {}

  /** {@code hi}/{@code lo} as a version 8 UUID: the version and variant bits overwritten. */
  public static String v8(long hi, long lo) {
    long h = (hi & ~0xF000L) | 0x8000L; // version 8
    long l = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // RFC 9562 variant
    return new UUID(h, l).toString();
  }

  /**
   * A version 8 UUID from the first 128 bits of SHA-256 over {@code namespace} and each part
   * (UTF-8, each preceded by a zero byte so that {@code ("ab", "c")} and {@code ("a", "bc")}
   * differ; a null part hashes as the empty string).
   */
  public static String fromParts(String namespace, String... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
    sha.update(namespace.getBytes(StandardCharsets.UTF_8));
    for (String p : parts) {
      sha.update((byte) 0);
      sha.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
    }
    ByteBuffer b = ByteBuffer.wrap(sha.digest());
    return v8(b.getLong(), b.getLong());
  }
}
