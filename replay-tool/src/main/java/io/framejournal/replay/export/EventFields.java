package io.framejournal.replay.export;

import io.framejournal.journal.JournalEvent;

/**
 * The one place that reads fields a journal event may or may not carry in this build, so that the export, the SQL
 * tables and the HTML report pick them up together when the record format grows them.
 */
public final class EventFields {
    /** Call-site id meaning "no site recorded". */
    public static final int NO_SITE = 0;

    private EventFields() {
    }

    /**
     * The call-site id of an event. Journal format 1 records no call sites, so every event has {@link #NO_SITE};
     * this is the accessor to point at the record's site field when the format carries one.
     */
    public static int site(JournalEvent e) {
        return NO_SITE;
    }
}
