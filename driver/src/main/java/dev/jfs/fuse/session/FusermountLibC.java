package dev.jfs.fuse.session;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;

/**
 * The libc calls {@link Fusermount} needs to start fusermount3 with a socket it inherits and to
 * take the /dev/fuse descriptor it sends back. Java's ProcessBuilder can do neither: it closes
 * every inherited descriptor and has no SCM_RIGHTS. Public only because jnr-ffi implements it
 * in a class loader of its own.
 */
@SaveError
public interface FusermountLibC {
    int socketpair(int domain, int type, int protocol, int[] fds);
    long recvmsg(int fd, Pointer msg, int flags);
    int pipe2(int[] fds, int flags);
    long read(int fd, byte[] buf, long count);
    int close(int fd);

    /** These return the error number itself (0 on success), not -1 and errno. */
    int posix_spawn_file_actions_init(Pointer actions);
    int posix_spawn_file_actions_destroy(Pointer actions);
    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newfd);
    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);
    int posix_spawn(int[] pid, String path, Pointer actions, Pointer attributes, Pointer argv, Pointer envp);

    int waitpid(int pid, int[] status, int options);
}
