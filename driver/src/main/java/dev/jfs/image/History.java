package dev.jfs.image;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One entry of an image config's history: how a layer (or an empty_layer change) was made. */
public final class History extends JsonObject {
    @JsonProperty("created")
    public String created;
    @JsonProperty("created_by")
    public String createdBy;
    @JsonProperty("author")
    public String author;
    @JsonProperty("comment")
    public String comment;
    @JsonProperty("empty_layer")
    public Boolean emptyLayer;

    public History() {}

    public History(String created, String createdBy, String comment, boolean emptyLayer) {
        this.created = created;
        this.createdBy = createdBy;
        this.comment = comment;
        this.emptyLayer = emptyLayer ? Boolean.TRUE : null;
    }

    /** Whether this entry made no layer. */
    public boolean isEmptyLayer() {
        return Boolean.TRUE.equals(emptyLayer);
    }
}
