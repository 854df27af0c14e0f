package dev.jfs.fuse.adapter;

import static dev.jfs.fuse.protocol.Opcode.*;

import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;
import dev.jfs.fuse.session.FuseDevice;
import dev.jfs.fuse.session.Negotiated;
import dev.jfs.fuse.session.Operations;
import dev.jfs.posix.Errno;
import dev.jfs.posix.FsException;
import dev.jfs.union.UnionFs;

/**
 * The union served over FUSE: each request's node ids and handles turned into union paths and
 * descriptors, and the union's answer encoded. Requests jfs has no use for are answered ENOSYS,
 * which the kernel remembers (FLUSH, locks, ACCESS: permissions are the kernel's own checks
 * under default_permissions).
 */
public final class UnionOperations implements Operations {
    private final NameRequests names;
    private final FileRequests files;
    private final DirectoryRequests directories;
    private final Mounted mounted;

    public UnionOperations(UnionFs union, double entryTimeout, double attrTimeout, double negativeTimeout) {
        Mounted m = new Mounted(union, entryTimeout, attrTimeout, negativeTimeout);
        this.mounted = m;
        this.names = new NameRequests(m);
        this.files = new FileRequests(m, names);
        this.directories = new DirectoryRequests(m, names);
    }

    @Override
    public void initialized(Negotiated negotiated, FuseDevice device) {
        files.passthrough(negotiated.passthrough(), device);
        mounted.connected(device);
    }

    @Override
    public void serve(Request q, Reply r) {
        switch (q.opcode()) {
            case LOOKUP -> names.lookup(q, r);
            case FORGET -> names.forget(q);
            case BATCH_FORGET -> names.batchForget(q);
            case GETATTR -> names.getattr(q, r);
            case SETATTR -> names.setattr(q, r);
            case READLINK -> names.readlink(q, r);
            case SYMLINK -> names.symlink(q, r);
            case MKNOD -> names.mknod(q, r);
            case MKDIR -> names.mkdir(q, r);
            case UNLINK -> names.unlink(q, r);
            case RMDIR -> names.rmdir(q, r);
            case RENAME -> names.rename(q, r, false);
            case RENAME2 -> names.rename(q, r, true);
            case LINK -> names.link(q, r);
            case STATFS -> names.statfs(r);
            case SETXATTR -> names.setxattr(q, r);
            case GETXATTR -> names.getxattr(q, r);
            case LISTXATTR -> names.listxattr(q, r);
            case REMOVEXATTR -> names.removexattr(q, r);
            case OPEN -> files.open(q, r);
            case CREATE -> files.create(q, r);
            case READ -> files.read(q, r);
            case WRITE -> files.write(q, r);
            case RELEASE -> files.release(q);
            case FSYNC -> files.fsync(q);
            case FALLOCATE -> files.fallocate(q);
            case LSEEK -> files.lseek(q, r);
            case COPY_FILE_RANGE -> files.copyFileRange(q, r);
            case OPENDIR -> directories.opendir();
            case READDIR -> directories.readdir(q, r, false);
            case READDIRPLUS -> directories.readdir(q, r, true);
            case FSYNCDIR -> directories.fsyncdir(q);
            case NOTIFY_REPLY -> r.none();
            case DESTROY -> { }
            default -> throw new FsException(Errno.ENOSYS, name(q.opcode()));
        }
    }
}
