package dev.berth.client.image;

import dev.berth.model.JsonReader;
import dev.berth.model.JsonWriter;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the image formats need, as maps and lists, through {@link JsonReader} and
 * {@link JsonWriter} (no Jackson: see there why). Writing keeps the insertion order of
 * {@link java.util.LinkedHashMap}s, so a manifest we build has one byte form and therefore one digest.
 */
public final class Json {
  public static Map<String, Object> parseObject(byte[] bytes, String what) throws IOException {
    Object value = read(bytes, what);
    if (!(value instanceof Map<?, ?> map)) {
      throw new IOException("invalid " + what + ": expected a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) map;
    return result;
  }

  public static List<Object> parseArray(byte[] bytes, String what) throws IOException {
    Object value = read(bytes, what);
    if (!(value instanceof List<?> list)) {
      throw new IOException("invalid " + what + ": expected a JSON array");
    }
    @SuppressWarnings("unchecked")
    List<Object> result = (List<Object>) list;
    return result;
  }

  private static Object read(byte[] bytes, String what) throws IOException {
    try {
      return JsonReader.parse(bytes);
    } catch (JsonReader.SyntaxException e) {
      throw new IOException("invalid JSON in " + what + ": " + firstLine(e.getMessage()));
    }
  }

  public static byte[] write(Object value) {
    return JsonWriter.write(value);
  }

  public static String string(Map<String, Object> map, String key) {
    return map.get(key) instanceof String s ? s : null;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Map<String, Object> map, String key) {
    return map.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  @SuppressWarnings("unchecked")
  public static List<Object> array(Map<String, Object> map, String key) {
    return map.get(key) instanceof List<?> l ? (List<Object>) l : List.of();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private Json() {}
}
