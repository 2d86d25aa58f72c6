package dev.condense.engine.train;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Runs a SameDiff call whose library code prints diagnostics to {@code System.out} (ND4J 1.0.0-M2.1 prints one
 * line per differentiated op when it builds a gradient function), keeping the user's console for Condense output.
 */
final class Quietly {
    private static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream());

    private Quietly() {
    }

    static synchronized void run(Runnable call) {
        PrintStream out = System.out;
        System.setOut(NULL);
        try {
            call.run();
        } finally {
            System.setOut(out);
        }
    }
}
