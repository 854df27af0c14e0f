package dev.jfs.changes;

import dev.jfs.UserError;
import dev.jfs.union.LayerStack;
import dev.jfs.union.UnionView;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's two views, for diff and commit: the merged view (upper over lowers, with the
 * hard-link index of its work dir) and the view of its lowers alone. Read-only: nothing is
 * created or changed on disk.
 */
public record StackViews(UnionView merged, UnionView lowers) {

    /** The views of a stack whose lowers and upper must already exist. */
    public static StackViews open(LayerStack stack) {
        for (Path l : stack.lowers()) {
            if (!Files.isDirectory(l)) throw new UserError("lower layer " + l + ": no such directory");
        }
        if (!Files.isDirectory(stack.upper())) throw new UserError("upper " + stack.upper() + ": no such directory");
        return new StackViews(UnionView.open(stack), UnionView.open(new LayerStack(stack.lowers(), null, null)));
    }
}
