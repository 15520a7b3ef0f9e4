package org.costobservatory.archfixtures.cycle.right;

import org.costobservatory.archfixtures.cycle.left.Left;

/** Broken on purpose (architecture test fixture): left and right depend on each other. */
public final class Right {
    public Left partner() {
        return new Left();
    }
}
