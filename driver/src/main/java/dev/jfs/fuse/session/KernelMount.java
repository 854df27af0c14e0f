package dev.jfs.fuse.session;

import dev.jfs.UserError;
import dev.jfs.posix.FsException;
import dev.jfs.posix.Posix;
import java.nio.file.Path;

/** Mounts a FUSE connection with mount(2) itself, as root may. */
public final class KernelMount {
    private static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_NOATIME = 1024,
            MS_NODIRATIME = 2048, MS_STRICTATIME = 1 << 24;
    private KernelMount() {}

    /**
     * Mounts {@code device}'s connection at {@code settings.mountPoint()}. The kernel then sends
     * INIT on the device; nothing may look at the mountpoint until a session answers it.
     */
    static void mount(FuseDevice device, MountSettings settings) {
        Path mnt = settings.mountPoint();
        long flags = 0;
        if (!settings.devices()) flags |= MS_NODEV;
        if (!settings.setuid()) flags |= MS_NOSUID;
        if (settings.strictatime()) flags |= MS_STRICTATIME;
        else if (settings.noatime()) flags |= MS_NOATIME;
        if (settings.nodiratime()) flags |= MS_NODIRATIME;
        if (settings.readOnly()) flags |= MS_RDONLY;
        if (!settings.executables()) flags |= MS_NOEXEC;
        String data = "fd=" + device.fd + ",rootmode=40000,user_id=" + Posix.geteuid() + ",group_id=" + Posix.getegid()
                + ",default_permissions" + (settings.allowOther() ? ",allow_other" : "");
        try {
            Posix.mount(settings.fsName(), mnt.toString(), "fuse." + settings.subtype(), flags, data);
        } catch (FsException e) {
            throw new UserError("mounting " + mnt + ": " + Posix.strerror(e.errno()));
        }
    }
}
