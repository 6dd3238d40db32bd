package dev.yoq.image;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * How yoq talks to registries: which ones speak plain HTTP, and which platform a multi-arch index resolves to.
 * Plain HTTP is used for loopback registries (as Docker does), for those listed as insecure in the server's
 * config ({@code yoq.registries.insecure}), and for one request when the user says {@code --insecure}.
 */
public record RegistrySettings(Set<String> insecure, String platform, Set<String> allowed) {
    public static final String DEFAULT_PLATFORM = "linux/amd64";
    public static final RegistrySettings DEFAULTS = new RegistrySettings(Set.of(), DEFAULT_PLATFORM, Set.of());
    static final String HOST = "[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?";
    private static final String PLATFORM = "[a-z0-9_]+/[a-z0-9_]+(/[a-z0-9_]+)?";

    public RegistrySettings(Set<String> insecure, String platform) {
        this(insecure, platform, Set.of());
    }

    public RegistrySettings {
        insecure = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(insecure));   // sorted: stable to show and compare
        allowed = Set.copyOf(allowed);
        if (!platform.matches(PLATFORM)) {
            throw new IllegalArgumentException("yoq.image.platform: must be os/architecture[/variant] (e.g. linux/amd64), got " + platform);
        }
    }

    /** From config text: a comma-separated list of host[:port], and os/arch[/variant]. */
    public static RegistrySettings of(String insecureList, String platform) {
        return of(insecureList, platform, "");
    }

    /** As above, with the registries on internal addresses the operator allows ({@code yoq.registries.allow}). */
    public static RegistrySettings of(String insecureList, String platform, String allowList) {
        return new RegistrySettings(hosts("yoq.registries.insecure", insecureList), platform.strip(), hosts(RegistryTargets.ALLOW_PROPERTY, allowList));
    }

    private static Set<String> hosts(String setting, String list) {
        Set<String> hosts = new TreeSet<>();
        for (String h : Arrays.stream(list.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList()) {
            if (!h.matches(HOST)) throw new IllegalArgumentException(setting + ": not a host[:port]: " + h);
            hosts.add(h);
        }
        return hosts;
    }

    /** The same settings, with one more registry (the user's {@code --insecure}) allowed plain HTTP. */
    public RegistrySettings allowingPlainHttp(String registry) {
        Set<String> more = new TreeSet<>(insecure);
        more.add(registry);
        return new RegistrySettings(more, platform, allowed);
    }

    public RegistrySettings withPlatform(String other) {
        return other == null || other.isBlank() ? this : new RegistrySettings(insecure, other.strip(), allowed);
    }

    /** {@code http://host} or {@code https://host} for this reference's registry. */
    public String base(ImageReference ref) {
        return base(ref.registry(), ref.loopback());
    }

    String base(String registry, boolean loopback) {
        return (loopback || insecure.contains(registry) ? "http://" : "https://") + registry;
    }
}
