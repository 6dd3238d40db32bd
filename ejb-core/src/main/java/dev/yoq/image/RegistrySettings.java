package dev.yoq.image;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * How yoq talks to registries: which ones speak plain HTTP, and which platform a multi-arch index resolves to.
 * Plain HTTP is used for loopback registries (as Docker does), for those listed as insecure in the server's
 * config ({@code yoq.registries.insecure}), and for one request when the user says {@code --insecure}.
 */
public record RegistrySettings(Set<String> insecure, String platform) {
    public static final String DEFAULT_PLATFORM = "linux/amd64";
    public static final RegistrySettings DEFAULTS = new RegistrySettings(Set.of(), DEFAULT_PLATFORM);
    private static final String HOST = "[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?";
    private static final String PLATFORM = "[a-z0-9_]+/[a-z0-9_]+(/[a-z0-9_]+)?";

    public RegistrySettings {
        insecure = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(insecure));   // sorted: stable to show and compare
        if (!platform.matches(PLATFORM)) {
            throw new IllegalArgumentException("yoq.image.platform: must be os/architecture[/variant] (e.g. linux/amd64), got " + platform);
        }
    }

    /** From config text: a comma-separated list of host[:port], and os/arch[/variant]. */
    public static RegistrySettings of(String insecureList, String platform) {
        Set<String> hosts = new TreeSet<>();
        for (String h : Arrays.stream(insecureList.split(",")).map(String::strip).filter(h -> !h.isEmpty()).toList()) {
            if (!h.matches(HOST)) throw new IllegalArgumentException("yoq.registries.insecure: not a host[:port]: " + h);
            hosts.add(h);
        }
        return new RegistrySettings(hosts, platform.strip());
    }

    /** The same settings, with one more registry (the user's {@code --insecure}) allowed plain HTTP. */
    public RegistrySettings allowingPlainHttp(String registry) {
        Set<String> more = new TreeSet<>(insecure);
        more.add(registry);
        return new RegistrySettings(more, platform);
    }

    public RegistrySettings withPlatform(String other) {
        return other == null || other.isBlank() ? this : new RegistrySettings(insecure, other.strip());
    }

    /** {@code http://host} or {@code https://host} for this reference's registry. */
    public String base(ImageReference ref) {
        return base(ref.registry(), ref.loopback());
    }

    String base(String registry, boolean loopback) {
        return (loopback || insecure.contains(registry) ? "http://" : "https://") + registry;
    }
}
