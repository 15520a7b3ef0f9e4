package org.costobservatory.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.costobservatory.domain.SpendScope;

/** Reads the per-day spend rollups maintained at ingest. */
public interface SpendStore {

    /**
     * The rollups of {@code scope} for UTC days {@code from..toInclusive}, oldest first; days with nothing stored
     * are left out. One query of at most one small item per day.
     */
    List<DailySpend> read(SpendScope scope, LocalDate from, LocalDate toInclusive);

    /** The workspace an API key's newest stored usage belongs to; one Query of one item. */
    Optional<String> keyWorkspace(String apiKeyId);

    /** Every scope that has ever had a rollup (for dashboards and reports), in text order. */
    List<SpendScope> scopes();
}
