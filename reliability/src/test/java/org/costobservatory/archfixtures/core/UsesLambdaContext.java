package org.costobservatory.archfixtures.core;

import com.amazonaws.services.lambda.runtime.Context;

/** Broken on purpose (architecture test fixture): core code that knows Lambda's types. */
public final class UsesLambdaContext {
    public long remainingMillis(Context context) {
        return context.getRemainingTimeInMillis();
    }
}
