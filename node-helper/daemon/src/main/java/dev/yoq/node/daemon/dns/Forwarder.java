package dev.yoq.node.daemon.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * Names this node does not know go to the host's resolver (the first IPv4 {@code nameserver} of
 * /etc/resolv.conf, else 8.8.8.8, spec §5), with a 2 s timeout; answers are cached for their smallest TTL
 * (at most 300 s; failures and empty answers 30 s), at most 10,000 entries, oldest out first.
 */
public final class Forwarder {
    static final int MAX_ENTRIES = 10_000;
    static final long MAX_TTL_S = 300, NEGATIVE_TTL_S = 30;

    public interface Clock { long millis(); }

    private record Cached(Message answer, long expiresAt) {}

    private final SimpleResolver upstream;
    private final Clock clock;
    private final Map<String, Cached> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) { return size() > MAX_ENTRIES; }
    };
    final java.util.concurrent.atomic.AtomicLong hits = new java.util.concurrent.atomic.AtomicLong();

    public Forwarder(InetSocketAddress upstream, Clock clock) {
        this.upstream = new SimpleResolver(upstream);
        this.upstream.setTimeout(Duration.ofSeconds(2));
        this.clock = clock;
    }

    /** The first IPv4 nameserver of a resolv.conf, else 8.8.8.8. */
    public static InetSocketAddress upstreamOf(Path resolvConf) {
        try {
            for (String line : Files.readAllLines(resolvConf)) {
                String[] f = line.strip().split("\\s+");
                if (f.length >= 2 && f[0].equals("nameserver") && f[1].matches("[0-9.]+")) return new InetSocketAddress(InetAddress.getByName(f[1]), 53);
            }
        } catch (IOException ignored) {
            // no resolv.conf: the fallback
        }
        return new InetSocketAddress(fallback(), 53);
    }

    private static InetAddress fallback() {
        try {
            return InetAddress.getByAddress(new byte[] {8, 8, 8, 8});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The upstream's answer to the query's question, from the cache when fresh; SERVFAIL when it cannot be had. */
    public Message resolve(Message query) {
        Record q = query.getQuestion();
        String key = q.getName().toString().toLowerCase(java.util.Locale.ROOT) + " " + q.getType() + " " + q.getDClass();
        long now = clock.millis();
        synchronized (cache) {
            Cached c = cache.get(key);
            if (c != null && c.expiresAt > now) {
                hits.incrementAndGet();
                return c.answer;
            }
        }
        Message answer;
        try {
            Message out = new Message();
            out.getHeader().setFlag(org.xbill.DNS.Flags.RD);
            out.addRecord(q, Section.QUESTION);
            answer = upstream.send(out);
        } catch (IOException e) {
            Message fail = new Message();
            fail.getHeader().setRcode(Rcode.SERVFAIL);
            fail.addRecord(q, Section.QUESTION);
            return fail;
        }
        synchronized (cache) {
            cache.put(key, new Cached(answer, now + ttlOf(answer) * 1000));
        }
        return answer;
    }

    static long ttlOf(Message answer) {
        long ttl = MAX_TTL_S;
        boolean any = false;
        for (Record r : answer.getSection(Section.ANSWER)) {
            ttl = Math.min(ttl, r.getTTL());
            any = true;
        }
        return any && answer.getRcode() == Rcode.NOERROR ? ttl : NEGATIVE_TTL_S;
    }
}
