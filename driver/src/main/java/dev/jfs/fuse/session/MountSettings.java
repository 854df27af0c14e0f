package dev.jfs.fuse.session;

import java.nio.file.Path;

/** How a connection is mounted: where, under which names, with which of mount(8)'s flags. */
public record MountSettings(Path mountPoint, String fsName, String subtype, boolean allowOther, boolean devices,
                            boolean setuid, boolean noatime) {
    /** The same as fusermount3's -o list. */
    String optionList() {
        StringBuilder o = new StringBuilder("fsname=" + fsName + ",subtype=" + subtype + ",default_permissions");
        if (allowOther) o.append(",allow_other");
        o.append(devices ? ",dev" : ",nodev").append(setuid ? ",suid" : ",nosuid").append(noatime ? ",noatime" : "");
        return o.toString();
    }
}
