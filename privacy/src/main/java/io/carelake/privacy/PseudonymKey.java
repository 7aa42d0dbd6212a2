package io.carelake.privacy;

import io.carelake.core.config.CarelakeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret key of the keyed pseudonyms, and its id.
 *
 * <p>Where it comes from, first match wins:
 * <ol>
 *   <li>the environment variable named by {@code deid.key-env} (default
 *       {@code CARELAKE_PSEUDONYM_KEY}), when it is set and not blank;</li>
 *   <li>the file named by {@code deid.key-file} (default {@code <home>/secrets/pseudonym.key}).</li>
 * </ol>
 * Both hold the key <b>base64-encoded</b> (standard alphabet, surrounding whitespace ignored), the
 * format the launcher's demo writes: 32 random bytes, e.g. {@code head -c 32 /dev/urandom | base64}.
 * At least {@value #MIN_KEY_BYTES} bytes are required. The key id ({@code deid.key-id}, default
 * {@code k1}) prefixes every pseudonym, so that a key rotation is visible in the data.
 *
 * <p>The key bytes never appear in {@link #toString()}, in messages or in logs.
 */
public final class PseudonymKey {

  public static final int MIN_KEY_BYTES = 16;
  static final String HMAC = "HmacSHA256";

  private final String id;
  private final byte[] bytes;
  private final String source;

  public PseudonymKey(String id, byte[] bytes, String source) {
    if (id == null || !id.matches("[A-Za-z0-9_-]{1,32}")) {
      throw new IllegalArgumentException("deid.key-id must be 1-32 letters, digits, '_' or '-', got '"
          + id + "'");
    }
    this.id = id;
    this.bytes = bytes.clone();
    this.source = source;
  }

  /** Loads the key the configuration points to; throws {@link MissingKeyException} with a fix. */
  public static PseudonymKey load(CarelakeConfig config, Map<String, String> env) {
    String keyId = config.get(CarelakeConfig.DEID_KEY_ID, CarelakeConfig.DEID_KEY_ID_DEFAULT);
    String envName = config.get(CarelakeConfig.DEID_KEY_ENV, CarelakeConfig.DEID_KEY_ENV_DEFAULT);
    String fromEnv = env.get(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new PseudonymKey(keyId, decode(fromEnv, "environment variable " + envName),
          "env:" + envName);
    }
    Path file = Path.of(config.get(CarelakeConfig.DEID_KEY_FILE,
        config.home().resolve("secrets").resolve("pseudonym.key").toString()));
    if (!Files.isRegularFile(file)) {
      throw new MissingKeyException("No pseudonymisation key: the file " + file
          + " (config deid.key-file) does not exist and the environment variable " + envName
          + " (config deid.key-env) is not set. Create a key with: mkdir -p " + file.getParent()
          + " && head -c 32 /dev/urandom | base64 > " + file + " && chmod 600 " + file
          + " (or export " + envName + "=<base64 key>). Keep it secret and backed up: pseudonyms"
          + " depend on it.");
    }
    requireOwnerOnly(file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new MissingKeyException("Cannot read the pseudonymisation key file " + file
          + " (config deid.key-file): " + e.getClass().getSimpleName()
          + "; check that it is readable by this user");
    } catch (RuntimeException e) {
      throw new MissingKeyException("The pseudonymisation key file " + file
          + " (config deid.key-file) is not base64 text; write it with: head -c 32 /dev/urandom"
          + " | base64 > " + file);
    }
    return new PseudonymKey(keyId, decode(text, "key file " + file), "file:" + file);
  }

  /**
   * Refuses a key file that anyone but its owner can read or write, or that this process's user
   * does not own: a pseudonymisation key readable by others lets them reverse every pseudonym
   * by hashing candidate ids. The message says how to fix it. On a file system without POSIX
   * permissions the check is skipped (there is nothing to check).
   */
  static void requireOwnerOnly(Path file) {
    java.util.Set<java.nio.file.attribute.PosixFilePermission> perms;
    String owner;
    try {
      perms = Files.getPosixFilePermissions(file);
      owner = Files.getOwner(file).getName();
    } catch (UnsupportedOperationException noPosix) {
      return;
    } catch (IOException e) {
      throw new MissingKeyException("Cannot read the permissions of the pseudonymisation key"
          + " file " + file + " (config deid.key-file): " + e.getClass().getSimpleName());
    }
    java.util.Set<java.nio.file.attribute.PosixFilePermission> others = java.util.EnumSet.copyOf(
        perms);
    others.retainAll(java.util.EnumSet.of(
        java.nio.file.attribute.PosixFilePermission.GROUP_READ,
        java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
        java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE,
        java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
        java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE,
        java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE));
    if (!others.isEmpty()) {
      throw new MissingKeyException("The pseudonymisation key file " + file + " (config"
          + " deid.key-file) is accessible to others (mode "
          + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "): anyone who can"
          + " read it can reverse every pseudonym. Restrict it to its owner: chmod 600 " + file);
    }
    String me = System.getProperty("user.name");
    if (me != null && !me.equals(owner)) {
      throw new MissingKeyException("The pseudonymisation key file " + file + " (config"
          + " deid.key-file) belongs to '" + owner + "', not to '" + me + "' who runs the job:"
          + " give it to the job's user (chown " + me + " " + file + " && chmod 600 " + file
          + ") or supply the key through the environment variable deid.key-env names");
    }
  }

  /**
   * The key's fingerprint: the first 16 hex digits of HMAC-SHA-256(key, {@value #FINGERPRINT_DOMAIN}).
   * It identifies the key bytes without revealing them; deidentify records it for the key id and
   * refuses a run whose key under the same id has another fingerprint.
   */
  public String fingerprint() {
    return hmacHex(newMac(bytes), FINGERPRINT_DOMAIN).substring(0, 16);
  }

  static final String FINGERPRINT_DOMAIN = "carelake:key-fingerprint";

  /** Decodes base64 key text; errors never quote the text. */
  static byte[] decode(String text, String where) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new MissingKeyException("The pseudonymisation key in the " + where
          + " is not valid base64 (config deid.key-file / deid.key-env); write 32 random bytes"
          + " base64-encoded, e.g. head -c 32 /dev/urandom | base64");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new MissingKeyException("The pseudonymisation key in the " + where + " has "
          + key.length + " bytes; at least " + MIN_KEY_BYTES + " are required (32 recommended:"
          + " head -c 32 /dev/urandom | base64)");
    }
    return key;
  }

  public String id() {
    return id;
  }

  /** Where the key was read from ({@code file:<path>} or {@code env:<NAME>}), never the key. */
  public String source() {
    return source;
  }

  /** A copy of the key bytes, for broadcasting to executors. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Pseudonym of a resident id: {@code <key id>:} + hex HMAC-SHA-256(key, normalised id). */
  public String pseudonym(String residentId) {
    return KeyedHashes.pseudonym(id, newMac(bytes), residentId);
  }

  /** The patient's date-shift offset in [-maxDays, +maxDays] ({@link KeyedHashes#dateShiftDays}); null without id. */
  public Integer dateShiftDays(String residentId, int maxDays) {
    return KeyedHashes.dateShiftDays(newMac(bytes), residentId, maxDays);
  }

  public static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA-256 is not available in this JVM", e);
    }
  }

  public static String hmacHex(Mac mac, String value) {
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    return "PseudonymKey[id=" + id + ", source=" + source + ", bytes=" + bytes.length + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PseudonymKey k && k.id.equals(id) && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  /** No usable key: the job fails (exit 1) with a message saying how to create one. */
  public static final class MissingKeyException extends IllegalStateException {
    public MissingKeyException(String message) {
      super(message);
    }
  }
}
