package dev.omnibus.kafka.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class CommitInFlightTest {

    @Test
    void aSentCommitHoldsTheNextOneUntilItIsAnswered() {
        CommitInFlight commits = new CommitInFlight(Duration.ofMinutes(10));
        assertThat(commits.busy()).isFalse();
        commits.sent();
        assertThat(commits.busy()).isTrue();
        commits.answered();
        assertThat(commits.busy()).isFalse();
    }

    @Test
    void aCommitWhoseAnswerIsLostStopsHoldingAfterTheTimeout() {
        CommitInFlight commits = new CommitInFlight(Duration.ZERO);
        commits.sent();
        assertThat(commits.busy()).isFalse();
    }
}
