package io.carelake.core.ledger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;

/**
 * The process that holds a run's lease, written as {@code host/pid/start} (the process start in
 * epoch milliseconds, so that a reused pid is not taken for the original process). On the same
 * host a later run can tell at once whether the holder is still alive; elsewhere it waits for the
 * lease to expire.
 */
record LeaseOwner(String host, long pid, long startMillis) {

  /** This JVM. */
  static LeaseOwner current() {
    ProcessHandle self = ProcessHandle.current();
    return new LeaseOwner(hostName(), self.pid(),
        self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // without a resolvable name the environment's name still tells machines apart
      String env = System.getenv("HOSTNAME");
      return env == null || env.isBlank() ? "unknown-host" : env;
    }
  }

  /** Parses {@code host/pid/start}; empty for null or anything else. */
  static Optional<LeaseOwner> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int b = text.lastIndexOf('/');
    int a = b <= 0 ? -1 : text.lastIndexOf('/', b - 1);
    if (a <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(new LeaseOwner(text.substring(0, a),
          Long.parseLong(text.substring(a + 1, b)), Long.parseLong(text.substring(b + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * True when this process is gone: same host as {@code observer}, and no process with its pid
   * and start time exists. False when it lives, or when it runs on another host (unknown here).
   */
  boolean isDeadSeenFrom(LeaseOwner observer) {
    if (!host.equals(observer.host)) {
      return false;
    }
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) {
      return true;
    }
    long started = p.get().info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    // start times are known to the millisecond or not at all: a different one is another process
    return startMillis != 0 && started != 0 && Math.abs(started - startMillis) > 1_000;
  }

  @Override
  public String toString() {
    return host + "/" + pid + "/" + startMillis;
  }
}
