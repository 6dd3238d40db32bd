package dev.yoq.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.model.ImageRecord;
import java.io.IOException;
import java.util.List;

/** An image as the API shows it (spec §1.2's JSON fields, plus the reference, layers and what inspect shows). */
public record ImageView(String id, String reference, String repository, String tag, String manifestDigest,
                        String configDigest, long sizeBytes, List<String> layerDigests, long createdAt, ImageConfig config) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public int layers() { return layerDigests.size(); }

    static ImageView of(ImageRecord r) {
        String repo = r.getRegistry().equals(ImageReference.DOCKER_HUB) ? r.getRepository() : r.getRegistry() + "/" + r.getRepository();
        try {
            List<String> layers = JSON.readValue(r.getLayersJson(), new TypeReference<List<String>>() {});
            return new ImageView(r.getId(), r.getReference(), repo, r.getTag(), r.getManifestDigest(), r.getConfigDigest(),
                    r.getTotalSize(), layers, r.getCreatedAt() / 1000, ImageConfig.read(r.getConfigJson()));
        } catch (IOException e) {
            throw new IllegalStateException("image record " + r.getId() + " holds unreadable JSON: " + e.getMessage(), e);
        }
    }
}
