package dev.yoq.bench;

import dev.yoq.cluster.schedule.NodeCapacity;
import dev.yoq.cluster.schedule.PlacementRequest;
import dev.yoq.cluster.schedule.Placements;
import dev.yoq.cluster.schedule.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One scheduler pass placing 10,000 requests (mixed sizes, 500 services, 10% with a zone label) on 1,000 nodes of
 * mixed sizes. bench/scheduler.sh turns the time per pass into placements per second; the peer is Nomad's
 * published C1M figure (3,750 placements/s), which cannot be run here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SchedulerBenchmark {
    List<NodeCapacity> nodes;
    List<PlacementRequest> requests;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        int[] cores = {2, 4, 8, 16, 32, 64};
        nodes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int c = cores[random.nextInt(cores.length)];
            nodes.add(NodeCapacity.empty(String.format("node-%04d", i), c, c * 4096L)
                    .withLabels(Map.of("zone", "z" + random.nextInt(3))));
        }
        long[] cpus = {100, 250, 500, 1000, 2000};
        long[] mems = {64, 128, 256, 512, 1024};
        requests = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            PlacementRequest r = PlacementRequest.replica("req-" + i, "app/svc-" + random.nextInt(500))
                    .withResources(cpus[random.nextInt(cpus.length)], mems[random.nextInt(mems.length)]);
            if (random.nextInt(10) == 0) r = r.withLabels(Map.of("zone", "z" + random.nextInt(3)));
            requests.add(r);
        }
    }

    @Benchmark
    public Placements place10kOn1kNodes() {
        return Scheduler.place(nodes, requests);
    }
}
