package org.unirep.compression;

/** How a model's encoder was trained; {@link #id()} is the word the results tables store. */
public enum Kind {
    /** Encoder and decoder trained together at the model's own lambda. */
    END_TO_END,
    /** A decoder trained on a frozen encoder that was trained at another lambda (the paper's universal representation). */
    UNIVERSAL;

    public String id() { return name().toLowerCase(); }

    public static Kind parse(String s) {
        for (Kind v : values()) if (v.id().equals(s)) return v;
        throw new IllegalArgumentException("unknown kind '" + s + "', expected end_to_end or universal");
    }
}
