package io.framejournal.journal;

import java.util.List;

/**
 * One distinct call stack, as the site table ({@link SiteTable}) keeps it: the frames from the caller of
 * FrameJournal's API outwards, innermost first, at most {@link SiteTable#MAX_FRAMES}.
 *
 * @param id     the site id that journal records carry in their {@code site} field (never 0)
 * @param key    the stable 64-bit hash of the stack the writer looks it up by
 * @param frames innermost first
 */
public record CallSite(int id, long key, List<Frame> frames) {
    public CallSite {
        frames = List.copyOf(frames);
    }

    /**
     * One stack frame. Strings come from a file that may have been made elsewhere: render them through an escaping
     * writer, never raw.
     *
     * @param className fully qualified class name
     * @param method    method name
     * @param file      source file name, or "" when unknown
     * @param line      source line, or a negative number when unknown
     * @param bci       bytecode index (part of the stack's key)
     */
    public record Frame(String className, String method, String file, int line, int bci) {
        /** {@code Class.method(File.java:line)}, the class without its package, like a short stack trace line. */
        public String shortText() {
            int dot = className.lastIndexOf('.');
            return className.substring(dot + 1) + "." + method + "(" + location() + ")";
        }

        /** {@code pkg.Class.method(File.java:line)}, like a stack trace line. */
        public String text() {
            return className + "." + method + "(" + location() + ")";
        }

        private String location() {
            if (file.isEmpty()) {
                return "Unknown Source";
            }
            return line >= 0 ? file + ":" + line : file;
        }
    }

    /** The innermost frame: where the caller called FrameJournal. */
    public Frame top() {
        return frames.get(0);
    }
}
