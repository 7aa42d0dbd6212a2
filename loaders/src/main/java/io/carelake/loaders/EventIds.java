package io.carelake.loaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic event ids from source ids: SHA-256 of the parts, the first 128 bits formatted as
 * an RFC 9562 version 8 UUID. The same export loaded again gives the same ids, so that ingestion's
 * dedup drops a re-load instead of doubling it.
 */
final class EventIds {

  private EventIds() {}

  static String of(String... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
    sha.update("carelake-loader".getBytes(StandardCharsets.UTF_8));
    for (String p : parts) {
      sha.update((byte) 0);
      sha.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
    }
    ByteBuffer b = ByteBuffer.wrap(sha.digest());
    long hi = (b.getLong() & ~0xF000L) | 0x8000L; // version 8
    long lo = (b.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // RFC variant
    return new java.util.UUID(hi, lo).toString();
  }
}
