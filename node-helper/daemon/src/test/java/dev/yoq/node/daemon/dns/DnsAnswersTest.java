package dev.yoq.node.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The resolver's answers, with a real upstream: a second yoq resolver on 127.0.0.1 that knows "upstream.test",
 * reached over UDP exactly as the host's resolver would be. Time is simulated for the cache.
 */
class DnsAnswersTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    DnsServer upstream;
    NameTable names = new NameTable();
    DnsAnswers answers;

    @BeforeEach
    void start() throws Exception {
        NameTable far = new NameTable();
        far.replace(Map.of("upstream.test", List.of("192.0.2.77")));
        upstream = new DnsServer(InetAddress.getLoopbackAddress(), 0, new DnsAnswers(far, null), s -> { });
        names.replace(Map.of("web", List.of("10.42.0.2"), "API", List.of("10.42.0.3")));
        answers = new DnsAnswers(names, new Forwarder(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.port()), now::get));
    }

    @AfterEach
    void stop() throws Exception { upstream.close(); }

    static byte[] query(String name, int type) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name + "."), type, DClass.IN)).toWire();
    }

    Message ask(String name, int type) throws Exception {
        byte[] q = query(name, type);
        return new Message(answers.answer(q, q.length, 512));
    }

    @Test
    void container_names_are_answered_here_case_insensitively_with_a_5_second_ttl() throws Exception {
        Message m = ask("WEB", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        List<Record> a = m.getSection(Section.ANSWER);
        assertThat(a).hasSize(1);
        assertThat(((ARecord) a.get(0)).getAddress().getHostAddress()).isEqualTo("10.42.0.2");
        assertThat(a.get(0).getTTL()).isEqualTo(5);
        assertThat(ask("api", Type.A).getSection(Section.ANSWER)).hasSize(1);
        Message aaaa = ask("web", Type.AAAA);
        assertThat(aaaa.getRcode()).as("a known name without IPv6: empty, not NXDOMAIN").isEqualTo(Rcode.NOERROR);
        assertThat(aaaa.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void repeated_local_queries_come_from_the_wire_cache_with_their_own_id_until_the_table_changes() throws Exception {
        byte[] q1 = query("web", Type.A);
        Message first = new Message(answers.answerLocally(q1, q1.length, 4096));
        byte[] q2 = query("web", Type.A);   // a new id
        byte[] again = answers.answerLocally(q2, q2.length, 4096);
        Message second = new Message(again);
        assertThat(second.getHeader().getID()).isEqualTo(new Message(q2).getHeader().getID()).isNotEqualTo(first.getHeader().getID());
        assertThat(second.getSection(Section.ANSWER)).isEqualTo(first.getSection(Section.ANSWER));
        names.replace(Map.of("web", List.of("10.42.0.9")));
        byte[] q3 = query("web", Type.A);
        Message moved = new Message(answers.answerLocally(q3, q3.length, 4096));
        assertThat(((ARecord) moved.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress()).as("not the cached 10.42.0.2").isEqualTo("10.42.0.9");
        byte[] forwarded = query("upstream.test", Type.A);
        assertThat(answers.answerLocally(forwarded, forwarded.length, 4096)).as("unknown names are left to the forwarding pool").isNull();
    }

    @Test
    void other_names_are_forwarded_and_cached_for_their_ttl() throws Exception {
        Message m = ask("upstream.test", Type.A);
        assertThat(((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress()).isEqualTo("192.0.2.77");
        assertThat(answers.cacheHits()).isZero();
        ask("upstream.test", Type.A);
        assertThat(answers.cacheHits()).isEqualTo(1);
        now.addAndGet(6_000);   // past the upstream's 5 s TTL
        ask("upstream.test", Type.A);
        assertThat(answers.cacheHits()).as("expired entries are asked again").isEqualTo(1);
        assertThat(ask("nothing.test", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);   // the fake upstream forwards nowhere
    }

    @Test
    void an_answer_too_big_for_udp_is_cut_with_tc_and_whole_over_tcp() throws Exception {
        List<String> many = new java.util.ArrayList<>();
        for (int i = 1; i <= 60; i++) many.add("10.42.1." + i);
        names.replace(Map.of("big", many));
        byte[] q = query("big", Type.A);
        Message udp = new Message(answers.answer(q, q.length, 512));
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        Message tcp = new Message(answers.answer(q, q.length, 0));
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(60);
    }

    @Test
    void junk_is_dropped_and_a_broken_body_gets_formerr_with_its_id() {
        assertThat(answers.answer(new byte[] {1, 2, 3}, 3, 512)).isNull();
        byte[] q = query("web", Type.A);
        byte[] cut = java.util.Arrays.copyOf(q, q.length - 3);
        byte[] out = answers.answer(cut, cut.length, 512);
        assertThat(out[0]).isEqualTo(q[0]);
        assertThat(out[1]).isEqualTo(q[1]);
        assertThat(out[3] & 0x0f).isEqualTo(Rcode.FORMERR);
        assertThat(answers.malformed.get()).isEqualTo(2);
    }
}
