package dev.jfs.runtime;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/** The two libc calls running a container needs and Java lacks: is a descriptor a terminal, and signal a process. */
@SaveError
public interface RuntimeLibC {
    int isatty(int fd);

    int kill(int pid, int signal);

    /** The binding, made on first use. */
    static RuntimeLibC get() {
        return Holder.LIBC;
    }

    final class Holder {
        static final RuntimeLibC LIBC = LibraryLoader.create(RuntimeLibC.class).failImmediately().load("c");

        private Holder() {}
    }
}
