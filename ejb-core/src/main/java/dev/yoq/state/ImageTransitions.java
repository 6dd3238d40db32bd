package dev.yoq.state;

import dev.yoq.model.ImageRecord;
import jakarta.persistence.EntityManager;

/** The state machine's image commands. */
final class ImageTransitions {
    private ImageTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.RecordImage c) {
            ImageRecord r = em.find(ImageRecord.class, c.id());
            if (r == null) {
                r = new ImageRecord(c.id(), c.registry(), c.repository(), c.tag(), c.reference(), c.at());
                r.pulled(c.manifestDigest(), c.configDigest(), c.totalSize(), c.layersJson(), c.configJson());
                em.persist(r);
            } else {
                r.pulled(c.manifestDigest(), c.configDigest(), c.totalSize(), c.layersJson(), c.configJson());
            }
            return c.id();
        }
        if (command instanceof Command.RemoveImage c) {
            ImageRecord r = em.find(ImageRecord.class, c.id());
            if (r == null) throw new CommandRejectedException("no such image: " + c.id());
            long users = ((Number) em.createNativeQuery("SELECT COUNT(*) FROM containers WHERE image = ?1")
                    .setParameter(1, r.getReference()).getSingleResult()).longValue();
            if (users > 0) {
                throw new CommandRejectedException("image " + r.getReference() + " is used by " + users + " container(s): remove them first");
            }
            em.remove(r);
            return null;
        }
        throw new IllegalArgumentException(command.getClass().getName());
    }
}
