package dev.yoq.node.daemon.bpf;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The part of libbpf 1.x (libbpf.so.1) the dataplane uses. libbpf 1.x returns negative errno values from the
 * low-level bpf_* calls, and NULL plus errno from the bpf_object__open* calls (its "1.0 mode" is the default).
 */
interface Libbpf extends Library {
    /** The runtime library by its soname, so no libbpf-dev symlink is needed on a node. */
    String SONAME = "libbpf.so.1";

    Pointer bpf_object__open_mem(Pointer buf, long size, Pointer opts);

    int bpf_object__load(Pointer obj);

    void bpf_object__close(Pointer obj);

    Pointer bpf_object__find_program_by_name(Pointer obj, String name);

    int bpf_program__fd(Pointer prog);

    int bpf_program__pin(Pointer prog, String path);

    Pointer bpf_object__find_map_by_name(Pointer obj, String name);

    int bpf_map__fd(Pointer map);

    int bpf_map__pin(Pointer map, String path);

    int bpf_obj_get(String path);

    int bpf_obj_get_info_by_fd(int fd, Pointer info, IntByReference infoLen);

    int bpf_map_update_elem(int fd, byte[] key, byte[] value, long flags);

    int bpf_map_lookup_elem(int fd, byte[] key, byte[] value);

    int bpf_map_delete_elem(int fd, byte[] key);

    int bpf_map_get_next_key(int fd, byte[] key, byte[] nextKey);

    Pointer libbpf_set_print(PrintFn fn);

    /** libbpf_print_fn_t: (enum libbpf_print_level, const char *fmt, va_list). On x86_64 a va_list argument is a pointer. */
    interface PrintFn extends Callback {
        int callback(int level, String fmt, Pointer args);
    }

    /** libc's vsnprintf and close, to format libbpf's messages and release fds. */
    interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int vsnprintf(Pointer buf, long size, String fmt, Pointer args);

        int close(int fd);
    }

    int LIBBPF_WARN = 0;
    int LIBBPF_INFO = 1;

    /**
     * Loads libbpf and routes its messages: warnings (which include the verifier's log of a refused program) are kept
     * for the exception text; warnings and infos go to the current logger. libbpf's print hook is process global,
     * so the sink is a static field and loads are serialised by the caller (BpfDataplane.open is synchronized).
     */
    final class Holder {
        static Libbpf lib;
        static volatile Consumer<String> sink = s -> {};
        static final List<String> warnings = new ArrayList<>();
        /** Strongly referenced for the life of the process: libbpf keeps the raw function pointer. */
        static final PrintFn PRINT = new Printer();

        /** A named class, not a lambda: JNA looks the callback method up by reflection on the implementing class. */
        static final class Printer implements PrintFn {
            @Override
            public int callback(int level, String fmt, Pointer args) {
                if (level > LIBBPF_INFO) return 0;
                try (Memory buf = new Memory(65536)) {
                    buf.clear();
                    C.INSTANCE.vsnprintf(buf, buf.size(), fmt, args);
                    String msg = buf.getString(0).stripTrailing();
                    if (level == LIBBPF_WARN) {
                        synchronized (warnings) {
                            warnings.add(msg);
                        }
                    }
                    sink.accept("libbpf: " + msg);
                } catch (Throwable t) {
                    // never throw across the native boundary
                }
                return 0;
            }
        }

        private Holder() {}

        static synchronized Libbpf get() throws BpfUnavailableException {
            if (lib == null) {
                try {
                    lib = Native.load(SONAME, Libbpf.class);
                } catch (UnsatisfiedLinkError e) {
                    throw new BpfUnavailableException("libbpf is not installed (" + SONAME + " not found: apt-get install libbpf1): "
                            + e.getMessage(), e);
                }
                lib.libbpf_set_print(PRINT);
            }
            return lib;
        }

        /** Drains the warnings collected since the last call: the verifier log of a refused load, for example. */
        static String takeWarnings() {
            synchronized (warnings) {
                String all = String.join("\n", warnings);
                warnings.clear();
                return all;
            }
        }
    }
}
