package dev.yoq.node.daemon.bpf;

/** BPF cannot be used on this node; the message says why in words an operator can act on. */
public final class BpfUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public BpfUnavailableException(String message) {
        super(message);
    }

    public BpfUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
