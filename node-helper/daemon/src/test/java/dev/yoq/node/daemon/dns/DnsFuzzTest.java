package dev.yoq.node.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Whatever arrives, the resolver answers nothing or a parseable message, never throws, and keeps answering. */
class DnsFuzzTest {
    final DnsAnswers answers;

    DnsFuzzTest() {
        NameTable names = new NameTable();
        names.replace(Map.of("web", List.of("10.42.0.2")));
        answers = new DnsAnswers(names, null);
    }

    @Property(tries = 3000)
    void random_bytes(@ForAll @Size(max = 600) byte[] junk) throws Exception {
        check(junk);
    }

    /** Real queries with bytes flipped: they get past the header, into the parser's harder paths. */
    @Property(tries = 3000)
    void mutated_queries(@ForAll @Size(min = 1, max = 8) List<@net.jqwik.api.constraints.IntRange(min = 0, max = 255) Integer> flips,
                         @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 10_000) int seed) throws Exception {
        byte[] q = DnsAnswersTest.query("web.example", Type.A);
        java.util.Random r = new java.util.Random(seed);
        for (int f : flips) q[r.nextInt(q.length)] = (byte) f;
        check(q);
    }

    private void check(byte[] packet) throws Exception {
        byte[] out = answers.answer(packet, packet.length, 512);
        if (out != null) new Message(out);
        byte[] local = answers.answerLocally(packet, packet.length, 4096);   // the UDP path, with its wire cache
        if (local != null && local.length > 0) new Message(local);
        byte[] good = DnsAnswersTest.query("web", Type.A);
        assertThat(new Message(answers.answer(good, good.length, 512)).getSection(Section.ANSWER)).hasSize(1);
    }
}
