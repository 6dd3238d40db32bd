package dev.yoq.cli;

import dev.yoq.security.mtls.ServiceCa;
import java.io.IOException;
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
        boolean forced = env.getOrDefault("YOQ_API_TLS", "").equals("on");
        String exposed = "the API listens on " + host + " with plain HTTP: tokens cross the network readable";
        if (clusterServer) {   // its peers and agents speak plain HTTP to it: TLS would cut the cluster apart
            return new Mode(false, forced || !loopback(host)
                    ? "warning: " + exposed + " (HTTPS for cluster servers is not built yet: docs/security.md)" : null);
        }
        if (forced) return new Mode(true, null);
        if (loopback(host)) return new Mode(false, null);
        if ("1".equals(env.get("YOQ_API_PLAIN_HTTP"))) return new Mode(false, "warning: " + exposed + " (YOQ_API_PLAIN_HTTP=1)");
        return new Mode(true, null);
    }

    /**
     * Loopback: {@code localhost}, or an IP literal (never a name: {@code 127.0.0.1.example.com} is a name) that is a
     * loopback address. Read without any DNS lookup.
     */
    static boolean loopback(String host) {
        String h = host == null ? "" : host.strip();
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (h.isEmpty() || h.equalsIgnoreCase("localhost")) return true;
        InetAddress literal = ipLiteral(h);
        return literal != null && literal.isLoopbackAddress();
    }

    /** The address an IPv4 or IPv6 literal names, or null for anything else (a name is never looked up). */
    static InetAddress ipLiteral(String text) {
        boolean v4 = text.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
        boolean v6 = text.indexOf(':') >= 0 && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) return null;
        try {
            return InetAddress.getByName(text);   // a literal: parsed, not resolved
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** The listen addresses that mean every interface. */
    static boolean wildcard(String host) {
        return host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("*") || host.equals("::") || host.equals("[::]");
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
            if ((certFile == null) != (keyFile == null)) {
                throw new CliException("YOQ_API_TLS_CERT and YOQ_API_TLS_KEY go together: set both (your certificate chain and its key) or neither");
            }
            if (certFile != null) {   // the operator's: read again at every start
                password = newPassword();
                writePrivate(saved, new String(password).getBytes(StandardCharsets.US_ASCII));   // first: a store never lacks its password
                operators(Path.of(certFile), Path.of(keyFile), store, ca, password);
            } else if (Files.exists(store) && Files.exists(ca) && Files.exists(saved)) {
                password = Files.readString(saved).strip().toCharArray();
            } else {
                password = newPassword();
                writePrivate(saved, new String(password).getBytes(StandardCharsets.US_ASCII));
                made(host, env, store, ca, password);
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CliException("cannot make the API's certificate in " + dir + ": " + e.getMessage(), e);
        }
        writePrivate(dir.resolve(INCLUDE_FILE), include(store, password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What is wrong with the certificate a start reuses: it does not name the address the API now listens on, or it
     * expires within 30 days (its CA's key is gone, so only a new pair helps); null when nothing is.
     */
    static String staleCertificate(Path dataRoot, String host) {
        Path dir = dir(dataRoot);
        try {
            char[] password = Files.readString(dir.resolve(".password")).strip().toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(dir.resolve(STORE_FILE))) {
                ks.load(in, password);
            }
            java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) ks.getCertificate("yoq-api");
            if (cert == null) return null;   // the operator's own, under another alias
            String renew = " (stop the server, remove " + dir + " and start it again for a new one; clients then need the new " + CA_FILE + ")";
            if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(30)))) {
                return "warning: the API's certificate expires " + cert.getNotAfter().toInstant() + renew;
            }
            if (!wildcard(host)) {
                String h = host.strip().replaceAll("^\\[|]$", "");
                InetAddress literal = ipLiteral(h);
                String wanted = literal != null ? literal.getHostAddress() : h;
                boolean named = cert.getSubjectAlternativeNames() != null && cert.getSubjectAlternativeNames().stream()
                        .anyMatch(san -> wanted.equalsIgnoreCase(String.valueOf(san.get(1))));
                if (!named) return "warning: the API's certificate does not name " + h + ", where the API now listens" + renew;
            }
            return null;
        } catch (IOException | GeneralSecurityException e) {
            return "warning: cannot read the API's certificate in " + dir + ": " + e.getMessage();
        }
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
            if (ipLiteral(e) != null) {
                ips.add(ipLiteral(e).getHostAddress());
            } else if (e.matches("(?i)[a-z0-9*]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
                names.add(e);
            } else {
                throw new CliException("YOQ_API_TLS_SANS: " + e + " is neither an IP address nor a DNS name");
            }
        }
        ServiceCa.Issued server = ServiceCa.issueServer(caCert, "yoq-api", List.copyOf(ips), List.copyOf(names), SERVER_LIFETIME, now);
        write(store, ca, ServiceCa.privateKey(server.keyPkcs8()), new Certificate[] {server.cert(), caCert.cert()}, caCert.cert(), password);
    }

    /**
     * The operator's chain (PEM, leaf first) and key, checked as `yoq cert install` checks one (the key is the
     * leaf's, PKCS#8 or the traditional forms, not expired); the chain's last certificate is what clients trust.
     */
    private static void operators(Path certFile, Path keyFile, Path store, Path ca, char[] password) throws IOException, GeneralSecurityException {
        dev.yoq.edge.CertificatePem.Pair pair;
        try {
            pair = dev.yoq.edge.CertificatePem.pair(Files.readString(certFile), Files.readString(keyFile), Instant.now());
        } catch (IllegalArgumentException e) {
            throw new CliException("YOQ_API_TLS_CERT/YOQ_API_TLS_KEY (" + certFile + ", " + keyFile + "): " + e.getMessage());
        }
        List<java.security.cert.X509Certificate> chain = pair.chain();
        write(store, ca, pair.privateKey(), chain.toArray(Certificate[]::new), chain.get(chain.size() - 1), password);
    }

    /** The keystore (0600, by rename) and the CA file clients trust (0644). */
    private static void write(Path store, Path ca, java.security.PrivateKey key, Certificate[] chain, Certificate trusted, char[] password)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("yoq-api", key, password, chain);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ks.store(bytes, password);
        writePrivate(store, bytes.toByteArray());
        Files.writeString(ca, ServiceCa.pem("CERTIFICATE", trusted.getEncoded()));
        Files.setPosixFilePermissions(ca, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Liberty's side: the TLS feature, the keystore (Liberty's default protocols), and the API port as HTTPS (plain HTTP off). */
    static String include(Path store, char[] password) {
        return "<server>\n"
                + "  <!-- written by yoq server start: HTTPS on the API (docs/security.md); removed when it is off -->\n"
                + "  <featureManager><feature>transportSecurity-1.0</feature></featureManager>\n"
                + "  <keyStore id=\"defaultKeyStore\" location=\"" + xml(store.toString()) + "\" type=\"PKCS12\" password=\"" + new String(password) + "\"/>\n"
                // trustDefaultCerts: Liberty's TLS becomes the JVM's default for outbound HTTPS too (image pulls), which must
                // keep trusting the public CAs, not only this keystore
                + "  <ssl id=\"defaultSSLConfig\" keyStoreRef=\"defaultKeyStore\" trustDefaultCerts=\"true\"/>\n"
                + "  <httpEndpoint id=\"defaultHttpEndpoint\" httpPort=\"-1\" httpsPort=\"${yoq.api.port}\"/>\n"
                + "</server>\n";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    /** The addresses a client may use: {@code host} itself, or every address of this machine for a wildcard. */
    private static void addresses(String host, Set<String> ips, Set<String> names) {
        if (!wildcard(host)) {
            String h = host.strip().replaceAll("^\\[|]$", "");
            InetAddress literal = ipLiteral(h);
            if (literal != null) ips.add(literal.getHostAddress()); else names.add(h);
            return;
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    // a link-local IPv6 address needs its interface to be dialled: not a name a certificate can hold
                    if (a instanceof Inet4Address || !a.isLinkLocalAddress()) ips.add(a.getHostAddress().replaceAll("%.*$", ""));
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
