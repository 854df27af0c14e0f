package dev.jfs.store;

/**
 * A container's metadata, as stored in {@code containers/<name>/container.json}.
 *
 * @param name    its unique name
 * @param layer   the id of its top (image) layer, or null for a container made from nothing
 * @param created when it was made, ISO-8601 UTC
 */
public record ContainerInfo(String name, String layer, String created) {}
