package io.carelake.cli;

import io.carelake.core.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cluster profile's PostgreSQL, which holds the Iceberg JDBC catalog: Debian's server package
 * (installed by {@code bin/setup cluster}), a database cluster of this home initialised with its
 * {@code initdb} under {@code <home>/cluster/postgres/data} and run with its {@code pg_ctl}, not the
 * system service. It listens on 127.0.0.1 only (no Unix socket), every connection authenticates
 * with a password (SCRAM), and the catalog has a role and database of its own, {@code carelake}.
 *
 * <p>PostgreSQL refuses to run as root; started by root, it runs as the package's {@code postgres}
 * user, which then owns the data directory and must be able to reach it.
 */
final class PostgresCatalog {

  static final String DATABASE = "carelake";
  static final String ROLE = "carelake";
  private static final String ADMIN = "carelake_admin";
  private static final String PORT = "postgres.port";

  private final ClusterState state;
  private final Path dir;
  private final Path data;

  PostgresCatalog(ClusterState state) {
    this.state = state;
    this.dir = state.dir("postgres");
    this.data = dir.resolve("data");
  }

  /** The postmaster as a daemon: its own pid file, its data directory (in the home) as marker. */
  Daemon daemon() {
    return new Daemon("postgres", data.resolve("postmaster.pid"), dir.resolve("postgres.log"),
        data.toString());
  }

  int port() {
    return state.port(PORT);
  }

  String jdbcUri() {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
  }

  /**
   * Initialises the database cluster on first use (returning the catalog role's new password, to
   * be kept in the configuration), then starts it if it is not running. Returns null when the
   * cluster existed already.
   */
  String start() {
    String newPassword = null;
    if (!Files.isRegularFile(data.resolve("PG_VERSION"))) {
      newPassword = initialise();
    }
    if (!daemon().running()) {
      int port = state.choosePort(PORT);
      String options = "-c listen_addresses=127.0.0.1 -p " + port
          + " -c unix_socket_directories='' -c shared_buffers=32MB -c max_connections=100";
      run(asOwner(List.of(bin("pg_ctl"), "-D", data.toString(), "-l",
          dir.resolve("postgres.log").toString(), "-w", "-t", "120", "-o", options, "start")),
          Map.of(), null, "pg_ctl start");
    }
    if (newPassword != null) {
      createCatalogDatabase(newPassword);
    }
    return newPassword;
  }

  void stop() {
    if (daemon().running()) {
      run(asOwner(List.of(bin("pg_ctl"), "-D", data.toString(), "-m", "fast", "-w", "-t", "60",
          "stop")), Map.of(), null, "pg_ctl stop");
    }
  }

  /** initdb with an administrator whose password only this home's owner can read. */
  private String initialise() {
    try {
      Files.createDirectories(dir);
      String admin = password();
      Path adminFile = state.home().resolve("secrets").resolve("postgres-admin.password");
      writeOwnerOnly(adminFile, admin);
      Path pwfile = dir.resolve("initdb.pw");
      writeOwnerOnly(pwfile, admin);
      handToOwner();
      try {
        run(asOwner(List.of(bin("initdb"), "-D", data.toString(), "-U", ADMIN, "--pwfile="
            + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale")), Map.of(), null,
            "initdb");
      } finally {
        Files.deleteIfExists(pwfile);
      }
      return password();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot initialise PostgreSQL in " + data + ": "
          + e.getMessage(), e);
    }
  }

  /** The catalog's role and database, made by the administrator over loopback. */
  private void createCatalogDatabase(String catalogPassword) {
    Path adminFile = state.home().resolve("secrets").resolve("postgres-admin.password");
    String admin;
    try {
      admin = Files.readString(adminFile, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + adminFile + ": " + e.getMessage(), e);
    }
    // on standard input, so that no password is on a command line
    String sql = "CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + catalogPassword + "';\n"
        + "CREATE DATABASE " + DATABASE + " OWNER " + ROLE + ";\n";
    run(List.of(bin("psql"), "-h", "127.0.0.1", "-p", Integer.toString(port()), "-U", ADMIN,
        "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-f", "-"),
        Map.of("PGPASSWORD", admin), sql, "psql (create the catalog's role and database)");
  }

  /** Started by root, PostgreSQL runs as {@code postgres}, which must own and reach its files. */
  private void handToOwner() throws IOException {
    if (!isRoot()) {
      return;
    }
    run(List.of("chown", "-R", "postgres:postgres", dir.toString()), Map.of(), null, "chown");
    Process probe = new ProcessBuilder(asOwner(List.of("test", "-w", dir.toString())))
        .redirectErrorStream(true).start();
    try {
      if (!probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
        throw new ConfigException("The postgres user cannot reach " + dir + ": PostgreSQL does not"
            + " run as root, and a parent directory of the home is closed to other users. Use a"
            + " home whose parents others may traverse (e.g. under /tmp or /var/tmp), or"
            + " chmod o+x the parents.");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static List<String> asOwner(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    cmd.addAll(command);
    return cmd;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The newest PostgreSQL server Debian's packages installed. */
  static String bin(String program) {
    Path versions = Path.of("/usr/lib/postgresql");
    try (Stream<Path> found = Files.isDirectory(versions) ? Files.list(versions) : Stream.empty()) {
      return found.map(v -> v.resolve("bin").resolve(program)).filter(Files::isExecutable)
          .max(Comparator.comparing(p -> Integer.parseInt(
              p.getParent().getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .map(Path::toString)
          .orElseThrow(() -> new ConfigException("PostgreSQL's " + program + " is not installed"
              + " under " + versions + ": run bin/setup cluster (Debian's postgresql package)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String password() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void writeOwnerOnly(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Runs a set-up command to its end; its output only shows when it fails. */
  private static void run(List<String> command, Map<String, String> env, String stdin,
      String what) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(what + " failed (exit "
            + (p.isAlive() ? "none: timed out" : p.exitValue()) + "): " + output.trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + what, e);
    }
  }
}
