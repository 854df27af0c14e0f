package dev.jfs.build;

import dev.jfs.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --chown=USER[:GROUP]}: numbers as they are, names looked up in the image's own
 * /etc/passwd and /etc/group. A user without a group gets the user's primary group (a number
 * alone: the same number), as docker and buildah do.
 */
final class Owners {
    private Owners() {}

    static CopyStep.Owner resolve(String spec, ImageRoot root, String where) throws IOException {
        int colon = spec.indexOf(':');
        String user = colon < 0 ? spec : spec.substring(0, colon);
        String group = colon < 0 ? null : spec.substring(colon + 1);
        if (user.isEmpty()) throw new UserError(where + ": --chown=" + spec + ": no user");
        int uid;
        Integer primary = null;
        if (user.matches("\\d+")) {
            uid = Integer.parseInt(user);
        } else {
            String[] entry = find(root, "etc/passwd", user, where, spec);
            uid = parse(entry[2], where, spec);
            primary = parse(entry[3], where, spec);
        }
        int gid;
        if (group == null || group.isEmpty()) {
            gid = primary != null ? primary : uid;
        } else if (group.matches("\\d+")) {
            gid = Integer.parseInt(group);
        } else {
            gid = parse(find(root, "etc/group", group, where, spec)[2], where, spec);
        }
        return new CopyStep.Owner(uid, gid);
    }

    private static String[] find(ImageRoot root, String file, String name, String where, String spec) throws IOException {
        SourceTree.Entry e = root.lookup(file);
        if (e == null || !e.stat().isRegular()) {
            throw new UserError(where + ": --chown=" + spec + ": the image has no /" + file + " to look up " + name + " in");
        }
        for (String line : Files.readAllLines(Path.of(root.hostPath(e.rel())), StandardCharsets.UTF_8)) {
            String[] fields = line.split(":", -1);
            if (fields.length >= (file.endsWith("passwd") ? 4 : 3) && fields[0].equals(name)) return fields;
        }
        throw new UserError(where + ": --chown=" + spec + ": no " + (file.endsWith("passwd") ? "user " : "group ") + name + " in the image's /" + file);
    }

    private static int parse(String n, String where, String spec) {
        try {
            return Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw new UserError(where + ": --chown=" + spec + ": a malformed id \"" + n + "\" in the image");
        }
    }
}
