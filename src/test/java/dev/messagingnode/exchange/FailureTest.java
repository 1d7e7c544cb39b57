package dev.messagingnode.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailureTest {

    @Test
    void wireCodesAreUniqueAndRoundTrip() {
        Set<Integer> codes = new HashSet<>();
        for (Failure f : Failure.values()) {
            assertThat(codes.add(f.code())).as("code of %s is unique", f).isTrue();
            assertThat(Failure.fromCode(f.code())).isSameAs(f);
        }
        assertThat(Failure.fromCode(-1)).isNull();
    }

    @Test
    void wireCodesAreStable() {
        // Peers and bridge clients depend on these numbers: change them only with a protocol version.
        assertThat(Failure.NO_SUCH_EXCHANGE.code()).isEqualTo(4001);
        assertThat(Failure.TIMED_OUT.code()).isEqualTo(4005);
        assertThat(Failure.ENDED.code()).isEqualTo(4011);
    }
}
