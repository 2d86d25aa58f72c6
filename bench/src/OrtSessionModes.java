import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One model timed alone by ONNX Runtime, without ND4J and without a reference interleaved: args MODEL.onnx [SESSIONS
 * [nd4j]] (default 3 sessions). For input buffers at byte offsets 0, 4, 8 and 16 from a 64-byte boundary, prints each
 * session's median thread CPU time (ms) of 15 calls after 3 warm-up calls, batch 128 of a [N, 1, 28, 28] input
 * (seeded uniform [0, 1)), one intra-op thread, ALL_OPT. With "nd4j" ND4J is loaded first. Used to tell the host's
 * slow mode from anything in the process (docs/benchmarks.md, issue 14, fifteenth session).
 */
public class OrtSessionModes {
    public static void main(String[] args) throws Exception {
        if (args.length > 2 && args[2].equals("nd4j")) {
            org.nd4j.linalg.factory.Nd4j.create(1);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long[] shape = {128, 1, 28, 28};
        int n = 128 * 784;
        List<OrtSession> all = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(1);
            o.setInterOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            all.add(env.createSession(args[0], o));
        }
        String input = all.get(0).getInputNames().iterator().next();
        Random random = new Random(1);
        for (int offset : new int[] {0, 4, 8, 16}) {
            ByteBuffer bb = ByteBuffer.allocateDirect(n * 4 + 128).order(ByteOrder.nativeOrder());
            int start = (64 - bb.alignmentOffset(0, 64)) % 64 + offset;
            FloatBuffer fb = bb.position(start).limit(start + n * 4).slice().order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int i = 0; i < n; i++) {
                fb.put(i, random.nextFloat());
            }
            StringBuilder line = new StringBuilder("input at 64-byte boundary + " + offset + ": ms");
            try (OnnxTensor t = OnnxTensor.createTensor(env, fb, shape)) {
                for (OrtSession s : all) {
                    for (int w = 0; w < 3; w++) {
                        s.run(Map.of(input, t)).close();
                    }
                    double[] ms = new double[15];
                    for (int k = 0; k < ms.length; k++) {
                        long c = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                        s.run(Map.of(input, t)).close();
                        ms[k] = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - c) / 1e6;
                    }
                    Arrays.sort(ms);
                    line.append(String.format(" %.2f", ms[ms.length / 2]));
                }
            }
            System.out.println(line);
        }
        for (OrtSession s : all) {
            s.close();
        }
    }
}
