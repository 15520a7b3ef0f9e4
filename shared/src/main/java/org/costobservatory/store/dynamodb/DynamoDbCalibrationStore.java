package org.costobservatory.store.dynamodb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.costobservatory.pricing.CalibratedPrice;
import org.costobservatory.pricing.Calibration;
import org.costobservatory.pricing.ModelRatio;
import org.costobservatory.store.CalibrationStore;
import org.costobservatory.store.RunInfo;
import org.costobservatory.time.Sleeper;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The learned prices under the {@code CALIBRATION} partition, replaced as a whole with {@link BucketReplacement} (rows
 * under the run's generation, then the header flipped, then older rows deleted), so a reader sees one run's prices,
 * never a mix; prices learned again unchanged write nothing. Items by {@link CalibrationMapper}.
 */
public final class DynamoDbCalibrationStore implements CalibrationStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final BucketReplacement replacement;

    public DynamoDbCalibrationStore(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Sleeper.SYSTEM);
    }

    public DynamoDbCalibrationStore(DynamoDbClient dynamo, String table, Sleeper sleeper) {
        this.dynamo = Objects.requireNonNull(dynamo);
        this.table = Objects.requireNonNull(table);
        this.replacement = new BucketReplacement(dynamo, table, new BatchWriter(dynamo, table, sleeper),
                new ScopeRegistry(dynamo, table), DataVersionWrites.UNVERSIONED);
    }

    @Override
    public Calibration current() {
        return Dynamo.call("read the learned prices", () -> {
            return replacement.read(Keys.CALIBRATION, Keys.CALIBRATION_HEADER)
                    .map(stored -> CalibrationMapper.read(stored.header(), stored.rows()))
                    .orElse(Calibration.NONE);
        });
    }

    @Override
    public boolean replace(Calibration calibration, RunInfo run) {
        return Dynamo.call("store the learned prices", () -> {
            List<Map<String, AttributeValue>> rows = new ArrayList<>();
            for (CalibratedPrice price : calibration.prices()) {
                rows.add(CalibrationMapper.price(price, run));
            }
            for (ModelRatio model : calibration.models()) {
                rows.add(CalibrationMapper.model(model, run));
            }
            BucketReplacement.Bucket<Object> bucket = new BucketReplacement.Bucket<>(Keys.CALIBRATION,
                    Keys.CALIBRATION_HEADER, BucketReplacement.digest(CalibrationMapper.canonical(calibration)), rows,
                    Map.of(), new Object(),
                    (scopes, retired) -> CalibrationMapper.header(calibration, run));
            return replacement.replace(bucket, run, (scope, nothing) -> {
                throw new IllegalStateException("learned prices have no rollups");
            });
        });
    }
}
