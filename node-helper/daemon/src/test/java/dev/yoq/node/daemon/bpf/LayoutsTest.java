package dev.yoq.node.daemon.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte layouts must match bpf/src/yoq_lb.c exactly: these pin the encodings down. */
class LayoutsTest {

    @Test
    void ipIsNetworkOrderAndStrict() {
        assertThat(Layouts.ip("10.43.250.10")).containsExactly(10, 43, (byte) 250, 10);
        assertThat(Layouts.ipString(Layouts.ip("192.168.0.255"), 0)).isEqualTo("192.168.0.255");
        for (String bad : List.of("10.0.0", "10.0.0.256", "a.b.c.d", "10..0.1", "10.0.0.1.2", "example.com", "-1.0.0.0")) {
            assertThatThrownBy(() -> Layouts.ip(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void flowIsSixteenBytesWithPortsInNetworkOrderAndZeroPad() {
        byte[] f = Layouts.flow("10.246.0.2", "10.43.250.10", 40000, 8080, Layouts.PROTO_TCP);
        assertThat(f).hasSize(16);
        assertThat(f).containsExactly(10, (byte) 246, 0, 2, 10, 43, (byte) 250, 10,
                (byte) 0x9c, 0x40, 0x1f, (byte) 0x90, 6, 0, 0, 0);
    }

    @Test
    void forgetBackendsReadsTheConntrackBackendAndTheRevNatSource() {
        // struct ct_val { backend, vip }: the backend comes first
        byte[] ct = new byte[Layouts.CT_VALUE_SIZE];
        System.arraycopy(Layouts.ip("10.246.0.3"), 0, ct, 0, 4);
        System.arraycopy(Layouts.ip("10.43.250.10"), 0, ct, 4, 4);
        assertThat(Layouts.ctBackend(ct)).containsExactly(Layouts.ip("10.246.0.3"));
        // a rev_nat key is the reply flow: backend -> client
        byte[] rev = Layouts.flow("10.246.0.4", "10.246.0.2", 8080, 41000, Layouts.PROTO_TCP);
        assertThat(Layouts.flowSaddr(rev)).containsExactly(Layouts.ip("10.246.0.4"));
        assertThatThrownBy(() -> Layouts.ctBackend(new byte[4])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Layouts.flowSaddr(new byte[8])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void vipValueCountsLittleEndianThenAddresses() {
        byte[] v = Layouts.vipValue(List.of("10.246.0.3", "10.246.0.4"));
        assertThat(v).hasSize(260);
        assertThat(v[0]).isEqualTo((byte) 2);
        assertThat(v[1] | v[2] | v[3]).isZero();
        assertThat(Layouts.vipBackends(v)).containsExactly("10.246.0.3", "10.246.0.4");
        assertThat(Layouts.vipBackends(Layouts.vipValue(List.of()))).isEmpty();
    }

    @Test
    void moreThanSixtyFourBackendsIsRefused() {
        List<String> many = new ArrayList<>(Collections.nCopies(65, "10.0.0.1"));
        assertThatThrownBy(() -> Layouts.vipValue(many)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Layouts.vipValue(many.subList(0, 64))).hasSize(260);
    }

    @Test
    void subnetIsMaskedNetworkAndMask() {
        assertThat(Layouts.subnet("10.246.0.77/24")).containsExactly(10, (byte) 246, 0, 0, -1, -1, -1, 0);
        assertThat(Layouts.subnet("0.0.0.0/0")).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
        assertThatThrownBy(() -> Layouts.subnet("10.0.0.0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Layouts.subnet("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countersDecodeInStructOrder() {
        byte[] v = new byte[40];
        for (int i = 0; i < 5; i++) v[i * 8] = (byte) (i + 1);
        assertThat(Layouts.counters(v)).isEqualTo(new BpfDataplane.Counters(1, 2, 3, 4, 5));
    }

    @Test
    void fnv1aMatchesTheReferenceVectors() {
        // the published FNV-1a 32-bit vectors; the C loop is the same byte-wise xor-then-multiply
        assertThat(Layouts.fnv1a(new byte[0], 0)).isEqualTo(0x811c9dc5);
        assertThat(Layouts.fnv1a("a".getBytes(StandardCharsets.US_ASCII), 1)).isEqualTo(0xe40c292c);
        assertThat(Layouts.fnv1a("foobar".getBytes(StandardCharsets.US_ASCII), 6)).isEqualTo(0xbf9cf968);
    }

    @Test
    void backendIndexUsesTheFirstThirteenBytesUnsigned() {
        byte[] f = Layouts.flow("10.246.0.2", "10.43.250.10", 40000, 8080, Layouts.PROTO_TCP);
        byte[] g = f.clone();
        g[13] = 1; // padding is not hashed
        assertThat(Layouts.fnv1a(g)).isEqualTo(Layouts.fnv1a(f));
        for (int n = 1; n <= 64; n++) assertThat(Layouts.backendIndex(f, n)).isBetween(0, n - 1);
        // reference values from an independent (Python) implementation of FNV-1a + murmur3 fmix32
        assertThat(Layouts.fnv1a(f)).isEqualTo(0xf596bbb3);
        assertThat(Layouts.flowHash(f)).isEqualTo(0xe6821217);
        assertThat(Layouts.backendIndex(f, 7)).isEqualTo(4);
    }

    @Test
    void sourcePortsSteppingByTwoStillSpreadOverTwoBackends() {
        // plain FNV-1a would put all of these on one backend (its low bit is the parity of the low bits)
        int[] hits = new int[2];
        for (int i = 0; i < 40; i++) {
            hits[Layouts.backendIndex(Layouts.flow("10.246.0.2", "10.43.250.10", 40000 + 2 * i, 8080, Layouts.PROTO_TCP), 2)]++;
        }
        assertThat(hits[0]).isBetween(12, 28);
        assertThat(hits[1]).isBetween(12, 28);
    }

    @Test
    void loaderNamesEveryMapOfTheObject() {
        assertThat(BpfLoader.MAPS).contains("vips", "conntrack", "rev_nat", "counters", "pairs", "policy_deny",
                "policy_allow_only", "policy_allow", "config", "veth_src", "meta");
        assertThat(BpfLoader.PROGRAMS).containsExactly("lb_ingress", "lb_egress");
    }

    @Test
    void vethSrcIsHostOrderIfindexToNetworkOrderAddress() {
        // struct: key __u32 ifindex (host order, as skb->ifindex), value the container's IPv4 (network order)
        assertThat(Layouts.u32(0x01020304)).containsExactly(4, 3, 2, 1);
        assertThat(Layouts.u32(Layouts.u32(417))).isEqualTo(417);
        assertThatThrownBy(() -> Layouts.u32(new byte[3])).isInstanceOf(IllegalArgumentException.class);
        assertThat(Layouts.pairSrc(Layouts.pair("10.246.0.2", "10.246.0.3"))).containsExactly(Layouts.ip("10.246.0.2"));
        assertThat(Layouts.pairDst(Layouts.pair("10.246.0.2", "10.246.0.3"))).containsExactly(Layouts.ip("10.246.0.3"));
    }

    @Test
    void aClientThatIsOneOfTheBackendsNeverPicksItself() {
        List<String> backends = List.of("10.246.0.2", "10.246.0.3", "10.246.0.4");
        int avoided = 0;
        for (int port = 40000; port < 40200; port++) {
            byte[] f = Layouts.flow("10.246.0.3", "10.43.250.10", port, 8080, Layouts.PROTO_TCP);
            int hashed = Layouts.backendIndex(f, 3);
            int picked = Layouts.backendFor(f, backends);
            assertThat(picked).isBetween(0, 2);
            assertThat(backends.get(picked)).isNotEqualTo("10.246.0.3");
            if (hashed == 1) {
                assertThat(picked).as("the next backend").isEqualTo(2);
                avoided++;
            } else {
                assertThat(picked).as("others keep the plain hash").isEqualTo(hashed);
            }
        }
        assertThat(avoided).isPositive();
        // the last slot wraps to the first
        List<String> selfLast = List.of("10.246.0.4", "10.246.0.3");
        for (int port = 40000; port < 40050; port++) {
            byte[] f = Layouts.flow("10.246.0.3", "10.43.250.10", port, 8080, Layouts.PROTO_TCP);
            assertThat(Layouts.backendFor(f, selfLast)).isZero();
        }
        byte[] f = Layouts.flow("10.246.0.3", "10.43.250.10", 40000, 8080, Layouts.PROTO_UDP);
        assertThat(Layouts.backendFor(f, List.of("10.246.0.3"))).as("only itself: untranslated").isEqualTo(-2);
        assertThat(Layouts.backendFor(f, List.of())).as("no backends: dropped").isEqualTo(-1);
        assertThat(Layouts.backendFor(f, List.of("10.246.0.9"))).isZero();
    }

    @Test
    void tcCommandsAreBoundedByTheirTimeoutEvenWhileTheyWrite() throws Exception {
        Tc.Result ok = Tc.exec(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), 5);
        assertThat(ok.exit()).isEqualTo(3);
        assertThat(ok.output()).contains("out").contains("err");
        long t0 = System.nanoTime();
        // more output than a pipe buffer, then hanging: reading before waitFor would block past the timeout
        assertThatThrownBy(() -> Tc.exec(List.of("sh", "-c", "head -c 300000 /dev/zero; exec sleep 30"), 1))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("timed out");
        assertThat(System.nanoTime() - t0).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void mapKeyHasValueEquality() {
        assertThat(new BpfMap.Key(new byte[] {1, 2})).isEqualTo(new BpfMap.Key(new byte[] {1, 2}));
        assertThat(new BpfMap.Key(new byte[] {1, 2}).hashCode()).isEqualTo(new BpfMap.Key(new byte[] {1, 2}).hashCode());
    }
}
