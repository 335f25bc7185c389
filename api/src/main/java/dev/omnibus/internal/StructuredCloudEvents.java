package dev.omnibus.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.omnibus.InvalidEnvelopeException;
import dev.omnibus.InvalidMessageException;
import dev.omnibus.Message;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CloudEvent written in <em>structured content mode</em> with the JSON event format
 * ({@code application/cloudevents+json}, CloudEvents 1.0 JSON format spec): the whole event, attributes and
 * data, is one JSON object in the message body. Every driver calls this, and only this, when a received
 * message's content type says so; Omnibus itself always publishes in binary mode.
 *
 * <p>Mapping: {@code id}, {@code source}, {@code type}, {@code subject}, {@code time}, {@code dataschema},
 * {@code datacontenttype} become the message's attributes; any other member is an extension (strings as
 * they are, numbers and booleans as their JSON text). {@code data_base64} is decoded; {@code data} is taken
 * as the exact JSON text of its value when the content type is JSON (or absent, which the format defines
 * as JSON), and as the string's UTF-8 bytes when the content type is not JSON and the value is a string.
 * Errors say precisely what is wrong (not JSON, a missing or mistyped attribute, a bad time) and carry the
 * raw body and headers, so the core dead-letters the message with that reason.
 */
public final class StructuredCloudEvents {
    /** The media type of the JSON event format. */
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    private static final JsonFactory JSON = new JsonFactory();

    private StructuredCloudEvents() {}

    /**
     * True when {@code contentType} is the JSON event format, parameters (e.g. {@code ; charset=utf-8}) and
     * case ignored. Other {@code application/cloudevents+*} formats are not structured events Omnibus reads.
     */
    public static boolean isStructured(String contentType) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        String mediaType = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return mediaType.equals(CONTENT_TYPE);
    }

    /**
     * Decodes one structured-mode event.
     *
     * @param body          the message body: the JSON event
     * @param partitionKey  the broker's message key, used as {@code partitionkey} when the event has none (may be {@code null})
     * @param headers       the raw headers/properties, for the exception
     * @param where         names the message in error texts, e.g. {@code "message 3:0:-1 of persistent://public/default/t"}
     * @throws InvalidEnvelopeException saying what is wrong, with the raw body and headers
     */
    public static Message decode(byte[] body, String partitionKey, Map<String, String> headers, String where) {
        try {
            return parse(body == null ? new byte[0] : body, partitionKey);
        } catch (Malformed e) {
            throw new InvalidEnvelopeException("Malformed CloudEvents structured-mode event (" + CONTENT_TYPE + ") in "
                    + where + ": " + e.getMessage(), body, headers);
        }
    }

    private static Message parse(byte[] body, String partitionKey) {
        Message.Builder b = Message.builder();
        Set<String> seen = new HashSet<>();
        String specVersion = null;
        String contentType = null;
        byte[] jsonData = null;
        String textData = null;
        byte[] base64Data = null;
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed(body.length == 0 ? "the body is empty, not a JSON object" : "the body is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!seen.add(name)) throw new Malformed("member '" + name + "' appears twice");
                switch (name) {
                    case "specversion" -> specVersion = string(p, name);
                    case "id" -> b.id(string(p, name));
                    case "source" -> b.source(string(p, name));
                    case "type" -> b.type(string(p, name));
                    case "subject" -> b.subject(nullableString(p, name));
                    case "dataschema" -> b.dataSchema(nullableString(p, name));
                    case "datacontenttype" -> contentType = nullableString(p, name);
                    case "time" -> {
                        String t = nullableString(p, name);
                        if (t != null) b.time(time(t));
                    }
                    case "data" -> {
                        if (value == JsonToken.VALUE_STRING) textData = p.getText();
                        if (value != JsonToken.VALUE_NULL) jsonData = rawValue(p, body);
                    }
                    case "data_base64" -> {
                        String encoded = nullableString(p, name);
                        if (encoded != null) base64Data = base64(encoded);
                    }
                    default -> {
                        if (value == JsonToken.VALUE_NULL) break;
                        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                            throw new Malformed("extension '" + name + "' is a JSON " + (value == JsonToken.START_OBJECT
                                    ? "object" : "array") + "; extension values are strings, numbers or booleans");
                        }
                        b.extension(name, p.getText());
                    }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT) throw new Malformed("the JSON object is not closed");
            if (p.nextToken() != null) throw new Malformed("there is more after the JSON object");
        } catch (JsonProcessingException e) {
            throw new Malformed("not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new Malformed("unreadable: " + e.getMessage());
        } catch (InvalidMessageException | IllegalArgumentException e) {
            throw new Malformed(e.getMessage());
        }
        for (String required : new String[]{"specversion", "id", "source", "type"}) {
            if (!seen.contains(required)) throw new Malformed("required attribute '" + required + "' is missing");
        }
        if (!"1.0".equals(specVersion)) {
            throw new Malformed("'specversion' is '" + specVersion + "'; Omnibus reads CloudEvents 1.0");
        }
        if (jsonData != null && base64Data != null) throw new Malformed("both 'data' and 'data_base64' are present");
        byte[] data = base64Data;
        if (jsonData != null) {
            data = textData != null && contentType != null && !isJson(contentType)
                    ? textData.getBytes(java.nio.charset.StandardCharsets.UTF_8) : jsonData;
        }
        try {
            if (partitionKey != null && !seen.contains(Message.KEY_EXTENSION)) b.key(partitionKey);
            b.data(data, contentType);
            return b.build();
        } catch (InvalidMessageException | IllegalArgumentException e) {
            throw new Malformed(e.getMessage());
        }
    }

    /** JSON media types: {@code application/json}, {@code text/json}, {@code +json} suffixes. */
    static boolean isJson(String contentType) {
        int semi = contentType.indexOf(';');
        String t = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return t.equals("application/json") || t.equals("text/json") || t.endsWith("+json");
    }

    private static String string(JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new Malformed("attribute '" + name + "' must be a JSON string, got " + describe(p));
        }
        return p.getText();
    }

    private static String nullableString(JsonParser p, String name) throws IOException {
        return p.currentToken() == JsonToken.VALUE_NULL ? null : string(p, name);
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_NULL -> "null";
            default -> p.getText();
        };
    }

    /** The exact bytes of the current value (object, array or scalar) as they appear in {@code body}. */
    private static byte[] rawValue(JsonParser p, byte[] body) throws IOException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        int end = (int) p.currentLocation().getByteOffset();
        return Arrays.copyOfRange(body, start, end);
    }

    private static Instant time(String text) {
        try {
            return Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            throw new Malformed("attribute 'time' is '" + text + "', not an RFC 3339 timestamp such as 2025-01-31T12:00:00Z");
        }
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Malformed("'data_base64' is not base64: " + e.getMessage());
        }
    }

    /** The reason a body is not a structured event; becomes the {@link InvalidEnvelopeException}'s message. */
    private static final class Malformed extends RuntimeException {
        Malformed(String message) { super(message, null, false, false); }
    }
}
