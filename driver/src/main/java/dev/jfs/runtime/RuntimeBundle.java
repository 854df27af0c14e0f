package dev.jfs.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jfs.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The OCI runtime bundle of one start: {@code config.json} (runtime-spec 1.0) describing the
 * process and the container around it, with the root on the container's jfs mount. What docker
 * gives a container by default: mount, PID, UTS and IPC namespaces (the host's network), /proc,
 * a tmpfs /dev with pts, shm and mqueue, /sys read-only, docker's capability set, its masked and
 * read-only /proc paths.
 */
public final class RuntimeBundle {
    /** Docker's default capabilities: runc's own three are too few (chown, mv across owners...). */
    static final List<String> CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    private static final List<String> MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware");
    private static final List<String> READ_ONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RuntimeBundle() {}

    /** The config.json for {@code spec} run as {@code user} in the root {@code rootfs}. */
    static ObjectNode config(Path rootfs, ProcessSpec spec, UserResolver.ResolvedUser user,
                             List<RuntimeFiles.File> etcFiles) {
        ObjectNode c = JSON.createObjectNode();
        c.put("ociVersion", "1.0.2");
        ObjectNode p = c.putObject("process");
        p.put("terminal", spec.tty());
        ObjectNode u = p.putObject("user");
        u.put("uid", user.uid());
        u.put("gid", user.gid());
        u.put("umask", 022);
        if (!user.additionalGids().isEmpty()) {
            ArrayNode g = u.putArray("additionalGids");
            user.additionalGids().forEach(g::add);
        }
        strings(p.putArray("args"), spec.args());
        strings(p.putArray("env"), withHome(spec.env(), user.home()));
        p.put("cwd", spec.cwd());
        ObjectNode caps = p.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) strings(caps.putArray(set), CAPABILITIES);
        // No rlimits: the process keeps this one's (a hard limit above ours would need CAP_SYS_RESOURCE).
        p.put("noNewPrivileges", false);
        ObjectNode root = c.putObject("root");
        root.put("path", rootfs.toString());
        root.put("readonly", false);
        c.put("hostname", spec.hostname());
        ArrayNode mounts = c.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666",
                "mode=0620", "gid=5");
        mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
        for (RuntimeFiles.File f : etcFiles) {
            mount(mounts, f.container(), "bind", f.host().toString(), "rbind", "rprivate");
        }
        for (BindMount b : spec.mounts()) {
            if (b.readOnly()) {
                mount(mounts, b.destination(), "bind", b.source(), "rbind", "rprivate", "ro");
            } else {
                mount(mounts, b.destination(), "bind", b.source(), "rbind", "rprivate");
            }
        }
        ObjectNode linux = c.putObject("linux");
        ArrayNode ns = linux.putArray("namespaces");
        for (String t : List.of("pid", "ipc", "uts", "mount")) ns.addObject().put("type", t);
        ObjectNode deny = linux.putObject("resources").putArray("devices").addObject();
        deny.put("allow", false); // runc adds the devices every container may use (null, zero, tty, pts...)
        deny.put("access", "rwm");
        strings(linux.putArray("maskedPaths"), MASKED);
        strings(linux.putArray("readonlyPaths"), READ_ONLY);
        return c;
    }

    /** Writes {@code config} as {@code bundle/config.json}. */
    static void write(Path bundle, ObjectNode config) {
        try {
            Files.createDirectories(bundle);
            JSON.writeValue(bundle.resolve("config.json").toFile(), config);
        } catch (IOException e) {
            throw new UserError(bundle + ": cannot write the runtime bundle (" + e.getMessage() + ")", e);
        }
    }

    /** HOME as docker sets it: from /etc/passwd when the image and options leave it unset. */
    private static List<String> withHome(List<String> env, String home) {
        for (String e : env) if (e.startsWith("HOME=")) return env;
        List<String> out = new java.util.ArrayList<>(env);
        out.add("HOME=" + home);
        return out;
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", destination);
        m.put("type", type);
        m.put("source", source);
        strings(m.putArray("options"), List.of(options));
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
