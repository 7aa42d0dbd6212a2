package io.carelake.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Loopback ports for the processes the launcher starts. Other programs (and other carelake homes)
 * share the machine, so no port is assumed free: a recorded port is reused when it still is, and
 * otherwise the kernel picks one.
 */
final class Ports {

  private Ports() {}

  /** A port that is free on 127.0.0.1 right now. */
  static int free() {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find a free loopback port: " + e.getMessage(), e);
    }
  }

  /** {@code preferred} when it is set and free, else a free port. */
  static int preferring(int preferred) {
    return preferred > 0 && isFree(preferred) ? preferred : free();
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether something accepts connections on 127.0.0.1:{@code port}. */
  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
