package dev.yoq.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

/**
 * Reads every {@link JsonObject} request body with bounds before anything is built from it: nesting depth
 * {@value #MAX_DEPTH}, strings of at most {@value #MAX_STRING} characters, numbers of at most
 * {@value #MAX_NUMBER} digits, and a top level that must be an object. What breaks a bound, or is not JSON, is
 * a 400 naming the problem ({@code [ ]}, deep nesting and junk gave 500 with the default reader). The body's
 * size is already capped by the wire filter.
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
public class BoundedJsonReader implements MessageBodyReader<JsonObject> {
    static final int MAX_DEPTH = 32;
    static final int MAX_STRING = 256 * 1024;
    static final int MAX_NUMBER = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING)
                    .maxNumberLength(MAX_NUMBER).build())
            .build();

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == JsonObject.class;
    }

    @Override
    public JsonObject readFrom(Class<JsonObject> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                               MultivaluedMap<String, String> headers, InputStream body) throws IOException {
        try {
            return parse(body);
        } catch (InvalidBody e) {
            throw new WebApplicationException(ErrorBody.response(400, e.getMessage(), "invalid_json"));
        }
    }

    /** What is wrong with a body, in words for the user. */
    public static final class InvalidBody extends RuntimeException {
        InvalidBody(String message) {
            super(message, null, false, false);
        }
    }

    /** The body as a JSON object; an empty body is an empty object. */
    public static JsonObject parse(InputStream body) throws IOException {
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) return JsonValue.EMPTY_JSON_OBJECT;
            if (first != JsonToken.START_OBJECT) throw invalid("the body must be a JSON object");
            JsonObject o = object(p);
            if (p.nextToken() != null) throw invalid("the body must hold one JSON object, found more after it");
            return o;
        } catch (StreamConstraintsException e) {
            throw invalid("the body is over a JSON limit (depth " + MAX_DEPTH + ", strings " + MAX_STRING + " characters, numbers "
                    + MAX_NUMBER + " digits)");
        } catch (JsonProcessingException e) {
            throw invalid("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonObject object(JsonParser p) throws IOException {
        JsonObjectBuilder b = Json.createObjectBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            b.add(name, value(p, p.nextToken()));
        }
        return b.build();
    }

    private static JsonValue value(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> {
                JsonArrayBuilder a = Json.createArrayBuilder();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) a.add(value(p, e));
                yield a.build();
            }
            case VALUE_STRING -> Json.createValue(p.getText());
            case VALUE_NUMBER_INT -> Json.createValue(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> Json.createValue(p.getDecimalValue());
            case VALUE_TRUE -> JsonValue.TRUE;
            case VALUE_FALSE -> JsonValue.FALSE;
            case VALUE_NULL -> JsonValue.NULL;
            default -> throw invalid("the body is not valid JSON: unexpected " + t);
        };
    }

    private static InvalidBody invalid(String message) {
        return new InvalidBody(message);
    }
}
