package io.carelake.ingestion.envelope;

/** A message's envelope is invalid; carries the dead-letter code. Never leaves the validator. */
final class EnvelopeException extends Exception {

  private final ErrorCode code;

  EnvelopeException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  ErrorCode code() {
    return code;
  }
}
