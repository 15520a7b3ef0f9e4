package org.costobservatory.domain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a budget counts. Empty is the whole organisation; fields combine (a workspace and a model prefix, say).
 *
 * @param workspaceId a workspace id, or {@code default} for the Default workspace
 * @param apiKeyId    an API key id; the cost report has no key dimension, so such budgets are estimated
 * @param model       a model id prefix, e.g. {@code claude-opus} matches every Opus model
 */
public record BudgetScope(Optional<String> workspaceId, Optional<String> apiKeyId, Optional<String> model) {
    public static final BudgetScope ORGANISATION = new BudgetScope(Optional.empty(), Optional.empty(),
            Optional.empty());

    public BudgetScope {
        workspaceId = workspaceId == null ? Optional.empty() : workspaceId;
        apiKeyId = apiKeyId == null ? Optional.empty() : apiKeyId;
        model = model == null ? Optional.empty() : model;
    }

    /** The rollup scope to read: the most specific of key, workspace, organisation. */
    public SpendScope rollupScope() {
        if (apiKeyId.isPresent()) {
            return SpendScope.apiKey(apiKeyId.get());
        }
        if (workspaceId.isPresent()) {
            return SpendScope.workspace(workspaceId.get());
        }
        return SpendScope.ORG;
    }

    public boolean estimated() {
        return apiKeyId.isPresent();
    }

    public boolean matchesModel(String modelId) {
        return model.isEmpty() || (modelId != null && !Dimensions.NONE.equals(modelId)
                && modelId.startsWith(model.get()));
    }

    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        workspaceId.ifPresent(value -> map.put("workspace_id", value));
        apiKeyId.ifPresent(value -> map.put("api_key_id", value));
        model.ifPresent(value -> map.put("model", value));
        return map;
    }

    /**
     * As {@link #describe()}, with names beside ids where they are known: "workspace Research Agents
     * (wrkspc_01…), API key ci-runner (apikey_01…), model claude-opus".
     */
    public String describe(Map<String, String> workspaceNames, Map<String, String> apiKeyNames) {
        if (toMap().isEmpty()) {
            return "whole organisation";
        }
        StringBuilder text = new StringBuilder();
        workspaceId.ifPresent(id -> text.append("workspace ").append(named(id, workspaceNames)));
        apiKeyId.ifPresent(id -> text.append(text.length() == 0 ? "" : ", ").append("API key ")
                .append(named(id, apiKeyNames)));
        model.ifPresent(prefix -> text.append(text.length() == 0 ? "" : ", ").append("model ").append(prefix));
        return text.toString();
    }

    private static String named(String id, Map<String, String> names) {
        String name = names.get(id);
        if (name == null) {
            return id;
        }
        return name.equalsIgnoreCase(id) ? name : name + " (" + id + ")";
    }

    public String describe() {
        if (toMap().isEmpty()) {
            return "whole organisation";
        }
        StringBuilder text = new StringBuilder();
        toMap().forEach((name, value) -> text.append(text.length() == 0 ? "" : ", ").append(name).append(' ')
                .append(value));
        return text.toString();
    }
}
