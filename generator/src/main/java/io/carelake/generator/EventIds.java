package io.carelake.generator;

/**
 * Deterministic event ids: a 128-bit hash of (seed, counter) formatted as an RFC 9562 version 8
 * ("custom") UUID. The same seed gives the same ids; different seeds give disjoint ids in practice.
 */
final class EventIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private final long seed;
  private long counter;

  EventIds(long seed) {
    this.seed = seed;
  }

  String next() {
    long n = counter++;
    long hi = Seeds.derive(seed, 0x6576656e74L, n);
    long lo = Seeds.mix64(hi ^ Seeds.derive(seed, 0x6964733a6c6fL, n));
    hi = (hi & ~0xF000L) | 0x8000L; // version 8
    lo = (lo & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // RFC variant
    return format(hi, lo);
  }

  long issued() {
    return counter;
  }

  static String format(long hi, long lo) {
    char[] out = new char[36];
    int p = 0;
    for (int i = 0; i < 32; i++) {
      if (i == 8 || i == 12 || i == 16 || i == 20) {
        out[p++] = '-';
      }
      long word = i < 16 ? hi : lo;
      int shift = 60 - 4 * (i % 16);
      out[p++] = HEX[(int) ((word >>> shift) & 0xF)];
    }
    return new String(out);
  }
}
