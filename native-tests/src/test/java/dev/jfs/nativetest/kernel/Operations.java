package dev.jfs.nativetest.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Draws the next operation: mostly on paths that exist (lower, merged, copied up), some new. */
public final class Operations {
    private static final String[] KINDS = {"write", "append", "pwrite", "truncate", "open-trunc", "create", "unlink",
            "rm-r", "mkdir", "rmdir", "recreate-dir", "rename", "rename", "rename-dir", "chmod", "chown", "symlink",
            "link", "link", "setxattr", "removexattr", "mkfifo", "utimes", "append", "setcap", "exchange", "exchange-dir"};

    private Operations() {}

    public static Operation next(Random rnd, Set<String> paths) {
        List<String> all = new ArrayList<>(paths);
        all.remove("/");
        List<String> dirs = new ArrayList<>();
        dirs.add("");
        for (String p : all) if (!p.contains(".") && rnd.nextInt(4) == 0) dirs.add(p); // a sample, cheap
        String existing = all.isEmpty() ? "/none" : all.get(rnd.nextInt(all.size()));
        String fresh = dirs.get(rnd.nextInt(dirs.size())) + "/n" + rnd.nextInt(12);
        String target = rnd.nextInt(3) == 0 ? fresh : all.isEmpty() ? fresh : all.get(rnd.nextInt(all.size()));
        byte[] data = new byte[rnd.nextInt(5) == 0 ? 70_000 + rnd.nextInt(200_000) : rnd.nextInt(300)];
        rnd.nextBytes(data);
        String kind = KINDS[rnd.nextInt(KINDS.length)];
        return switch (kind) {
            case "write" -> new Operation(kind, rnd.nextBoolean() ? existing : fresh, null, 0, data);
            case "append", "pwrite" -> new Operation(kind, existing, null, rnd.nextInt(200_000), data);
            case "truncate" -> new Operation(kind, existing, null, rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(150_000), null);
            case "create" -> new Operation(kind, fresh, null, 0600 + rnd.nextInt(0200), null);
            case "mkdir" -> new Operation(kind, rnd.nextInt(4) == 0 ? existing : fresh, null, 0700 + rnd.nextInt(077), null);
            case "rename" -> new Operation(kind, existing, target, 0, null);
            case "rename-dir" -> new Operation("rename", dirs.get(rnd.nextInt(dirs.size())).isEmpty() ? existing
                    : dirs.get(rnd.nextInt(dirs.size())), rnd.nextBoolean() ? fresh : target, 0, null);
            case "exchange" -> new Operation(kind, existing, all.isEmpty() ? fresh : all.get(rnd.nextInt(all.size())), 0, null);
            case "exchange-dir" -> new Operation("exchange", dirs.get(rnd.nextInt(dirs.size())).isEmpty() ? existing
                    : dirs.get(rnd.nextInt(dirs.size())), rnd.nextBoolean() ? existing : dirs.get(rnd.nextInt(dirs.size())), 0, null);
            case "chmod" -> new Operation(kind, existing, null, 01000 + rnd.nextInt(01000) - 01000 + (rnd.nextInt(8) << 6), null);
            case "chown" -> new Operation(kind, existing, null, rnd.nextInt(3) * 1000 + rnd.nextInt(2), null);
            case "symlink" -> new Operation(kind, fresh, rnd.nextBoolean() ? "../etc/hosts" : "target" + rnd.nextInt(3), 0, null);
            case "link" -> new Operation(kind, existing, fresh, 0, null);
            case "setxattr" -> new Operation(kind, existing, null, rnd.nextInt(3), Operation.bytes("v" + rnd.nextInt(100)));
            case "removexattr" -> new Operation(kind, existing, null, rnd.nextInt(3), null);
            case "setcap" -> new Operation(kind, rnd.nextBoolean() ? existing : fresh, null, 0, data);
            case "mkfifo" -> new Operation(kind, fresh, null, 0, null);
            case "utimes" -> new Operation(kind, existing, null, 1_000_000 + rnd.nextInt(1000), null);
            default -> new Operation(kind, existing, null, 0, data);
        };
    }
}
