package io.carelake.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, for the report's browser tests:
 * the JDK's WebSocket client and Jackson, no driver binary. Chromium is started with
 * {@code --remote-debugging-port=0} in a fresh profile; its {@code DevToolsActivePort} file gives
 * the browser's endpoint. Pages are opened as targets attached in flat mode, so every command and
 * event carries its page's session id.
 *
 * <p>Everything that could make a page untrustworthy is collected per page: console errors and
 * assertions, uncaught exceptions, log entries of level error (failed loads, CSP, deprecations
 * the browser reports as errors), failed network loads, and every URL the page requested.
 */
final class DevTools implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration COMMAND = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<JsonNode> events = new ConcurrentLinkedQueue<>();

  private DevTools(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Starts Chromium under {@code work} (profile and log) and connects to it. */
  static DevTools launch(Chromium chromium, Path work) throws Exception {
    Path profile = work.resolve("profile");
    Files.createDirectories(profile);
    Path log = work.resolve("chromium.log");
    Process p = new ProcessBuilder(chromium.command(profile, List.of("--remote-debugging-port=0",
        "--remote-allow-origins=*", "about:blank")))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path portFile = profile.resolve("DevToolsActivePort");
    Instant until = Instant.now().plus(START);
    List<String> lines = List.of();
    while (Instant.now().isBefore(until)) {
      if (!p.isAlive()) {
        throw new IllegalStateException("Chromium exited (" + p.exitValue() + ") before it"
            + " opened its DevTools port; its log: " + Chromium.tail(log));
      }
      if (Files.exists(portFile)) {
        lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
        if (lines.size() >= 2) {
          break;
        }
      }
      Thread.sleep(50);
    }
    if (lines.size() < 2) {
      stop(p);
      throw new IllegalStateException("Chromium did not open its DevTools port within " + START
          + "; its log: " + Chromium.tail(log));
    }
    URI endpoint = URI.create("ws://127.0.0.1:" + lines.get(0).strip() + lines.get(1).strip());
    Listener listener = new Listener();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(endpoint, listener).get(COMMAND.toSeconds(), TimeUnit.SECONDS);
    DevTools tools = new DevTools(p, ws);
    listener.owner = tools;
    return tools;
  }

  /** One page (a target), with what it reported since it was opened. */
  final class Page {
    final String session;

    private Page(String session) {
      this.session = session;
    }

    JsonNode send(String method, ObjectNode params) throws Exception {
      return DevTools.this.send(method, params, session);
    }

    /** The value of {@code expression} (a promise is awaited), as JSON. */
    JsonNode eval(String expression) throws Exception {
      ObjectNode p = JSON.createObjectNode().put("expression", expression)
          .put("returnByValue", true).put("awaitPromise", true);
      JsonNode r = send("Runtime.evaluate", p);
      if (r.has("exceptionDetails")) {
        throw new AssertionError("page script failed: " + r.get("exceptionDetails"));
      }
      return r.path("result").path("value");
    }

    /** The viewport as a PNG. */
    byte[] screenshot() throws Exception {
      JsonNode r = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
      return Base64.getDecoder().decode(r.get("data").asText());
    }

    /** The whole page, top to bottom, as a PNG (for a reviewer's eyes, not for assertions). */
    byte[] fullPage() throws Exception {
      double height = eval("document.documentElement.scrollHeight").asDouble();
      double width = eval("document.documentElement.clientWidth").asDouble();
      ObjectNode params = JSON.createObjectNode().put("format", "png")
          .put("captureBeyondViewport", true);
      params.putObject("clip").put("x", 0).put("y", 0).put("width", width).put("height", height)
          .put("scale", 1);
      return Base64.getDecoder().decode(send("Page.captureScreenshot", params).get("data")
          .asText());
    }

    /** Console errors, uncaught exceptions, error log entries and failed loads, as text. */
    List<String> problems() {
      List<String> out = new ArrayList<>();
      for (JsonNode e : events) {
        if (!session.equals(e.path("sessionId").asText())) {
          continue;
        }
        String method = e.path("method").asText();
        JsonNode p = e.path("params");
        switch (method) {
          case "Runtime.consoleAPICalled" -> {
            String type = p.path("type").asText();
            if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
              out.add("console." + type + ": " + p.path("args"));
            }
          }
          case "Runtime.exceptionThrown" -> out.add("exception: " + p.path("exceptionDetails"));
          case "Log.entryAdded" -> {
            if (p.path("entry").path("level").asText().equals("error")) {
              out.add("log: " + p.path("entry").path("text").asText() + " "
                  + p.path("entry").path("url").asText());
            }
          }
          case "Network.loadingFailed" -> out.add("failed load: " + p);
          default -> { }
        }
      }
      return out;
    }

    /** Every URL the page asked the network stack for. */
    List<String> requests() {
      List<String> out = new ArrayList<>();
      for (JsonNode e : events) {
        if (session.equals(e.path("sessionId").asText())
            && e.path("method").asText().equals("Network.requestWillBeSent")) {
          out.add(e.path("params").path("request").path("url").asText());
        }
      }
      return out;
    }
  }

  /**
   * Opens {@code url} in a new page of {@code width} × {@code height} CSS pixels ({@code mobile}:
   * a phone's viewport, meta viewport honoured) and waits for its load event.
   */
  Page open(String url, int width, int height, boolean mobile) throws Exception {
    String target = send("Target.createTarget", JSON.createObjectNode().put("url", "about:blank"),
        null).get("targetId").asText();
    String session = send("Target.attachToTarget", JSON.createObjectNode()
        .put("targetId", target).put("flatten", true), null).get("sessionId").asText();
    Page page = new Page(session);
    for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
      page.send(domain + ".enable", JSON.createObjectNode());
    }
    page.send("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width)
        .put("height", height).put("deviceScaleFactor", 1).put("mobile", mobile));
    int before = count(session, "Page.loadEventFired");
    page.send("Page.navigate", JSON.createObjectNode().put("url", url));
    Instant until = Instant.now().plus(COMMAND);
    while (count(session, "Page.loadEventFired") == before) {
      if (Instant.now().isAfter(until)) {
        throw new AssertionError("the page " + url + " did not finish loading within " + COMMAND);
      }
      Thread.sleep(20);
    }
    return page;
  }

  private int count(String session, String method) {
    int n = 0;
    for (JsonNode e : events) {
      if (method.equals(e.path("method").asText()) && session.equals(e.path("sessionId").asText())) {
        n++;
      }
    }
    return n;
  }

  JsonNode send(String method, ObjectNode params, String session) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params);
    if (session != null) {
      message.put("sessionId", session);
    }
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.writeValueAsString(message), true).get(COMMAND.toSeconds(),
        TimeUnit.SECONDS);
    JsonNode r = reply.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.path("result");
  }

  @Override
  public void close() throws Exception {
    try {
      send("Browser.close", JSON.createObjectNode(), null);
    } catch (Exception e) {
      // the browser may close the socket before it answers; it is stopped below either way
    }
    stop(process);
  }

  /** Stops the browser we started and every process it started (renderers, zygote). */
  private static void stop(Process p) throws InterruptedException {
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Collects frames into messages: replies complete their command, the rest are events. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();
    private volatile DevTools owner;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          JsonNode message = JSON.readTree(text);
          DevTools tools = owner;
          if (message.has("id") && tools != null) {
            CompletableFuture<JsonNode> reply = tools.pending.remove(message.get("id").asInt());
            if (reply != null) {
              reply.complete(message);
            }
          } else if (tools != null) {
            tools.events.add(message);
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("DevTools sent a message that is not JSON", e);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
