package io.carelake.generator;

import io.carelake.core.ids.EventIds;

/**
 * The generator's event ids: {@link EventIds#v8} of a 128-bit hash of (seed, counter). The same
 * seed gives the same ids; different seeds give disjoint ids in practice.
 */
final class EventIdSequence {

  private final long seed;
  private long counter;

  EventIdSequence(long seed) {
    this.seed = seed;
  }

  String next() {
    long n = counter++;
    long hi = Seeds.derive(seed, 0x6576656e74L, n);
    long lo = Seeds.mix64(hi ^ Seeds.derive(seed, 0x6964733a6c6fL, n));
    return EventIds.v8(hi, lo);
  }

  long issued() {
    return counter;
  }
}
