package dev.yoq.security;

import dev.yoq.server.ServerStartup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** This node's {@link SecretCipher} over {@code <data>/secrets.key}, made on first use. */
@ApplicationScoped
public class SecretKeys {
    public static final String KEY_FILE = "secrets.key";

    @Inject
    ServerStartup startup;

    private volatile SecretCipher cipher;

    public SecretCipher cipher() {
        SecretCipher c = cipher;
        if (c == null) {
            synchronized (this) {
                if (cipher == null) cipher = new SecretCipher(startup.settings().layout().root().resolve(KEY_FILE));
                c = cipher;
            }
        }
        return c;
    }
}
