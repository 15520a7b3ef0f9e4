package org.costobservatory.archfixtures.functions.thing;

/** Broken on purpose (architecture test fixture): ...with a job beside it that belongs in shared/. */
final class ReportJob {
    void run() {
    }
}
