package org.unirep.compression;

/** What the decoder trades distortion against. */
public enum Mode {
    /** MSE + lambda_c * CE of the frozen classifier on the reconstruction. */
    RDC,
    /** MSE + lambda_p * W1 estimated by a WGAN-GP critic. */
    RDP;

    public static Mode parse(String s) {
        for (Mode o : values()) if (o.name().equalsIgnoreCase(s)) return o;
        throw new IllegalArgumentException("unknown mode '" + s + "', expected rdc or rdp");
    }

    public String id() { return name().toLowerCase(); }
}
