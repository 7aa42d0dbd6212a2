package io.carelake.core.ledger;

/**
 * Another live run of the same job holds an overlapping interval (or this run lost its lease):
 * the run must not write. The message names the other run, its process and when its lease ends.
 */
public class RunConflictException extends IllegalStateException {
  public RunConflictException(String message) {
    super(message);
  }
}
