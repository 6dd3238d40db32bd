package dev.yoq.node.protocol;

import java.util.regex.Pattern;

/**
 * The names secrets take, one rule for the manifest's checks, the server's store and the helper's files: a secret
 * becomes a file under /run/secrets, so its name is a plain file name; a secret variable is a shell name.
 */
public final class SecretNames {
    public static final Pattern SECRET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    public static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private SecretNames() {}
}
