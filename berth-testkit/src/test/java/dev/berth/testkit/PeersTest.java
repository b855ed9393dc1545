package dev.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class PeersTest {

  @Test
  void aMissingPeerFailsNamingThePackage() {
    String previous = System.getProperty(Peers.OPTIONAL_SWITCH);
    System.setProperty(Peers.OPTIONAL_SWITCH, "false");
    try {
      assertThatThrownBy(() -> Peers.require("berth-no-such-peer", "berth-peer-package"))
          .isInstanceOf(Peers.PeerMissingError.class)
          .hasMessageContaining("apt-get install berth-peer-package");
    } finally {
      restore(previous);
    }
  }

  @Test
  void aMissingOptionalPeerAbortsTheTest() {
    String previous = System.getProperty(Peers.OPTIONAL_SWITCH);
    System.setProperty(Peers.OPTIONAL_SWITCH, "true");
    try {
      assertThatThrownBy(() -> Peers.require("berth-no-such-peer", "berth-peer-package"))
          .isInstanceOf(TestAbortedException.class);
    } finally {
      restore(previous);
    }
  }

  @Test
  void findsAnInstalledProgram() {
    assertThat(Peers.require("sh", "dash")).isExecutable();
  }

  private static void restore(String previous) {
    if (previous == null) {
      System.clearProperty(Peers.OPTIONAL_SWITCH);
    } else {
      System.setProperty(Peers.OPTIONAL_SWITCH, previous);
    }
  }
}
