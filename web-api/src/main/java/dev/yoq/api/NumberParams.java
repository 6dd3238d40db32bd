package dev.yoq.api;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

/**
 * Whole-number query and path parameters ({@code tail}, {@code offset}, {@code timeout_ms}): text that is not a
 * number in range is a 400 naming the parameter. JAX-RS's own conversion answers 404 for it, as if the route
 * did not exist.
 */
@Provider
public class NumberParams implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        boolean isLong = rawType == Long.class || rawType == long.class;
        boolean isInt = rawType == Integer.class || rawType == int.class;
        if (!isLong && !isInt) return null;
        String name = name(annotations);
        return (ParamConverter<T>) new ParamConverter<Number>() {
            @Override
            public Number fromString(String value) {
                if (value == null) return null;
                try {
                    return isLong ? Long.valueOf(value.strip()) : Integer.valueOf(value.strip());
                } catch (NumberFormatException e) {
                    String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
                    throw new WebApplicationException(ErrorBody.response(400, name + ": '" + shown + "' is not a whole number"
                            + (isLong ? "" : " (at most " + Integer.MAX_VALUE + ")"), "invalid_parameter"));
                }
            }

            @Override
            public String toString(Number value) {
                return String.valueOf(value);
            }
        };
    }

    private static String name(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a instanceof QueryParam q) return q.value();
            if (a instanceof PathParam p) return p.value();
        }
        return "parameter";
    }
}
