package dev.yoq.node.protocol;

/**
 * A rule between two names (spec §1.6): {@code deny} blocks traffic from source to target; {@code allow} makes
 * the source's traffic to other containers an allowlist (only its allowed targets). Names are container (later
 * service) names; a rule whose names do not resolve yet waits until they appear.
 */
public record NetworkPolicy(String source, String target, String action) {
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    public boolean deny() { return "deny".equals(action); }
}
