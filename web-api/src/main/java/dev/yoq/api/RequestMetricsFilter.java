package dev.yoq.api;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/**
 * Counts every response by its route template ({@code /v1/status}, never the raw path, so ids in paths cannot
 * blow up the number of series); requests that matched no resource count as {@code unmatched}.
 */
@Provider
public class RequestMetricsFilter implements ContainerResponseFilter {

    /** Route templates are fixed per resource method: computed once each, not on every request. */
    private static final Map<Method, String> TEMPLATES = new ConcurrentHashMap<>();

    @Context
    ResourceInfo resource;

    @Inject
    ApiMetrics metrics;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        metrics.request(routeTemplate(), request.getMethod(), response.getStatus());
    }

    private String routeTemplate() {
        Class<?> type = resource == null ? null : resource.getResourceClass();
        Method method = resource == null ? null : resource.getResourceMethod();
        if (type == null || method == null) {
            return "unmatched";
        }
        return TEMPLATES.computeIfAbsent(method, m -> template(type, m));
    }

    private static String template(Class<?> type, Method method) {
        StringBuilder route = new StringBuilder();
        append(route, type.getAnnotation(Path.class));
        append(route, method.getAnnotation(Path.class));
        return route.length() == 0 ? "/" : route.toString();
    }

    private static void append(StringBuilder route, Path path) {
        if (path != null) {
            String p = path.value().replaceAll("^/+|/+$", "");
            if (!p.isEmpty()) {
                route.append('/').append(p);
            }
        }
    }
}
