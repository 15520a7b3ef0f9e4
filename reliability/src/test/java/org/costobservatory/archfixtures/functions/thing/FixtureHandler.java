package org.costobservatory.archfixtures.functions.thing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;

/** An architecture test fixture: a function module's handler... */
public final class FixtureHandler implements RequestStreamHandler {
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        new ReportJob().run();
    }
}
