package dev.yoq.manifest;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Manifest durations: {@code <integer><unit>} with unit {@code s}, {@code m} or {@code h} ({@code 30s}, {@code 5m},
 * {@code 24h}). {@code 0s} is accepted and means zero (a decision where the original refused it).
 */
public final class DurationText {

    private static final Pattern FORM = Pattern.compile("(\\d{1,9})([smh])");

    private DurationText() {
    }

    /** Seconds, or empty when the text is not a duration. */
    public static OptionalLong seconds(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long n = Long.parseLong(m.group(1));
        return OptionalLong.of(switch (m.group(2)) {
            case "h" -> n * 3600;
            case "m" -> n * 60;
            default -> n;
        });
    }

    /** The shortest text for a number of seconds: 3600 → 1h, 90 → 90s. */
    public static String format(long seconds) {
        if (seconds > 0 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds > 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
