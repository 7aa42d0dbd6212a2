package io.carelake.cli;

import io.carelake.core.config.CarelakeConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The cluster profile's own bookkeeping under {@code <home>/cluster/}: the ports its processes
 * listen on ({@code profile.properties}), their pid files, logs and data. What jobs and DAGs need
 * to know goes into the one configuration, {@code carelake.properties}; this file only lets a later
 * {@code cluster start} find the same ports again (the NameNode's above all: table locations in
 * Iceberg metadata name it).
 */
final class ClusterState {

  private final Path dir;
  private final Path home;
  private final Properties ports = new Properties();

  ClusterState(CarelakeConfig config) {
    this.home = config.home();
    this.dir = home.resolve("cluster");
    Path file = dir.resolve("profile.properties");
    if (Files.isRegularFile(file)) {
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        ports.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
      }
    }
  }

  Path home() {
    return home;
  }

  Path dir() {
    return dir;
  }

  Path dir(String component) {
    return dir.resolve(component);
  }

  Path logs() {
    return dir.resolve("logs");
  }

  /** A daemon of this home: pid file in {@code run/}, log in {@code logs/}, the home as marker. */
  Daemon daemon(String name) {
    return new Daemon(name, dir.resolve("run").resolve(name + ".pid"),
        logs().resolve(name + ".log"), home.toString());
  }

  /** The recorded port, or 0. */
  int port(String name) {
    return Integer.parseInt(ports.getProperty(name, "0"));
  }

  /** Records a port and writes the file at once (a later command may read it). */
  void port(String name, int port) {
    ports.setProperty(name, Integer.toString(port));
    Path file = dir.resolve("profile.properties");
    Path tmp = dir.resolve("profile.properties.tmp");
    try {
      Files.createDirectories(dir);
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        ports.store(w, "carelake cluster profile: ports of this home's processes");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** The recorded port if still free, else a new free one, recorded. */
  int choosePort(String name) {
    int port = Ports.preferring(port(name));
    port(name, port);
    return port;
  }
}
