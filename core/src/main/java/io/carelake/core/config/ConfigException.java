package io.carelake.core.config;

/** A configuration problem a user can fix: the message says which key, where, and what to do. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
