package org.costobservatory.anthropic;

import java.util.List;
import org.costobservatory.domain.ApiKey;

/**
 * One parsed page of {@code GET /v1/organizations/api_keys}, which pages by id ({@code after_id=<last_id>}).
 *
 * @param keys    the page's keys, whatever their status
 * @param hasMore whether another page follows
 * @param lastId  the id to pass as {@code after_id} for the next page, or null
 */
public record ApiKeyPage(List<ApiKey> keys, boolean hasMore, String lastId) {
    public ApiKeyPage {
        keys = List.copyOf(keys);
    }
}
