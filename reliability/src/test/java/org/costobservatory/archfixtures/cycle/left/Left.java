package org.costobservatory.archfixtures.cycle.left;

import org.costobservatory.archfixtures.cycle.right.Right;

/** Broken on purpose (architecture test fixture): left and right depend on each other. */
public final class Left {
    public Right partner() {
        return new Right();
    }
}
