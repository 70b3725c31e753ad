package io.fleetgate.internal;

import io.fleetgate.Principal;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class AccessContextTest {

    @Test
    void currentWhenNothingEnteredThenSystem() {
        assertThat(AccessContext.current()).isEqualTo(Principal.system());
    }

    @Test
    void enterWhenNestedThenInnerWinsAndEachCloseRestoresTheOuter() {
        Principal ana = Principal.driver("d_ana");
        Principal sam = Principal.supervisor("s_sam", "ws_1");
        try (AccessContext.Scope outer = AccessContext.enter(ana)) {
            assertThat(AccessContext.current()).isEqualTo(ana);
            try (AccessContext.Scope inner = AccessContext.enter(sam)) {
                assertThat(AccessContext.current()).isEqualTo(sam);
            }
            assertThat(AccessContext.current()).isEqualTo(ana);
        }
        assertThat(AccessContext.current()).isEqualTo(Principal.system());
    }

    @Test
    void enterWhenOnOneThreadThenOtherThreadsDoNotSeeIt() throws Exception {
        try (AccessContext.Scope scope = AccessContext.enter(Principal.driver("d_ana"))) {
            Principal elsewhere = CompletableFuture.supplyAsync(AccessContext::current).get();
            assertThat(elsewhere).isEqualTo(Principal.system());
        }
    }
}
