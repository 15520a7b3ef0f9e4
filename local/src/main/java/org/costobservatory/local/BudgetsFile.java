package org.costobservatory.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.costobservatory.api.BudgetJson;
import org.costobservatory.api.InvalidFieldException;
import org.costobservatory.domain.Budget;

/**
 * A YAML seed file of budgets ({@code serve --budgets FILE}, {@code budgets seed FILE}): a list of budgets, or a
 * mapping with a {@code budgets:} list, each with the API's fields and a {@code name}.
 */
final class BudgetsFile {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private BudgetsFile() {
    }

    /** @throws IllegalArgumentException naming the file, the entry and the field that is wrong */
    static List<Budget> read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read budgets file " + file + ": " + e.getMessage(), e);
        }
        JsonNode list = root != null && root.isObject() ? root.get("budgets") : root;
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException("budgets file " + file + " must be a list of budgets or have a "
                    + "'budgets:' list");
        }
        List<Budget> budgets = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : list) {
            String where = "budgets[" + index++ + "]";
            if (!entry.isObject() || !entry.hasNonNull("name")) {
                throw new IllegalArgumentException(file + ": " + where + " needs a name");
            }
            String name = entry.get("name").asText();
            try {
                budgets.add(BudgetJson.fromNode(name, entry));
            } catch (InvalidFieldException e) {
                throw new IllegalArgumentException(file + ": " + where + " (" + name + "): " + e.getMessage(), e);
            }
        }
        return budgets;
    }
}
