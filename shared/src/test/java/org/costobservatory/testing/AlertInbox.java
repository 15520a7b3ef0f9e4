package org.costobservatory.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.costobservatory.json.Json;
import org.costobservatory.wiring.SnsAlertPublisher;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A real SNS topic on moto_server with an SQS queue subscribed to it, so tests observe what subscribers receive:
 * the SNS envelope with Subject, Message and MessageAttributes.
 */
public final class AlertInbox implements AutoCloseable {
    private final MotoServer moto;
    private final SnsClient sns;
    private final SqsClient sqs;
    private final String topicArn;
    private final String queueUrl;

    public AlertInbox(MotoServer moto) {
        this.moto = moto;
        this.sns = moto.client(SnsClient.builder());
        this.sqs = moto.client(SqsClient.builder());
        String name = "alerts-" + UUID.randomUUID();
        this.topicArn = sns.createTopic(b -> b.name(name)).topicArn();
        this.queueUrl = sqs.createQueue(b -> b.queueName(name)).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
    }

    public SnsClient sns() {
        return sns;
    }

    /** The functions' own publisher, pointed at this topic on moto_server. */
    public SnsAlertPublisher publisher() {
        return SnsAlertPublisher.fromEnvironment(Map.of("AWS_ENDPOINT_URL_SNS", moto.endpoint().toString(),
                "AWS_REGION", "us-east-1"), topicArn);
    }

    public String topicArn() {
        return topicArn;
    }

    /** Every notification waiting in the queue (drained), as SNS envelopes. */
    public List<JsonNode> drain() {
        List<JsonNode> envelopes = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return envelopes;
            }
            for (Message message : batch) {
                try {
                    envelopes.add(Json.mapper().readTree(message.body()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** A message attribute's value from an envelope. */
    public static String attribute(JsonNode envelope, String name) {
        JsonNode value = envelope.path("MessageAttributes").path(name).path("Value");
        return value.isMissingNode() ? null : value.asText();
    }

    public static Map<String, String> attributes(JsonNode envelope) {
        Map<String, String> result = new java.util.TreeMap<>();
        envelope.path("MessageAttributes").fields().forEachRemaining(e -> result.put(e.getKey(),
                e.getValue().path("Value").asText()));
        return result;
    }

    @Override
    public void close() {
        sns.close();
        sqs.close();
    }
}
