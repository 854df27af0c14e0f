package dev.jfs.store;

/**
 * A container's metadata, as stored in {@code containers/<name>/container.json}.
 *
 * @param name    its unique name
 * @param layer   the id of its top (image) layer, or null for a container made from nothing
 * @param created when it was made, ISO-8601 UTC
 * @param image   the id of the image it was made from, or null (made from a layer or nothing);
 *                its config is kept beside it ({@link Images#containerConfig})
 */
public record ContainerInfo(String name, String layer, String created,
                            @com.fasterxml.jackson.annotation.JsonInclude(
                                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String image) {}
