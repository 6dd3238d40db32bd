package dev.yoq.node.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.yoq.node.protocol.OverlaySpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OverlayConfigTest {
    static final String PRIVATE = "CAJjSsiSB34dQMu/VAXCtYnA/LIO9GLd7Y9uj6H4K2M=";
    static final String PUBLIC = "zwvV+wzSrXJZyKnF3UB/qiifDAbb8wAgtnEmFII1tw8=";   // what `wg pubkey` printed for PRIVATE
    static final String HUB = "HuC6Lpme2RV1PbYZEVchfD9jtiTSe8Wrzg0zOoAsFzU=";

    static final OverlaySpec SPEC = new OverlaySpec("10.40.0.2/24", 51820, false, List.of(
            new OverlaySpec.Peer(HUB, "10.0.0.1:51820", List.of("10.40.0.1/32", "10.42.1.0/24", "10.42.3.0/24"), 25),
            new OverlaySpec.Peer(PUBLIC, null, List.of(), 0)));

    @Test
    void thePublicKeyIsWhatWgPubkeyPrints() {
        assertThat(WireguardKeys.publicKey(PRIVATE)).isEqualTo(PUBLIC);
    }

    @Test
    void aMadeKeyIsKeptPrivateAndReadBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("network").resolve("wireguard.key");
        String key = WireguardKeys.privateKey(file);
        assertThat(OverlaySpec.isKey(key)).isTrue();
        assertThat(java.nio.file.Files.getPosixFilePermissions(file)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(WireguardKeys.privateKey(file)).isEqualTo(key);
        byte[] raw = java.util.Base64.getDecoder().decode(key);
        assertThat(raw[0] & 7).as("clamped like wg genkey").isZero();
        assertThat(raw[31] & 0xC0).isEqualTo(0x40);
    }

    @Test
    void theConfigurationListsEveryPeerAndOnlyWhatIsSet() {
        assertThat(OverlayConfig.render(PRIVATE, SPEC)).isEqualTo("""
                [Interface]
                PrivateKey = CAJjSsiSB34dQMu/VAXCtYnA/LIO9GLd7Y9uj6H4K2M=
                ListenPort = 51820

                [Peer]
                PublicKey = HuC6Lpme2RV1PbYZEVchfD9jtiTSe8Wrzg0zOoAsFzU=
                Endpoint = 10.0.0.1:51820
                AllowedIPs = 10.40.0.1/32, 10.42.1.0/24, 10.42.3.0/24
                PersistentKeepalive = 25

                [Peer]
                PublicKey = zwvV+wzSrXJZyKnF3UB/qiifDAbb8wAgtnEmFII1tw8=
                """);
    }

    @Test
    void routesAreAddedForNewPrefixesAndOursThatLeftAreDeleted() {
        String ipRouteShow = """
                10.40.0.0/24 proto kernel scope link src 10.40.0.2
                10.40.0.1 scope link
                10.42.1.0/24 scope link
                10.42.9.0/24 scope link
                """;
        var changes = OverlayConfig.diff(OverlayConfig.routes(SPEC), ipRouteShow);
        assertThat(changes.add()).containsExactly("10.42.3.0/24");
        assertThat(changes.delete()).containsExactly("10.42.9.0/24");
        assertThat(OverlayConfig.routes(SPEC)).isEqualTo(Set.of("10.40.0.1/32", "10.42.1.0/24", "10.42.3.0/24"));
    }

    @Test
    void addressesAndTheDumpAreReadBackWithoutPrivateKeys() {
        assertThat(OverlayConfig.addresses("7: wg-yoq    inet 10.40.0.2/24 scope global wg-yoq\\       valid_lft forever preferred_lft forever"))
                .containsExactly("10.40.0.2/24");
        Map<String, Object> status = OverlayConfig.status(PRIVATE + "\t" + PUBLIC + "\t51820\toff\n"
                + HUB + "\t(none)\t10.0.0.1:51820\t10.40.0.1/32,10.42.1.0/24\t1765000000\t1204\t980\t25\n");
        assertThat(status).containsEntry("public_key", PUBLIC).containsEntry("listen_port", 51820L);
        assertThat(status.toString()).doesNotContain(PRIVATE);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> peers = (List<Map<String, Object>>) status.get("peers");
        assertThat(peers).singleElement().satisfies(p -> {
            assertThat(p).containsEntry("public_key", HUB).containsEntry("endpoint", "10.0.0.1:51820")
                    .containsEntry("latest_handshake", 1765000000L).containsEntry("rx_bytes", 1204L);
            assertThat(p.get("allowed_ips")).isEqualTo(List.of("10.40.0.1/32", "10.42.1.0/24"));
        });
    }
}
