package org.costobservatory.domain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a run spends: the API key it uses, that key's workspace and the model, each when known. The budgets that
 * apply to a run are every budget whose {@link BudgetScope} contains this.
 *
 * @param workspaceId a workspace id, or {@code default} for the Default workspace
 */
public record RunScope(Optional<String> apiKeyId, Optional<String> workspaceId, Optional<String> model) {
    public static final RunScope NONE = new RunScope(Optional.empty(), Optional.empty(), Optional.empty());

    public RunScope {
        apiKeyId = apiKeyId == null ? Optional.empty() : apiKeyId;
        workspaceId = workspaceId == null ? Optional.empty() : workspaceId;
        model = model == null ? Optional.empty() : model;
    }

    public boolean isEmpty() {
        return apiKeyId.isEmpty() && workspaceId.isEmpty() && model.isEmpty();
    }

    public RunScope withWorkspace(String workspace) {
        return new RunScope(apiKeyId, Optional.of(workspace), model);
    }

    /** True when {@code scope} counts this run's spend: each field the budget names, the run has and matches. */
    public boolean within(BudgetScope scope) {
        return scope.workspaceId().map(id -> workspaceId.filter(id::equals).isPresent()).orElse(true)
                && scope.apiKeyId().map(id -> apiKeyId.filter(id::equals).isPresent()).orElse(true)
                && scope.model().map(prefix -> model.filter(m -> m.startsWith(prefix)).isPresent()).orElse(true);
    }

    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        apiKeyId.ifPresent(value -> map.put("api_key_id", value));
        workspaceId.ifPresent(value -> map.put("workspace_id", value));
        model.ifPresent(value -> map.put("model", value));
        return map;
    }

    /** A stable text form, e.g. {@code api_key_id=apikey_1&model=claude-opus}, for comparing two requests. */
    public String text() {
        StringBuilder text = new StringBuilder();
        toMap().forEach((name, value) -> text.append(text.length() == 0 ? "" : "&").append(name).append('=')
                .append(value));
        return text.toString();
    }
}
