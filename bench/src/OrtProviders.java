import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.Map;

/**
 * Which ONNX Runtime execution providers the bundled (Maven Central) build offers: prints
 * {@code OrtEnvironment.getAvailableProviders()} and what adding XNNPACK and oneDNN (DNNL) says. No args.
 */
public class OrtProviders {
    public static void main(String[] args) throws Exception {
        System.out.println("available: " + OrtEnvironment.getAvailableProviders());
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            try {
                o.addXnnpack(Map.of("intra_op_num_threads", "1"));
                System.out.println("xnnpack: added");
            } catch (Exception e) {
                System.out.println("xnnpack: " + e.getMessage());
            }
            try {
                o.addDnnl(false);
                System.out.println("dnnl: added");
            } catch (Exception e) {
                System.out.println("dnnl: " + e.getMessage());
            }
        }
    }
}
