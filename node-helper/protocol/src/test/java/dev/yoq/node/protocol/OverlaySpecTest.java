package dev.yoq.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OverlaySpecTest {
    static final String KEY_A = "zwvV+wzSrXJZyKnF3UB/qiifDAbb8wAgtnEmFII1tw8=";
    static final String KEY_B = "HuC6Lpme2RV1PbYZEVchfD9jtiTSe8Wrzg0zOoAsFzU=";

    static OverlaySpec spec(OverlaySpec.Peer... peers) {
        return new OverlaySpec("10.40.0.2/24", 51820, false, List.of(peers));
    }

    static OverlaySpec.Peer peer(String key, String endpoint, String... allowed) {
        return new OverlaySpec.Peer(key, endpoint, List.of(allowed), 25);
    }

    @Test
    void aWellFormedSpecPasses() {
        OverlaySpec s = spec(peer(KEY_A, "10.0.0.1:51820", "10.40.0.1/32", "10.42.1.0/24"), peer(KEY_B, null, "10.40.0.3/32"));
        assertThat(s.validated()).isSameAs(s);
        assertThat(new OverlaySpec(null, 0, false, null).validated().peers()).isEmpty();
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertThatThrownBy(() -> spec(peer("short", "10.0.0.1:51820")).validated())
                .hasMessageContaining("overlay.peers[0].public_key: not a WireGuard key");
        assertThatThrownBy(() -> spec(peer(KEY_A, "10.0.0.1:70000")).validated()).hasMessageContaining("overlay.peers[0].endpoint: 10.0.0.1:70000");
        assertThatThrownBy(() -> spec(peer(KEY_A, "host:51820")).validated()).hasMessageContaining("is not ipv4:port");
        assertThatThrownBy(() -> spec(peer(KEY_A, null, "10.42.1.0/33")).validated()).hasMessageContaining("is not an IPv4 prefix");
        assertThatThrownBy(() -> spec(peer(KEY_A, null, "10.042.1.0/24")).validated()).as("octal to ip, refused by wg")
                .hasMessageContaining("is not an IPv4 prefix");
        assertThatThrownBy(() -> spec(peer(KEY_A, null, "10.42.1.7/24")).validated()).hasMessageContaining("10.42.1.7/24 has host bits set");
        assertThatThrownBy(() -> spec(peer(KEY_A, null, "0.0.0.0/0")).validated()).hasMessageContaining("wider than a /16");
        assertThatThrownBy(() -> spec(peer(KEY_A, null, "10.0.0.0/8")).validated()).hasMessageContaining("wider than a /16");
        assertThatThrownBy(() -> spec(peer(KEY_A, "10.42.9.1:51820"), peer(KEY_B, null, "10.42.9.0/24")).validated())
                .hasMessageContaining("overlay.peers[1].allowed_ips: 10.42.9.0/24 holds a peer's endpoint");
        // Java's decoder ignores the last character's unused bits; wg refuses such a key, so it is not one
        assertThatThrownBy(() -> spec(peer("zwvV+wzSrXJZyKnF3UB/qiifDAbb8wAgtnEmFII1tw9=", null)).validated())
                .hasMessageContaining("not a WireGuard key");
        assertThatThrownBy(() -> spec(peer(KEY_A, null, "10.42.300.0/24")).validated()).hasMessageContaining("is not an IPv4 prefix");
        assertThatThrownBy(() -> spec(peer(KEY_A, null, "10.42.1.0/24; rm -rf /")).validated()).hasMessageContaining("is not an IPv4 prefix");
        assertThatThrownBy(() -> spec(peer(KEY_A, null), peer(KEY_A, null)).validated()).hasMessageContaining("peers[1].public_key: listed twice");
        assertThatThrownBy(() -> spec(peer(KEY_A, null, "10.42.1.0/24"), peer(KEY_B, null, "10.42.1.0/24")).validated())
                .hasMessageContaining("overlay.peers[1].allowed_ips: 10.42.1.0/24 is carried by another peer too");
        assertThatThrownBy(() -> new OverlaySpec("10.40.0.2/24", 0, false, List.of()).validated()).hasMessageContaining("overlay.listen_port: 0");
        assertThatThrownBy(() -> new OverlaySpec("wg0", 51820, false, List.of()).validated()).hasMessageContaining("overlay.address: wg0");
        assertThatThrownBy(() -> new OverlaySpec(null, 0, false, List.of(peer(KEY_A, null))).validated()).hasMessageContaining("overlay.address: required");
    }

    @Test
    void peerCountIsBounded() {
        List<OverlaySpec.Peer> many = new java.util.ArrayList<>();
        for (int i = 0; i <= OverlaySpec.MAX_PEERS; i++) many.add(peer(KEY_A, null));
        assertThatThrownBy(() -> new OverlaySpec("10.40.0.2/24", 51820, false, many).validated()).hasMessageContaining("at most 1024");
        List<String> prefixes = new java.util.ArrayList<>();
        for (int i = 0; i <= OverlaySpec.MAX_ALLOWED_IPS; i++) prefixes.add("10." + (40 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256) + "/32");
        assertThatThrownBy(() -> spec(new OverlaySpec.Peer(KEY_A, null, prefixes, 25)).validated()).hasMessageContaining("prefixes in all");
    }
}
