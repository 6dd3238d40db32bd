package dev.yoq.manifest;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory sizes in manifests: a number with an optional k, m or g suffix (1024-based); plain numbers are MiB. */
final class Sizes {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})([kmg]?)(i?b)?");

    private Sizes() {
    }

    /** MiB (rounded up for k), or null when the text is not a size. */
    static Long mebibytes(String text) {
        Matcher m = FORM.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "k" -> (n + 1023) / 1024;
            case "g" -> n * 1024;
            default -> n;
        };
    }
}
