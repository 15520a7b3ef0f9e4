package org.costobservatory.wiring;

import java.time.Clock;
import org.costobservatory.anthropic.AdminApiClient;
import org.costobservatory.anthropic.AdminKeySource;
import org.costobservatory.anthropic.AdminReports;
import org.costobservatory.anthropic.SsmAdminKey;
import org.costobservatory.anthropic.StaticAdminKey;
import org.costobservatory.config.Config;

/**
 * Builds the Admin API client from configuration: the key from {@code ANTHROPIC_ADMIN_KEY} when set (local runs),
 * otherwise from the SSM SecureString named by {@code ADMIN_KEY_PARAMETER} (AWS), read once here.
 */
final class AdminReportsFactory {
    private AdminReportsFactory() {
    }

    static AdminReports fromConfig(Config config, Clock clock) {
        config.requireAdminKeySource();
        AdminKeySource keys = config.adminKey().<AdminKeySource>map(StaticAdminKey::new)
                .orElseGet(() -> new SsmAdminKey(SsmParameters.fromEnvironment(config.environment()),
                        config.adminKeyParameter().orElseThrow()));
        return AdminApiClient.create(config.adminBaseUrl(), keys, clock);
    }
}
