package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.yoq.app.ReleaseSnapshots;
import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestLoader;
import dev.yoq.manifest.SnapshotReader;
import dev.yoq.model.ReleaseRecord;
import dev.yoq.server.ServerSettings;
import dev.yoq.server.ServerStartup;
import dev.yoq.server.StartupReport;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.FreshReads;
import dev.yoq.state.SqliteFixture;
import dev.yoq.state.StateMachine;
import jakarta.ejb.TimerService;
import jakarta.persistence.EntityManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AcmeService} as the server wires it (real SQLite, the command bus, the certificate store) against pebble:
 * HTTP-01 answers go through a stand-in {@link EdgeSync} to a loopback server on pebble's validation port, as the
 * proxy's ACME listener would serve them. Skipped loudly without pebble.
 */
@Timeout(180)
class AcmeServiceTest {
    @TempDir
    static Path shared;
    static Pebble pebble;
    static HttpServer http;
    static final Map<String, String> served = new ConcurrentHashMap<>();

    @TempDir
    Path dir;
    SqliteFixture db;
    EntityManager reads;
    AcmeService acme;
    CertificateService store;
    final List<String> edgeCalls = new CopyOnWriteArrayList<>(), timers = new CopyOnWriteArrayList<>();
    volatile boolean serve = true;
    volatile CountDownLatch hold;

    @BeforeAll
    static void startPebble() throws Exception {
        if (Pebble.missing() != null) return;
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/.well-known/acme-challenge/", ex -> {
            String answer = served.get(ex.getRequestURI().getPath().substring("/.well-known/acme-challenge/".length()));
            byte[] body = answer == null ? new byte[0] : answer.getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(answer == null ? 404 : 200, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        pebble = new Pebble(shared, http.getAddress().getPort());
    }

    @AfterAll
    static void stopPebble() {
        if (pebble != null) pebble.close();
        if (http != null) http.stop(0);
    }

    @BeforeEach
    void wire() throws Exception {
        String missing = Pebble.missing();
        if (missing != null) System.err.println("*** SKIPPED AcmeServiceTest: " + missing + " ***");
        Assumptions.assumeTrue(missing == null, missing);
        db = new SqliteFixture(dir);
        reads = db.emf.createEntityManager();
        CommandBus bus = new CommandBus(new StateMachine(), db);
        store = new CertificateService();
        store.em = reads;
        store.bus = bus;
        acme = new AcmeService();
        acme.em = reads;
        acme.bus = bus;
        acme.certificates = store;
        acme.edge = new Edge();
        acme.snapshots = new Snapshots();
        acme.startup = new Startup(settings());
        acme.timers = (TimerService) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {TimerService.class},
                (proxy, method, args) -> {
                    timers.add(method.getName() + " " + args[0]);
                    return null;
                });
    }

    ServerSettings settings() throws Exception {
        Path ca = Files.writeString(dir.resolve("pebble-tls.pem"), pebble.tlsCertPem);
        Map<String, String> config = Map.of("yoq.data.dir", dir.toString(), "yoq.acme.directory_url", pebble.directory().toString(),
                "yoq.acme.ca_pem", ca.toString(), "yoq.proxy.acme_port", String.valueOf(pebble.httpPort));
        return ServerSettings.from(k -> Optional.ofNullable(config.get(k)), Map.of(), dir.toString());
    }

    @AfterEach
    void close() {
        if (reads != null) reads.close();
        if (db != null) db.close();
    }

    /** EdgeSync as the proxy would see it: the answer served on pebble's validation port. */
    final class Edge extends EdgeSync {
        @Override
        public void putChallenge(String token, String keyAuthorization) {
            edgeCalls.add("put " + token);
            CountDownLatch h = hold;
            if (h != null) {
                try {
                    h.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (serve) served.put(token, keyAuthorization);
        }

        @Override
        public void removeChallenge(String token) {
            edgeCalls.add("remove " + token);
            served.remove(token);
        }
    }

    static final class Startup extends ServerStartup {
        private final ServerSettings settings;

        Startup(ServerSettings settings) {
            this.settings = settings;
        }

        @Override
        public ServerSettings settings() {
            return settings;
        }

        @Override
        public StartupReport report() {
            return new StartupReport(true, "node", 8, 0, null);
        }
    }

    @Test
    void provision_over_http01_stores_the_certificate_its_settings_and_the_account_and_renew_reuses_them() {
        AcmeService.Result r = acme.provision("Web.yoq.test", AcmeRequest.NONE);
        assertThat(r.domain()).isEqualTo("web.yoq.test");
        assertThat(edgeCalls).hasSize(2).allMatch(c -> c.startsWith("put ") || c.startsWith("remove "));
        CertificateService.Summary stored = store.list().get(0);
        assertThat(stored.source()).isEqualTo("acme");
        assertThat(stored.notAfter()).isEqualTo(r.notAfter());
        assertThat(store.acmeConfigs()).containsExactly(Map.entry("web.yoq.test",
                new AcmeConfig("admin@web.yoq.test", pebble.directory().toString(), "http-01", null, null, null, null)));
        String firstChain = store.all().get(0).certPem();

        acme.renew("web.yoq.test", AcmeRequest.NONE);
        assertThat(store.all().get(0).certPem()).isNotEqualTo(firstChain);
        assertThat(store.list().get(0).createdAt()).isEqualTo(stored.createdAt());
        assertThat(count("SELECT COUNT(*) FROM acme_accounts")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM acme_accounts WHERE account_url LIKE 'https://localhost:%'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE action IN ('certificate_provision', 'certificate_renew') AND outcome = 'ok'")).isEqualTo(2);
    }

    @Test
    void a_failing_renewal_keeps_the_old_certificate_and_backs_off_with_its_message() {
        acme.provision("keep.yoq.test", new AcmeRequest("ops@yoq.test", null, null, null, null, null, null, null));
        String chain = store.all().get(0).certPem();
        serve = false;   // the proxy does not answer: pebble gets a 404
        assertThatThrownBy(() -> acme.renew("keep.yoq.test", AcmeRequest.NONE))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.UPSTREAM))
                .hasMessageStartingWith("ACME order for keep.yoq.test: challenge http-01 invalid: ");
        assertThat(store.all().get(0).certPem()).isEqualTo(chain);
        AcmeRenewals.Failure f = acme.renewalFailures().get("keep.yoq.test");
        assertThat(f.message()).startsWith("ACME order for keep.yoq.test: challenge http-01 invalid: ");
        assertThat(f.backoffMs()).isEqualTo(3_600_000L);
        assertThat(timers).containsExactly("createSingleActionTimer 3600000");
        serve = true;
        acme.renew("keep.yoq.test", AcmeRequest.NONE);
        assertThat(acme.renewalFailures()).isEmpty();
    }

    @Test
    void a_second_order_for_a_domain_is_refused_while_the_first_runs() throws Exception {
        hold = new CountDownLatch(1);
        CompletableFuture<AcmeService.Result> first = CompletableFuture.supplyAsync(() -> acme.provision("busy.yoq.test", AcmeRequest.NONE));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (edgeCalls.isEmpty() && System.nanoTime() < end) Thread.sleep(20);
        assertThatThrownBy(() -> acme.provision("busy.yoq.test", AcmeRequest.NONE))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.CONFLICT))
                .hasMessage("an ACME order for busy.yoq.test is already running");
        hold.countDown();
        hold = null;
        assertThat(first.get(90, TimeUnit.SECONDS).domain()).isEqualTo("busy.yoq.test");
    }

    @Test
    void requests_that_cannot_work_are_refused_before_the_ca_is_asked() {
        assertThatThrownBy(() -> acme.provision("a.yoq.test", new AcmeRequest(null, null, null, null, "cloudflare", null, null, null)))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.INVALID))
                .hasMessage("dns provider cloudflare is not built: use exec");
        assertThatThrownBy(() -> acme.provision("*.yoq.test", AcmeRequest.NONE))
                .hasMessage("a wildcard certificate needs the dns-01 challenge (and a dns provider)");
        assertThatThrownBy(() -> acme.renew("none.yoq.test", AcmeRequest.NONE))
                .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.NOT_FOUND))
                .hasMessage("certificate not found: none.yoq.test (obtain one with `yoq cert provision none.yoq.test`)");
        assertThat(edgeCalls).isEmpty();
    }

    @Test
    void a_service_whose_finished_release_has_tls_acme_gets_its_certificate_once() {
        String toml = "app = \"shop\"\n[service.web]\nimage = \"nginx\"\n[service.web.tls]\ndomain = \"Shop.yoq.test\"\n"
                + "[service.web.tls.acme]\nemail = \"ops@yoq.test\"\ndirectory_url = \"" + pebble.directory() + "\"\n";
        String snapshot = AppSnapshot.json(ManifestLoader.parse(toml, "yoq.toml", "shop", k -> null).manifest());
        acme.bus.submit(new Command.EnsureService("shop", "web", List.of(), 1, "10.43.0.0/16", "[]", "shop.yoq.test", 1_000));
        acme.bus.submit(new Command.CreateRelease("r1", "shop", "apply", null, "sha256:r1", snapshot, "api", 1_000));
        acme.provisionFromManifests();
        assertThat(store.list()).as("the rollout is not over yet").isEmpty();

        acme.bus.submit(new Command.RecordRolloutProgress("r1", "completed", null, 1, 0, null, "[]", "{}"));
        acme.provisionFromManifests();
        assertThat(store.list()).extracting(CertificateService.Summary::domain, CertificateService.Summary::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("shop.yoq.test", "acme"));
        assertThat(store.acmeConfigs().get("shop.yoq.test")).isEqualTo(new AcmeConfig("ops@yoq.test", pebble.directory().toString(), "http-01",
                null, null, null, null));
        int orders = edgeCalls.size();
        acme.provisionFromManifests();
        assertThat(edgeCalls).as("a domain with a certificate is left to renewal").hasSize(orders);
    }

    /** Snapshots read through the test's entity manager (the real one's is the container's). */
    final class Snapshots extends ReleaseSnapshots {
        @Override
        public Manifest of(String releaseId) {
            if (releaseId == null) return null;
            ReleaseRecord r = reads.find(ReleaseRecord.class, releaseId, FreshReads.FIND);
            return r == null ? null : SnapshotReader.read(r.getConfigSnapshot());
        }
    }

    long count(String sql) {
        try {
            return db.count(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
