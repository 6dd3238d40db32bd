package dev.yoq.node.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding the resolver: UDP and TCP always share one port number, and a failed start leaves nothing bound. */
class DnsServerBindTest {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static DnsAnswers answers() {
        NameTable names = new NameTable();
        names.replace(Map.of("web", List.of("10.42.0.2")));
        return new DnsAnswers(names, null);
    }

    @Test
    void a_free_port_is_the_same_number_for_udp_and_tcp() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (DnsServer server = new DnsServer(LOOPBACK, 0, answers(), s -> { })) {
                int port = server.port();
                assertThat(port).isPositive();
                // Both sides are taken: binding either again on that number fails.
                assertThatThrownBy(() -> new ServerSocket(port, 1, LOOPBACK).close()).isInstanceOf(BindException.class);
                assertThatThrownBy(() -> new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close())
                        .isInstanceOf(java.net.SocketException.class);
            }
        }
    }

    @Test
    void a_fixed_port_taken_for_tcp_fails_and_releases_its_udp_socket() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> new DnsServer(LOOPBACK, port, answers(), s -> { })).isInstanceOf(BindException.class);
            // The UDP side it bound first was closed again: the number is free for UDP.
            new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close();
        }
    }
}
