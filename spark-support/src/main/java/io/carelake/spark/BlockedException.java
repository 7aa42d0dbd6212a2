package io.carelake.spark;

import io.carelake.core.jobs.RunBlockedException;

/**
 * Thrown by a job when a blocking governance or privacy rule failed: the job has left published
 * data untouched, and the runner records the run as BLOCKED and exits with code 3.
 */
public class BlockedException extends RunBlockedException {
  public BlockedException(String message) {
    super(message);
  }
}
