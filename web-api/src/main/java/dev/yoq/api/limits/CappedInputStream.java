package dev.yoq.api.limits;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that may send at most {@code cap} bytes, counted as they are read: what a declared
 * Content-Length cannot promise for a chunked body. Reading past the cap throws {@link BodyTooLargeException}
 * before the extra bytes reach any buffer.
 */
final class CappedInputStream extends FilterInputStream {
    private final long cap;
    private final Runnable onEnd;
    private long read;

    CappedInputStream(InputStream in, long cap) {
        this(in, cap, () -> {});
    }

    /** {@code onEnd} runs when the body has been read to its end or refused (the body budget is given back then). */
    CappedInputStream(InputStream in, long cap, Runnable onEnd) {
        super(in);
        this.cap = cap;
        this.onEnd = onEnd;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) count(1);
        else onEnd.run();
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        // never asks for more than one byte past the cap, so a huge body is not even buffered by the container
        int n = super.read(buf, off, (int) Math.min(len, cap - read + 1));
        if (n > 0) count(n);
        else if (n < 0) onEnd.run();
        return n;
    }

    @Override
    public void close() throws IOException {
        onEnd.run();
        super.close();
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(Math.min(n, cap - read + 1));
        count(s);
        return s;
    }

    private void count(long n) throws BodyTooLargeException {
        read += n;
        if (read > cap) {
            onEnd.run();
            throw new BodyTooLargeException(cap);
        }
    }
}
