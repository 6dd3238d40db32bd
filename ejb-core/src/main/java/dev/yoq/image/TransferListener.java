package dev.yoq.image;

/** What the registry client reports as blobs move; every method is called from the transfer's worker threads. */
public interface TransferListener {
    TransferListener NONE = new TransferListener() {};

    /** The blob is part of this transfer (before any byte moves). */
    default void blob(Manifests.Descriptor d) {}

    /** {@code n} more bytes of the blob went over the wire. */
    default void bytes(String digest, long n) {}

    /** The blob is in the store (or in the registry, for a push); {@code moved} is false when it already was. */
    default void done(Manifests.Descriptor d, boolean moved) {}

    /** A layer blob of a pull is stored and verified: it can be unpacked while the others still download. */
    default void layerStored(Manifests.Descriptor d) {}
}
