package dev.jfs.fuse.session;

import dev.jfs.fuse.protocol.Opcode;
import dev.jfs.fuse.protocol.Reply;
import dev.jfs.fuse.protocol.Request;

/**
 * {@code -o debug}: every request and its answer on stderr, one line each, in the layout of
 * libfuse's debug log (so tools that read one read the other); READ, WRITE and CREATE add a
 * line with their size or name.
 */
final class DebugLog {
    private DebugLog() {}

    /** @param queue the io_uring queue it came over, or -1: from the device */
    static void received(Request q, int queue) {
        int op = q.opcode();
        StringBuilder b = new StringBuilder();
        b.append("unique: ").append(q.unique()).append(", opcode: ").append(Opcode.name(op)).append(" (").append(op)
                .append("), nodeid: ").append(q.nodeId()).append(", insize: ").append(q.bodyLength() + Request.HEADER)
                .append(", pid: ").append(q.pid());
        if (queue >= 0) b.append(", queue: ").append(queue);
        b.append('\n');
        try {
            if (op == Opcode.READ || op == Opcode.WRITE) {
                boolean write = op == Opcode.WRITE;
                b.append(write ? "write[" : "read[").append(q.u64(0)).append("] ").append(q.u32(16) & 0xffffffffL)
                        .append(" bytes ").append(write ? "to " : "from ").append(q.u64(8)).append('\n');
            } else if (op == Opcode.CREATE) {
                b.append("create ").append(Integer.toOctalString(q.u32(4))).append(" /").append(q.name(16)).append('\n');
            }
        } catch (RuntimeException malformed) {
            // the request is answered EINVAL; its line above is enough
        }
        System.err.print(b);
    }

    static void answered(Request q, Reply r) {
        System.err.println("   unique: " + q.unique() + ", " + (r.error() == 0 ? "success" : "error: " + r.error())
                + ", outsize: " + (r.bodyLength() + Reply.HEADER));
    }
}
