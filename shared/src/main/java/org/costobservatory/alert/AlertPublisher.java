package org.costobservatory.alert;

/** Delivers an alert: SNS in AWS; the alert log, console or a Slack webhook locally. */
public interface AlertPublisher {

    /** Publishes and returns the message id. Throws when delivery failed, so the claim is not marked sent. */
    String publish(AlertMessage message);
}
