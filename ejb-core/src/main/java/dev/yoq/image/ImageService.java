package dev.yoq.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.model.ImageRecord;
import dev.yoq.node.NodeClient;
import dev.yoq.node.NodeConnector;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.server.ServerStartup;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.FreshReads;
import dev.yoq.state.CommandRejectedException;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Images on this node: pull (registry → blob store → layers unpacked by the helper → a record by command), list,
 * inspect, remove, push, login, prune, and what {@code yoq run IMAGE} needs. Registries: anonymous, basic or
 * token flow; plain HTTP where {@link RegistrySettings} allows it.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ImageService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ImageService.class.getName());

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    CommandBus bus;

    @Inject
    NodeConnector node;

    @EJB
    ServerStartup startup;

    /** What a container made from an image gets: its layers (top first) and its config defaults. */
    public record Resolved(String reference, List<String> lowerDirs, ImageConfig config) {}

    /**
     * How one pull or push talks to its registry: {@code insecure} allows plain HTTP to it (the CLI's
     * {@code --insecure}), {@code platform} overrides the configured one, {@code progressId} names the transfer
     * for {@code GET /transfers/{id}}. All optional.
     */
    public record TransferOptions(boolean insecure, String platform, String progressId) {
        public static final TransferOptions NONE = new TransferOptions(false, null, null);
    }

    public ImageView pull(String text) {
        return pull(text, TransferOptions.NONE);
    }

    /** Registry → blob store (layers unpacked by the helper as they arrive) → an image record by command. */
    public ImageView pull(String text, TransferOptions options) {
        ImageReference ref = parse(text);
        RegistrySettings settings = settings(ref, options);
        return transfer("pull", ref, options, progress -> {
            try (LayerUnpacking unpacking = new LayerUnpacking(node, ref)) {
                BlobStore store = new BlobStore(startup.settings().layout().blobs());
                long start = System.nanoTime();
                RegistryClient.Pulled pulled = registry("pull " + ref, () -> new RegistryClient(credentials(), settings).pull(ref, store,
                        new TransferListener() {
                            @Override public void blob(Manifests.Descriptor d) { progress.blob(d); }
                            @Override public void bytes(String digest, long n) { progress.bytes(digest, n); }
                            @Override public void done(Manifests.Descriptor d, boolean moved) { progress.done(d, moved); }
                            @Override public void layerStored(Manifests.Descriptor d) { unpacking.submit(d.digest()); }
                        }));
                long fetched = System.nanoTime();
                unpacking.awaitAll();
                long unpacked = System.nanoTime();
                record(ref, pulled, store);
                LOG.info(() -> String.format("pulled %s: %d of %d blobs fetched, %d MB; download %d ms, then unpack %d ms, record %d ms",
                        ref, pulled.blobsFetched(), pulled.layers().size() + 1, pulled.totalSize() >> 20, (fetched - start) / 1_000_000,
                        (unpacked - fetched) / 1_000_000, (System.nanoTime() - unpacked) / 1_000_000));
                return get(ref.toString());
            }
        });
    }

    /**
     * Runs a pull or push as a transfer: registered for {@code GET /transfers/{id}}, holding the store shared (so
     * prune waits for it), and ended with its outcome whatever happens.
     */
    private <T> T transfer(String kind, ImageReference ref, TransferOptions options, java.util.function.Function<TransferProgress, T> work) {
        TransferProgress progress = Transfers.begin(options.progressId(), kind, ref.toString());
        String failure = "interrupted";
        Transfers.STORE.readLock().lock();
        try {
            T result = work.apply(progress);
            failure = null;
            return result;
        } catch (RuntimeException e) {
            failure = e.getMessage();
            throw e;
        } finally {
            Transfers.STORE.readLock().unlock();
            Transfers.end(progress, failure);
        }
    }

    /** A registry call whose I/O failures become the API's 502, the message starting with {@code what}. */
    private interface RegistryCall<T> {
        T call() throws IOException, InterruptedException;
    }

    /** Refuses registries on link-local addresses and this server's own port ({@link RegistryTargets}). */
    private void checkTarget(String registry) {
        java.util.List<java.net.InetAddress> resolved;
        try {
            resolved = java.util.List.of(java.net.InetAddress.getAllByName(RegistryTargets.host(registry)));
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return;   // the request itself fails with the registry's name in the message
        }
        var server = startup.settings();
        RegistryTargets.refusal(registry, resolved, java.util.Set.of(server.apiPort()), ImageService::isLocalAddress,
                        server.registries().allowed())
                .ifPresent(why -> { throw new ImageException(ImageException.Kind.INVALID, why); });
    }

    private static boolean isLocalAddress(java.net.InetAddress a) {
        try {
            return java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    private static <T> T registry(String what, RegistryCall<T> call) {
        try {
            return call.call();
        } catch (IllegalArgumentException e) {
            throw new ImageException(ImageException.Kind.INVALID, what + ": " + e.getMessage());
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.REGISTRY, what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(ImageException.Kind.REGISTRY, what + ": interrupted");
        }
    }

    private void record(ImageReference ref, RegistryClient.Pulled pulled, BlobStore store) {
        List<String> layers = new ArrayList<>();
        for (Manifests.Descriptor layer : pulled.layers()) layers.add(layer.digest());
        try (InputStream in = store.open(pulled.configDigest())) {
            ImageConfig config = ImageConfig.parse(in.readAllBytes());
            bus.submit(new Command.RecordImage(idOf(ref), ref.registry(), ref.repository(), tagOf(ref), ref.toString(),
                    pulled.manifestDigest(), pulled.configDigest(), pulled.totalSize(), JSON.writeValueAsString(layers),
                    config.toJson(), System.currentTimeMillis()));
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.REGISTRY, "pull " + ref + ": bad image config: " + e.getMessage());
        }
    }

    private RegistrySettings settings(ImageReference ref, TransferOptions options) {
        checkTarget(ref.registry());
        RegistrySettings s = startup.settings().registries();
        if (options.insecure()) s = s.allowingPlainHttp(ref.registry());
        try {
            return s.withPlatform(options.platform());
        } catch (IllegalArgumentException e) {
            throw new ImageException(ImageException.Kind.INVALID, e.getMessage().replace("yoq.image.platform", "platform"));
        }
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<ImageView> list() {
        return FreshReads.fresh(em.createQuery("SELECT r FROM ImageRecord r ORDER BY r.createdAt, r.id", ImageRecord.class))
                .getResultList().stream().map(ImageView::of).toList();
    }

    /** By id or by reference (as typed: "busybox", "127.0.0.1:5000/app:1"). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public ImageView get(String idOrReference) {
        return ImageView.of(record(idOrReference));
    }

    public void remove(String idOrReference) {
        try {
            bus.submit(new Command.RemoveImage(record(idOrReference).getId()));
        } catch (CommandRejectedException e) {
            throw new ImageException(ImageException.Kind.IN_USE, e.getMessage());
        }
    }

    /** Pushes a stored image to {@code target} (default: where it came from); the target is recorded as a tag too. */
    public RegistryPusher.Pushed push(String source, String target, TransferOptions options) {
        ImageRecord r = record(source);
        ImageReference from = parse(r.getReference());
        ImageReference to = target == null || target.isBlank() ? from : parse(target);
        BlobStore store = new BlobStore(startup.settings().layout().blobs());
        return transfer("push", to, options, progress -> {
            RegistryPusher.Pushed pushed = registry("push " + to, () -> new RegistryPusher(credentials(), 16L << 20, settings(to, options))
                    .push(to, from, r.getManifestDigest(), store, progress));
            if (!to.toString().equals(r.getReference())) {
                bus.submit(new Command.RecordImage(idOf(to), to.registry(), to.repository(), tagOf(to), to.toString(),
                        r.getManifestDigest(), r.getConfigDigest(), r.getTotalSize(), r.getLayersJson(), r.getConfigJson(),
                        System.currentTimeMillis()));
            }
            return pushed;
        });
    }

    /** The tags of a registry repository ({@code host/name}; a tag or digest in the text is ignored). */
    public List<String> tags(String repository, boolean insecure) {
        if (repository == null) throw new ImageException(ImageException.Kind.INVALID, "repository: must be a string");
        ImageReference ref = parse(repository);
        RegistrySettings settings = settings(ref, new TransferOptions(insecure, null, null));
        return registry("tags of " + ref.registry() + "/" + ref.repository(), () -> new RegistryClient(credentials(), settings).tags(ref));
    }

    /** Checks the credentials with the registry, then stores them (0600) for later pulls. */
    public void login(String requested, String username, String password, boolean insecure) {
        String registry;
        try {
            registry = RegistryTargets.normalize(requested);
        } catch (IllegalArgumentException e) {
            throw new ImageException(ImageException.Kind.INVALID, e.getMessage());
        }
        checkTarget(registry);
        if (username == null || username.isEmpty() || password == null) throw new ImageException(ImageException.Kind.INVALID, "username and password are needed");
        RegistryClient.Credentials given = new RegistryClient.Credentials(username, password);
        RegistrySettings settings = startup.settings().registries();
        registry("login " + registry, () -> {
            new RegistryClient(r -> given, insecure ? settings.allowingPlainHttp(registry) : settings).login(registry);
            credentials().save(registry, given);
            return null;
        });
    }

    private RegistryCredentials credentials() {
        String home = System.getProperty("user.home");
        return new RegistryCredentials(startup.settings().layout().root().resolve("registry_auth.json"),
                home == null ? null : java.nio.file.Path.of(home, ".docker", "config.json"));
    }

    public record Pruned(long blobsRemoved, long layersRemoved, long bytesReclaimed) {}

    /**
     * Deletes blobs no image references and unpacked layers no image or container uses. Waits (up to 20 s) for
     * running pulls and pushes to end first, so it never takes a blob one of them is about to record.
     */
    public Pruned prune() {
        try {
            if (!Transfers.STORE.writeLock().tryLock(20, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new ImageException(ImageException.Kind.IN_USE, "a pull or push is running: prune again when it has ended");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException(ImageException.Kind.UNAVAILABLE, "prune: interrupted");
        }
        try {
            return pruneUnreferenced();
        } finally {
            Transfers.STORE.writeLock().unlock();
        }
    }

    private Pruned pruneUnreferenced() {
        Set<String> referenced = new java.util.HashSet<>();
        Set<String> layers = new java.util.HashSet<>();
        try {
            for (ImageRecord r : FreshReads.fresh(em.createQuery("SELECT r FROM ImageRecord r", ImageRecord.class)).getResultList()) {
                referenced.add(r.getManifestDigest());
                referenced.add(r.getConfigDigest());
                layers.addAll(JSON.readValue(r.getLayersJson(), new TypeReference<List<String>>() {}));
            }
            referenced.addAll(layers);
            BlobStore store = new BlobStore(startup.settings().layout().blobs());
            long blobs = 0, bytes = 0;
            for (String digest : store.list()) {
                if (referenced.contains(digest)) continue;
                bytes += store.size(digest);
                if (store.delete(digest)) blobs++;
            }
            try (NodeClient client = node.open()) {
                Map<String, Long> unpacked = client.pruneLayers(layers);
                return new Pruned(blobs, unpacked.getOrDefault("layers_removed", 0L), bytes + unpacked.getOrDefault("bytes", 0L));
            }
        } catch (HelperException e) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE, e.getMessage());
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE, "prune: " + e.getMessage());
        }
    }

    /** The image's layers and defaults, pulling it first when it is not here yet. */
    public Resolved resolve(String text) {
        ImageRecord r = find(text);
        if (r == null) {
            pull(text);
            r = record(text);
        }
        try {
            List<String> digests = JSON.readValue(r.getLayersJson(), new TypeReference<List<String>>() {});
            List<String> lower = new ArrayList<>();
            try (NodeClient client = node.open()) {
                for (String d : digests) lower.add(client.unpack(d).toString());   // present, or made again after a prune
            }
            Collections.reverse(lower);   // overlay wants the top layer first
            return new Resolved(r.getReference(), lower, ImageConfig.read(r.getConfigJson()));
        } catch (HelperException e) {
            throw new ImageException(ImageException.Kind.INVALID, e.getMessage());
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE, e.getMessage());
        }
    }

    private ImageRecord record(String idOrReference) {
        ImageRecord r = find(idOrReference);
        if (r == null) throw new ImageException(ImageException.Kind.NOT_FOUND, "no such image: " + idOrReference);
        return r;
    }

    private ImageRecord find(String idOrReference) {
        if (idOrReference != null && idOrReference.matches("[0-9a-f]{12}")) {
            ImageRecord byId = em.find(ImageRecord.class, idOrReference, FreshReads.FIND);
            if (byId != null) return byId;
        }
        String reference = parse(idOrReference).toString();
        return FreshReads.fresh(em.createQuery("SELECT r FROM ImageRecord r WHERE r.reference = :ref", ImageRecord.class))
                .setParameter("ref", reference).getResultStream().findFirst().orElse(null);
    }

    private static ImageReference parse(String text) {
        try {
            return ImageReference.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ImageException(ImageException.Kind.INVALID, e.getMessage());
        }
    }

    static String idOf(ImageReference ref) {
        return BlobStore.digestOf(ref.toString().getBytes(StandardCharsets.UTF_8)).substring(7, 19);
    }

    private static String tagOf(ImageReference ref) {
        return ref.tag() != null ? ref.tag() : ref.digest();
    }
}
