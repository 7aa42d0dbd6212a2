package io.carelake.privacy;

/**
 * One category of PHI: finds its mentions in a {@link Scan} (normalised text, the row's own
 * identifiers, the date shift) and adds their spans. Detectors are stateless and thread-safe;
 * each costs about one pass over the part of the text that can hold its category.
 */
interface Detector {

  void find(Scan scan);
}
