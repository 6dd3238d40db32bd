package dev.yoq.node.daemon;

import dev.yoq.node.protocol.Wire;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/** Fans container events out to every subscribed connection; a subscriber that fails to take one is dropped. */
public final class EventHub {
    public interface Subscriber {
        /** Delivers one event; false when the subscriber is gone. */
        boolean deliver(Wire.Event event);
    }

    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private final Consumer<String> log;

    public EventHub(Consumer<String> log) { this.log = log; }

    public void subscribe(Subscriber s) { subscribers.add(s); }

    public void unsubscribe(Subscriber s) { subscribers.remove(s); }

    public void publish(Wire.Event event) {
        log.accept("event " + event.event() + " " + event.container().id()
                + (event.container().exitCode() == null ? "" : " exit_code=" + event.container().exitCode()));
        for (Subscriber s : subscribers) {
            if (!s.deliver(event)) subscribers.remove(s);
        }
    }
}
