package io.carelake.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carelake.core.config.CarelakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPseudonymKey {

  /** bytes 0x01..0x20, base64. */
  static final String KEY_B64 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
  /** HMAC-SHA-256(KEY, "11010519491231002X"), computed independently with Python's hmac. */
  static final String EXPECTED_HEX =
      "953d43f33a8f6e8937770181153283e8e5147965b53b5f005e566181a023ed65";
  static final String EVENT_HEX =
      "f3b1411dde1574430cc33c8e265b9ad5d01b93158adca94ae01aee18917d5899";

  @TempDir
  Path home;

  @Test
  void fileKeyGivesTheReferenceHmacWithTheKeyIdPrefix() throws Exception {
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    Path file = Path.of(cfg.get(CarelakeConfig.DEID_KEY_FILE));
    Files.createDirectories(file.getParent());
    Files.writeString(file, KEY_B64 + "\n");
    ownerOnly(file);
    PseudonymKey key = PseudonymKey.load(cfg, Map.of());
    assertThat(key.id()).isEqualTo("k1");
    assertThat(key.source()).isEqualTo("file:" + file);
    assertThat(key.pseudonym("11010519491231002X")).isEqualTo("k1:" + EXPECTED_HEX);
    // normalised: whitespace and case do not make a new person
    assertThat(key.pseudonym(" 110105 19491231 002x ")).isEqualTo("k1:" + EXPECTED_HEX);
    assertThat(key.pseudonym(null)).isNull();
    assertThat(key.pseudonym("  ")).isNull();
    assertThat(KeyedHashes.eventKey(PseudonymKey.newMac(key.bytes()), "v-1")).isEqualTo(EVENT_HEX);
    assertThat(key.toString()).doesNotContain(KEY_B64).contains("k1");
  }

  static void ownerOnly(Path file) throws Exception {
    Files.setPosixFilePermissions(file,
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void aKeyFileOthersCanReadIsRefusedWithTheFix() throws Exception {
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    Path file = Path.of(cfg.get(CarelakeConfig.DEID_KEY_FILE));
    Files.createDirectories(file.getParent());
    Files.writeString(file, KEY_B64 + "\n");
    Files.setPosixFilePermissions(file,
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> PseudonymKey.load(cfg, Map.of()))
        .isInstanceOf(PseudonymKey.MissingKeyException.class)
        .hasMessageContaining("is accessible to others (mode rw-r--r--)")
        .hasMessageContaining("chmod 600 " + file)
        .hasMessageNotContaining(KEY_B64);
    ownerOnly(file);
    assertThat(PseudonymKey.load(cfg, Map.of()).id()).isEqualTo("k1");
  }

  @Test
  void theFingerprintIsAnHmacOfAConstantAndChangesWithTheBytes() throws Exception {
    byte[] bytes = java.util.Base64.getDecoder().decode(KEY_B64);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(bytes, "HmacSHA256"));
    String reference = java.util.HexFormat.of().formatHex(mac.doFinal(
        "carelake:key-fingerprint".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .substring(0, 16);
    PseudonymKey key = new PseudonymKey("k1", bytes, "test");
    assertThat(key.fingerprint()).isEqualTo(reference).doesNotContain(KEY_B64);
    byte[] other = bytes.clone();
    other[0] ^= 1;
    assertThat(new PseudonymKey("k1", other, "test").fingerprint()).isNotEqualTo(reference);
  }

  @Test
  void fullWidthHyphenatedAndSpacedIdsAreOnePerson() {
    PseudonymKey key = new PseudonymKey("k1", java.util.Base64.getDecoder().decode(KEY_B64), "t");
    String one = key.pseudonym("11010519491231002X");
    assertThat(key.pseudonym("１１０１０５１９４９１２３１００２Ｘ")).isEqualTo(one);
    assertThat(key.pseudonym("110105-19491231-002x")).isEqualTo(one);
    assertThat(key.pseudonym("110105\u200B19491231.002X")).isEqualTo(one);
  }

  @Test
  void environmentVariableWinsOverTheFileAndKeyIdComesFromConfig() throws Exception {
    Files.writeString(home.resolve("carelake.properties"),
        "deid.key-env=MY_KEY\ndeid.key-id=k7\n");
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    PseudonymKey key = PseudonymKey.load(cfg, Map.of("MY_KEY", KEY_B64));
    assertThat(key.source()).isEqualTo("env:MY_KEY");
    assertThat(key.pseudonym("11010519491231002X")).isEqualTo("k7:" + EXPECTED_HEX);
  }

  @Test
  void missingKeySaysWhereItLookedAndHowToCreateOne() {
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    assertThatThrownBy(() -> PseudonymKey.load(cfg, Map.of()))
        .isInstanceOf(PseudonymKey.MissingKeyException.class)
        .hasMessageContaining(home.resolve("secrets").resolve("pseudonym.key").toString())
        .hasMessageContaining("deid.key-file")
        .hasMessageContaining("CARELAKE_PSEUDONYM_KEY")
        .hasMessageContaining("head -c 32 /dev/urandom | base64");
  }

  @Test
  void badKeysAreRejectedWithoutQuotingThem() throws Exception {
    CarelakeConfig cfg = CarelakeConfig.load(home, Map.of());
    assertThatThrownBy(() -> PseudonymKey.load(cfg, Map.of("CARELAKE_PSEUDONYM_KEY", "not*base64!")))
        .isInstanceOf(PseudonymKey.MissingKeyException.class)
        .hasMessageContaining("not valid base64").hasMessageNotContaining("not*base64!");
    assertThatThrownBy(() -> PseudonymKey.load(cfg, Map.of("CARELAKE_PSEUDONYM_KEY", "c2hvcnQ=")))
        .hasMessageContaining("5 bytes").hasMessageContaining("at least 16");
  }

  @Test
  void differentKeysGiveDifferentPseudonyms() {
    PseudonymKey a = new PseudonymKey("k1", PseudonymKey.decode(KEY_B64, "test"), "test");
    PseudonymKey b = new PseudonymKey("k1", new byte[32], "test");
    assertThat(a.pseudonym("11010519491231002X")).isNotEqualTo(b.pseudonym("11010519491231002X"));
    assertThat(a.pseudonym("11010519491231002X")).isNotEqualTo(a.pseudonym("11010519491231003X"));
  }

  @Test
  void theDateShiftIsTheKeysHmacOfTheDomainAndId() {
    // HMAC-SHA-256(key, "date-shift:11010519491231002X"), first 8 bytes as a signed big-endian
    // long, floor-mod 2 * maxDays + 1, minus maxDays: computed independently with Python's hmac
    PseudonymKey key = new PseudonymKey("k1", PseudonymKey.decode(KEY_B64, "test"), "test");
    assertThat(key.dateShiftDays("11010519491231002X", 30)).isEqualTo(-11);
    assertThat(key.dateShiftDays("11010519491231002X", 365)).isEqualTo(-108);
    assertThat(key.dateShiftDays(null, 30)).isNull();
  }

  @Test
  void keysOfSixteenBytesAreTheShortestTaken() {
    // 16 and 15 zero bytes, base64
    assertThat(PseudonymKey.decode("AAAAAAAAAAAAAAAAAAAAAA==", "test")).hasSize(16);
    assertThatThrownBy(() -> PseudonymKey.decode("AAAAAAAAAAAAAAAAAAAA", "test"))
        .isInstanceOf(PseudonymKey.MissingKeyException.class)
        .hasMessageContaining("has 15 bytes");
  }

  @Test
  void aKeyFileOwnedBySomeoneElseIsRefused() throws Exception {
    Path file = home.resolve("pseudonym.key");
    Files.writeString(file, KEY_B64 + "\n");
    ownerOnly(file);
    String owner = Files.getOwner(file).getName();
    String me = System.getProperty("user.name");
    try {
      System.setProperty("user.name", owner + "-other");
      assertThatThrownBy(() -> PseudonymKey.requireOwnerOnly(file))
          .isInstanceOf(PseudonymKey.MissingKeyException.class)
          .hasMessageContaining("belongs to '" + owner + "', not to '" + owner + "-other'");
      System.setProperty("user.name", owner);
      PseudonymKey.requireOwnerOnly(file);
    } finally {
      System.setProperty("user.name", me);
    }
  }
}
