package dev.yoq.edge;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Wraps the two traditional OpenSSL key formats into PKCS#8, the only one the JDK's {@code KeyFactory} reads:
 * {@code BEGIN RSA PRIVATE KEY} (PKCS#1) and {@code BEGIN EC PRIVATE KEY} (SEC1). Both are the inner key of a
 * PKCS#8 structure, so wrapping is a few bytes of DER, cheaper than a crypto library. Pure.
 */
final class Pkcs8 {
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
    /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
    /** OID id-ecPublicKey (1.2.840.10045.2.1). */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final int SEQUENCE = 0x30, OCTET_STRING = 0x04, OID = 0x06, CURVE_TAG = 0xa0;

    private Pkcs8() {}

    /** PKCS#8 of a PKCS#1 RSA key. */
    static byte[] fromPkcs1(byte[] rsa) {
        return tlv(SEQUENCE, VERSION_0, RSA_ALGORITHM, tlv(OCTET_STRING, rsa));
    }

    /**
     * PKCS#8 of a SEC1 EC key. The curve goes into the AlgorithmIdentifier, so it is read from the key's
     * {@code [0] parameters}, which OpenSSL always writes; a key without them is refused.
     */
    static byte[] fromSec1(byte[] ec) {
        byte[] curve = curveOid(ec);
        if (curve == null) throw new IllegalArgumentException("the EC key does not name its curve");
        return tlv(SEQUENCE, VERSION_0, tlv(SEQUENCE, EC_PUBLIC_KEY, curve), tlv(OCTET_STRING, ec));
    }

    /** ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] curve OID OPTIONAL, [1] ... }: the OID's TLV. */
    private static byte[] curveOid(byte[] ec) {
        int[] outer = header(ec, 0);
        if (ec[0] != SEQUENCE) throw new IllegalArgumentException("the EC key is not a DER sequence");
        for (int at = outer[0]; at < outer[1]; ) {
            int[] field = header(ec, at);
            if ((ec[at] & 0xff) == CURVE_TAG) {
                int[] oid = header(ec, field[0]);
                return ec[field[0]] == OID ? Arrays.copyOfRange(ec, field[0], oid[1]) : null;
            }
            at = field[1];
        }
        return null;
    }

    /** The DER element at {@code at}: {content start, content end}; refuses what runs past the buffer. */
    private static int[] header(byte[] d, int at) {
        if (at + 2 > d.length) throw truncated();
        int length = d[at + 1] & 0xff;
        int start = at + 2;
        if (length > 0x80) {
            int bytes = length & 0x7f;
            if (bytes > 3 || start + bytes > d.length) throw truncated();
            length = 0;
            for (int i = 0; i < bytes; i++) length = (length << 8) | (d[start + i] & 0xff);
            start += bytes;
        } else if (length == 0x80) {
            throw new IllegalArgumentException("the key uses an indefinite DER length");
        }
        if (start + length > d.length) throw truncated();
        return new int[] {start, start + length};
    }

    private static IllegalArgumentException truncated() {
        return new IllegalArgumentException("the key's DER is truncated");
    }

    /** One DER element of the given tag around the concatenated parts. */
    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) content.writeBytes(p);
        int n = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 6);
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }
}
