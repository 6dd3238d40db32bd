package dev.yoq.cluster.work;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A command's words as the single string an assignment carries (spec §4.2: {@code command} is one string); the
 * agent runs it with {@code /bin/sh -c}. Words with anything but safe characters are single-quoted.
 */
public final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {}

    public static String join(List<String> words) {
        if (words == null || words.isEmpty()) return "";
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (b.length() > 0) b.append(' ');
            b.append(SAFE.matcher(w).matches() ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }
}
