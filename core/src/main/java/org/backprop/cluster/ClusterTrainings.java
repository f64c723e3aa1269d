package org.backprop.cluster;

import java.util.ServiceLoader;

/** Finds a {@link ClusterTraining} engine on the class path. */
public final class ClusterTrainings {

    private ClusterTrainings() { }

    /** The engine called {@code name}, or an error saying how to put it on the class path. */
    public static ClusterTraining find(String name) {
        for (ClusterTraining t : ServiceLoader.load(ClusterTraining.class)) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException(name + " training needs the backprop-" + name + " module and "
                + name + " on the class path: build everything (mvn -B -q -DskipTests package) and run ./backprop,"
                + " or submit the backprop-" + name + " jar with spark-submit");
    }
}
