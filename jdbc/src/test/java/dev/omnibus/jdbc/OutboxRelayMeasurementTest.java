package dev.omnibus.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Keeps the standalone measurement runnable: a tiny run on the memory broker; asserts no timing. */
class OutboxRelayMeasurementTest {
    @Test
    void theMeasurementRunsAndReports() throws Exception {
        assumeTrue(Brokers.driverPresent("memory"), "omnibus-driver-memory is not on the test class path");
        String report = OutboxRelayMeasurement.run(Brokers.memoryUrl(), 500, 200, 1, 50, 20, 16);
        System.out.println(report);
        assertThat(report).contains("throughput: 500 rows").contains("n=200");
    }
}
