package dev.jfs.fuse.session;

import dev.jfs.UserError;
import dev.jfs.posix.Posix;
import java.nio.file.Path;

/** Mounts a FUSE connection with mount(2) itself, as root may. */
public final class KernelMount {
    private KernelMount() {}

    /**
     * Mounts {@code device}'s connection at {@code settings.mountPoint()}. The kernel then sends
     * INIT on the device; nothing may look at the mountpoint until a session answers it.
     */
    static void mount(FuseDevice device, MountSettings settings) {
        Path mnt = settings.mountPoint();
        long flags = 0;
        if (!settings.devices()) flags |= MountCalls.MS_NODEV;
        if (!settings.setuid()) flags |= MountCalls.MS_NOSUID;
        if (settings.noatime()) flags |= MountCalls.MS_NOATIME;
        String data = "fd=" + device.fd + ",rootmode=40000,user_id=" + Posix.geteuid() + ",group_id=" + Posix.getegid()
                + ",default_permissions" + (settings.allowOther() ? ",allow_other" : "");
        if (MountCalls.LIBC.mount(settings.fsName(), mnt.toString(), "fuse." + settings.subtype(), flags, data) != 0) {
            int e = MountCalls.errno();
            throw new UserError("mounting " + mnt + ": " + Posix.strerror(e));
        }
    }
}
