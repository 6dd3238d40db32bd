package dev.yoq.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/** Edits an OCI image layout on disk: what skopeo 1.9 cannot do for a test image. */
final class OciLayouts {
    private OciLayouts() {}

    /** Adds {@code newTag}: the image {@code tag} with every gzip layer recompressed as zstd (same config). */
    static void recompressZstd(Path layout, String tag, String newTag) throws Exception {
        ObjectNode index = (ObjectNode) YoqServer.JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode entry = null;
        for (JsonNode m : index.path("manifests")) {
            if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) entry = m;
        }
        ObjectNode manifest = (ObjectNode) YoqServer.JSON.readTree(blob(layout, entry.path("digest").asText()).toFile());
        for (JsonNode l : manifest.path("layers")) {
            ObjectNode layer = (ObjectNode) l;
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            try (InputStream in = new GZIPInputStream(Files.newInputStream(blob(layout, layer.path("digest").asText())));
                 ZstdOutputStream out = new ZstdOutputStream(z)) {
                in.transferTo(out);
            }
            layer.put("mediaType", "application/vnd.oci.image.layer.v1.tar+zstd").put("digest", write(layout, z.toByteArray()))
                    .put("size", z.size());
        }
        byte[] manifestBytes = YoqServer.JSON.writeValueAsBytes(manifest);
        ObjectNode newEntry = ((ObjectNode) entry).deepCopy();
        newEntry.put("digest", write(layout, manifestBytes)).put("size", manifestBytes.length);
        ((ObjectNode) newEntry.path("annotations")).put("org.opencontainers.image.ref.name", newTag);
        index.withArray("manifests").add(newEntry);
        Files.write(layout.resolve("index.json"), YoqServer.JSON.writeValueAsBytes(index));
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring(7));
    }

    private static String write(Path layout, byte[] content) throws Exception {
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        Files.write(blob(layout, digest), content);
        return digest;
    }
}
