package io.framejournal.replay.export;

import io.framejournal.journal.JournalEvent;

/**
 * The one place that reads fields a journal event may or may not carry in this build, so that the export, the SQL
 * tables and the HTML report pick them up together when the record format grows them.
 */
public final class EventFields {
    /** Call-site id meaning "no site recorded". */
    public static final int NO_SITE = 0;

    private EventFields() {}

    /**
     * The call-site id of an event: its record's site field (format 2; {@link #NO_SITE} until call sites are
     * recorded, and always in format-1 journals, which have no such field).
     */
    public static int site(JournalEvent e) {
        return e.site;
    }
}
