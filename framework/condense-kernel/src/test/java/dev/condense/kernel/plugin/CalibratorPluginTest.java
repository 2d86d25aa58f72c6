package dev.condense.kernel.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.condense.api.quant.Calibrator;
import dev.condense.api.quant.Calibrator.Accumulator;
import dev.condense.testkit.PluginZipBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Calibrator is an extension point like the others: a plugin's calibrator registers under {@code calibrator}, a
 * duplicate id is refused naming both plugins, and accumulators made through {@link PluginAccumulators} run in the
 * plugin and name it when they throw.
 */
class CalibratorPluginTest {
    @TempDir
    static Path dir;
    static PluginHost host;

    /** A fixture calibrator {@code pkg.Calib} with id {@code id}: running max |x|; observe throws on a NaN. */
    static String calibrator(String pkg, String id) {
        return """
                package %s;

                import dev.condense.api.extension.NoParams;
                import dev.condense.api.quant.Calibrator;
                import org.nd4j.linalg.api.ndarray.INDArray;

                @org.pf4j.Extension
                public final class Calib implements Calibrator<NoParams> {
                    public String id() { return "%s"; }
                    public Class<NoParams> paramsType() { return NoParams.class; }
                    public String summary() { return "fixture calibrator"; }
                    public Accumulator accumulator(NoParams p) {
                        return new Accumulator() {
                            double m;
                            public int passes() { return 1; }
                            public void observe(int pass, INDArray v) {
                                if (v.isNaN().any()) { throw new IllegalStateException("NaN in calibration values"); }
                                m = Math.max(m, v.amaxNumber().doubleValue());
                            }
                            public ClipRange range(int bits, boolean symmetric) { return new ClipRange(-m, m); }
                        };
                    }
                }
                """.formatted(pkg, id);
    }

    @BeforeAll
    static void install() throws Exception {
        Path p = Files.createDirectories(dir.resolve("plugins"));
        new PluginZipBuilder("calib-fx").source("fx.calib.Calib", calibrator("fx.calib", "absmax")).writeZip(p.resolve("calib-fx.zip"));
        new PluginZipBuilder("calib-twin").source("fx.twin.Calib", calibrator("fx.twin", "absmax")).writeZip(p.resolve("calib-twin.zip"));
        host = PluginHost.open(p, "0.1.0");
    }

    @AfterAll
    static void close() {
        host.close();
    }

    @Test
    void aPluginCalibratorIsRegisteredUnderItsPoint() {
        RegisteredExtension r = host.registry().registration(Calibrator.class, "absmax").orElseThrow();
        assertEquals("calib-fx", r.pluginId());
        assertEquals("calibrator", ExtensionPoints.name(r.point()));
        assertEquals("[absmax]", host.registry().ids(Calibrator.class).toString());
    }

    @Test
    void aDuplicateCalibratorIdIsRefusedNamingBothPlugins() {
        String reason = host.registry().failures().get("calib-twin");
        assertEquals("calibrator id 'absmax' is already provided by plugin calib-fx; plugin calib-twin duplicates it"
                + " and is not loaded", reason);
    }

    @Test
    void accumulatorsRunInThePluginAndNameItWhenTheyThrow() {
        Calibrator<?> c = host.registry().find(Calibrator.class, "absmax").orElseThrow();
        Accumulator a = PluginAccumulators.factory(c, new dev.condense.api.extension.NoParams()).get();
        a.observe(0, Nd4j.create(new float[] {-3, 1, 2}));
        assertEquals(new Calibrator.ClipRange(-3, 3), a.range(8, true));
        PluginCallException e = assertThrows(PluginCallException.class,
                () -> a.observe(0, Nd4j.create(new float[] {Float.NaN}).castTo(DataType.FLOAT)));
        assertTrue(e.getMessage().contains("calib-fx") && e.getMessage().contains("NaN in calibration values"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PluginAccumulators.factory(c, new FakeParams(1)));
    }

    record FakeParams(int x) {
    }
}
