/**
 * Work on agents: an app's replicas as assignments (spec §5.3), the leader's placement pass (orphans placed again,
 * a drained agent's work taken over before it is removed there) and a cluster release's progress, as pure
 * decisions ({@link dev.yoq.cluster.work.WorkPlan}, {@link dev.yoq.cluster.work.ClusterRollout}) driven by
 * {@link dev.yoq.cluster.work.ClusterWork}.
 */
package dev.yoq.cluster.work;
