package org.unirep.jobs.encoder;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.unirep.compression.CompressionConfig;
import org.unirep.compression.Mode;
import org.unirep.spark.LocalSpark;
import org.unirep.testing.TestData;
import org.unirep.training.RunStatus;

class EncoderScalingTest {
    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark();

    @Test
    void theEncoderAloneThenOnEachWorkerCountWithTheMseRelativeToAlone() throws Exception {
        CompressionConfig c = CompressionConfig.reference(Mode.RDP, 3, 3, 0.015, 5).withEpochs(1);
        List<EncoderScaling.Row> rows = EncoderScaling.entryPoint(SPARK.session(), List.of(c), List.of(1, 2), List.of(2),
                TestData.train().head(256), TestData.test().head(200), null);

        assertEquals(List.of(0, 1, 2), rows.stream().map(EncoderScaling.Row::workers).toList(), "alone, W=1, W=2");
        assertTrue(rows.stream().allMatch(r -> r.status() == RunStatus.OK && r.mse() > 0 && r.w1() == r.w1() && r.seconds() > 0));
        assertEquals(rows.get(0).mse(), rows.get(1).mse(), 0.0, "one worker trains as alone, bit for bit");
        assertEquals(0.0, rows.get(1).mseVsAlone(), 0.0);
        assertEquals(100 * (rows.get(2).mse() / rows.get(0).mse() - 1), rows.get(2).mseVsAlone(), 1e-9);
        assertEquals(EncoderScaling.Row.CSV_HEADER.split(",").length, rows.get(2).csv().split(",", -1).length);
        assertTrue(rows.get(0).csv().startsWith("rdp,alone,,1,256,ok,"), rows.get(0).csv());
        assertTrue(rows.get(2).csv().startsWith("rdp,2,2,1,256,ok,"), rows.get(2).csv());
    }
}
