package io.carelake.cluster;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * An order-independent hash of a multiset of rows: each row's chosen columns are written in one
 * canonical text form and hashed with SHA-256, and the table's hash is the sum of the rows' first
 * 128 bits modulo 2^128. A sum (not an XOR) keeps duplicates: a row landed twice changes it.
 *
 * <p>Canonical forms make equal values equal whatever wrote them: instants in UTC (an
 * {@code OffsetDateTime} read back may carry any offset), map entries sorted by key (maps have no
 * order), binary as hex. Lists keep their order, which is content. Doubles are written exactly
 * ({@link Double#toString}): a value that differs in its last bit between two deployments is a
 * difference worth seeing.
 */
final class RowHashes {

  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(128);
  private static final char NULL = '\u2400';
  private static final char SEPARATOR = '\u001f';

  private final MessageDigest sha256;
  private BigInteger sum = BigInteger.ZERO;
  private long rows;

  RowHashes() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  void add(Record row, List<Types.NestedField> columns) {
    StringBuilder text = new StringBuilder();
    for (Types.NestedField column : columns) {
      text.append(column.name()).append('=');
      canonical(text, column.type(), row.getField(column.name()));
      text.append(SEPARATOR);
    }
    byte[] digest = sha256.digest(text.toString().getBytes(StandardCharsets.UTF_8));
    byte[] first = new byte[16];
    System.arraycopy(digest, 0, first, 0, 16);
    sum = sum.add(new BigInteger(1, first)).mod(MODULUS);
    rows++;
  }

  long rows() {
    return rows;
  }

  BigInteger sum() {
    return sum;
  }

  /** Appends the canonical text of {@code value}, of Iceberg type {@code type}. */
  static void canonical(StringBuilder text, Type type, Object value) {
    if (value == null) {
      text.append(NULL);
      return;
    }
    switch (type.typeId()) {
      case TIMESTAMP -> text.append(value instanceof OffsetDateTime odt
          ? odt.toInstant().toString() : value.toString());
      case BINARY, FIXED -> text.append(HexFormat.of().formatHex(bytes(value)));
      case LIST -> list(text, type.asListType().elementType(), (List<?>) value);
      case MAP -> map(text, type.asMapType(), (Map<?, ?>) value);
      case STRUCT -> struct(text, type.asStructType(), value);
      case STRING -> text.append(value.toString().length()).append(':').append(value);
      default -> text.append(value);
    }
  }

  private static void list(StringBuilder text, Type element, List<?> values) {
    text.append('[');
    for (Object v : values) {
      canonical(text, element, v);
      text.append(SEPARATOR);
    }
    text.append(']');
  }

  private static void map(StringBuilder text, Types.MapType type, Map<?, ?> values) {
    List<String> entries = new ArrayList<>();
    values.forEach((k, v) -> {
      StringBuilder entry = new StringBuilder();
      canonical(entry, type.keyType(), k);
      entry.append("=>");
      canonical(entry, type.valueType(), v);
      entries.add(entry.toString());
    });
    entries.sort(null);
    text.append('{').append(String.join(String.valueOf(SEPARATOR), entries)).append('}');
  }

  private static void struct(StringBuilder text, Types.StructType type, Object value) {
    text.append('(');
    List<Types.NestedField> fields = type.fields();
    for (int i = 0; i < fields.size(); i++) {
      Object field = value instanceof Record r ? r.getField(fields.get(i).name())
          : ((StructLike) value).get(i, Object.class);
      text.append(fields.get(i).name()).append('=');
      canonical(text, fields.get(i).type(), field);
      text.append(SEPARATOR);
    }
    text.append(')');
  }

  private static byte[] bytes(Object value) {
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return bytes;
    }
    return (byte[]) value;
  }
}
