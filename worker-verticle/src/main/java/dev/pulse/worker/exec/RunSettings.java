package dev.pulse.worker.exec;

import java.nio.file.Path;

/**
 * What every command run on this worker shares.
 *
 * @param workerId this worker's id, put into chunks and results
 * @param defaultCwd working directory when a dispatch names none
 * @param outputCapBytes bytes kept per stream for the result
 * @param liveCapBytes bytes per command published as live chunks at most
 * @param killGraceMs time between TERM and KILL
 */
public record RunSettings(String workerId, Path defaultCwd, long outputCapBytes, long liveCapBytes,
    long killGraceMs) {
}
