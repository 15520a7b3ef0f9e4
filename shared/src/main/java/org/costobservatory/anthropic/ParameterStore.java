package org.costobservatory.anthropic;

/** Reads one parameter from AWS Systems Manager Parameter Store, decrypted. */
@FunctionalInterface
public interface ParameterStore {

    /**
     * @throws NotFound when no parameter has that name
     * @throws IllegalStateException when the store cannot be read (the message names the parameter, never a value)
     */
    Parameter read(String name);

    /** A parameter's value and its type ({@code SecureString}, {@code String}, ...). */
    record Parameter(String value, String type) {
        public static final String SECURE_STRING = "SecureString";

        @Override
        public String toString() {
            return "Parameter[type=" + type + ", value=(hidden)]";
        }
    }

    /** The parameter does not exist. */
    final class NotFound extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public NotFound(String name) {
            super("SSM parameter '" + name + "' does not exist");
        }
    }
}
