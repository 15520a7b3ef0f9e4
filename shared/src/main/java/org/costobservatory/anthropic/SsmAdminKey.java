package org.costobservatory.anthropic;

import java.util.Objects;
import java.util.Optional;
import org.costobservatory.log.Log;
import org.costobservatory.log.Secrets;

/**
 * The admin key kept as an SSM Parameter Store SecureString. Read (decrypted) once when built, so a missing parameter
 * fails the function at init; read again once after a 401, because an operator may have rotated it since. Every value
 * read is registered with {@link Secrets}; errors name the parameter, never its value.
 */
public final class SsmAdminKey implements AdminKeySource {
    private static final Log LOG = Log.get(SsmAdminKey.class);

    private final ParameterStore ssm;
    private final String parameterName;
    private volatile String key;

    /**
     * @throws IllegalStateException when the parameter does not exist, cannot be read, or is empty
     */
    public SsmAdminKey(ParameterStore ssm, String parameterName) {
        this.ssm = Objects.requireNonNull(ssm, "ssm");
        if (parameterName == null || parameterName.isBlank()) {
            throw new IllegalArgumentException("the SSM parameter name of the admin key is empty");
        }
        this.parameterName = parameterName.strip();
        this.key = read();
    }

    @Override
    public String current() {
        return key;
    }

    /**
     * Re-reads the parameter. Returns the new key when it changed; empty when it did not or when it cannot be read
     * (the 401 then stands, which says more than an SSM error would).
     */
    @Override
    public synchronized Optional<String> refreshAfterUnauthorized() {
        String fresh;
        try {
            fresh = read();
        } catch (IllegalStateException e) {
            LOG.warn("could not re-read the admin key after a 401", "parameter", parameterName,
                    "error", e.getMessage());
            return Optional.empty();
        }
        if (fresh.equals(key)) {
            return Optional.empty();
        }
        LOG.info("the admin key parameter holds a new key; retrying with it", "parameter", parameterName);
        key = fresh;
        return Optional.of(fresh);
    }

    public String parameterName() {
        return parameterName;
    }

    private String read() {
        ParameterStore.Parameter parameter;
        try {
            parameter = ssm.read(parameterName);
        } catch (ParameterStore.NotFound e) {
            throw new IllegalStateException("SSM parameter '" + parameterName + "' (the admin key) does not exist");
        } catch (IllegalStateException e) {
            throw new IllegalStateException("could not read SSM parameter '" + parameterName + "' (the admin key): "
                    + Secrets.redact(e.getMessage()), e);
        }
        String value = parameter == null ? null : parameter.value();
        if (value != null) {
            Secrets.register(value.strip());
        }
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("SSM parameter '" + parameterName + "' (the admin key) is empty");
        }
        if (!ParameterStore.Parameter.SECURE_STRING.equals(parameter.type())) {
            LOG.warn("the admin key parameter is not a SecureString; anyone who can read parameters can read it",
                    "parameter", parameterName, "type", String.valueOf(parameter.type()));
        }
        return AdminKeys.validated(value, "SSM parameter '" + parameterName + "'");
    }

    @Override
    public String toString() {
        return "SsmAdminKey[" + parameterName + "]";
    }
}
