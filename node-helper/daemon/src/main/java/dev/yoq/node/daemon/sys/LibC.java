package dev.yoq.node.daemon.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

/** The few libc calls the JDK does not offer: signals to arbitrary pids, pidfds and poll. x86_64 numbers. */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int SYS_PIDFD_OPEN = 434;
    int SIGKILL = 9;
    int SIGTERM = 15;
    short POLLIN = 1;
    int ESRCH = 3;

    int kill(int pid, int signal) throws LastErrorException;

    long syscall(long number, Object... args) throws LastErrorException;

    int poll(PollFd[] fds, int nfds, int timeoutMs) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int open(String path, int flags, int mode) throws LastErrorException;

    int mknod(String path, int mode, long dev) throws LastErrorException;

    int chmod(String path, int mode) throws LastErrorException;

    int lchown(String path, int uid, int gid) throws LastErrorException;

    int lsetxattr(String path, String name, byte[] value, long size, int flags) throws LastErrorException;

    long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    int S_IFCHR = 0020000;
    int S_IFIFO = 0010000;

    int O_WRONLY = 1;
    int O_CREAT = 0100;
    int O_TRUNC = 01000;
    int O_CLOEXEC = 02000000;

    @Structure.FieldOrder({"fd", "events", "revents"})
    class PollFd extends Structure {
        public int fd;
        public short events;
        public short revents;
    }

    /** Opens a pidfd (readable once the process has exited), or returns -1 when the process is already gone. */
    static int pidfdOpen(int pid) {
        try {
            return (int) INSTANCE.syscall(SYS_PIDFD_OPEN, (long) pid, 0L);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) return -1;
            throw e;
        }
    }

    /** Sends a signal; false when the process no longer exists. */
    static boolean signal(int pid, int signal) {
        try {
            INSTANCE.kill(pid, signal);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ESRCH) return false;
            throw e;
        }
    }
}
