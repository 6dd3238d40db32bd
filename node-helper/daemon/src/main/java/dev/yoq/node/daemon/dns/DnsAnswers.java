package dev.yoq.node.daemon.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One DNS query in, one answer out (or none): names in the {@link NameTable} are answered here (A, TTL 5 s,
 * authoritative; other types of a known name get an empty NOERROR so clients stop asking), everything else is
 * forwarded. A packet that is not DNS is dropped; one whose header parses but whose body does not gets FORMERR.
 * Nothing here throws on bad input: the resolver must keep answering.
 */
public final class DnsAnswers {
    static final long TTL_S = 5;
    private final NameTable names;
    private final Forwarder forwarder;
    final AtomicLong queries = new AtomicLong(), local = new AtomicLong(), forwarded = new AtomicLong(), malformed = new AtomicLong();

    public DnsAnswers(NameTable names, Forwarder forwarder) {
        this.names = names;
        this.forwarder = forwarder;
    }

    static final byte[] DROP = new byte[0];

    /**
     * The answer when it needs no upstream (a local name, junk, a non-query), else null: the caller forwards
     * with {@link #answer} on another thread. {@link #DROP} means send nothing.
     */
    public byte[] answerLocally(byte[] packet, int length, int maxUdp) {
        long generation = names.generation();
        byte[] cached = fromCache(packet, length);
        if (cached != null) return cached;
        Message query;
        boolean cacheable = false;
        try {
            query = new Message(java.util.Arrays.copyOf(packet, length));
            Record q = query.getQuestion();
            boolean forward = q != null && query.getHeader().getOpcode() == Opcode.QUERY && !query.getHeader().getFlag(Flags.QR)
                    && (q.getDClass() != DClass.IN || names.lookup(q.getName().toString()) == null);
            if (forward) return null;
            cacheable = q != null && query.getHeader().getOpcode() == Opcode.QUERY && !query.getHeader().getFlag(Flags.QR);
        } catch (Exception notDns) {
            // answer() counts and answers it
        }
        byte[] out = answer(packet, length, maxUdp);
        if (out == null) return DROP;
        if (cacheable && maxUdp == 4096 && generation == names.generation()) remember(packet, length, out);   // not across a table change
        return out;
    }

    /**
     * Answers for local names by the query's exact bytes after its id (flags, question as sent, EDNS): a hit is
     * a copy with the id patched in, no parsing at all. Emptied whenever the name table changes.
     */
    private final java.util.concurrent.ConcurrentHashMap<java.nio.ByteBuffer, byte[]> wireCache = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long cacheGeneration = -1;
    static final int WIRE_CACHE_MAX = 4096;

    private byte[] fromCache(byte[] packet, int length) {
        if (length < Header.LENGTH) return null;
        long generation = names.generation();
        if (generation != cacheGeneration) {
            wireCache.clear();
            cacheGeneration = generation;
            return null;
        }
        byte[] hit = wireCache.get(java.nio.ByteBuffer.wrap(packet, 2, length - 2));
        if (hit == null) return null;
        queries.incrementAndGet();
        local.incrementAndGet();
        byte[] out = hit.clone();
        out[0] = packet[0];
        out[1] = packet[1];
        return out;
    }

    private void remember(byte[] packet, int length, byte[] answer) {
        if (wireCache.size() >= WIRE_CACHE_MAX) return;
        wireCache.put(java.nio.ByteBuffer.wrap(java.util.Arrays.copyOfRange(packet, 2, length)), answer.clone());
    }

    /** The wire answer to {@code packet}, at most {@code maxUdp} bytes when it came by UDP (0: TCP), or null. */
    public byte[] answer(byte[] packet, int length, int maxUdp) {
        queries.incrementAndGet();
        Message query;
        try {
            query = new Message(java.util.Arrays.copyOf(packet, length));
        } catch (Exception notDns) {   // WireParseException, or anything a hostile packet provokes
            malformed.incrementAndGet();
            return formErr(packet, length);
        }
        try {
            Message reply = reply(query);
            if (maxUdp == 0) return reply.toWire();
            OPTRecord opt = query.getOPT();
            int limit = Math.max(512, Math.min(maxUdp, opt == null ? 512 : opt.getPayloadSize()));
            return reply.toWire(limit);   // sets TC when it had to cut: the client retries over TCP
        } catch (RuntimeException e) {
            malformed.incrementAndGet();
            return formErr(packet, length);
        }
    }

    private Message reply(Message query) {
        Record q = query.getQuestion();
        if (query.getHeader().getOpcode() != Opcode.QUERY || q == null || query.getHeader().getFlag(Flags.QR)) {
            Message m = new Message(query.getHeader().getID());
            m.getHeader().setFlag(Flags.QR);
            m.getHeader().setRcode(q == null ? Rcode.FORMERR : Rcode.NOTIMP);
            if (q != null) m.addRecord(q, Section.QUESTION);
            return m;
        }
        List<InetAddress> known = q.getDClass() == DClass.IN ? names.lookup(q.getName().toString()) : null;
        if (known != null) {
            local.incrementAndGet();
            Message m = new Message(query.getHeader().getID());
            m.getHeader().setFlag(Flags.QR);
            m.getHeader().setFlag(Flags.AA);
            if (query.getHeader().getFlag(Flags.RD)) m.getHeader().setFlag(Flags.RD);
            m.getHeader().setFlag(Flags.RA);
            m.addRecord(q, Section.QUESTION);
            if (q.getType() == Type.A || q.getType() == Type.ANY) {
                for (InetAddress a : known) m.addRecord(new ARecord(q.getName(), DClass.IN, TTL_S, a), Section.ANSWER);
            }
            return m;
        }
        forwarded.incrementAndGet();
        if (forwarder == null) {   // a resolver that forwards nowhere (tests' upstream)
            Message m = new Message(query.getHeader().getID());
            m.getHeader().setFlag(Flags.QR);
            m.getHeader().setRcode(Rcode.SERVFAIL);
            m.addRecord(q, Section.QUESTION);
            return m;
        }
        Message upstream = forwarder.resolve(query);
        Message m = upstream.clone();
        m.getHeader().setID(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.RA);
        return m;
    }

    /** FORMERR with the query's id when at least a header arrived; nothing for shorter junk. */
    private static byte[] formErr(byte[] packet, int length) {
        if (length < Header.LENGTH) return null;
        int id = ((packet[0] & 0xff) << 8) | (packet[1] & 0xff);
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(Rcode.FORMERR);
        return m.toWire();
    }

    public java.util.Map<String, Long> counters() {
        return java.util.Map.of("queries", queries.get(), "local", local.get(), "forwarded", forwarded.get(),
                "cache_hits", cacheHits(), "malformed", malformed.get());
    }

    public long cacheHits() { return forwarder == null ? 0 : forwarder.hits.get(); }
}
