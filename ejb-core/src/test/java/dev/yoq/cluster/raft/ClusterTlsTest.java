package dev.yoq.cluster.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.cluster.ClusterKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterTlsTest {
    static final ClusterKey KEY = ClusterKey.fromJoinToken("the-join-token");

    static ClusterTls node(ClusterKey key, int id) {
        return new ClusterTls(key, new RaftPeerAddress(id, "10.0.0." + id, 9700), Set.of(1, 2, 3));
    }

    @Test
    void nodes_with_the_same_join_token_accept_each_other_by_server_id() throws Exception {
        ClusterTls one = node(KEY, 1);
        ClusterTls two = node(KEY, 2);
        assertThat(one.check(new X509Certificate[] {two.nodeCertificate()})).isEqualTo(2);
        assertThat(two.check(new X509Certificate[] {one.nodeCertificate()})).isEqualTo(1);
        assertThat(one.refused()).isZero();
        // each node made its own key pair; only the CA key is shared
        assertThat(one.nodeCertificate().getPublicKey()).isNotEqualTo(two.nodeCertificate().getPublicKey());
        assertThat(one.nodeCertificate().getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo("10.0.0.1"));
    }

    @Test
    void a_node_with_another_join_token_is_refused_and_counted() {
        ClusterTls one = node(KEY, 1);
        ClusterTls stranger = node(ClusterKey.fromJoinToken("a-guess"), 2);
        assertThatThrownBy(() -> one.check(new X509Certificate[] {stranger.nodeCertificate()}))
                .isInstanceOf(CertificateException.class).hasMessageContaining("wrong join token");
        assertThat(one.refused()).isEqualTo(1);
    }

    @Test
    void an_agent_holding_only_the_join_token_cannot_pose_as_a_server() {
        ClusterKey servers = ClusterKey.forServers("the-join-token", "c1".repeat(32));
        ClusterTls one = node(servers, 1);
        ClusterTls two = node(ClusterKey.forServers("the-join-token", "c1".repeat(32)), 2);
        assertThatCode(() -> one.check(new X509Certificate[] {two.nodeCertificate()})).doesNotThrowAnyException();
        ClusterTls agent = node(ClusterKey.fromJoinToken("the-join-token"), 2);   // what every agent can derive
        assertThatThrownBy(() -> one.check(new X509Certificate[] {agent.nodeCertificate()}))
                .hasMessageContaining("not issued by this cluster's key");
    }

    @Test
    void a_server_id_outside_the_configured_peers_is_refused() {
        ClusterTls one = node(KEY, 1);
        ClusterTls unknown = new ClusterTls(KEY, new RaftPeerAddress(9, "10.0.0.9", 9700), Set.of(9));
        assertThatThrownBy(() -> one.check(new X509Certificate[] {unknown.nodeCertificate()}))
                .hasMessageContaining("server id 9 is not a configured peer");
        assertThatThrownBy(() -> one.check(new X509Certificate[0])).hasMessageContaining("no certificate");
        assertThat(one.refused()).isEqualTo(2);
    }

    @Test
    void the_cluster_key_is_the_spec_hmac_of_the_join_token() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("yoq-raft-transport-key".getBytes(), "HmacSHA256"));
        byte[] expectedKey = mac.doFinal("the-join-token".getBytes());
        javax.crypto.Mac tag = javax.crypto.Mac.getInstance("HmacSHA256");
        tag.init(new javax.crypto.spec.SecretKeySpec(expectedKey, "HmacSHA256"));
        assertThat(KEY.tag("x".getBytes())).isEqualTo(tag.doFinal("x".getBytes()));
        assertThat(KEY.verify(tag.doFinal("x".getBytes()), "x".getBytes())).isTrue();
        assertThat(KEY.verify(new byte[32], "x".getBytes())).isFalse();
        assertThatThrownBy(() -> ClusterKey.fromJoinToken(" ")).hasMessageContaining("join token must not be empty");
    }
}
