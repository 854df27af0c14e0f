package dev.jfs.transfer;

import dev.jfs.image.Descriptor;
import dev.jfs.store.Image;
import java.util.List;

/**
 * An image as it goes into an archive: its tags there, the manifest written (the stored one, or a
 * new one when the layers were recompressed) and its layer descriptors.
 */
record SavedImage(Image image, List<String> tags, byte[] manifest, String manifestDigest, String manifestMediaType,
                  List<Descriptor> layers) {}
