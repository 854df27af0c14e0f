package dev.jfs.posix;

/**
 * A thread that keeps its {@link Posix} scratch buffer in a field: for threads that make one
 * system call after another (FUSE request threads). Other threads find theirs through a
 * ThreadLocal, whose look-up is a call into the VM on the C1 compiler the daemon runs.
 */
public final class PosixThread extends Thread {
    final NativeBuffer scratch = Posix.newScratch();

    public PosixThread(Runnable task, String name) {
        super(task, name);
    }
}
