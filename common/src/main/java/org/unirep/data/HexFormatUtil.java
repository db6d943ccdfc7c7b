package org.unirep.data;

import java.util.HexFormat;

final class HexFormatUtil {
    private HexFormatUtil() {}

    static String hex(byte[] b) { return HexFormat.of().formatHex(b); }
}
