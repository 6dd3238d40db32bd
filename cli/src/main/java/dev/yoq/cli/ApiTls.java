package dev.yoq.cli;

import dev.yoq.security.mtls.ServiceCa;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HTTPS on the API (docs/security.md "HTTPS on the API"): whether the server about to start speaks it, and its
 * files under {@code <data>/tls}: {@value #CA_FILE} (the CA, for clients), {@value #STORE_FILE} (the server's key and
 * chain, 0600) and {@value #INCLUDE_FILE} (the Liberty configuration that turns HTTPS on, 0600: it holds the
 * keystore's password). The CA signs the server certificate once and its key is thrown away, so a stolen disk
 * cannot mint another certificate clients would trust. Delete the directory to make new ones (new addresses).
 */
final class ApiTls {
    static final String DIR = "tls", CA_FILE = "api-ca.crt", STORE_FILE = "api.p12", INCLUDE_FILE = "liberty-tls.xml";
    static final Duration SERVER_LIFETIME = Duration.ofDays(825);

    private ApiTls() {}

    /** What the server will speak, and why: shown by {@code server start}. */
    record Mode(boolean tls, String warning) {}

    /**
     * TLS when {@code YOQ_API_TLS=on}, or when the API listens beyond loopback on a single node; plain HTTP beyond
     * loopback only with {@code YOQ_API_PLAIN_HTTP=1}, and on a cluster server (its agents cannot verify a
     * certificate yet), each with a warning. {@code YOQ_API_TLS=off} keeps a loopback server plain.
     */
    static Mode decide(Map<String, String> env, String host, boolean clusterServer) {
        String forced = env.getOrDefault("YOQ_API_TLS", "");
        if (forced.equals("on")) return new Mode(true, null);
        if (loopback(host)) return new Mode(false, null);
        String exposed = "the API listens on " + host + " with plain HTTP: tokens cross the network readable";
        if (clusterServer) return new Mode(false, "warning: " + exposed + " (HTTPS for cluster servers is not built yet: docs/security.md)");
        if ("1".equals(env.get("YOQ_API_PLAIN_HTTP"))) return new Mode(false, "warning: " + exposed + " (YOQ_API_PLAIN_HTTP=1)");
        return new Mode(true, null);
    }

    static boolean loopback(String host) {
        String h = host == null ? "" : host.strip();
        return h.isEmpty() || h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    static Path dir(Path dataRoot) {
        return dataRoot.resolve(DIR);
    }

    /** Whether the server of this data directory speaks HTTPS (its start left the include in place). */
    static boolean localServerTls(Path dataRoot) {
        return Files.exists(dir(dataRoot).resolve(INCLUDE_FILE));
    }

    /** HTTPS off for the next start: the include goes, the CA and the keystore stay for a later start. */
    static void disable(Path dataRoot) throws IOException {
        Files.deleteIfExists(dir(dataRoot).resolve(INCLUDE_FILE));
    }

    /**
     * Makes the CA and the server certificate when there are none (for {@code host}, or every address of this
     * machine when it is 0.0.0.0, plus 127.0.0.1, localhost, the host name and {@code YOQ_API_TLS_SANS}), and writes
     * the include (the keystore password is made with the keystore, or anew for the operator's certificate, read at every start).
     */
    static void enable(Path dataRoot, String host, Map<String, String> env) throws IOException {
        Path dir = Files.createDirectories(dir(dataRoot));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));   // the CA is public; the rest is 0600
        Path store = dir.resolve(STORE_FILE), ca = dir.resolve(CA_FILE);
        Path saved = dir.resolve(".password");
        char[] password;
        try {
            String certFile = env.get("YOQ_API_TLS_CERT"), keyFile = env.get("YOQ_API_TLS_KEY");
            if (certFile != null && keyFile != null) {   // the operator's: read again at every start
                password = newPassword();
                operators(Path.of(certFile), Path.of(keyFile), store, ca, password);
                writePrivate(saved, new String(password).getBytes(StandardCharsets.US_ASCII));
            } else if (Files.exists(store) && Files.exists(ca) && Files.exists(saved)) {
                password = Files.readString(saved).strip().toCharArray();
            } else {
                password = newPassword();
                made(host, env, store, ca, password);
                writePrivate(saved, new String(password).getBytes(StandardCharsets.US_ASCII));
            }
        } catch (GeneralSecurityException e) {
            throw new CliException("cannot make the API's certificate in " + dir + ": " + e.getMessage(), e);
        }
        writePrivate(dir.resolve(INCLUDE_FILE), include(store, password).getBytes(StandardCharsets.UTF_8));
    }

    private static char[] newPassword() {
        byte[] raw = new byte[16];
        new SecureRandom().nextBytes(raw);
        return HexFormat.of().formatHex(raw).toCharArray();
    }

    /** A new CA and a server certificate it signs for the addresses clients may use; the CA's key is not kept. */
    private static void made(String host, Map<String, String> env, Path store, Path ca, char[] password)
            throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        ServiceCa.Issued caCert = ServiceCa.createCa("yoq-api-ca", now);
        Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1"));
        Set<String> names = new LinkedHashSet<>(List.of("localhost"));
        addresses(host, ips, names);
        for (String extra : env.getOrDefault("YOQ_API_TLS_SANS", "").split(",")) {
            String e = extra.strip();
            if (e.isEmpty()) continue;
            if (e.matches("[0-9.]+|[0-9a-fA-F:]+")) ips.add(e); else names.add(e);
        }
        ServiceCa.Issued server = ServiceCa.issueServer(caCert, "yoq-api", List.copyOf(ips), List.copyOf(names), SERVER_LIFETIME, now);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("yoq-api", ServiceCa.privateKey(server.keyPkcs8()), password, new Certificate[] {server.cert(), caCert.cert()});
        storeAtomically(ks, store, password);
        Files.writeString(ca, caCert.certPem());
        Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** The operator's chain (PEM, leaf first) and PKCS#8 key; the chain's last certificate is what clients trust. */
    private static void operators(Path certFile, Path keyFile, Path store, Path ca, char[] password) throws IOException, GeneralSecurityException {
        List<? extends Certificate> chain;
        try (var in = Files.newInputStream(certFile)) {
            chain = List.copyOf(java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (chain.isEmpty()) throw new CliException("YOQ_API_TLS_CERT: no certificate in " + certFile);
        String pem = Files.readString(keyFile).replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = java.util.Base64.getDecoder().decode(pem);
        } catch (IllegalArgumentException e) {
            throw new CliException("YOQ_API_TLS_KEY: " + keyFile + " is not a PKCS#8 PEM key (openssl pkcs8 -topk8 -nocrypt converts one)");
        }
        String algorithm = chain.get(0).getPublicKey().getAlgorithm();
        java.security.PrivateKey key = java.security.KeyFactory.getInstance(algorithm).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("yoq-api", key, password, chain.toArray(Certificate[]::new));
        storeAtomically(ks, store, password);
        Files.writeString(ca, ServiceCa.pem("CERTIFICATE", chain.get(chain.size() - 1).getEncoded()));
        Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void storeAtomically(KeyStore ks, Path store, char[] password) throws IOException, GeneralSecurityException {
        Path tmp = temp(store.getParent());
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password);
        }
        Files.move(tmp, store, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path temp(Path dir) {
        return dir.resolve(STORE_FILE + ".tmp");
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Liberty's side: the TLS feature, the keystore, TLS 1.2+ only, and the API port as HTTPS (plain HTTP off). */
    static String include(Path store, char[] password) {
        return "<server>\n"
                + "  <!-- written by yoq server start: HTTPS on the API (docs/security.md); removed when it is off -->\n"
                + "  <featureManager><feature>transportSecurity-1.0</feature></featureManager>\n"
                + "  <keyStore id=\"defaultKeyStore\" location=\"" + xml(store.toString()) + "\" type=\"PKCS12\" password=\"" + new String(password) + "\"/>\n"
                + "  <ssl id=\"defaultSSLConfig\" keyStoreRef=\"defaultKeyStore\" sslProtocol=\"TLSv1.2\" enabledProtocols=\"TLSv1.2 TLSv1.3\"/>\n"
                + "  <httpEndpoint id=\"defaultHttpEndpoint\" httpPort=\"-1\" httpsPort=\"${yoq.api.port}\"/>\n"
                + "</server>\n";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    /** The addresses a client may use: {@code host} itself, or every IPv4 address of this machine for 0.0.0.0. */
    private static void addresses(String host, Set<String> ips, Set<String> names) {
        if (host != null && !host.isBlank() && !host.equals("0.0.0.0")) {
            if (host.matches("[0-9.]+")) ips.add(host); else names.add(host);
            return;
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address) ips.add(a.getHostAddress());
                }
            }
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // 127.0.0.1 and localhost remain; YOQ_API_TLS_SANS adds what the machine did not tell
        }
    }

    /** The CA a client trusts: {@code YOQ_CA}, else the local data directory's; null when neither exists. */
    static Path trustedCa(Map<String, String> env, Path dataRoot) {
        String configured = env.get("YOQ_CA");
        if (configured != null && !configured.isBlank()) return Path.of(configured.strip());
        Path local = dir(dataRoot).resolve(CA_FILE);
        return Files.exists(local) ? local : null;
    }
}
