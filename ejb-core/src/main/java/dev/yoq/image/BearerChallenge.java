package dev.yoq.image;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A registry's {@code WWW-Authenticate} answer: {@code Bearer realm="…",service="…",scope="…"} or {@code Basic}. */
public record BearerChallenge(String scheme, String realm, String service, String scope) {
    private static final Pattern PARAM = Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"");

    public static BearerChallenge parse(String header) {
        if (header == null || header.isBlank()) return new BearerChallenge("none", null, null, null);
        String h = header.strip();
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(java.util.Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(space < 0 ? "" : h.substring(space + 1));
        while (m.find()) params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        return new BearerChallenge(scheme, params.get("realm"), params.get("service"), params.get("scope"));
    }

    public boolean bearer() { return scheme.equals("bearer") && realm != null; }
}
