package org.costobservatory.anthropic;

import java.util.List;
import org.costobservatory.domain.Workspace;

/**
 * One parsed page of {@code GET /v1/organizations/workspaces}, which pages by id ({@code after_id=<last_id>}).
 *
 * @param workspaces the page's workspaces, archived ones included when asked for
 * @param hasMore    whether another page follows
 * @param lastId     the id to pass as {@code after_id} for the next page, or null
 */
public record WorkspacePage(List<Workspace> workspaces, boolean hasMore, String lastId) {
    public WorkspacePage {
        workspaces = List.copyOf(workspaces);
    }
}
