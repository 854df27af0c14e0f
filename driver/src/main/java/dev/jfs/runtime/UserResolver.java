package dev.jfs.runtime;

import dev.jfs.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code USER[:GROUP]} to numeric ids through the container's own /etc/passwd and /etc/group, as
 * docker and runc do it: a name must be there; a number need not be (its group is then 0, or the
 * passwd entry's); the user's supplementary groups are the /etc/group entries listing its name.
 */
public final class UserResolver {
    /** The ids a process runs with, and the home directory for HOME. */
    public record ResolvedUser(int uid, int gid, List<Integer> additionalGids, String home) {}

    private UserResolver() {}

    /** Resolves {@code spec} (empty: root) against the passwd and group files under {@code rootfs}. */
    public static ResolvedUser resolve(Path rootfs, String spec) {
        String userPart = spec == null ? "" : spec;
        String groupPart = null;
        int colon = userPart.indexOf(':');
        if (colon >= 0) {
            groupPart = userPart.substring(colon + 1);
            userPart = userPart.substring(0, colon);
        }
        if (userPart.isEmpty()) userPart = "0";
        List<String[]> passwd = entries(rootfs, "/etc/passwd", 7);
        List<String[]> group = entries(rootfs, "/etc/group", 4);
        String[] pw = find(passwd, userPart);
        int uid;
        int gid;
        String name;
        String home;
        if (pw != null) {
            uid = number(pw[2], "user " + userPart);
            gid = number(pw[3], "user " + userPart);
            name = pw[0];
            home = pw[5].isEmpty() ? "/" : pw[5];
        } else if (isNumber(userPart)) {
            uid = number(userPart, "user");
            gid = 0;
            name = null;
            home = "/";
        } else {
            throw new UserError("unable to find user " + userPart + ": no matching entries in passwd file");
        }
        if (groupPart != null && !groupPart.isEmpty()) {
            String[] gr = find(group, groupPart);
            if (gr != null) {
                gid = number(gr[2], "group " + groupPart);
            } else if (isNumber(groupPart)) {
                gid = number(groupPart, "group");
            } else {
                throw new UserError("unable to find group " + groupPart + ": no matching entries in group file");
            }
        }
        List<Integer> extra = new ArrayList<>();
        if (name != null && groupPart == null) {
            for (String[] g : group) {
                if (List.of(g[3].split(",")).contains(name) && isNumber(g[2])) {
                    int id = Integer.parseInt(g[2]);
                    if (id != gid && !extra.contains(id)) extra.add(id);
                }
            }
        }
        return new ResolvedUser(uid, gid, List.copyOf(extra), home);
    }

    /** An entry whose name is {@code key}, else one whose id is {@code key} if it is a number. */
    private static String[] find(List<String[]> entries, String key) {
        for (String[] e : entries) if (e[0].equals(key)) return e;
        if (isNumber(key)) {
            for (String[] e : entries) if (e[2].equals(key)) return e;
        }
        return null;
    }

    private static List<String[]> entries(Path rootfs, String file, int fields) {
        Path p = RootfsPath.resolve(rootfs, file);
        List<String[]> out = new ArrayList<>();
        if (!Files.isRegularFile(p)) return out;
        try {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split(":", -1);
                if (f.length < fields - 1) continue;
                if (f.length < fields) { // a group line without its member list
                    String[] g = new String[fields];
                    System.arraycopy(f, 0, g, 0, f.length);
                    g[fields - 1] = "";
                    f = g;
                }
                out.add(f);
            }
        } catch (IOException e) {
            throw new UserError(file + " of the container: unreadable (" + e.getMessage() + ")", e);
        }
        return out;
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 10) return false;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
        return Long.parseLong(s) <= Integer.MAX_VALUE;
    }

    private static int number(String s, String what) {
        if (!isNumber(s)) throw new UserError(what + ": '" + s + "' is not a valid id");
        return Integer.parseInt(s);
    }
}
