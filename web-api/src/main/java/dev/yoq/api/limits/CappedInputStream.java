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
    private long read;

    CappedInputStream(InputStream in, long cap) {
        super(in);
        this.cap = cap;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) count(1);
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        // never asks for more than one byte past the cap, so a huge body is not even buffered by the container
        int n = super.read(buf, off, (int) Math.min(len, cap - read + 1));
        if (n > 0) count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = super.skip(Math.min(n, cap - read + 1));
        count(s);
        return s;
    }

    private void count(long n) throws BodyTooLargeException {
        read += n;
        if (read > cap) throw new BodyTooLargeException(cap);
    }
}
