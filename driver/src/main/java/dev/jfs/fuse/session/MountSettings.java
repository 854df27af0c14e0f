package dev.jfs.fuse.session;

import java.nio.file.Path;

/**
 * How a connection is mounted: where, under which names, with which of mount(8)'s flags
 * ({@code strictatime} wins over {@code noatime}).
 */
public record MountSettings(Path mountPoint, String fsName, String subtype, boolean allowOther, boolean devices,
                            boolean setuid, boolean noatime, boolean readOnly, boolean executables, boolean nodiratime,
                            boolean strictatime) {
    /** The same as fusermount3's -o list. */
    String optionList() {
        StringBuilder o = new StringBuilder("fsname=" + fsName + ",subtype=" + subtype + ",default_permissions");
        if (allowOther) o.append(",allow_other");
        o.append(devices ? ",dev" : ",nodev").append(setuid ? ",suid" : ",nosuid");
        o.append(strictatime ? ",strictatime" : noatime ? ",noatime" : "");
        o.append(readOnly ? ",ro" : "").append(executables ? "" : ",noexec").append(nodiratime ? ",nodiratime" : "");
        return o.toString();
    }
}
