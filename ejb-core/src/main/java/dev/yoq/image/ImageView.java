package dev.yoq.image;

import dev.yoq.model.ImageRecord;

/** An image as the API shows it (spec §1.2's JSON fields, plus the reference and layer count). */
public record ImageView(String id, String reference, String repository, String tag, String manifestDigest,
                        String configDigest, long sizeBytes, int layers, long createdAt) {
    static ImageView of(ImageRecord r) {
        int layers = r.getLayersJson().equals("[]") ? 0 : r.getLayersJson().split(",").length;
        String repo = r.getRegistry().equals(ImageReference.DOCKER_HUB) ? r.getRepository() : r.getRegistry() + "/" + r.getRepository();
        return new ImageView(r.getId(), r.getReference(), repo, r.getTag(), r.getManifestDigest(), r.getConfigDigest(),
                r.getTotalSize(), layers, r.getCreatedAt() / 1000);
    }
}
