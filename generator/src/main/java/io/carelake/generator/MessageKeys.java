package io.carelake.generator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The Kafka key of a message: the bytes of {@code patient.resident_id} when the message is valid
 * UTF-8 JSON that has one, else null. {@code generate} and {@code publish} both key bad messages
 * with this function, so publishing generated files reproduces generate's records exactly.
 */
public final class MessageKeys {

  private static final JsonFactory JSON = new JsonFactory();

  private MessageKeys() {}

  public static byte[] residentIdKey(byte[] message) {
    if (!isUtf8(message)) {
      return null;
    }
    try (JsonParser p = JSON.createParser(message)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      byte[] key = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("patient".equals(field) && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            JsonToken v = p.nextToken();
            if ("resident_id".equals(inner) && v == JsonToken.VALUE_STRING) {
              key = p.getText().getBytes(StandardCharsets.UTF_8);
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
      // only a complete, well-formed object yields a key
      return p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null ? key : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Strict UTF-8 check (no replacement characters), as ingestion's decoder does it. */
  public static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
