package dev.yoq.manifest;

import java.util.function.Function;

/**
 * yoq's {@code ${VAR}} expansion, applied to the raw manifest text before TOML parsing (so it also works in
 * comments, keys and headers), exactly as the original: {@code $$} is a literal {@code $}; {@code ${NAME}} is the
 * variable or empty; {@code ${NAME:-default}} is the variable if set, even to "", else the default (split at the
 * first {@code :-}); a variable ends at the first {@code }} (no nesting); an unclosed {@code ${} and a lone
 * {@code $} stay literal.
 */
public final class VariableExpansion {

    private VariableExpansion() {
    }

    public static String expand(String text, Function<String, String> env) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    out.append('$');
                    i++;
                } else {
                    out.append(resolve(text.substring(i + 2, close), env));
                    i = close + 1;
                }
            } else {
                out.append('$');
                i++;
            }
        }
        return out.toString();
    }

    private static String resolve(String body, Function<String, String> env) {
        int split = body.indexOf(":-");
        String name = split < 0 ? body : body.substring(0, split);
        String value = name.isEmpty() ? null : env.apply(name);
        if (value != null) {
            return value;
        }
        return split < 0 ? "" : body.substring(split + 2);
    }
}
