package org.unirep.io;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import java.util.Map;

/** JSON through Typesafe Config (already a dependency): metadata sidecars and manifests. */
public final class Json {
    private Json() {}

    public static String render(Map<String, ?> m) {
        return ConfigFactory.parseMap(m).root().render(ConfigRenderOptions.concise().setFormatted(true)) + "\n";
    }

    public static Config parse(String json, String origin) {
        return ConfigFactory.parseString(json, ConfigParseOptions.defaults().setOriginDescription(origin));
    }
}
